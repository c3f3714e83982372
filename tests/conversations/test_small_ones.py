"""Issue 12, items 8, 9 and 12: first contact, free text, sent-back logs, and the small things."""
from __future__ import annotations

from sqlalchemy import select

from storage.models import GrowthLog
from tests.conftest import at
from tests.helpers import joined


async def to_files_step(student) -> None:
    await student.send("/log")
    await student.press("研讨")
    await student.press("今天")
    await student.send("参加了数学讨论班")
    await student.press("下一步")
    await student.press("跳过")
    await student.press("跳过")
    await student.send("两个半小时")


async def test_step_seven_names_its_button_and_removing_files_asks_first(engine, services):
    student = await joined(engine, services, "王小明", 1001)
    await to_files_step(student)
    assert "点“无附件，去核对 ▶”" in student.last and "“完成”" not in student.last
    await student.send_file("photo", "P1")
    await student.send_file("photo", "P2")
    assert "点“完成，去核对 ▶”" in student.last
    await student.press("删除附件")
    assert "2 个附件" in student.last and "2 张照片" not in student.last
    await student.press("保留")
    assert "2 张照片" in student.last
    await student.press("删除附件")
    await student.press("确认删除")
    assert "无附件，去核对" in student.find("去核对").label


async def test_the_choice_just_made_is_marked_on_its_message(engine, services):
    student = await joined(engine, services, "王小明", 1001)
    await student.send("/log")
    await student.press("研讨")
    assert student.settled[-1], "the kind question keeps only “✓ 研讨”"


async def test_an_unfinished_draft_is_named_with_chinese_punctuation_and_the_diary_is_explained(engine, services):
    student = await joined(engine, services, "王小明", 1001)
    await student.send("/log")
    await student.press("学术报告")
    await student.press("今天")
    await student.send("/cancel")
    await student.send("/log")
    assert "学术报告、11月20日（周五）" in student.last and ", " not in student.last
    await student.press("继续")
    await student.send("/cancel")
    await student.send("/log")
    await student.press("重新开始")
    await student.press("其他")
    await student.press("今天")
    await student.send("整理了错题本")
    await student.press("下一步")
    await student.press("跳过")
    await student.press("跳过")
    await student.send("1")
    await student.press("去核对")
    await student.press("提交")
    await student.send("/mylogs")
    assert "📓 日记（“其他”类活动，不需要老师确认" in student.last


async def test_a_sent_back_log_shows_in_my_progress_and_a_part_can_be_added_to(engine, services):
    student = await joined(engine, services, "王小明", 1001)
    teacher = await joined(engine, services, "张丽", 3001)
    await to_files_step(student)
    await student.press("去核对")
    await student.press("提交")
    await teacher.send("/confirm")
    await teacher.press("退回 #1")
    await teacher.send("请写清楚讨论了哪道题、你讲了什么。")
    await student.send("/progress")
    assert "1 篇日志被退回" in student.last and "请写清楚讨论了哪道题" in student.last
    await student.press("修改 11月20日（周五） 研讨")
    await student.press("修改某项")
    await student.press("做了什么")
    assert "可以再发一条补充" in student.last and "发新消息会替换" not in student.last
    await student.send("讲了费马小定理的两种证明。")
    await student.press("下一步")
    await student.press("保存修改")
    async with services.sessions() as session:
        log = (await session.execute(select(GrowthLog))).scalar_one()
    assert log.did == "参加了数学讨论班\n讲了费马小定理的两种证明。" and log.status == "submitted"
    await student.send("/progress")
    assert "被退回" not in student.last


async def test_the_platform_copy_is_per_field_with_chinese_colons_and_its_mark_can_be_taken_back(engine, services,
                                                                                                 clock):
    clock.set(at("2026-04-03 10:00"))
    mentor = await joined(engine, services, "李明教授", 2001)
    await mentor.send("/evaluate")
    await mentor.press("初期评价")
    await mentor.press("王小明")
    await mentor.press("良好")
    answers = ("按计划参加培养。", "石墨烯中的电子输运", "测量电阻随温度的变化。", "完成了文献阅读。", "基础扎实。")
    for answer in answers:
        await mentor.send(answer)
    await mentor.press("提交")
    before = len(mentor.screens)
    await mentor.press("复制到平台")
    fields = mentor.screens[before + 1:]
    assert len(fields) == 6 and "<pre>良好</pre>" in fields[0].text and "<pre>基础扎实。</pre>" in fields[-1].text
    await mentor.press("已在平台提交")
    assert "<pre>基础扎实。</pre>" in fields[-1].text and not mentor.screens[-1].replace, "the copy stays"
    await mentor.press("撤销")
    assert "还没有在平台提交" in mentor.last

    clock.set(at("2026-11-20 10:00"))
    student = await joined(engine, services, "王小明", 1001)
    await to_files_step(student)
    await student.press("去核对")
    await student.press("提交")
    async with services.sessions() as session:
        log_id = (await session.execute(select(GrowthLog.id))).scalar_one()
    await student.send("/mylogs")
    await student.press("研讨")
    await student.press("复制到平台")
    assert "做了什么：\n参加了数学讨论班" in student.last and ":" not in student.last.split("<pre>")[1]
    await student.press("已在平台提交")
    await student.press("撤销")
    async with services.sessions() as session:
        assert (await session.get(GrowthLog, log_id)).platform_submitted_at is None


async def test_the_welcome_names_the_next_step_and_who_looks_after_the_student(engine, services):
    student = await joined(engine, services, "王小明", 1001)
    assert "李明教授" in student.last and "张丽" in student.last and "写成长日志" in student.last
    teacher = await joined(engine, services, "张丽", 3001)
    assert "待确认" in teacher.last


async def test_free_text_about_an_activity_offers_to_start_a_log_with_it(engine, services):
    student = await joined(engine, services, "王小明", 1001)
    await student.send("你好，我今天去听了一个讲座，要怎么记录？")
    assert "没看懂" not in student.last and "成长日志" in student.last
    await student.press("用这段话写成长日志")
    assert "哪一天" in student.last
    await student.press("今天")
    assert "听了一个讲座" in student.last, "what the student wrote is kept as what they did"
    await student.press("下一步")
    await student.press("跳过")
    await student.press("跳过")
    await student.send("2")
    await student.press("去核对")
    assert "学术报告" in student.last
