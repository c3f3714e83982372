"""A student hands in the annual materials with a checklist of what is missing; only their own files can go."""
from __future__ import annotations

from sqlalchemy import select

from storage.models import AnnualMaterial
from tests.conftest import at
from tests.helpers import joined


async def test_a_student_hands_in_both_reports_and_the_checklist_follows(engine, services, clock):
    clock.set(at("2026-11-20 10:00"))
    student = await joined(engine, services, "王小明", 1001)
    await student.send("/materials")
    assert "还缺：课题报告、培养报告" in student.last
    await student.press("提交：课题报告")
    await student.send("我的课题报告写完了")
    assert "请以文件或照片的形式发送" in student.said(2)
    await student.send_file("document", "f-big", name="huge.pdf", size=21 * 1024 * 1024)
    assert "超过 20 MB" in student.said(2)
    await student.send_file("document", "f-1", name="课题报告.pdf")
    await student.press("完成")
    assert "还缺：培养报告" in student.last and "课题报告.pdf" in student.last
    await student.press("提交：培养报告")
    await student.send_file("document", "f-2", name="阅读报告.docx")
    await student.press("完成")
    assert "已全部提交" in student.last
    async with services.sessions() as session:
        stored = (await session.execute(select(AnnualMaterial.kind, AnnualMaterial.file_name))).all()
    assert sorted(stored) == [("research_report", "课题报告.pdf"), ("training_report", "阅读报告.docx")]


async def test_only_a_student_removes_only_their_own_file_and_not_after_the_due_date(engine, services, clock):
    clock.set(at("2026-11-20 10:00"))
    wang = await joined(engine, services, "王小明", 1001)
    await wang.send("/materials")
    await wang.press("提交：课题报告")
    await wang.send_file("document", "f-1", name="课题报告.pdf")
    async with services.sessions() as session:
        material = (await session.execute(select(AnnualMaterial))).scalar_one()
    liu = await joined(engine, services, "刘思源", 1002)
    await liu.press(payload=f"mat:remove:{material.id}")
    mentor = await joined(engine, services, "李明教授", 2001)
    await mentor.press(payload=f"mat:remove:{material.id}")
    assert "你的身份不能使用这个功能" in mentor.last
    async with services.sessions() as session:
        assert (await session.execute(select(AnnualMaterial.removed_at))).scalar_one() is None
    clock.set(at("2026-12-01 10:00"))
    await wang.send("/materials")
    await wang.press("提交：培养报告")
    assert "已经过了。请联系管理办公室" in wang.said(2)
