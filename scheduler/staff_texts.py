"""The words of mentors', teachers' and the office's reminders, written when they are sent (see reminder_texts)."""
from __future__ import annotations

from program import reminders as actions
from program.evaluations import KIND_LABELS, KIND_WINDOWS, EvaluationKind, evaluation_window
from program.i18n import N_, Msgid
from program.occasions import effective_window, evaluation_step, evaluation_tag
from program.reminders import Rule
from program.sessions import expected_by, progress_of
from scheduler.moment import DONE, Drop, Moment, Outcome, Ready, Render, days_left, names, one_button
from storage import evaluations, logs, people, summaries
from storage.models import Person


async def evaluation(m: Moment) -> Outcome:
    """Still current only while the mentor's window (or reopening) and today's step are the ones it was written for."""
    kind_value, year_text, *_ = (m.delivery.occasion or "initial:0").split(":")
    kind, year = EvaluationKind(kind_value), int(year_text)
    if year != m.year.year:
        return Drop("missed", "its program year has ended")
    program = evaluation_window(kind, m.year)
    reopened = await evaluations.reopened_for(m.session, m.delivery.person_id, KIND_WINDOWS[kind].value, year)
    window = effective_window(program, reopened, m.today)
    last_day = m.delivery.kind == Rule.EVALUATION_LAST_DAY.value
    step = None if window is None else evaluation_step(window, m.today, m.config.evaluation_every_days)
    if window is None or (last_day and m.today != window.closes) or \
            evaluation_tag(kind.value, year, window, None if last_day else step) != m.delivery.occasion:
        return Drop("missed", "its day has passed; the next reminder replaces it")
    waiting = await summaries.students_to_evaluate(m.session, m.delivery.person_id, kind, year)
    if not waiting:
        return DONE
    label, listed = Msgid(KIND_LABELS[kind]), names(m.t, waiting)
    if last_day:
        text = m.t("⚠️ <b>Last day</b> of the %(kind)s: it closes tonight. Still to evaluate (%(n)d): %(names)s. "
                   "After today only the program office can reopen it.", kind=label, n=len(waiting), names=listed)
    elif step == 0:
        text = m.t("🧾 The <b>%(kind)s</b> opens today and runs until %(closes)s. Your students to evaluate "
                   "(%(n)d): %(names)s.", kind=label, closes=m.day(window.closes), n=len(waiting), names=listed)
    else:
        text = m.t("🧾 Reminder: the <b>%(kind)s</b> is open until %(closes)s (%(left)s). Still to evaluate "
                   "(%(n)d): %(names)s.", kind=label, closes=m.day(window.closes),
                   left=days_left(m.t, (window.closes - m.today).days), n=len(waiting), names=listed)
    return Ready(text, one_button(m.t, N_("🧾 Write evaluations"), actions.write_evaluations(kind.value)))


async def mentor_summary(m: Moment) -> Outcome:
    students = [s for s in await people.students_of(m.session, m.delivery.person_id, "mentor") if s.exited_at is None]
    if not students:
        return DONE
    found = await logs.activities(m.session, [s.id for s in students], *m.year.training, shared_only=True)
    lines = [m.t("👥 <b>Your students</b> · %(day)s", day=m.day(m.today, year=True))]
    for student in students:
        facts = progress_of(found[student.id], m.today)
        since = m.t.plural("%(n)d day ago", "%(n)d days ago", (m.today - facts.last_activity).days) \
            if facts.last_activity else m.t("no logs yet")
        lines.append(m.t("• %(name)s: %(done)d/%(required)d confirmed · last log %(since)s", name=student.name,
                         done=facts.confirmed, required=m.year.sessions_required, since=since))
    return Ready("\n".join(lines), one_button(m.t, N_("👥 My students"), actions.MY_STUDENTS))


async def teacher_digest(m: Moment) -> Outcome:
    teacher = await m.session.get(Person, m.delivery.person_id)
    if teacher is None:
        return DONE
    waiting = await logs.pending_count(m.session, teacher.school_id, reviewer_id=teacher.id)
    start, end = m.year.training
    pace = expected_by(m.today, start, end, m.year.sessions_required) if start <= m.today <= end else 0
    behind: list[str] = []
    if pace > 0:
        students = [s for s in await people.students_of_teacher(m.session, teacher.id) if s.exited_at is None]
        found = await logs.activities(m.session, [s.id for s in students], start, end)
        behind = [s.name for s in students if progress_of(found[s.id], m.today).confirmed < pace]
    if not waiting and not behind:
        return Drop("skipped", "nothing to say this week")
    lines = [m.t("🗓 <b>This week</b> · %(school)s", school=teacher.school.name)]
    if waiting:
        lines.append(m.t.plural("✅ %(n)d activity waits for your confirmation.",
                                "✅ %(n)d activities wait for your confirmation.", waiting))
    if behind:
        lines.append(m.t("⚠️ Behind the pace (%(pace)d of %(required)d confirmed by now): %(names)s", pace=pace,
                         required=m.year.sessions_required, names=names(m.t, behind)))
    return Ready("\n".join(lines), one_button(m.t, N_("✅ To confirm"), actions.TO_CONFIRM))


def _open_kinds(m: Moment) -> list[EvaluationKind]:
    return [k for k in EvaluationKind if evaluation_window(k, m.year).contains(m.today)]


async def office_summary(m: Moment) -> Outcome:
    start, end = m.year.training
    pace = expected_by(m.today, start, end, m.year.sessions_required)
    numbers = await summaries.program_numbers(m.session, m.year.year, m.year.training, pace, _open_kinds(m))
    lines = [m.t("📊 <b>Weekly summary</b> · %(day)s", day=m.day(m.today, year=True)),
             m.t("%(students)d students · %(logs)d growth logs this year · %(waiting)d waiting for a teacher · "
                 "%(behind)d behind pace", students=numbers.students, logs=numbers.logs, waiting=numbers.waiting,
                 behind=numbers.behind),
             m.t("Evaluations submitted: initial %(initial)d · mid-term %(midterm)d · annual %(annual)d",
                 **{k.value: numbers.evaluations.get(k.value, 0) for k in EvaluationKind})]
    if numbers.outstanding:
        lines.append("\n" + m.t("<b>Evaluations still to write</b> (windows open now):"))
        lines += [m.t("• %(mentor)s: %(n)d", mentor=name, n=count) for name, count in numbers.outstanding[:20]]
    unreachable = numbers.blocked + numbers.never_joined
    if unreachable:
        lines.append("\n" + m.t("<b>Cannot be reached</b>:"))
        if numbers.blocked:
            lines.append(m.t("Blocked the bot: %(names)s", names=names(m.t, [n for n, _ in numbers.blocked])))
        if numbers.never_joined:
            lines.append(m.t("Never opened their invite: %(names)s",
                             names=names(m.t, [n for n, _ in numbers.never_joined], 20)))
    return Ready("\n".join(lines), one_button(m.t, N_("📊 Overview"), actions.OVERVIEW))


STAFF_RENDERERS: dict[str, Render] = {
    Rule.EVALUATION.value: evaluation, Rule.EVALUATION_LAST_DAY.value: evaluation,
    Rule.MENTOR_SUMMARY.value: mentor_summary, Rule.TEACHER_DIGEST.value: teacher_digest,
    Rule.OFFICE_SUMMARY.value: office_summary,
}
