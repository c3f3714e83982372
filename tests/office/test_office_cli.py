"""The office clerk's new commands: QR invite sheets read back by a QR reader, the Excel export, the chart, audit."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image

from bot.cli import main
from tests.helpers import ROSTER_CSV


@pytest.fixture
def env(monkeypatch, database_url, tmp_path):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("BOT_USERNAME", "yingcai_demo_bot")
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    monkeypatch.setenv("YINGCAI_LANG", "zh_CN")
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER_CSV, encoding="utf-8")
    assert main(["roster", "import", str(roster)]) == 0
    return database_url


def _cjk_font_or_skip() -> None:
    from program.chart import ChartUnavailable, cjk_family

    try:
        cjk_family()
    except ChartUnavailable:
        pytest.skip("no CJK font installed (Debian fonts-noto-cjk; `make test` installs it)")


def test_each_invite_qr_code_carries_that_persons_link(env, tmp_path, capsys):
    zxingcpp = pytest.importorskip("zxingcpp", reason="zxing-cpp reads the QR codes back (pip install zxing-cpp)")
    _cjk_font_or_skip()
    capsys.readouterr()
    assert main(["invites", "--format", "csv"]) == 0
    links = {(r["name"], r["school"]): r["link"] for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    folder = tmp_path / "qr"
    assert main(["invites", "--qr", str(folder)]) == 0
    assert "8" in capsys.readouterr().out
    pngs = sorted(folder.glob("*/*.png"))
    assert len(pngs) == len(links) == 8
    for png in pngs:
        school = png.parent.name
        name = png.stem.rsplit("-", 1)[0]
        decoded = [code.text for code in zxingcpp.read_barcodes(Image.open(png))]
        assert decoded == [links[(name, school)]], png
    sheet = folder / "山西大学附属中学.pdf"
    assert sheet.read_bytes().startswith(b"%PDF")
    assert {p.name for p in folder.glob("*.pdf")} == {f"{school}.pdf" for _, school in links}


def test_the_export_command_writes_the_workbook_and_is_audited(env, tmp_path, capsys):
    path = tmp_path / "report.xlsx"
    assert main(["export", str(path), "--school", "山西省实验中学", "--from", "2026-01-01", "--to", "2026-12-31"]) == 0
    out = capsys.readouterr().out
    assert "人员：3 行" in out and "成长日志：0 行" in out
    book = load_workbook(path, read_only=True)
    people = [row for row in book["人员"].iter_rows(values_only=True)]
    assert [row[0] for row in people[1:]] == ["李明教授", "陈刚", "孙悦"]  # the school's student and her staff
    assert main(["export", str(tmp_path / "x.xlsx"), "--from", "2026-05-01", "--to", "2026-04-01"]) == 2
    assert main(["export", str(tmp_path / "x.xlsx"), "--from", "yesterday"]) == 2
    assert main(["audit"]) == 0
    listed = capsys.readouterr().out
    assert "导出了 Excel" in listed and "report.xlsx" in listed and "命令行" in listed


def test_the_chart_is_a_picture_of_the_overview(env, tmp_path, capsys):
    _cjk_font_or_skip()
    path = tmp_path / "chart.png"
    assert main(["report", str(path)]) == 0
    with Image.open(path) as image:
        assert image.format == "PNG" and image.width >= 1000 and image.height >= 600
    assert main(["report", str(Path("/nonexistent/dir/chart.png"))]) == 2


def test_mydata_prints_what_is_stored_about_a_person(env, tmp_path, capsys):
    import json

    capsys.readouterr()
    assert main(["mydata", "--person", "王小明"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["person"]["name"] == "王小明" and found["growth_logs"] == []
    assert main(["mydata", "--person", "无名氏"]) == 2
