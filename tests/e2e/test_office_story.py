"""The office's year on every channel: the overview with its chart, a plan approved, an annual result recorded."""
from __future__ import annotations

from sqlalchemy import select

from storage.models import AnnualResult, TrainingPlan
from tests.conftest import at


async def test_the_office_sees_the_chart_approves_a_plan_and_records_a_result(world, clock):
    clock.set(at("2026-03-03 10:00"))  # a Tuesday: no weekly summary arrives in between
    clerk, mentor = await world.person("王主任"), await world.person("李明教授")
    wang = await world.person("王小明")

    await clerk.choose("📊 项目概况")
    if world.channel == "dingtalk":  # no bot-made files on DingTalk yet: the chart is named, the text follows
        assert any("暂不能" in m.text for m in clerk.messages)
    else:
        photo = next(m for m in clerk.messages if m.kind == "photo")
        assert world.emu.files[photo.file_id].data.startswith(b"\x89PNG")
    assert any("项目概况" in m.text for m in clerk.messages)

    await clerk.choose("🧑‍🎓 学生管理")
    await clerk.press(next(t for t in clerk.last.button_texts() if "山西大学附属中学" in t))
    await clerk.press("刘思源")
    await clerk.press("🔁 新邀请码")
    if world.channel != "dingtalk":  # the link and its QR code, which the office can show or print
        assert clerk.last.kind == "photo" and "https://t.me/yingcai_test_bot?start=" in clerk.last.text

    await mentor.choose("📋 培养计划")
    await mentor.press(next(t for t in mentor.last.button_texts() if "王小明" in t))
    for answer in ("掌握力学基础", "《费曼物理学讲义》", "单摆周期测量", "3月 2次，4月 2次，5月 2次，6月 2次，9月 2次"):
        await mentor.send_text(answer)
    await mentor.press("📨 发送给管理办公室")
    await world.deliver_outbox()  # the office is told first; its notice must not land after the list below
    await clerk.wait_for(lambda messages: any("提交了王小明的培养计划" in m.text for m in messages))
    await clerk.choose("📋 审核培养计划")
    await clerk.press(next(t for t in clerk.last.button_texts() if "王小明" in t))
    await clerk.press("✅ 批准")
    assert "已批准王小明的培养计划" in clerk.last.text
    await world.deliver_outbox()
    await mentor.wait_for(lambda messages: any("批准" in m.text or "通过" in m.text for m in messages))
    await wang.choose("📋 培养计划")
    assert "单摆周期测量" in wang.last.text

    await clerk.choose("🎓 年度结果")
    await clerk.press(next(t for t in clerk.last.button_texts() if "山西大学附属中学" in t))
    await clerk.press("王小明")
    for rating in ("优秀", "良好", "合格", "良好"):
        await clerk.press(rating)
    await clerk.press("合格")
    await clerk.press("否")
    await clerk.press("💾 保存并通知学生")
    await world.deliver_outbox()
    await wang.wait_for(lambda messages: any("年度评价结果" in m.text for m in messages))
    async with world.services.sessions() as session:
        assert (await session.execute(select(TrainingPlan.status))).scalar_one() == "approved"
        assert (await session.execute(select(AnnualResult.outcome))).scalar_one() == "qualified"
