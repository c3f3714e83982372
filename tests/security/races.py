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
import time
from pathlib import Path
from typing import Any, Callable

import pytest


class Rendezvous:
    def __init__(self, parties: int = 2, patience: float = 1.0) -> None:
        self.parties, self.patience, self.calls = parties, patience, 0
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
