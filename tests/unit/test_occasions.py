"""When reminders are due and until when they are worth sending: the pure time rules, on fixed moments."""
from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from program.calendar import load_calendar
from program.evaluations import OpenWindow
from program.occasions import (
    deadline_occasion,
    effective_window,
    evaluation_step,
    evening_buckets,
    monthly_occasion,
    session_log_expires,
    weekly_occasion,
)
from program.reminders import ReminderConfig, Rule, category_of
from tests.conftest import SHANGHAI, at

CONFIG = load_calendar().reminders


def test_deadline_nudges_seven_three_one_days_before_each_worth_sending_until_the_next():
    due = date(2027, 12, 31)
    assert deadline_occasion("training_end", due, CONFIG, at("2027-12-24 08:59"), SHANGHAI) is None
    occasion, days = deadline_occasion("training_end", due, CONFIG, at("2027-12-24 09:00"), SHANGHAI)
    assert (days, occasion.rule, occasion.expires) == (7, Rule.DEADLINE, at("2027-12-28 09:00"))
    occasion, days = deadline_occasion("training_end", due, CONFIG, at("2027-12-30 18:00"), SHANGHAI)
    assert (days, occasion.rule, occasion.status(at("2027-12-30 18:00"))) == (1, Rule.DEADLINE_LAST, "pending")
    assert occasion.expires == at("2028-01-01 00:00"), "the last one: until the end of the deadline day, never after"
    late, _ = deadline_occasion("training_end", due, CONFIG, at("2028-01-02 10:00"), SHANGHAI)
    assert late.status(at("2028-01-02 10:00")) == "missed"
    assert deadline_occasion("training_end", due, CONFIG, at("2028-01-09 10:00"), SHANGHAI) is None


def test_digests_are_replaced_by_the_next_one_when_missed():
    monday = weekly_occasion(Rule.TEACHER_DIGEST, CONFIG.teacher_digest, CONFIG, at("2027-03-10 12:00"), SHANGHAI)
    assert monday.tag == "2027-03-08" and monday.status(at("2027-03-10 12:00")) == "missed"
    assert weekly_occasion(Rule.TEACHER_DIGEST, CONFIG.teacher_digest, CONFIG, at("2027-03-08 07:59"),
                           SHANGHAI).tag == "2027-03-01"
    month = monthly_occasion(Rule.BEHIND_PACE, 1, CONFIG, at("2027-04-03 08:00"), SHANGHAI)
    assert month.tag == "2027-04" and month.status(at("2027-04-03 08:00")) == "missed"
    assert monthly_occasion(Rule.BEHIND_PACE, 1, CONFIG, at("2027-05-01 08:00"), SHANGHAI) is None, \
        "April's, long expired, is no longer even recorded"


def test_the_first_session_reminder_gives_way_to_the_evening_one():
    ends = at("2027-03-10 18:00")
    assert session_log_expires(ends, CONFIG, SHANGHAI) == at("2027-03-11 19:00")
    ends = at("2027-03-10 09:00")
    assert session_log_expires(ends, CONFIG, SHANGHAI) == at("2027-03-11 12:00")
    [yesterday, *older] = evening_buckets(CONFIG, at("2027-03-11 19:00"), SHANGHAI)
    assert (yesterday.starts, yesterday.ends, yesterday.due) == (at("2027-03-10 00:00"), at("2027-03-11 00:00"),
                                                                at("2027-03-11 19:00"))
    assert len(older) == 7 and older[-1].due + CONFIG.session_log_late + CONFIG.record_missed > at("2027-03-11 19:00")


def test_an_evaluation_window_reminds_on_its_first_day_then_every_second_day_and_a_reopening_takes_over():
    window = OpenWindow(date(2027, 4, 1), date(2027, 4, 10))
    steps = [evaluation_step(window, date(2027, 4, d), 2) for d in range(1, 11)]
    assert steps == [0, 0, 1, 1, 2, 2, 3, 3, 4, None]  # the last day has its own notice
    reopened = OpenWindow(date(2027, 4, 12), date(2027, 4, 16))
    assert effective_window(window, reopened, date(2027, 4, 13)) == reopened
    assert effective_window(window, reopened, date(2027, 4, 11)) is None


def test_the_reminders_table_is_checked_when_the_file_is_read():
    assert ReminderConfig.from_table({"students": {"deadline_days": [1, 7, 3]}}).deadline_days == (7, 3, 1)
    assert ReminderConfig.from_table({"teachers": {"digest": "friday 17:00"}}).teacher_digest == (4, time(17, 0))
    assert ReminderConfig.from_table({}).session_log_after == timedelta(hours=3)
    for broken in ({"quiet_hours": "22-7"}, {"teachers": {"digest": "someday 08:00"}},
                   {"students": {"idle_days": "thirty"}}, {"students": {"deadline_days": []}}):
        with pytest.raises(ValueError):
            ReminderConfig.from_table(broken)
    assert category_of("deadline_last") is None and category_of("session_invite") is None
