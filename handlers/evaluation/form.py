"""The evaluation's declared form: steps (one per question), payloads, the wizard, and the evaluation at hand."""
from __future__ import annotations

from enum import StrEnum

from handlers.kit import Ctx, Flow, Flows, Payload, Stale
from handlers.kit.wizard import Wizard
from program.calendar import ProgramYear
from program.errors import NotFound
from program.evaluations import (
    KIND_LABELS,
    KIND_WINDOWS,
    QUESTIONS,
    EvaluationKind,
    Question,
    ensure_window_open,
    evaluation_window,
)
from program.i18n import N_, Msgid
from program.roles import Role
from storage import evaluations
from storage.models import Evaluation, Person


class Step(StrEnum):
    Q1 = "q1"
    Q2 = "q2"
    Q3 = "q3"
    Q4 = "q4"
    Q5 = "q5"
    Q6 = "q6"
    REVIEW = "review"
    CHANGE = "change"
    CONSEQUENCE = "consequence"  # a mid-term result that ends or restores a student's training, asked first


QUESTION_STEPS = (Step.Q1, Step.Q2, Step.Q3, Step.Q4, Step.Q5, Step.Q6)
assert all(len(questions) <= len(QUESTION_STEPS) for questions in QUESTIONS.values())
NOT_YOURS = N_("Not found. It may have been removed, or it is not yours.")

evaluate = Flow("ev", Step, paused_hint=N_("Send /evaluate to continue."),
                done_hint=N_("Send /evaluate to open an evaluation."))


class ChooseKind(Payload, flow="ev", action="kinds"):
    pass


class OpenEvaluation(Payload, flow="ev", action="open"):
    kind: EvaluationKind
    student_id: int


class AnswerChoice(Payload, flow="ev", action="a"):
    evaluation_id: int  # a choice always names its evaluation and question: an old message never
    index: int  # writes into another student's evaluation, or into another question
    value: str


class PauseEvaluation(Payload, flow="ev", action="pause"):
    pass


class SubmitEvaluation(Payload, flow="ev", action="submit"):
    evaluation_id: int


class CopyEvaluation(Payload, flow="ev", action="copy"):
    evaluation_id: int


class ConfirmResult(Payload, flow="ev", action="sure"):
    """The mentor read what this mid-term result means for the student and goes ahead."""

    evaluation_id: int
    result: str


class ShowEvaluationReview(Payload, flow="ev", action="back"):
    evaluation_id: int


class UnmarkEvaluation(Payload, flow="ev", action="unplat"):
    evaluation_id: int


class MarkEvaluationOnPlatform(Payload, flow="ev", action="plat"):
    evaluation_id: int


def kind_now(ctx: Ctx) -> EvaluationKind:
    return EvaluationKind(ctx.state.draft["kind"])


def questions_now(ctx: Ctx) -> tuple[Step, ...]:
    """One step per question of the kind being written (初期 has six, 中期 and 年度 three)."""
    return QUESTION_STEPS[:len(QUESTIONS[kind_now(ctx)])]


def question_at(ctx: Ctx, step: StrEnum) -> Question:
    return QUESTIONS[kind_now(ctx)][QUESTION_STEPS.index(Step(step))]


def _title(ctx: Ctx) -> str:
    return ctx.t("%(kind)s · %(name)s", kind=Msgid(KIND_LABELS[kind_now(ctx)]), name=ctx.state.draft["student"])


def year_now(ctx: Ctx) -> ProgramYear:
    return ctx.services.calendar.for_date(ctx.today())


async def window_check(ctx: Ctx, kind: EvaluationKind) -> None:
    year = year_now(ctx)
    reopened = await evaluations.reopened_for(ctx.session, ctx.me.id, KIND_WINDOWS[kind].value, year.year)
    ensure_window_open(kind, evaluation_window(kind, year), ctx.today(), reopened)


async def current(ctx: Ctx, evaluation_id: int | None = None) -> tuple[Evaluation, Person]:
    """The evaluation being written; a button naming another one is from an older message."""
    draft = ctx.state.data.get(evaluate.name) or {}
    if evaluation_id is not None and evaluation_id != draft.get("id"):
        raise Stale(evaluate)
    return await mine(ctx, int(draft.get("id", 0) or 0))


async def mine(ctx: Ctx, evaluation_id: int) -> tuple[Evaluation, Person]:
    """An evaluation of one of this mentor's students, with the student (two lookups, both by key)."""
    evaluation = await evaluations.of_mentor(ctx.session, evaluation_id, ctx.me.id)
    student = await ctx.session.get(Person, evaluation.student_id) if evaluation else None
    if evaluation is None or student is None:
        raise NotFound(NOT_YOURS)
    return evaluation, student


async def _window_still_open(ctx: Ctx) -> None:
    await window_check(ctx, kind_now(ctx))


form = Wizard(Flows(evaluate), order=QUESTION_STEPS, review=Step.REVIEW, title=_title, role=Role.MENTOR,
              change=Step.CHANGE, active=questions_now, change_question=N_("Which answer do you want to change?"),
              label_of=lambda ctx, step: ctx.t(question_at(ctx, step).title), guard=_window_still_open)
