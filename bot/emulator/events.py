"""The numbered log of changes in the fake Telegram, and the one signal every waiter wakes on."""

from __future__ import annotations

import asyncio
import collections
import itertools
import math
import time
from collections.abc import Callable
from typing import Any

from .model import Event

__all__ = ["EventLog"]


class EventLog:
    """Every change gets the next sequence number; long polls and tests wait here instead of sleeping."""

    def __init__(self, keep: int = 50_000) -> None:
        self.seq = 0
        self.events: collections.deque[Event] = collections.deque(maxlen=keep)
        self.closed = False  # set while the server stops, so pending waits return at once
        self._wake = asyncio.Event()

    def notify(self) -> None:
        """Wakes every waiter so it checks its condition again."""
        # A swapped Event is a broadcast that sync code can trigger (no Condition lock needed).
        self._wake.set()
        self._wake = asyncio.Event()

    def emit(self, kind: str, chat_id: int | None, data: dict[str, Any]) -> int:
        self.seq += 1
        self.events.append(Event(self.seq, kind, chat_id, data))
        self.notify()
        return self.seq

    def close(self) -> None:
        self.closed = True
        self.notify()

    def reopen(self) -> None:
        self.closed = False

    async def wait_until(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """True as soon as `predicate` holds; False once `timeout` seconds pass without it."""
        if not math.isfinite(timeout):
            raise ValueError(f"timeout must be a finite number of seconds, not {timeout!r}")
        deadline = time.monotonic() + timeout
        while not predicate():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            try:
                await asyncio.wait_for(self._wake.wait(), remaining)
            except TimeoutError:
                return predicate()
        return True

    def since(self, after_seq: int) -> list[Event]:
        newer = list(itertools.takewhile(lambda e: e.seq > after_seq, reversed(self.events)))
        return newer[::-1]

    async def wait_after(self, after_seq: int, timeout: float) -> list[Event]:
        """Long-poll primitive: events newer than after_seq, or [] once timeout passes."""
        await self.wait_until(lambda: self.seq > after_seq or self.closed, timeout)
        return self.since(after_seq)
