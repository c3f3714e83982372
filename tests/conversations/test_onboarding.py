"""People join with their invite link; strangers and broken links get a polite explanation and nothing else."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from storage.models import Account
from tests.helpers import Chat, invite_code, joined


async def accounts(services) -> int:
    async with services.sessions() as session:
        return (await session.execute(select(func.count()).select_from(Account))).scalar_one()


async def test_a_student_opens_their_link_and_is_greeted_by_name_with_their_menu(engine, services):
    student = await joined(engine, services, "王小明", 1001)
    screen = student.screens[-1]
    assert "欢迎你，王小明" in screen.text and "山西大学附属中学" in screen.text
    labels = [label for row in screen.menu for label in row]
    assert "📝 写成长日志" in labels and "👥 我的学生" not in labels


async def test_an_english_phone_gets_english(engine, services):
    mentor = await joined(engine, services, "李明教授", 2001, language="en")
    assert "Welcome, 李明教授" in mentor.last
    assert "👥 My students" in [label for row in mentor.screens[-1].menu for label in row]


async def test_a_used_link_does_not_work_for_someone_else(engine, services):
    code = await invite_code(services, "王小明")
    first, second = Chat(engine, 1001), Chat(engine, 1002)
    await first.send(f"/start {code}")
    await second.send(f"/start {code}")
    assert "已经被使用" in second.last
    assert second.screens[-1].menu is None
    assert await accounts(services) == 1


async def test_unknown_and_expired_links_and_plain_strangers_get_directions_only(engine, services, clock):
    stranger = Chat(engine, 3001)
    await stranger.send("/start NOSUCHCODE123")
    assert "无法识别" in stranger.last or "不认识" in stranger.last or "邀请链接" in stranger.last
    await stranger.send("/start")
    assert "邀请链接" in stranger.last and not stranger.screens[-1].buttons and stranger.screens[-1].menu is None
    await stranger.send("/progress")
    await stranger.send("你好")
    assert all("邀请链接" in s.text for s in stranger.screens[-2:])
    code = await invite_code(services, "孙悦")
    clock.advance(timedelta(days=31))
    await stranger.send(f"/start {code}")
    assert "过期" in stranger.last
    assert await accounts(services) == 0


async def test_a_stranger_cannot_press_buttons(engine, services):
    stranger = Chat(engine, 3002)
    await stranger.press(payload="mylogs:open:1")
    assert "邀请链接" in stranger.last


async def test_language_switch_changes_the_menu(engine, services):
    student = await joined(engine, services, "王小明", 1001)
    await student.send("/language")
    await student.press("English")
    assert "English" in student.last
    assert "📝 New growth log" in [label for row in student.screens[-1].menu for label in row]
    await student.send("📈 My progress")
    assert "Confirmed sessions: 0/10" in student.last


async def test_a_redelivered_update_is_dropped(engine, services):
    from handlers.kit import Incoming

    student = await joined(engine, services, "王小明", 1001)
    first = await engine.handle(Incoming(user_id=1001, chat_id=1001, update_id=777_001, command="progress"))
    again = await engine.handle(Incoming(user_id=1001, chat_id=1001, update_id=777_001, command="progress"))
    assert "0/10" in first.screens[0].text and again.screens == []
    assert student.user_id == 1001


async def test_a_phone_passed_on_to_someone_else_keeps_no_drafts(engine, services):
    from tests.helpers import invite_code

    wang = await joined(engine, services, "王小明", 1001)
    await wang.send("/log")
    await wang.press("阅读")
    await wang.press("今天")
    await wang.send("王小明的私人心得")
    await Chat(engine, 5555).send(f"/start {await invite_code(services, '王小明')}")  # 王小明 moves to a new phone
    liu = Chat(engine, 1001)
    await liu.send(f"/start {await invite_code(services, '刘思源')}")  # the old phone goes to 刘思源
    await liu.send("/log")
    assert "没写完" not in liu.last and "什么活动" in liu.last


async def test_forged_payloads_of_every_shape_read_as_not_found(engine, services):
    student = await joined(engine, services, "王小明", 1001)
    for payload in ("mylogs:open:²", "mylogs:open:-1", "mylogs:open:99999999999999999", "mylogs:open:1:2:3:4",
                    "mylogs:open", "mylogs::", ":::", "log:session:١٢", "x" * 64, "rsvp:yes:abc"):
        await student.press(payload=payload)
        assert "出了点问题" not in student.said(2), payload
