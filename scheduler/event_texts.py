"""What a student who came to an office event reads afterwards: a request to log it, with the log filled in."""
from __future__ import annotations

from datetime import tzinfo
from typing import Any, Callable

from program import reminders as actions
from program.i18n import translator
from storage.models import Broadcast


def ask_to_log(zone: tzinfo) -> Callable[[Broadcast, str], tuple[str, list[Any]]]:
    def render(event: Broadcast, language: str) -> tuple[str, list[Any]]:
        t = translator(language)
        topic = " ".join(event.text.split())[:40]
        day = event.event_at.astimezone(zone).date() if event.event_at else None
        text = t("📝 You went to “%(topic)s” on %(day)s. Write its growth log while you remember it: the kind and "
                 "the date are filled in already.", topic=topic, day=day)
        return text, [[[t.raw("📝 Log it"), actions.log_event(event.id)]]]
    return render
