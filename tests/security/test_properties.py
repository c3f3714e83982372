"""Property-based: the parsers of what people type and the cutting of long screens hold for any input."""
from __future__ import annotations

import html
from datetime import date, datetime

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.channels.telegram_text import plain_text, split_text, units, visible_length
from bot.emulator.html import parse_html
from program.clock import PROGRAM_ZONE
from program.dates import parse_activity_date
from program.errors import InvalidInput
from program.growth_log import MAX_HOURS, MIN_HOURS, TEXT_LIMIT, check_text_part, parse_hours
from program.roster import RosterFileError, parse_roster, read_table
from program.session_times import parse_session_start, parse_session_time
from program.text import has_invisible, strip_controls
from tests.security.properties import CHARS, TYPED, counted

TODAY = date(2026, 11, 20)
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=PROGRAM_ZONE)
FAST = settings(max_examples=150, deadline=None)


@FAST
@given(TYPED)
def test_strip_controls_leaves_no_control_and_is_stable(text):
    counted("strip_controls")
    clean = strip_controls(text)
    assert not any(ord(c) < 32 and c not in "\n\t" or 0x7F <= ord(c) <= 0x9F for c in clean)
    assert strip_controls(clean) == clean and "\r" not in clean


@FAST
@given(st.one_of(TYPED, st.from_regex(r"\A\s*\d{1,4}([.,，]\d{1,4})?\s*(小时|h|个小时)?\s*\Z")))
def test_hours_are_a_number_in_range_or_a_clear_refusal(text):
    counted("parse_hours")
    try:
        hours = parse_hours(text)
    except InvalidInput:
        return
    assert MIN_HOURS <= hours <= MAX_HOURS and round(hours, 1) == hours


@FAST
@given(TYPED)
def test_activity_dates_are_real_past_days_or_a_clear_refusal(text):
    counted("parse_activity_date")
    try:
        day = parse_activity_date(text, TODAY)
    except InvalidInput:
        return
    assert (TODAY - day).days in range(0, 367)


@FAST
@given(st.one_of(TYPED, st.from_regex(r"\A(\d{1,4}[-/年])?\d{1,2}[-/月]\d{1,2}日? \d{1,2}[:：]\d{1,2}\Z")))
def test_session_times_are_in_the_future_or_a_clear_refusal(text):
    counted("parse_session_start")
    for parse in (parse_session_start, lambda t, now: parse_session_time(t, now)[0]):
        try:
            moment = parse(text, NOW)
        except InvalidInput:
            continue
        assert moment > NOW and (moment - NOW).days <= 366


@FAST
@given(st.text(CHARS, max_size=2100), TYPED)
def test_a_text_part_never_passes_its_limit_and_nothing_is_cut(existing, addition):
    counted("check_text_part")
    existing = existing[:TEXT_LIMIT]
    try:
        combined = check_text_part(existing, addition)
    except InvalidInput:
        return
    assert len(combined) <= TEXT_LIMIT and combined.endswith(addition.strip())


LINE = st.tuples(st.text(CHARS, max_size=120), st.booleans()).map(
    lambda pair: f"<b>{html.escape(pair[0])}</b>" if pair[1] else html.escape(pair[0]))


@FAST
@given(st.lists(LINE, min_size=1, max_size=40), st.integers(100, 4096))
def test_every_part_of_a_long_screen_fits_and_nothing_is_lost(lines, limit):
    counted("split_text")
    text = "\n".join(lines)
    chunks = split_text(text, limit)
    plains = [parse_html(chunk)[0] for chunk in chunks]  # each part is markup Telegram parses
    assert all(units(p) <= limit for p in plains), [units(p) for p in plains]
    assert "".join(plains).replace("\n", "") == parse_html(text)[0].replace("\n", "")
    assert visible_length(plain_text(text)) == visible_length(text)


ROW = st.lists(st.one_of(TYPED, st.sampled_from(["学生", "导师", "指导教师", "teacher", "附中", "李明教授", ""])),
               min_size=0, max_size=8)


@settings(max_examples=100, deadline=None)
@given(st.lists(ROW, max_size=12))
def test_a_roster_of_anything_imports_its_good_rows_and_reports_the_rest(rows):
    counted("parse_roster")
    table = [["name", "role", "school", "subject", "grade", "mentor", "teacher"], *rows]
    roster = parse_roster(table)
    assert all(not has_invisible(r.name) and not has_invisible(r.school) for r in roster.rows)
    assert all(1 <= e.row <= len(table) for e in roster.errors)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=600), st.sampled_from(["r.csv", "r.xlsx", "r.txt"]))
@example(b"\r\x00", "r.csv")  # found by this property: a lone CR stopped the CSV reader with a traceback
def test_any_file_reads_as_a_table_or_a_clear_refusal(data, name):
    counted("read_table")
    try:
        table = read_table(data, name)
    except RosterFileError:
        return
    assert all(isinstance(cell, str) for row in table for cell in row)
