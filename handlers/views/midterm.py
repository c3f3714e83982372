"""What a mid-term result means for the student: said to the mentor before, and to the student and teacher after."""
from __future__ import annotations

from handlers.kit import Button, Ctx, Screen, rows
from handlers.views.links import NewLog
from program.i18n import Translator
from storage import people
from storage.models import Evaluation, Person


def changes_membership(student: Person, result: str | None) -> bool:
    """A failed mid-term ends the student's training; a corrected pass brings a student who left back."""
    return (result == "fail") == (student.exited_at is None)


def consequence_text(ctx: Ctx, student: Person, result: str) -> str:
    if result == "fail":
        return ctx.t("⚠️ <b>%(name)s will leave the program.</b> A failed mid-term evaluation ends the training "
                     "at once: %(name)s can no longer file growth logs. %(name)s and their guidance teacher will be "
                     "told. Submit this result?", name=student.name)
    return ctx.t("%(name)s will rejoin the program and can file growth logs again. %(name)s and their guidance "
                 "teacher will be told. Change the result to pass?", name=student.name)


async def announce(ctx: Ctx, student: Person, result: str, occasion: str) -> None:
    """Tells the student and their guidance teacher(s), each in their own language, through the outbox."""
    mentor, name, failed = ctx.me.name, student.name, result == "fail"

    def to_student(t: Translator) -> Screen:
        if failed:
            return Screen(t("Your mid-term evaluation (中期评价) result is: fail. Under the program's rules you "
                            "have left the program, and new growth logs can no longer be filed. If you have questions, "
                            "talk to your mentor %(mentor)s or your guidance teacher.", mentor=mentor))
        return Screen(t("Your mid-term evaluation (中期评价) result was changed to pass by %(mentor)s. You are back "
                        "in the program and can file growth logs again.", mentor=mentor),
                      buttons=rows(Button(t("📝 New growth log"), NewLog())))

    def to_teacher(t: Translator) -> Screen:
        if failed:
            return Screen(t("%(name)s did not pass the mid-term evaluation (submitted by %(mentor)s) and has left "
                            "the program.", name=name, mentor=mentor))
        return Screen(t("%(mentor)s changed %(name)s's mid-term evaluation to pass: %(name)s is back in the "
                        "program.", name=name, mentor=mentor))

    ctx.notify(student.id, "midterm_result", f"midterm:{student.id}:{occasion}", to_student)
    for teacher in await people.supervisors_of(ctx.session, student.id, "teacher"):
        ctx.notify(teacher.id, "midterm_result", f"midterm:{student.id}:{occasion}:{teacher.id}", to_teacher)


async def apply_result(ctx: Ctx, student: Person, evaluation: Evaluation) -> None:
    """A failed mid-term means leaving the program (kept in the records); a corrected pass brings them back.

    Either way the student and their guidance teacher are told.
    """
    result = str(evaluation.answers.get("result"))
    if not changes_membership(student, result):
        return
    student.exited_at = ctx.now() if result == "fail" else None
    await announce(ctx, student, result, f"{evaluation.id}:{evaluation.version}")
