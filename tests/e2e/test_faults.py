"""Telegram says no: flood control on a reply, a student who blocked the bot, a restart with notices queued."""
from __future__ import annotations

from sqlalchemy import select

from storage.models import Account, OutboxMessage


async def schedule_for_all(mentor) -> None:
    await mentor.send_command("schedule")
    await mentor.send_text("明天 10:00")
    await mentor.send_text("图书馆 201")
    await mentor.send_text("读书会")
    await mentor.press("全选")
    await mentor.press("完成 ▶")
    await mentor.press("📨 安排并通知")


async def test_a_reply_hit_by_flood_control_is_sent_after_retry_after(telegram_world):
    student = await telegram_world.person("王小明")
    telegram_world.emu.fail_next("sendMessage", error_code=429, description="Too Many Requests: retry after 1",
                        retry_after=1)
    await student.send_command("progress")
    assert "0/10" in student.last.text


async def test_blocked_students_are_marked_unreachable_and_others_still_get_their_notice(telegram_world):
    mentor = await telegram_world.person("李明教授")
    wang, sun = await telegram_world.person("王小明"), await telegram_world.person("孙悦")
    telegram_world.emu.block(sun.id, announce=False)  # the block notice has not reached the bot: the send finds out
    await schedule_for_all(mentor)
    await telegram_world.deliver_outbox()
    await wang.wait_for(lambda messages: any("读书会" in m.text for m in messages))
    async with telegram_world.services.sessions() as session:
        # Only the invitations: on a busy machine the start-up sweep may still run when the mentor joins, and
        # in November he is owed the annual evaluation's reminder too.
        rows = {row.person_id: row.status for row in (await session.execute(
            select(OutboxMessage).where(OutboxMessage.kind == "session_invite"))).scalars()}
        blocked = (await session.execute(select(Account).where(Account.external_id == 1003))).scalar_one()
    assert sorted(rows.values()) == ["sent", "unreachable"]  # kept: it goes out if 孙悦 writes again
    assert blocked.unreachable_at is not None
    await telegram_world.deliver_outbox()
    assert sum("读书会" in m.text for m in wang.messages) == 1


async def test_notices_wait_out_flood_control_and_survive_a_restart_without_doubles(telegram_world):
    mentor = await telegram_world.person("李明教授")
    wang, sun = await telegram_world.person("王小明"), await telegram_world.person("孙悦")
    telegram_world.emu.fail_next("sendMessage", error_code=429, description="Too Many Requests: retry after 1",
                                 retry_after=1, times=1)
    await schedule_for_all(mentor)
    await telegram_world.deliver_outbox()
    await telegram_world.restart_bot()
    for _ in range(3):
        await telegram_world.deliver_outbox()
    for student in (wang, sun):
        await student.wait_for(lambda messages: any("读书会" in m.text for m in messages), timeout=10)
    assert sum("读书会" in m.text for m in wang.messages) == 1
    assert sum("读书会" in m.text for m in sun.messages) == 1
    async with telegram_world.services.sessions() as session:
        statuses = [row.status for row in (await session.execute(
            select(OutboxMessage).where(OutboxMessage.kind == "session_invite"))).scalars()]
    assert statuses == ["sent", "sent"]  # (the restart's sweep also reminded the mentor of the open window)


async def test_notices_wait_for_people_who_join_later_or_unblock_the_bot(telegram_world):
    mentor = await telegram_world.person("李明教授")
    wang = await telegram_world.person("王小明")
    wang.block()
    await schedule_for_all(mentor)  # 孙悦 has not opened her invite yet
    await telegram_world.deliver_outbox()
    sun = await telegram_world.person("孙悦")
    await telegram_world.deliver_outbox()
    await sun.wait_for(lambda messages: any("读书会" in m.text for m in messages))
    assert not any("读书会" in m.text for m in wang.messages)
    wang.unblock()
    await wang.send_command("progress")  # writing again makes them reachable
    await telegram_world.deliver_outbox()
    await wang.wait_for(lambda messages: any("读书会" in m.text for m in messages))
    async with telegram_world.services.sessions() as session:
        invitations = await session.execute(select(OutboxMessage.status).where(OutboxMessage.kind == "session_invite"))
        assert invitations.scalars().all() == ["sent", "sent"]  # a reminder of the sweeper may sit beside them
