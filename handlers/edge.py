"""The engine's edge: what a user sends is cleaned once, whatever the channel, before any flow sees it."""
from __future__ import annotations

from dataclasses import replace

from handlers.kit import FileRef, Incoming
from program.text import strip_controls


def _clean(value: str | None) -> str | None:
    return None if value is None else strip_controls(value)


def _clean_file(file: FileRef) -> FileRef:
    # The ids too: Telegram's never carry such characters, but a broken client's would sit in the draft.
    return replace(file, file_id=strip_controls(file.file_id), file_unique_id=_clean(file.file_unique_id),
                   file_name=_clean(file.file_name), mime_type=_clean(file.mime_type))


def clean_incoming(incoming: Incoming) -> Incoming:
    """Texts, command arguments, button payloads and files' names and ids without control characters.

    A NUL would otherwise sit in a draft and make every submit fail on PostgreSQL, and a lone
    surrogate cannot be stored or sent at all.
    """
    return replace(incoming, text=_clean(incoming.text), argument=_clean(incoming.argument),
                   payload=_clean(incoming.payload), language=_clean(incoming.language),
                   files=tuple(f for f in map(_clean_file, incoming.files) if f.file_id))
