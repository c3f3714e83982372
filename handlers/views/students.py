"""A mentor's view of their students: who is theirs, and the marks used in the lists."""
from __future__ import annotations

from handlers.kit import Ctx
from program.errors import NotFound
from program.evaluations import EvaluationKind, EvaluationStatus
from program.i18n import N_
from storage import people
from storage.models import Person

NOT_YOURS = N_("Student not found. You can only see your own students.")
NO_STUDENTS = N_("No students are assigned to you yet. The program office assigns them in the roster.")
EVALUATION_MARKS = {None: "·", EvaluationStatus.DRAFT.value: "✎", EvaluationStatus.SUBMITTED.value: "✓"}
SHORT_KIND = {EvaluationKind.INITIAL: N_("initial"), EvaluationKind.MIDTERM: N_("mid-term"),
              EvaluationKind.ANNUAL: N_("annual")}


async def my_student(ctx: Ctx, student_id: int) -> Person:
    """One of this mentor's students, or "not found" (a forged or foreign id tells nothing)."""
    student = await people.supervised_student(ctx.session, student_id, ctx.me.id)
    if student is None:
        raise NotFound(NOT_YOURS)
    return student
