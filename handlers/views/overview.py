"""The office's overview as facts, a picture and the buttons that open the names behind its counts."""
from __future__ import annotations

from handlers.kit import Button, Ctx, Payload, Screen, Upload
from program.dashboard import Overview
from program.evaluations import EvaluationKind
from program.i18n import N_, Msgid
from storage import dashboard

SHORT = {EvaluationKind.INITIAL: N_("Initial evaluation"), EvaluationKind.MIDTERM: N_("Mid-term evaluation"),
         EvaluationKind.ANNUAL: N_("Annual evaluation")}


class Behind(Payload, flow="ow", action="behind"):
    """⚠️ the students behind pace, fewest confirmed sessions first."""

    page: int = 0


class Owing(Payload, flow="ow", action="owing"):
    """🧾 the mentors with evaluations of one window outstanding."""

    kind: EvaluationKind


async def facts(ctx: Ctx) -> Overview:
    today = ctx.today()
    return await dashboard.overview(ctx.session, ctx.services.calendar.for_date(today), today)


def count_buttons(ctx: Ctx, found: Overview) -> list[Button]:
    """One button per count on the overview that has people behind it."""
    buttons = []
    if found.behind:
        buttons.append(Button(ctx.t.plain("⚠️ Behind pace: %(n)d students", n=len(found.behind)), Behind()))
    for kind in found.opened:
        if found.outstanding.get(kind):
            buttons.append(Button(ctx.t.plain("🧾 %(kind)s outstanding: %(n)d mentors", kind=Msgid(SHORT[kind]),
                                              n=len(found.outstanding[kind])), Owing(kind)))
    return buttons


def chart_screen(ctx: Ctx, found: Overview) -> Screen | None:
    """The overview as a picture, or None where no Chinese font is installed (the text still says it all)."""
    from program.chart import ChartUnavailable, render_overview

    try:
        picture = render_overview(found, ctx.t)
    except ChartUnavailable:
        return None
    return Screen(ctx.t("📈 Confirmed sessions against the pace to %(required)d, by school and subject; "
                        "evaluations done.", required=found.required),
                  upload=Upload("photo", f"overview-{found.today.isoformat()}.png", picture))
