"""培养计划: a mentor writes one per student (goals, reading, topic, sessions by month) for the office; the
student reads the approved one."""
from __future__ import annotations

from enum import StrEnum

from handlers.kit import Button, Ctx, Flow, Flows, Payload, Screen, esc, pager, rows
from handlers.kit.wizard import ChangePart, Wizard
from handlers.views.plans import OpenPlan, plan_text
from handlers.views.students import NOT_YOURS, page_of
from program.errors import InvalidInput, NotFound
from program.i18n import N_, Translator
from program.plans import (
    GOALS_LIMIT,
    PLAN_STATUS_LABELS,
    READING_LIMIT,
    TOPIC_LIMIT,
    PlanContent,
    PlanStatus,
    check_text,
    ensure_complete,
    ensure_editable,
    parse_sessions,
)
from program.roles import Role
from storage import office, people, plans
from storage.plans import content_of


class Step(StrEnum):
    GOALS = "goals"
    READING = "reading"
    TOPIC = "topic"
    SESSIONS = "sessions"
    REVIEW = "review"
    CHANGE = "change"


planning = Flow("mpl", Step, paused_hint=N_("Send /plan to go on with the training plan."),
                done_hint=N_("That training plan was already sent or put aside. Send /plan to see your students' "
                             "plans."))


class Write(Payload, flow="mpl", action="write"):
    student_id: int


class PlanList(Payload, flow="mpl", action="list"):
    """A page of the mentor's students and their plans."""

    page: int


class Submit(Payload, flow="mpl", action="submit"):
    pass


class PutAside(Payload, flow="mpl", action="aside"):
    pass


form = Wizard(Flows(planning), order=(Step.GOALS, Step.READING, Step.TOPIC, Step.SESSIONS), review=Step.REVIEW,
              title=lambda ctx: ctx.t("📋 Training plan"), role=Role.MENTOR, change=Step.CHANGE,
              labels={Step.GOALS: N_("Goals"), Step.READING: N_("Reading"), Step.TOPIC: N_("Topic"),
                      Step.SESSIONS: N_("Sessions by month")}, cancel=PutAside(), cancel_label=N_("✖️ Put aside"),
              cancel_on_every_step=True)


def _year(ctx: Ctx) -> int:
    return ctx.services.calendar.for_date(ctx.today()).year


@planning.command("plan", role=(Role.MENTOR, Role.STUDENT))
async def plans_of_mine(ctx: Ctx) -> Screen:
    """A mentor: each student's plan and where it stands. A student: the approved plan."""
    if Role.MENTOR not in ctx.roles:
        return await approved_plan(ctx)
    return await plans_page(ctx, 0)


@planning.button(PlanList, role=Role.MENTOR)
async def turn_plans_page(ctx: Ctx, tap: PlanList) -> Screen:
    return await plans_page(ctx, tap.page, replace=True)


async def plans_page(ctx: Ctx, page: int, *, replace: bool = False) -> Screen:
    """One page of the students: a button each, so a mentor of many stays under Telegram's 100 buttons."""
    students = [s for s in await people.students_of(ctx.session, ctx.me.id, "mentor") if s.exited_at is None]
    if not students:
        return Screen(ctx.t("No students are assigned to you yet. The program office assigns them in the roster."))
    students, page, pages = page_of(students, page)
    lines, buttons = [ctx.t("📋 <b>Training plans</b> (培养计划) %(year)d", year=_year(ctx))], []
    written = await plans.of_students(ctx.session, [s.id for s in students], _year(ctx))
    for student in students:
        plan = written.get(student.id)
        status = ctx.t(PLAN_STATUS_LABELS[PlanStatus(plan.status)]) if plan else ctx.t("not written yet")
        lines.append(ctx.t("• %(name)s: %(status)s", name=student.name, status=status))
        if plan is None or plan.status != PlanStatus.SUBMITTED.value:
            buttons.append(Button(ctx.t.plain("✍️ %(student)s", student=student.name), Write(student.id)))
    if pages > 1:
        lines.append(ctx.t("Page %(page)d of %(pages)d.", page=page + 1, pages=pages))
    nav = rows(*pager(page, page + 1 < pages, PlanList))
    return Screen("\n".join(lines), buttons=rows(*buttons) + nav, replace=replace)


async def approved_plan(ctx: Ctx) -> Screen:
    approved = await plans.approved_for_student(ctx.session, ctx.me.id, _year(ctx))
    if approved is None:
        return Screen(ctx.t("Your mentor's training plan for you has not been approved yet."))
    return Screen(plan_text(ctx, ctx.me.name, content_of(approved), PlanStatus.APPROVED, approved.number))


@planning.button(Write, role=Role.MENTOR)
async def write(ctx: Ctx, tap: Write) -> Screen:
    student = await people.supervised_student(ctx.session, tap.student_id, ctx.me.id)
    if student is None:
        raise NotFound(NOT_YOURS)
    plan = await plans.of_student(ctx.session, student.id, _year(ctx))
    draft: dict = {"student_id": student.id, "student": student.name}
    note = ""
    if plan is not None:
        ensure_editable(PlanStatus(plan.status))
        latest = await plans.version(ctx.session, plan)
        content = content_of(latest)
        draft.update(goals=content.goals, reading=content.reading, topic=content.topic,
                     sessions={str(m): c for m, c in content.sessions.items()})
        if latest.reason:
            note = ctx.t("↩️ The office returned it: %(reason)s", reason=latest.reason) + "\n"
    ctx.state.begin(planning.name, Step.GOALS, draft)
    first = await form.ask(ctx, Step.GOALS)
    return Screen(note + first.text, buttons=first.buttons)


def _content(draft: dict) -> PlanContent:
    return PlanContent(draft.get("goals", ""), draft.get("reading", ""), draft.get("topic", ""),
                       {int(m): int(c) for m, c in (draft.get("sessions") or {}).items()})


def _question(ctx: Ctx, step: Step, text: str) -> Screen:
    draft = ctx.state.draft
    now = draft.get(step.value)
    if now and step is not Step.SESSIONS:
        text += "\n" + ctx.t("Now: %(text)s", text=now)
    return Screen(form.header(ctx, step) + " · " + esc(draft.get("student", "")) + "\n" + text,
                  buttons=rows(*form.nav(ctx, step)))


@form.asks(Step.GOALS)
async def ask_goals(ctx: Ctx) -> Screen:
    return _question(ctx, Step.GOALS, ctx.t("🎯 What should the student reach this year? (goals, up to %(limit)d "
                                            "characters)", limit=GOALS_LIMIT))


@form.asks(Step.READING)
async def ask_reading(ctx: Ctx) -> Screen:
    return _question(ctx, Step.READING, ctx.t("📚 What will they read? (books, papers, up to %(limit)d characters)",
                                              limit=READING_LIMIT))


@form.asks(Step.TOPIC)
async def ask_topic(ctx: Ctx) -> Screen:
    return _question(ctx, Step.TOPIC, ctx.t("🔬 The research topic (课题), up to %(limit)d characters",
                                            limit=TOPIC_LIMIT))


@form.asks(Step.SESSIONS)
async def ask_sessions(ctx: Ctx) -> Screen:
    return _question(ctx, Step.SESSIONS, ctx.t("📅 Sessions planned by month, like “3月 2次，4月 1次” (at least "
                                               "%(required)d in the year)",
                                               required=ctx.services.calendar.for_date(ctx.today()).sessions_required))


LIMITS = {Step.GOALS: GOALS_LIMIT, Step.READING: READING_LIMIT, Step.TOPIC: TOPIC_LIMIT}


@planning.text(Step.GOALS, Step.READING, Step.TOPIC)
async def take_part(ctx: Ctx, text: str) -> Screen:
    step = Step(ctx.state.step or Step.GOALS)
    ctx.state.draft[step.value] = check_text(text, LIMITS[step])
    return await form.after(ctx, step)


@planning.text(Step.SESSIONS)
async def take_sessions(ctx: Ctx, text: str) -> Screen:
    sessions = parse_sessions(text)
    required = ctx.services.calendar.for_date(ctx.today()).sessions_required
    if sum(sessions.values()) < required:
        raise InvalidInput(N_("The plan has %(planned)d sessions; the program asks for at least %(required)d."),
                           planned=sum(sessions.values()), required=required)
    ctx.state.draft["sessions"] = {str(m): c for m, c in sessions.items()}
    return await form.after(ctx, Step.SESSIONS)


@form.reviews
async def review(ctx: Ctx) -> Screen:
    draft = ctx.state.draft
    ctx.state.goto(Step.REVIEW)
    text = plan_text(ctx, draft.get("student", ""), _content(draft), PlanStatus.DRAFT, 0).split("\n", 1)[1]
    return Screen(ctx.t("<b>Please check</b> the training plan for %(student)s", student=draft.get("student", ""))
                  + "\n" + text, replace=True,
                  buttons=rows(Button(ctx.t("📨 Send to the office"), Submit()),
                               Button(ctx.t("✏️ Change a part"), ChangePart().pack(planning.name)),
                               Button(ctx.t("✖️ Put aside"), PutAside())))


@planning.button(Submit, role=Role.MENTOR, steps=(Step.REVIEW,))
async def submit(ctx: Ctx, tap: Submit) -> Screen:
    draft = ctx.state.draft
    student = await people.supervised_student(ctx.session, int(draft["student_id"]), ctx.me.id)
    if student is None:
        raise NotFound(NOT_YOURS)
    content = _content(draft)
    year = ctx.services.calendar.for_date(ctx.today())
    ensure_complete(content, year.sessions_required)
    plan, version = await plans.draft_for(ctx.session, student_id=student.id, year=year.year, author_id=ctx.me.id,
                                          now=ctx.now())
    plans.write(plan, version, content, ctx.me.id, ctx.now())
    plans.submit(plan, version, ctx.now())
    ctx.state.finish()
    name, mentor, plan_id = student.name, ctx.me.name, plan.id

    def render(t: Translator) -> Screen:
        return Screen(t("📋 %(mentor)s sent the training plan for %(student)s (version %(version)d) for your "
                        "decision.", mentor=mentor, student=name, version=version.number),
                      buttons=rows(Button(t.plain("📄 Open the plan"), OpenPlan(plan_id))))

    for clerk in await office.staff(ctx.session, Role.OFFICE):
        ctx.notify(clerk.id, "plan_submitted", f"plan-submitted:{plan.id}:{version.number}:{clerk.id}", render)
    return Screen(ctx.t("📨 Sent to the program office. You will be told when they approve it or return it."),
                  replace=True)


@planning.button(PutAside, role=Role.MENTOR, steps=tuple(Step))
async def put_aside(ctx: Ctx, tap: PutAside) -> Screen:
    ctx.state.finish()
    return Screen(ctx.t("Put aside; nothing was sent. Send /plan to start again."), replace=True)
