"""What the office's decisions tell the people concerned: a plan approved or returned, an annual result."""
from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Callable, Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.kit import Notice, Screen
from program.annual import OUTCOME_LABELS, Outcome, earns_certificate
from program.i18n import Msgid, Translator, translator
from program.quiet_hours import next_send_time
from storage import outbox, people


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


async def queue(session: AsyncSession, notices: Iterable[Notice], now: datetime, zone: tzinfo) -> int:
    """Puts notices into the outbox in each person's language (what the engine does after an update)."""
    notices = list(notices)
    languages = await people.languages_of(session, (n.person_id for n in notices))
    queued = 0
    for notice in notices:
        screen = notice.render(translator(languages.get(notice.person_id)))
        queued += await outbox.enqueue(
            session, person_id=notice.person_id, kind=notice.kind, dedupe_key=notice.dedupe_key, text=screen.text,
            buttons=[[[b.label, b.payload] for b in row] for row in screen.buttons],
            due_at=next_send_time(now, zone), now=now)
    return queued


