"""A mentor's view of their students: who is theirs, and the marks used in the lists."""
from __future__ import annotations

from typing import TypeVar

from handlers.kit import Ctx
from program.errors import NotFound
from program.evaluations import EvaluationKind, EvaluationStatus
from program.i18n import N_
from storage import people
from storage.models import Person

NOT_YOURS = N_("Student not found. You can only see your own students.")
NO_STUDENTS = N_("No students are assigned to you yet. The program office assigns them in the roster.")
EVALUATION_MARKS = {None: "·", EvaluationStatus.DRAFT.value: "✎", EvaluationStatus.SUBMITTED.value: "✓"}
T = TypeVar("T")
SHORT_KIND = {EvaluationKind.INITIAL: N_("initial"), EvaluationKind.MIDTERM: N_("mid-term"),
              EvaluationKind.ANNUAL: N_("annual")}


LIST_PAGE = 20  # people per page of a list with a button each: Telegram takes at most 100 buttons a message


def page_of(items: list[T], page: int, size: int = LIST_PAGE) -> tuple[list[T], int, int]:
    """One page of a long list: (its items, the page shown, how many pages); a page past the end shows the last."""
    pages = max(1, -(-len(items) // size))
    shown = min(max(page, 0), pages - 1)
    return items[shown * size:(shown + 1) * size], shown, pages


async def my_student(ctx: Ctx, student_id: int) -> Person:
    """One of this mentor's students, or "not found" (a forged or foreign id tells nothing)."""
    student = await people.supervised_student(ctx.session, student_id, ctx.me.id)
    if student is None:
        raise NotFound(NOT_YOURS)
    return student
