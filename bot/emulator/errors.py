"""Telegram's error envelope, raised by Bot API methods and used for injected failures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["ApiError", "CONFLICT"]

CONFLICT = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
WEBHOOK_ACTIVE = ("Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete "
                  "the webhook first")
# What Telegram says for each status when a test injects one without its own description.
DEFAULT_DESCRIPTIONS = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden: bot was blocked by the user",
                        404: "Not Found", 409: CONFLICT, 500: "Internal Server Error", 502: "Bad Gateway"}


@dataclass
class ApiError(Exception):
    """A Telegram error envelope; raised inside methods and used for injected failures."""

    error_code: int
    description: str
    retry_after: int | None = None

    @classmethod
    def flood(cls, retry_after: int = 1) -> ApiError:
        return cls(429, f"Too Many Requests: retry after {retry_after}", retry_after)

    @classmethod
    def blocked(cls) -> ApiError:
        return cls(403, "Forbidden: bot was blocked by the user")

    @classmethod
    def bad_request(cls, reason: str) -> ApiError:
        return cls(400, f"Bad Request: {reason}")

    @classmethod
    def server_error(cls) -> ApiError:
        return cls(500, "Internal Server Error")

    @classmethod
    def of_status(cls, error_code: int, description: str | None = None, retry_after: int | None = None) -> ApiError:
        """The error Telegram would send with this status; a 429 always says when to retry."""
        if error_code == 429:
            retry_after = retry_after or 1
            description = description or f"Too Many Requests: retry after {retry_after}"
        return cls(error_code, description or DEFAULT_DESCRIPTIONS.get(error_code, "Error"), retry_after)

    def envelope(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.error_code, "description": self.description}
        if self.error_code == 429:
            body["parameters"] = {"retry_after": self.retry_after or 1}
        return body
