"""How an office broadcast reads for its recipient (a notice, or an event with RSVP buttons), per language."""
from __future__ import annotations

from typing import Any, Callable

from handlers.kit import Button, Payload, Screen, esc, rows
from program.broadcasts import BroadcastKind
from program.i18n import Translator, format_moment, translator
from storage.models import Broadcast


class AnswerEvent(Payload, flow="bc", action="rsvp"):
    broadcast_id: int
    answer: str  # "yes" | "no"


def render(broadcast: Broadcast, t: Translator, zone: Any, answer: str | None = None) -> Screen:
    """The broadcast as one recipient reads it, in their language (the office's own words are escaped)."""
    if broadcast.kind == BroadcastKind.EVENT.value:
        lines = [t("📅 <b>Event from the program office</b>"), "", esc(broadcast.text)]
        if broadcast.event_at is not None:
            lines.append(t("When: %(moment)s", moment=format_moment(broadcast.event_at.astimezone(zone), t.language)))
        if broadcast.event_place:
            lines.append(t("Where: %(place)s", place=broadcast.event_place))
        if answer == "yes":
            lines.append("\n" + t("✅ You said you will come."))
        elif answer == "no":
            lines.append("\n" + t("You said you cannot come."))
        else:
            lines.append("\n" + t("Will you come?"))
        buttons = rows(Button(t.plain("✅ I will come"), AnswerEvent(broadcast.id, "yes")),
                       Button(t.plain("❌ I cannot come"), AnswerEvent(broadcast.id, "no")))
        return Screen("\n".join(lines), buttons=buttons)
    return Screen("\n".join([t("📢 <b>Notice from the program office</b>"), "", esc(broadcast.text)]))


def outbox_copy(broadcast: Broadcast, zone: Any) -> Callable[[str], tuple[str, list[Any]]]:
    """How storage renders one copy per language for the outbox."""
    def copy(language: str) -> tuple[str, list[Any]]:
        screen = render(broadcast, translator(language), zone)
        return screen.text, [[[b.label, b.payload] for b in row] for row in screen.buttons]
    return copy
