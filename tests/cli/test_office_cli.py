"""The office clerk's commands: import a roster (CSV/XLSX, broken rows reported), hand out invite links."""
from __future__ import annotations

import asyncio
import csv
import io
import re

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from bot.cli import main
from storage.db import create_engine, session_factory
from storage.models import Invite, Person, PersonRole, Supervision
from tests.helpers import ROSTER_CSV

BROKEN = """姓名,角色,学校,学科,年级,导师,指导教师
李明教授,导师,山西大学,物理学,,,
张丽,指导教师,山西大学附属中学,,,,
王小明,学生,山西大学附属中学,物理,高一,李明教授,张丽
,学生,山西大学附属中学,物理学,高一,李明教授,张丽
赵一,校长,山西大学附属中学,,,,
钱二,学生,山西大学附属中学,化学,高一,李明教授,张丽
孙三,学生,山西大学附属中学,数学,高三,李明教授,张丽
周四,学生,山西大学附属中学,数学,高二,不存在的导师,张丽
王小明,学生,山西大学附属中学,物理学,高一,李明教授,张丽
吴五,<P&Q>,山西大学附属中学,,,,
"""


@pytest.fixture
def env(monkeypatch, database_url):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("BOT_USERNAME", "yingcai_demo_bot")
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    monkeypatch.setenv("YINGCAI_LANG", "zh_CN")
    return database_url


def count(url: str, model) -> int:  # noqa: ANN001
    async def run() -> int:
        engine = create_engine(url)
        async with session_factory(engine)() as session:
            value = (await session.execute(select(func.count()).select_from(model))).scalar_one()
        await engine.dispose()
        return value
    return asyncio.run(run())


def test_roster_import_is_idempotent(env, tmp_path, capsys):
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER_CSV, encoding="utf-8")
    assert main(["roster", "import", str(roster)]) == 0
    assert "8 个新增" in capsys.readouterr().out or count(env, Person) == 8
    assert count(env, Person) == 8 and count(env, Supervision) == 6
    assert main(["roster", "import", str(roster)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"0\D+0\D+8", out), out  # 0 added, 0 updated, 8 unchanged
    assert count(env, Person) == 8 and count(env, PersonRole) == 8 and count(env, Supervision) == 6


def test_broken_rows_are_reported_by_row_and_good_rows_still_import(env, tmp_path, capsys):
    roster = tmp_path / "名册.csv"
    roster.write_bytes(BROKEN.encode("gb18030"))  # what Excel in China saves
    assert main(["roster", "import", str(roster)]) == 1
    err = capsys.readouterr().err
    for row in (5, 6, 7, 8, 9, 10, 11):
        assert f"第 {row} 行" in err, err
    assert "校长" in err and "化学" in err and "不存在的导师" in err and "第 4 行" in err
    assert "“<P&Q>”" in err  # the terminal is not HTML: shown as typed, not as &lt;P&amp;Q&gt;
    assert count(env, Person) == 3


def test_xlsx_rosters_with_english_headers(env, tmp_path, capsys):
    book = Workbook()
    sheet = book.active
    for line in csv.reader(io.StringIO(ROSTER_CSV)):
        sheet.append(line)
    path = tmp_path / "roster.xlsx"
    book.save(path)
    assert main(["roster", "import", str(path)]) == 0
    assert count(env, Person) == 8


def test_a_file_that_is_not_a_roster(env, tmp_path, capsys):
    path = tmp_path / "photo.xlsx"
    path.write_bytes(b"\x89PNG not a workbook")
    assert main(["roster", "import", str(path)]) == 2
    assert "Excel" in capsys.readouterr().err
    assert count(env, Person) == 0


def test_invites_are_printed_once_per_person_and_can_be_reissued(env, tmp_path, capsys):
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER_CSV, encoding="utf-8")
    main(["roster", "import", str(roster)])
    capsys.readouterr()
    assert main(["invites", "--role", "学生", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["name"] for r in rows] == ["刘思源", "王小明", "孙悦"] or len(rows) == 3
    assert all(r["link"] == f"https://t.me/yingcai_demo_bot?start={r['code']}" for r in rows)
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{1,64}", r["code"]) for r in rows)
    main(["invites", "--role", "student", "--format", "csv"])
    again = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["code"] for r in again} == {r["code"] for r in rows}  # printing again does not invalidate
    wang = next(r for r in rows if r["name"] == "王小明")
    assert main(["invites", "--reissue", "王小明", "--format", "csv"]) == 0
    fresh = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(fresh) == 1 and fresh[0]["code"] != wang["code"]
    assert count(env, Invite) == 4
    assert main(["invites"]) == 0
    assert "邀请码" in capsys.readouterr().out


def test_on_dingtalk_invites_show_the_code_to_send_beside_the_telegram_link(env, tmp_path, monkeypatch, capsys):
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER_CSV, encoding="utf-8")
    main(["roster", "import", str(roster)])
    monkeypatch.setenv("DINGTALK_CLIENT_ID", "dingclient")
    monkeypatch.setenv("DINGTALK_CLIENT_SECRET", "secret")
    capsys.readouterr()
    assert main(["invites", "--role", "学生", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert all(r["dingtalk"] == f"绑定 {r['code']}" and r["link"].endswith(r["code"]) for r in rows)
    monkeypatch.delenv("BOT_USERNAME")  # DingTalk only: no Telegram link to build, and none is asked for
    assert main(["invites", "--role", "学生"]) == 0
    out = capsys.readouterr().out
    assert "钉钉" in out and "t.me" not in out


def test_invites_need_the_bot_username(env, monkeypatch, capsys):
    monkeypatch.delenv("BOT_USERNAME")
    assert main(["invites"]) == 2
    assert "BOT_USERNAME" in capsys.readouterr().err


def test_the_office_reopens_a_window_for_one_mentor(env, tmp_path, capsys):
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER_CSV, encoding="utf-8")
    main(["roster", "import", str(roster)])
    assert main(["reopen", "--mentor", "李明教授", "--kind", "initial", "--until", "2099-04-20"]) == 0
    assert "李明教授" in capsys.readouterr().out
    assert main(["reopen", "--mentor", "张丽", "--kind", "initial", "--until", "2099-04-20"]) == 2
    assert main(["reopen", "--mentor", "李明教授", "--kind", "initial", "--until", "2001-04-20"]) == 2

    from storage.models import WindowOverride
    assert count(env, WindowOverride) == 1
