"""Channels without buttons (DingTalk): a typed label or number stands for a button shown before."""
from __future__ import annotations

from typing import Any, Iterable, TypeVar

from handlers.kit.screens import Screen

SHOWN_SCREENS = 3  # a text-only channel honours the buttons of this many recent screens (links stay tappable)
F = TypeVar("F")


def wants_buttons(handler: F) -> F:
    """Marks a text handler of a step that takes no typed text: a typed number there picks an option."""
    handler.wants_buttons = True  # type: ignore[attr-defined]
    return handler


def shown_buttons(screens: Iterable[Screen]) -> list[list[str]]:
    """The [label, payload] pairs of the last screen with buttons, in reading order (1, 2, 3…)."""
    for screen in reversed(list(screens)):
        pairs = [[b.label, b.payload] for row in screen.buttons for b in row if b.payload is not None]
        if pairs:
            return pairs
    return []


def remember(shown: list[Any] | None, pairs: list[list[str]]) -> list[Any]:
    return [pairs, *(shown or [])][:SHOWN_SCREENS]


def tapped(shown: list[Any] | None, text: str, *, awaits_text: bool) -> str | None:
    """The payload of the button a typed text stands for, or None: then it is ordinary text.

    The label of a recently shown button (what a markdown link sends) or, where the step does not take
    typed text, the number of a button of the newest screen. Nothing typed is ever read as a payload.
    """
    typed = text.strip()
    if not shown or not typed:
        return None
    if typed.isascii() and typed.isdigit() and len(typed) <= 3 and not awaits_text:
        newest = shown[0]
        number = int(typed)
        return str(newest[number - 1][1]) if 1 <= number <= len(newest) else None
    for pairs in shown:
        for label, payload in pairs:
            if label == typed:
                return str(payload)
    return None
