"""A reminder's words, written just before it goes out: in the recipient's language, with what is true right now.

Each rule also checks that the reminder is still owed (the session was not logged meanwhile) and still on
time (its lateness policy); otherwise the row is dropped as "skipped" or "missed" with the reason.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession

from program import reminders as actions
from program.annual import MATERIAL_LABELS, missing_materials
from program.calendar import ProgramCalendar
from program.clock import PROGRAM_ZONE
from program.growth_log import ACTIVITY_LABELS, ActivityKind, LogStatus
from program.i18n import N_, Msgid, Safe, Translator, format_moment
from program.occasions import local_day, session_evening_due, session_log_expires
from program.reminders import Rule
from program.sessions import expected_by
from scheduler.moment import DONE, Drop, Moment, Outcome, Ready, Render, days_left, one_button
from scheduler.staff_texts import STAFF_RENDERERS
from storage import annual, logs, summaries
from storage.models import Person
from storage.outbox import Delivery


async def session_log(m: Moment) -> Outcome:
    found, logged = await summaries.session_to_log(m.session, m.delivery.subject_id or 0, m.delivery.person_id)
    if found is None or logged:
        return DONE
    evening = m.delivery.kind == Rule.SESSION_LOG_EVENING.value
    expires = session_evening_due(found.ends_at, m.config, m.zone) + m.config.session_log_late if evening \
        else session_log_expires(found.ends_at, m.config, m.zone)
    if m.now >= expires:
        took_over = not evening and m.now >= session_evening_due(found.ends_at, m.config, m.zone)
        return Drop("missed", "the evening reminder took over" if took_over else "more than a day late")
    mentor = await m.session.get(Person, found.mentor_id)
    when = format_moment(found.starts_at.astimezone(m.zone), m.t.language)
    if evening:
        text = m.t("📝 Your growth log for “%(topic)s” (%(when)s) is still missing. A few sentences are enough; "
                   "once your teacher confirms it, it counts toward your sessions.", topic=found.topic, when=when)
    else:
        text = m.t("📝 <b>Time for your growth log</b>\n“%(topic)s” with %(mentor)s, %(when)s. Write it down while "
                   "you still remember it: what you did, what you learned, what comes next.", topic=found.topic,
                   mentor=mentor.name if mentor else "—", when=when)
    return Ready(text, one_button(m.t, N_("📝 Log this session"), actions.log_session(found.id)))


async def returned_log(m: Moment) -> Outcome:
    log = await logs.own_log(m.session, m.delivery.subject_id or 0, m.delivery.person_id)
    if log is None or log.status != LogStatus.REJECTED.value or log.reviewed_at is None:
        return DONE
    until = log.reviewed_at + timedelta(days=m.edit_days)
    if m.now >= until:
        return Drop("missed", "it can no longer be changed")
    text = m.t("↩️ Your teacher sent back your growth log of %(day)s (%(kind)s):\n«%(reason)s»\nYou can fix it "
               "until %(until)s; then it counts again.", day=m.day(log.activity_date),
               kind=Msgid(ACTIVITY_LABELS[ActivityKind(log.kind)]), reason=log.reject_reason or "—",
               until=format_moment(until.astimezone(m.zone), m.t.language))
    return Ready(text, one_button(m.t, N_("✏️ Fix the log"), actions.fix_log(log.id)))


async def behind_pace(m: Moment) -> Outcome:
    start, end = m.year.training
    done = await summaries.confirmed_count(m.session, m.delivery.person_id, m.year.training)
    expected = expected_by(m.today, start, end, m.year.sessions_required)
    if done >= expected:
        return DONE
    missing, weeks = m.year.sessions_required - done, max(0, (end - m.today).days // 7)
    text = m.t("📈 <b>Your progress</b>: %(done)d of %(required)d sessions confirmed. At an even pace you would "
               "have %(expected)d by now.", done=done, required=m.year.sessions_required, expected=expected) + "\n" \
        + m.t.plural("%(n)d more session to go by %(end)s, and %(weeks)s left: file a growth log after every "
                     "activity so your teacher can confirm it.",
                     "%(n)d more sessions to go by %(end)s, and %(weeks)s left: file a growth log after every "
                     "activity so your teacher can confirm it.", missing, end=m.day(end),
                     weeks=m.t.plural("%(n)d week", "%(n)d weeks", weeks))
    return Ready(text, one_button(m.t, N_("📝 New growth log"), actions.NEW_LOG))


async def deadline(m: Moment) -> Outcome:
    milestone, due_text, _ = (m.delivery.occasion or "::").split(":")
    due = date.fromisoformat(due_text)
    if m.today > due:
        return Drop("missed", "the deadline has passed")
    left = days_left(m.t, (due - m.today).days)
    if milestone == "training_end":
        done = await summaries.confirmed_count(m.session, m.delivery.person_id, m.year.training)
        if done >= m.year.sessions_required:
            return DONE
        text = m.t("⏰ <b>The training year ends on %(day)s</b> (%(left)s). %(done)d of %(required)d sessions are "
                   "confirmed so far: log every activity and ask your teacher to confirm it.", day=m.day(due),
                   left=left, done=done, required=m.year.sessions_required)
        return Ready(text, one_button(m.t, N_("📝 New growth log"), actions.NEW_LOG))
    handed_in = {material.kind for material in await annual.materials_of(m.session, m.delivery.person_id, due.year)}
    missing = missing_materials(handed_in)
    if not missing:
        return DONE
    text = m.t("⏰ <b>Annual materials</b> are due on %(day)s (%(left)s). Still to hand in: %(missing)s. Your growth "
               "logs should be complete by then too.", day=m.day(due), left=left,
               missing=Safe(m.t(", ").join(m.t(MATERIAL_LABELS[kind]) for kind in missing)))
    return Ready(text, one_button(m.t, N_("⏰ Deadlines"), actions.SHOW_DEADLINES))


async def idle(m: Moment) -> Outcome:
    last = await summaries.last_log_at(m.session, m.delivery.person_id)
    if last is not None and m.now - last < timedelta(days=m.config.idle_days):
        return DONE
    person = await m.session.get(Person, m.delivery.person_id)
    name = person.name if person else ""
    if last is None:
        text = m.t("👋 Hello %(name)s! You have not filed a growth log yet. Read a book, went to a lecture, met your "
                   "mentor? A few sentences are enough, and your record starts to grow.", name=name)
    else:
        text = m.t("👋 Hello %(name)s! Your last growth log was on %(day)s. Read something, went to a lecture, met "
                   "your mentor? A short log keeps your record complete.", name=name,
                   day=m.day(local_day(last, m.zone)))
    return Ready(text, one_button(m.t, N_("📝 New growth log"), actions.NEW_LOG))


RENDERERS: dict[str, Render] = {
    Rule.SESSION_LOG.value: session_log, Rule.SESSION_LOG_EVENING.value: session_log,
    Rule.RETURNED_LOG.value: returned_log, Rule.BEHIND_PACE.value: behind_pace, Rule.DEADLINE.value: deadline,
    Rule.DEADLINE_LAST.value: deadline, Rule.IDLE.value: idle,
}


@dataclass
class ReminderTexts:
    """Turns a claimed reminder row into its message, or into the reason it is not sent."""

    calendar: ProgramCalendar
    zone: tzinfo = PROGRAM_ZONE

    async def prepare(self, session: AsyncSession, delivery: Delivery, t: Translator, now: datetime) -> Outcome:
        render = RENDERERS.get(delivery.kind) or STAFF_RENDERERS.get(delivery.kind)
        if render is None:
            return Drop("failed", f"no words for reminder kind {delivery.kind!r}")
        today = local_day(now, self.zone)
        return await render(Moment(session, delivery, t, now, today, self.calendar.for_date(today),
                                   self.calendar.reminders, self.zone, self.calendar.log_edit_days))
