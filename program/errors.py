"""Domain errors: rules raise them, the conversation engine turns them into a translated message."""
from __future__ import annotations

from typing import Any

from program.i18n import N_


class ProgramError(Exception):
    """A rule refused an action. `message` is an untranslated msgid; `params` fill its placeholders."""

    message: str = N_("That is not possible right now.")

    def __init__(self, message: str | None = None, **params: Any) -> None:
        super().__init__(message or self.message)
        if message is not None:
            self.message = message
        self.params = params


class NotFound(ProgramError):
    message = N_("Not found. It may have been removed, or it is not yours.")


class NotAllowed(ProgramError):
    message = N_("You cannot do that.")


class InvalidInput(ProgramError):
    message = N_("I could not understand that.")
