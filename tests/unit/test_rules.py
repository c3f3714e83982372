"""Program rules with a fixed clock: dates people type, hours, edit windows, counting sessions, windows, pace."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from program.calendar import Window, load_calendar
from program.dates import parse_activity_date
from program.errors import InvalidInput, NotAllowed
from program.evaluations import (
    QUESTIONS,
    EvaluationKind,
    OpenWindow,
    check_answer,
    ensure_window_open,
    evaluation_window,
    missing_answers,
)
from program.growth_log import (
    TEXT_LIMIT,
    ActivityKind,
    EditCheck,
    LogStatus,
    check_text_part,
    ensure_editable,
    parse_hours,
)
from program.i18n import translator
from program.invites import InviteFacts, InviteState, invite_state, looks_like_code, new_code
from program.quiet_hours import next_send_time
from program.session_times import parse_session_start
from program.sessions import LoggedActivity, count_sessions, expected_by
from tests.conftest import at

TODAY = date(2026, 11, 28)


@pytest.mark.parametrize("typed, expected", [
    ("今天", TODAY), ("昨天", date(2026, 11, 27)), ("前天", date(2026, 11, 26)), ("yesterday", date(2026, 11, 27)),
    ("2026-11-20", date(2026, 11, 20)), ("2026/11/20", date(2026, 11, 20)), ("11月20日", date(2026, 11, 20)),
    ("11-20", date(2026, 11, 20)), ("20.11.2026", date(2026, 11, 20)), ("20261120", date(2026, 11, 20)),
    ("上周三", date(2026, 11, 18)), ("周五", date(2026, 11, 27)), ("Nov 25", date(2026, 11, 25)),
    ("25 November", date(2026, 11, 25)), ("November 25, 2026", date(2026, 11, 25)),
])
def test_activity_dates_in_common_formats(typed, expected):
    assert parse_activity_date(typed, TODAY) == expected


@pytest.mark.parametrize("typed", ["2026-11-29", "2024-01-01", "2月30日", "next week", "", "13/45",
                                   "12月30日", "Dec 30", "2025-12-30"])
def test_impossible_or_future_activity_dates_are_refused(typed):
    """A month-day still ahead is this year's, so refused, never last year's; last year is outside training."""
    with pytest.raises(InvalidInput):
        parse_activity_date(typed, TODAY, (date(2026, 1, 1), date(2026, 12, 31)))


@pytest.mark.parametrize("typed, hours", [("2", 2), ("1.5", 1.5), ("2小时", 2), ("1,5 h", 1.5), ("半小时", 0.5),
                                           ("3 hours", 3), ("两个半小时", 2.5), ("一个半小时", 1.5), ("半个小时", 0.5),
                                           ("三个小时", 3), ("90分钟", 1.5)])
def test_hours(typed, hours):
    assert parse_hours(typed) == hours


@pytest.mark.parametrize("typed", ["0", "25", "abc", "-1", "2..5", "很久", "二十五个小时", "半半"])
def test_bad_hours(typed):
    with pytest.raises(InvalidInput):
        parse_hours(typed)


def test_text_parts_grow_but_are_never_cut():
    text = check_text_part("", "a" * (TEXT_LIMIT - 10))
    with pytest.raises(InvalidInput) as refused:
        check_text_part(text, "b" * 20)
    assert refused.value.params["length"] == TEXT_LIMIT + 11
    with pytest.raises(InvalidInput):
        check_text_part(text, "   ")
    assert check_text_part("first", "second") == "first\nsecond"


def test_logs_are_editable_for_a_week_unless_confirmed():
    filed = at("2026-11-20 10:00")
    fresh = EditCheck(LogStatus.SUBMITTED, filed, None)
    ensure_editable(fresh, filed + timedelta(days=7), 7)
    with pytest.raises(NotAllowed):
        ensure_editable(fresh, filed + timedelta(days=7, minutes=1), 7)
    with pytest.raises(NotAllowed):
        ensure_editable(EditCheck(LogStatus.CONFIRMED, filed, filed), filed + timedelta(hours=1), 7)
    sent_back = EditCheck(LogStatus.REJECTED, filed, filed + timedelta(days=6))
    ensure_editable(sent_back, filed + timedelta(days=12), 7)  # a week from the teacher's answer


def test_sessions_count_once_and_only_when_confirmed():
    day = date(2026, 5, 6)
    logs = [
        LoggedActivity(LogStatus.CONFIRMED, ActivityKind.MENTOR_MEETING, day, session_id=7),
        LoggedActivity(LogStatus.CONFIRMED, ActivityKind.MENTOR_MEETING, day, session_id=7),  # logged twice
        LoggedActivity(LogStatus.CONFIRMED, ActivityKind.LECTURE, day),
        LoggedActivity(LogStatus.CONFIRMED, ActivityKind.LECTURE, day),  # same day, same kind: one activity
        LoggedActivity(LogStatus.SUBMITTED, ActivityKind.SEMINAR, day),
        LoggedActivity(LogStatus.REJECTED, ActivityKind.RESEARCH, day),
        LoggedActivity(LogStatus.CONFIRMED, ActivityKind.OTHER, day),  # a diary entry, not training
    ]
    assert count_sessions(logs) == 2
    assert count_sessions(logs, confirmed_only=False) == 3


def test_pace_toward_ten_sessions():
    start, end = date(2026, 1, 1), date(2026, 12, 31)
    assert expected_by(date(2026, 1, 1), start, end, 10) == 0
    assert expected_by(date(2026, 6, 1), start, end, 10) == 4
    assert expected_by(date(2026, 7, 2), start, end, 10) == 5
    assert expected_by(date(2026, 12, 31), start, end, 10) == 10


def test_the_calendar_file_gives_the_seed_defaults_and_per_year_overrides(tmp_path):
    year = load_calendar().year(2026)
    assert year.window(Window.INITIAL_EVALUATION) == (date(2026, 4, 1), date(2026, 4, 10))
    assert year.window(Window.MIDTERM_EVALUATION)[1] == date(2026, 7, 31)
    assert year.annual_materials_due == date(2026, 11, 30) and year.sessions_required == 10
    custom = tmp_path / "program.toml"
    custom.write_text('[defaults]\ntraining=["01-01","12-31"]\nsessions_required=10\ninitial_evaluation=["04-01","04-10"]\n'
                      'midterm_evaluation=["07-01","07-31"]\nannual_mentor_evaluation=["11-01","11-30"]\n'
                      'annual_materials_due="11-30"\nannual_evaluation=["11-01","12-31"]\n'
                      '[years.2027]\ninitial_evaluation=["2027-04-01","2027-04-15"]\nsessions_required=12\n',
                      encoding="utf-8")
    calendar = load_calendar(custom)
    assert calendar.year(2027).window(Window.INITIAL_EVALUATION)[1] == date(2027, 4, 15)
    assert calendar.year(2027).sessions_required == 12 and calendar.year(2028).sessions_required == 10


def test_evaluation_windows_and_the_office_reopening():
    year = load_calendar().year(2026)
    window = evaluation_window(EvaluationKind.INITIAL, year)
    ensure_window_open(EvaluationKind.INITIAL, window, date(2026, 4, 3))
    with pytest.raises(NotAllowed) as before:
        ensure_window_open(EvaluationKind.INITIAL, window, date(2026, 3, 31))
    assert "opens" in before.value.message
    with pytest.raises(NotAllowed) as after:
        ensure_window_open(EvaluationKind.INITIAL, window, date(2026, 4, 11))
    assert "closed" in after.value.message
    translated = translator("zh_CN")(after.value.message, **after.value.params)
    assert "初期评价" in translated and "2026年4月10日" in translated
    reopened = OpenWindow(date(2026, 4, 11), date(2026, 4, 15))
    ensure_window_open(EvaluationKind.INITIAL, window, date(2026, 4, 11), reopened)


def test_evaluation_answers():
    questions = QUESTIONS[EvaluationKind.INITIAL]
    assert check_answer(questions[0], "good") == "good"
    with pytest.raises(InvalidInput):
        check_answer(questions[0], "brilliant")
    with pytest.raises(InvalidInput):
        check_answer(questions[2], "x" * 101)
    assert [q.key for q in missing_answers(EvaluationKind.MIDTERM, {"result": "pass"})] == ["comment", "goals"]


def test_session_start_times():
    now = at("2026-11-28 10:00")
    assert parse_session_start("12月5日 15:00", now) == at("2026-12-05 15:00")
    assert parse_session_start("明天 9:30", now) == at("2026-11-29 09:30")
    assert parse_session_start("1月3日 8点", now) == at("2027-01-03 08:00")
    assert parse_session_start("下周三下午3点", now) == at("2026-12-02 15:00")
    assert parse_session_start("周五下午两点半", now) == at("2026-12-04 14:30")
    assert parse_session_start("12月5日 下午3点", now) == at("2026-12-05 15:00")
    assert parse_session_start("next Wednesday 3pm", now) == at("2026-12-02 15:00")
    assert parse_session_start("Dec 5 3pm", now) == at("2026-12-05 15:00")
    assert parse_session_start("tomorrow at 10am", now) == at("2026-11-29 10:00")
    for typed in ("昨天 10:00", "12月5日", "12月5日 25:00", "今天 09:00", "Dec 5", "hello"):
        with pytest.raises(InvalidInput):
            parse_session_start(typed, now)


def test_invite_codes():
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200 and all(looks_like_code(c) and len(c) <= 64 for c in codes)
    assert not looks_like_code("bad code!") and not looks_like_code("x" * 65)
    now = datetime(2026, 11, 28, tzinfo=timezone.utc)
    assert invite_state(InviteFacts(now + timedelta(days=1), None, None), now) is InviteState.VALID
    assert invite_state(InviteFacts(now, None, None), now) is InviteState.EXPIRED
    assert invite_state(InviteFacts(now + timedelta(days=1), now, None), now) is InviteState.USED
    assert invite_state(InviteFacts(now + timedelta(days=1), None, now), now) is InviteState.REVOKED


def test_quiet_hours_hold_messages_until_morning():
    assert next_send_time(at("2026-11-28 21:59")) == at("2026-11-28 21:59")
    assert next_send_time(at("2026-11-28 22:00")) == at("2026-11-29 07:30")
    assert next_send_time(at("2026-11-29 03:00")) == at("2026-11-29 07:30")
    assert next_send_time(at("2026-11-29 07:30")) == at("2026-11-29 07:30")


def test_telegram_language_codes_fall_back_to_chinese():
    from program.i18n import language_from_telegram

    assert language_from_telegram("en-US") == "en"
    assert language_from_telegram("zh-hans") == "zh_CN"
    assert language_from_telegram("ru") == "zh_CN" and language_from_telegram(None) == "zh_CN"


def test_user_values_are_escaped_in_messages():
    t = translator("en")
    assert t("Welcome back, %(name)s!", name="<b>x</b> & y") == "Welcome back, &lt;b&gt;x&lt;/b&gt; &amp; y!"


def test_29_february_outside_a_leap_year_is_a_polite_refusal():
    with pytest.raises(InvalidInput):
        parse_activity_date("2月29日", date(2028, 2, 28))  # would be 29 Feb 2027
    with pytest.raises(InvalidInput):
        parse_session_start("2月29日 10:00", at("2028-03-01 09:00"))  # would be 29 Feb 2029
    assert parse_activity_date("2月29日", date(2028, 3, 1)) == date(2028, 2, 29)


def test_a_roster_refuses_to_guess_between_two_mentors_of_one_name():
    from program.roster import parse_roster, read_table

    table = read_table("""name,role,school,subject,grade,mentor,teacher
王伟,mentor,山西大学,物理学,,,
王伟,mentor,太原理工大学,数学,,,
张丽,teacher,山西大学附属中学,,,,
李雷,student,山西大学附属中学,物理学,高一,王伟,张丽
""".encode(), "r.csv")
    roster = parse_roster(table)
    assert [(e.row, e.params) for e in roster.errors] == [(5, {"value": "王伟"})]
    assert "several mentors" in roster.errors[0].message
    assert len(roster.rows) == 3
    again = parse_roster(read_table("name,role,school,subject,grade,mentor,teacher\n王伟,mentor,山西大学,物理学,,,\n"
                                    "李雷,student,山西大学附属中学,物理学,高一,王伟,张丽\n".encode(), "r.csv"),
                         known_mentors={("王伟", "山西大学")}, known_teachers={("张丽", "山西大学附属中学")})
    assert again.errors == []  # the same mentor in the file and in the database is one person
