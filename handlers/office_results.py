"""The office records a student's annual result (§六(三)): four ratings, the outcome, international candidacy."""
from __future__ import annotations

from enum import StrEnum

from handlers.kit import Button, Ctx, Flow, Payload, Screen, pager, rows
from handlers.office_notices import result_told
from program.annual import DIMENSION_LABELS, OUTCOME_LABELS, RATING_LABELS, Dimension, Outcome, Rating
from program.audit import AuditAction
from program.errors import NotFound
from program.i18n import N_, Msgid
from program.roles import Role
from storage import annual, audit, office
from storage.models import Person


class Step(StrEnum):
    RATING = "rating"
    OUTCOME = "outcome"
    INTERNATIONAL = "international"
    REVIEW = "review"


results = Flow("ors", Step, done_hint=N_("That result was already saved or dropped. Send /results to record "
                                         "another one."))
EVERY_STEP = tuple(Step)
PAGE = 8
DIMENSIONS = list(Dimension)


class School(Payload, flow="ors", action="school"):
    school_id: int
    page: int = 0


class Pick(Payload, flow="ors", action="pick"):
    student_id: int


class Rate(Payload, flow="ors", action="rate"):
    dimension: Dimension
    rating: Rating


class Decide(Payload, flow="ors", action="outcome"):
    outcome: Outcome


class International(Payload, flow="ors", action="intl"):
    candidate: bool


class Save(Payload, flow="ors", action="save"):
    pass


class Drop(Payload, flow="ors", action="drop"):
    pass


def _year(ctx: Ctx) -> int:
    return ctx.services.calendar.for_date(ctx.today()).year


@results.command("results", role=Role.OFFICE)
async def schools(ctx: Ctx) -> Screen:
    found = await office.schools(ctx.session)
    if not found:
        return Screen(ctx.t("No students are in the roster yet. Import one with: yingcai roster import roster.csv"))
    return Screen(ctx.t("🎓 <b>Annual results</b> %(year)d · which school?", year=_year(ctx)),
                  buttons=rows(*(Button(f"{name} ({count})", School(sid)) for sid, name, count in found), per_row=1))


@results.button(School, role=Role.OFFICE)
async def students(ctx: Ctx, tap: School) -> Screen:
    if tap.school_id not in {sid for sid, _, _ in await office.schools(ctx.session)}:
        raise NotFound()
    found, total = await office.students_page(ctx.session, tap.school_id, tap.page * PAGE, PAGE)
    recorded = await annual.with_result(ctx.session, [s.id for s in found if s.exited_at is None], _year(ctx))
    buttons = [Button(("✓ " if student.id in recorded else "") + student.name, Pick(student.id))
               for student in found if student.exited_at is None]
    nav = pager(tap.page, (tap.page + 1) * PAGE < total, lambda n: School(tap.school_id, n))
    return Screen(ctx.t("Whose result? (✓ = recorded; tapping it again corrects it)"), buttons=rows(*buttons, *nav),
                  replace=tap.page > 0)


async def _student(ctx: Ctx, student_id: int) -> Person:
    student = await office.person_in_role(ctx.session, student_id, Role.STUDENT)
    if student is None or student.exited_at is not None:
        raise NotFound(N_("That student is not in the roster."))
    return student


@results.button(Pick, role=Role.OFFICE)
async def start(ctx: Ctx, tap: Pick) -> Screen:
    student = await _student(ctx, tap.student_id)
    ctx.state.begin(results.name, Step.RATING, {"student_id": student.id, "name": student.name, "ratings": {}})
    return await ask_rating(ctx)


def _next_dimension(ctx: Ctx) -> Dimension | None:
    rated = ctx.state.draft.get("ratings", {})
    return next((d for d in DIMENSIONS if d.value not in rated), None)


@results.prompt(Step.RATING)
async def ask_rating(ctx: Ctx) -> Screen:
    dimension = _next_dimension(ctx) or DIMENSIONS[-1]
    number = DIMENSIONS.index(dimension) + 1
    return Screen(ctx.t("🎓 %(name)s · %(n)d of %(total)d: <b>%(dimension)s</b>?", name=ctx.state.draft["name"],
                        n=number, total=len(DIMENSIONS), dimension=Msgid(DIMENSION_LABELS[dimension])),
                  buttons=rows(*(Button(ctx.t(RATING_LABELS[r]), Rate(dimension, r)) for r in Rating),
                               Button(ctx.t("✖️ Cancel"), Drop())))


@results.button(Rate, role=Role.OFFICE, steps=(Step.RATING,))
async def rate(ctx: Ctx, tap: Rate) -> Screen:
    if tap.dimension is not _next_dimension(ctx):
        return await ask_rating(ctx)  # an older question's button: ask the one that is due
    ctx.state.draft["ratings"][tap.dimension.value] = tap.rating.value
    if _next_dimension(ctx) is not None:
        return await ask_rating(ctx)
    ctx.state.goto(Step.OUTCOME)
    return await ask_outcome(ctx)


@results.prompt(Step.OUTCOME)
async def ask_outcome(ctx: Ctx) -> Screen:
    return Screen(ctx.t("🎓 %(name)s: the outcome of the year?", name=ctx.state.draft["name"]),
                  buttons=rows(*(Button(ctx.t(OUTCOME_LABELS[o]), Decide(o)) for o in Outcome),
                               Button(ctx.t("✖️ Cancel"), Drop())))


@results.button(Decide, role=Role.OFFICE, steps=(Step.OUTCOME,))
async def decide(ctx: Ctx, tap: Decide) -> Screen:
    ctx.state.draft["outcome"] = tap.outcome.value
    ctx.state.goto(Step.INTERNATIONAL)
    return await ask_international(ctx)


@results.prompt(Step.INTERNATIONAL)
async def ask_international(ctx: Ctx) -> Screen:
    return Screen(ctx.t("🌏 Is %(name)s a candidate for international exchange?", name=ctx.state.draft["name"]),
                  buttons=rows(Button(ctx.t("Yes"), International(True)), Button(ctx.t("No"), International(False)),
                               Button(ctx.t("✖️ Cancel"), Drop())))


@results.button(International, role=Role.OFFICE, steps=(Step.INTERNATIONAL,))
async def international(ctx: Ctx, tap: International) -> Screen:
    ctx.state.draft["international"] = tap.candidate
    ctx.state.goto(Step.REVIEW)
    return await review(ctx)


@results.prompt(Step.REVIEW)
async def review(ctx: Ctx) -> Screen:
    draft = ctx.state.draft
    lines = [ctx.t("<b>Please check</b> the annual result of %(name)s", name=draft["name"])]
    for dimension in DIMENSIONS:
        lines.append(ctx.t("%(dimension)s: %(rating)s", dimension=Msgid(DIMENSION_LABELS[dimension]),
                           rating=Msgid(RATING_LABELS[Rating(draft["ratings"][dimension.value])])))
    lines.append(ctx.t("Outcome: <b>%(outcome)s</b> · international candidate: %(answer)s",
                       outcome=Msgid(OUTCOME_LABELS[Outcome(draft["outcome"])]),
                       answer=ctx.t("Yes") if draft["international"] else ctx.t("No")))
    lines.append(ctx.t("The student is told when you save it."))
    return Screen("\n".join(lines), buttons=rows(Button(ctx.t("💾 Save and tell the student"), Save()),
                                                Button(ctx.t("✖️ Cancel"), Drop())))


@results.button(Save, role=Role.OFFICE, steps=(Step.REVIEW,))
async def save(ctx: Ctx, tap: Save) -> Screen:
    draft = ctx.state.draft
    student = await _student(ctx, int(draft["student_id"]))
    ratings = {Dimension(d): Rating(r) for d, r in draft["ratings"].items()}
    outcome, candidate, year, now = Outcome(draft["outcome"]), bool(draft["international"]), _year(ctx), ctx.now()
    ctx.state.finish()
    await annual.record_result(ctx.session, student_id=student.id, year=year, ratings=ratings, outcome=outcome,
                               international=candidate, note="", office_id=ctx.me.id, now=now)
    await audit.record(ctx.session, action=AuditAction.RESULT, actor=ctx.me.name, actor_id=ctx.me.id, now=now,
                       target=student.name, year=year, outcome=outcome.value, international=candidate)
    ctx.notify(student.id, "annual_result", f"result:{year}:{student.id}:{now.isoformat()}",
               result_told(year, outcome, candidate))
    return Screen(ctx.t("💾 Saved the result of %(name)s; they are told.", name=student.name),
                  buttons=rows(Button(ctx.t("Next student"), School(student.school_id))), replace=True)


@results.button(Drop, role=Role.OFFICE, steps=EVERY_STEP)
async def drop(ctx: Ctx, tap: Drop) -> Screen:
    ctx.state.finish()
    return Screen(ctx.t("Nothing was saved."), replace=True)
