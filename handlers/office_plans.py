"""The office decides on the mentors' 培养计划: read a waiting plan, approve it, or return it with a reason."""
from __future__ import annotations

from enum import StrEnum

from handlers.kit import Button, Ctx, Flow, Notice, Payload, Screen, rows
from handlers.office_notices import plan_decided
from handlers.views.plans import OpenPlan, plan_text
from program.audit import AuditAction
from program.errors import NotFound
from program.i18n import N_, Translator
from program.plans import PlanStatus, check_reason, own_plan
from program.roles import Role
from storage import audit, plans
from storage.models import Person, TrainingPlan
from storage.plans import content_of


class Step(StrEnum):
    REASON = "reason"


decisions = Flow("opl", Step, done_hint=N_("That plan is no longer waiting for your reason. Send /plans to see "
                                           "what waits now."))
LISTED = 20


class Approve(Payload, flow="opl", action="ok"):
    plan_id: int
    version: int


class SendBack(Payload, flow="opl", action="back"):
    plan_id: int
    version: int


class KeepWaiting(Payload, flow="opl", action="keep"):
    pass


@decisions.command("plans", role=Role.OFFICE)
async def waiting_plans(ctx: Ctx, note: str | None = None) -> Screen:
    year = ctx.services.calendar.for_date(ctx.today()).year
    found = await plans.waiting(ctx.session, year)
    lines = [note] if note else []
    if not found:
        lines.append(ctx.t("📋 No training plan is waiting for the office."))
        return Screen("\n".join(lines))
    lines.append(ctx.t("📋 <b>Training plans waiting for you</b>: %(n)d, oldest first", n=len(found)))
    buttons = []
    for number, (plan, student) in enumerate(found[:LISTED], start=1):
        lines.append(ctx.t("%(n)d. %(student)s · version %(version)d · %(when)s", n=number, student=student,
                           version=plan.latest, when=ctx.moment(plan.updated_at)))
        buttons.append(Button(ctx.t.plain("📄 %(student)s", student=student), OpenPlan(plan.id)))
    return Screen("\n".join(lines), buttons=rows(*buttons))


async def _plan(ctx: Ctx, plan_id: int) -> tuple[TrainingPlan, str]:
    plan = await ctx.session.get(TrainingPlan, plan_id)
    if plan is None:
        raise NotFound(N_("That training plan does not exist."))
    student = await ctx.session.get_one(Person, plan.student_id)
    return plan, student.name


@decisions.button(OpenPlan, role=Role.OFFICE)
async def open_plan(ctx: Ctx, tap: OpenPlan) -> Screen:
    plan, student = await _plan(ctx, tap.plan_id)
    latest = await plans.version(ctx.session, plan)
    text = plan_text(ctx, student, content_of(latest), PlanStatus(plan.status), latest.number)
    history = await plans.history(ctx.session, plan.id)
    if len(history) > 1:
        earlier = [ctx.t("version %(n)d: %(reason)s", n=v.number, reason=v.reason) for v in history[1:] if v.reason]
        if earlier:
            text += "\n\n" + ctx.t("Returned before:") + "\n" + "\n".join(earlier)
    if plan.status != PlanStatus.SUBMITTED.value:
        return Screen(text)
    if own_plan(latest.author_id, plan.student_id, ctx.me.id):
        return Screen(text + "\n\n" + ctx.t("You wrote this plan (or it is about you), so another person in the "
                                             "office decides on it."))
    return Screen(text, buttons=rows(Button(ctx.t("✅ Approve"), Approve(plan.id, latest.number)),
                                     Button(ctx.t("↩️ Return with a reason"), SendBack(plan.id, latest.number))))


async def _decide(ctx: Ctx, plan_id: int, version: int, reason: str | None) -> tuple[str, TrainingPlan]:
    plan, student = await _plan(ctx, plan_id)
    approve = reason is None
    plan, decided = await plans.decide(ctx.session, plan_id=plan.id, office_id=ctx.me.id, approve=approve,
                                       reason=reason, now=ctx.now(), version_seen=version)
    await audit.record(ctx.session, action=AuditAction.PLAN_DECISION, actor=ctx.me.name, actor_id=ctx.me.id,
                       now=ctx.now(), target=student, version=decided.number, approved=approve, reason=reason)
    key = f"plan:{plan.id}:{decided.number}:{plan.status}"
    for mentor_id in await plans.mentors_of(ctx.session, plan.student_id):
        ctx.notices.append(Notice(mentor_id, "plan_decision", f"{key}:{mentor_id}",  # keys are unique per person
                                  plan_decided(student, approve, reason)))
    if approve:
        ctx.notify(plan.student_id, "plan_decision", f"{key}:student", _approved_for_student)
    return student, plan


def _approved_for_student(t: Translator) -> Screen:
    return Screen(t("📋 Your training plan (培养计划) was approved by the program office. Send /plan to read it."))


@decisions.button(Approve, role=Role.OFFICE)
async def approve(ctx: Ctx, tap: Approve) -> Screen:
    student, _ = await _decide(ctx, tap.plan_id, tap.version, None)
    return await waiting_plans(ctx, note=ctx.t("✅ Approved the plan for %(student)s; the mentor and the student are "
                                               "told.", student=student))


@decisions.button(SendBack, role=Role.OFFICE)
async def ask_reason(ctx: Ctx, tap: SendBack) -> Screen:
    plan, student = await _plan(ctx, tap.plan_id)
    if plan.status != PlanStatus.SUBMITTED.value or plan.latest != tap.version:
        raise NotFound(N_("That plan is no longer waiting for a decision."))
    ctx.state.begin(decisions.name, Step.REASON, {"plan_id": plan.id, "version": tap.version, "student": student})
    return await reason_prompt(ctx)


@decisions.prompt(Step.REASON)
async def reason_prompt(ctx: Ctx) -> Screen:
    return Screen(ctx.t("↩️ Why do you return the plan for %(student)s? The mentor reads this and revises the plan.",
                        student=ctx.state.draft.get("student", "")),
                  buttons=rows(Button(ctx.t("✖️ Cancel"), KeepWaiting())))


@decisions.text(Step.REASON)
async def take_reason(ctx: Ctx, text: str) -> Screen:
    reason = check_reason(text)
    draft = ctx.state.draft
    ctx.state.finish()
    student, _ = await _decide(ctx, int(draft["plan_id"]), int(draft["version"]), reason)
    return await waiting_plans(ctx, note=ctx.t("↩️ Returned the plan for %(student)s to the mentor with your reason.",
                                               student=student))


@decisions.button(KeepWaiting, role=Role.OFFICE, steps=(Step.REASON,))
async def keep_waiting(ctx: Ctx, tap: KeepWaiting) -> Screen:
    ctx.state.finish()
    return await waiting_plans(ctx)
