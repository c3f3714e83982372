"""Racing two updates: two bot workers on one database, and a rendezvous that makes the race happen every time.

A race window is a few milliseconds wide; left to chance a test would pass on broken code most runs.
The rendezvous holds each update right after its read until the other has read too, so both act on
the same state, exactly the interleaving that loses updates. Where the code under test takes a row
lock before the rendezvous, the second update cannot get there: each waits at most `patience`.
"""
from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from pathlib import Path
from typing import Any, Awaitable, Callable, TypeVar

import pytest

T = TypeVar("T")

# How long one update waits for the other. On SQLite both share the single connection, so the other can never
# arrive while the first holds it: the race tests' SQLite runs set this near zero (`wait_only_where_it_can_race`).
PATIENCE = 1.0


def wait_only_where_it_can_race(monkeypatch: pytest.MonkeyPatch, database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        monkeypatch.setattr(sys.modules[__name__], "PATIENCE", 0.05)


class Rendezvous:
    def __init__(self, parties: int = 2, patience: float | None = None) -> None:
        self.parties, self.patience, self.calls = parties, PATIENCE if patience is None else patience, 0
        self._barrier = asyncio.Barrier(parties)

    async def meet(self) -> None:
        self.calls += 1
        if self.calls > self.parties:  # later reads of the same update go straight through
            return
        try:
            await asyncio.wait_for(self._barrier.wait(), self.patience)
        except (TimeoutError, asyncio.BrokenBarrierError):
            pass

    def after(self, monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> None:
        """Every call of `module.name` (a storage read) meets the other update once it has read."""
        real: Callable[..., Any] = getattr(module, name)

        async def read_then_meet(*args: Any, **kwargs: Any) -> Any:
            found = await real(*args, **kwargs)
            await self.meet()
            return found

        monkeypatch.setattr(module, name, read_then_meet)


class FileRendezvous:
    """The same for two processes: each leaves a file and waits (bounded) until both files are there."""

    def __init__(self, folder: Path, parties: int = 2, patience: float = 5.0) -> None:
        self.folder, self.parties, self.patience, self.met = folder, parties, patience, False

    async def meet(self) -> None:
        if self.met:
            return
        self.met = True
        (self.folder / f"read-{os.getpid()}").write_text("read")
        deadline = time.monotonic() + self.patience
        while len(list(self.folder.glob("read-*"))) < self.parties and time.monotonic() < deadline:
            await asyncio.sleep(0.005)

    def after(self, module: Any, name: str) -> None:
        real = getattr(module, name)

        async def read_then_meet(*args: Any, **kwargs: Any) -> Any:
            found = await real(*args, **kwargs)
            await self.meet()
            return found

        setattr(module, name, read_then_meet)


def texts(screens: list[Any]) -> str:
    return "\n".join(json.dumps(s) if isinstance(s, dict) else s.text for s in screens)


class Turn:
    """One update reads, then waits (at most `patience`) until the other has finished, then writes.

    So the other acts on the state the first one read and commits before the first one writes: exactly
    the interleaving a read-check-write without a lock gets wrong. Where the first update's read takes a
    lock, the other cannot finish: the first goes on after `patience` and the other waits for its commit.
    """

    def __init__(self, patience: float | None = None) -> None:
        self.patience = PATIENCE if patience is None else patience
        self.first_read, self.other_done = asyncio.Event(), asyncio.Event()
        self.on_done: list[Callable[[], None]] = []  # e.g. the clock moves on: what comes after is later

    def after(self, monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> None:
        """`module.name` is the first update's read."""
        real: Callable[..., Any] = getattr(module, name)

        async def read_then_wait(*args: Any, **kwargs: Any) -> Any:
            found = await real(*args, **kwargs)
            if not self.first_read.is_set():
                self.first_read.set()
                try:
                    await asyncio.wait_for(self.other_done.wait(), self.patience)
                except TimeoutError:
                    pass
            return found

        monkeypatch.setattr(module, name, read_then_wait)

    async def then(self, other: Awaitable[T]) -> T:
        """The other update, started once the first has read; `on_done` runs as soon as it finished."""
        await asyncio.wait_for(self.first_read.wait(), 10)
        try:
            return await other
        finally:
            for callback in self.on_done:
                callback()
            self.other_done.set()
