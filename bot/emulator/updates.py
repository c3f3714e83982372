"""Updates waiting for the bot, the offset it confirmed, and which long poll is the current one."""

from __future__ import annotations

import collections
import time
from typing import Any

from .events import EventLog

__all__ = ["UpdateQueue"]

# Telegram's default when allowed_updates is empty/unset: everything except these.
OPT_IN_UPDATES = {"chat_member", "message_reaction", "message_reaction_count"}


class UpdateQueue:
    """Telegram's side of getUpdates: confirmed updates are forgotten, and a newer poll ends the older one."""

    def __init__(self, events: EventLog) -> None:
        self.events = events
        self.confirmed_offset = 0
        self.confirmations: list[tuple[int, float]] = []  # (offset, monotonic time) each time it grew
        self._pending: collections.deque[dict[str, Any]] = collections.deque()
        self._next_id = 1
        self._allowed: set[str] | None = None
        self._poll = 0
        self._last_poll: float | None = None

    @property
    def pending(self) -> list[dict[str, Any]]:
        return list(self._pending)

    @property
    def count(self) -> int:
        return len(self._pending)

    @property
    def next_id(self) -> int:
        return self._next_id

    def enqueue(self, kind: str, payload: dict[str, Any], chat_id: int) -> int | None:
        """Queue an update; None when the bot's allowed_updates filters it out (Telegram drops it)."""
        if (kind not in self._allowed) if self._allowed else (kind in OPT_IN_UPDATES):
            return None
        update: dict[str, Any] = {"update_id": self._next_id, kind: payload}
        self._next_id += 1
        self._pending.append(update)
        self.events.emit("update", chat_id, update)
        return update["update_id"]

    def allow(self, kinds: list[str]) -> None:
        """The bot's allowed_updates; an empty list restores Telegram's default."""
        self._allowed = set(kinds) or None

    def confirm(self, offset: int) -> None:
        """The bot asked from `offset` on: everything before it is handled and forgotten."""
        while self._pending and self._pending[0]["update_id"] < offset:
            self._pending.popleft()
        if offset > self.confirmed_offset:
            self.confirmed_offset = offset
            self.confirmations.append((offset, time.monotonic()))
            self.events.notify()

    @property
    def allowed(self) -> set[str] | None:
        return self._allowed

    def drop_pending(self, keep: frozenset[int] | set[int] = frozenset()) -> None:
        """Forgets what waits (`keep`: updates already on their way to a webhook)."""
        if not keep:
            if self._pending:
                self.confirm(self._pending[-1]["update_id"] + 1)
            return
        for update in [u for u in self._pending if u["update_id"] not in keep]:
            self._pending.remove(update)
        self.acknowledge(None)

    def acknowledge(self, update_id: int | None) -> None:
        """A webhook answered 2xx for this update (chats go at their own pace, so not always the oldest)."""
        for update in self._pending:
            if update["update_id"] == update_id:
                self._pending.remove(update)
                break
        self.confirm(self._pending[0]["update_id"] if self._pending else self._next_id)

    def from_offset(self, offset: int, limit: int) -> list[dict[str, Any]]:
        return [u for u in self._pending if u["update_id"] >= offset][:limit]

    def begin_poll(self) -> int:
        """A new getUpdates call; returns its ticket and wakes an older poll so it can step aside."""
        self._poll += 1
        self.polled()
        self.events.notify()
        return self._poll

    def is_current(self, ticket: int) -> bool:
        return self._poll == ticket

    def polled(self) -> None:
        self._last_poll = time.monotonic()

    def describe_polling(self) -> str:
        if self._last_poll is None:
            return "the bot never called getUpdates"
        return f"last getUpdates {time.monotonic() - self._last_poll:.1f}s ago"

    async def wait_confirmed(self, update_id: int, timeout: float = 5.0) -> None:
        """Returns once the bot confirmed the update (its handling is over), else raises TimeoutError."""
        if not await self.events.wait_until(lambda: self.confirmed_offset > update_id, timeout):
            raise TimeoutError(f"update {update_id} not confirmed within {timeout}s "
                               f"(confirmed offset {self.confirmed_offset}, {self.describe_polling()})")
