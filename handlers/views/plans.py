"""How a 培养计划 is shown to the mentor who writes it, the office that decides and the student it is for."""
from __future__ import annotations

from handlers.kit import Ctx, Payload, esc
from program.i18n import Msgid
from program.plans import PLAN_STATUS_LABELS, PlanContent, PlanStatus


class OpenPlan(Payload, flow="opl", action="open"):
    """📄 the office opens a plan waiting for its decision."""

    plan_id: int


def months_text(ctx: Ctx, sessions: dict[int, int]) -> str:
    return ctx.t("、").join(ctx.t("%(month)d月 %(count)d次", month=m, count=c) for m, c in sorted(sessions.items())) \
        or "—"


def plan_text(ctx: Ctx, student: str, content: PlanContent, status: PlanStatus, version: int) -> str:
    """Every part of the plan, the student's name and where it stands (the mentor's own words escaped)."""
    return "\n".join([
        ctx.t("📋 <b>Training plan</b> for %(student)s · version %(version)d · %(status)s", student=student,
              version=version, status=Msgid(PLAN_STATUS_LABELS[status])),
        ctx.t("<b>Goals</b>: %(text)s", text=content.goals or "—"),
        ctx.t("<b>Reading</b>: %(text)s", text=content.reading or "—"),
        ctx.t("<b>Topic</b>: %(text)s", text=content.topic or "—"),
        ctx.t("<b>Sessions by month</b> (%(n)d in all): %(months)s", n=content.planned,
              months=esc(months_text(ctx, content.sessions)))])
