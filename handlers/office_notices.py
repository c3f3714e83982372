"""What the office's decisions tell the people concerned: a plan approved or returned, an annual result."""
from __future__ import annotations

from typing import Callable

from handlers.kit import Screen
from program.annual import OUTCOME_LABELS, Outcome, earns_certificate
from program.i18n import Msgid, Translator


def plan_decided(student: str, approved: bool, reason: str | None) -> Callable[[Translator], Screen]:
    def render(t: Translator) -> Screen:
        if approved:
            return Screen(t("✅ The program office approved the training plan for %(student)s. "
                            "The student can now see it.", student=student))
        return Screen(t("↩️ The program office returned the training plan for %(student)s for revision.\n"
                        "Reason: %(reason)s", student=student, reason=reason or "—"))
    return render


def result_told(year: int, outcome: Outcome, international: bool) -> Callable[[Translator], Screen]:
    def render(t: Translator) -> Screen:
        lines = [t("🎓 Your annual evaluation for %(year)d: <b>%(outcome)s</b>.", year=year,
                   outcome=Msgid(OUTCOME_LABELS[outcome]))]
        if earns_certificate(outcome):
            lines.append(t("Congratulations! You will receive the training certificate (培养证书)."))
        if international:
            lines.append(t("You are also a candidate for international competitions and exchanges."))
        return Screen("\n".join(lines))
    return render


