"""Telegram's sending limits, enforced when a test or benchmark asks: overall per second and per chat, else 429."""

from __future__ import annotations

import collections
import time
from dataclasses import dataclass, field

from .errors import ApiError

__all__ = ["RateLimits"]

SENDS = frozenset({"sendMessage", "sendPhoto", "sendDocument"})  # what the limits count


@dataclass
class RateLimits:
    """At most `per_second` sends in any sliding second, and one per chat every `per_chat_interval` seconds."""

    per_second: float | None = 30
    per_chat_interval: float | None = 1.0
    retry_after: int = 1
    refused: int = 0  # 429s answered because of these limits
    _sends: collections.deque[float] = field(default_factory=collections.deque)
    _last: dict[str, float] = field(default_factory=dict)

    def refuse(self, method: str, chat: str | None) -> ApiError | None:
        """The 429 this send meets, or None (then it counts toward the limits)."""
        if method not in SENDS:
            return None
        now = time.monotonic()
        while self._sends and now - self._sends[0] >= 1.0:
            self._sends.popleft()
        last = self._last.get(chat or "")
        if (self.per_second is not None and len(self._sends) >= self.per_second) or \
                (self.per_chat_interval is not None and last is not None and now - last < self.per_chat_interval):
            self.refused += 1
            return ApiError.flood(self.retry_after)
        self._sends.append(now)
        self._last[chat or ""] = now
        return None
