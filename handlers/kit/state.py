"""Where a user is: the flow, the step it awaits (a member of the flow's StrEnum), and per-flow drafts."""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


@dataclass
class State:
    """The flow, the awaited step, and per-flow drafts (kept while other flows run)."""

    flow: str | None = None
    step: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def snapshot(self) -> State:
        return State(self.flow, self.step, copy.deepcopy(self.data))

    @property
    def draft(self) -> dict[str, Any]:
        if self.flow is None:
            raise RuntimeError("no flow is active")
        return self.data.setdefault(self.flow, {})

    def begin(self, flow: str, step: StrEnum | None, draft: dict[str, Any] | None = None) -> None:
        """Starts (or takes up) a flow; the one it interrupts keeps its draft and step for later."""
        self.switch(flow)
        self.flow, self.step = flow, _value(step)
        if draft is not None:
            self.data[flow] = draft

    def goto(self, step: StrEnum | None) -> None:
        self.step = _value(step)

    def at(self, *steps: StrEnum) -> bool:
        return self.step is not None and self.step in {s.value for s in steps}

    def finish(self) -> None:
        """Leaves the flow and throws its draft away."""
        if self.flow:
            self.data.pop(self.flow, None)
        self.flow = self.step = None

    def pause(self) -> None:
        """Stops awaiting input but keeps the draft (and where it was) for later."""
        if self.flow and self.step and self.data.get(self.flow) is not None:
            self.data[self.flow]["_step"] = self.step
        self.step = None

    def switch(self, flow: str) -> None:
        """Another flow takes over; the one left keeps its draft."""
        if flow != self.flow:
            self.pause()
            self.flow = flow

    def resume_step(self) -> str | None:
        return self.draft.pop("_step", None)

    def has_draft(self, flow: str) -> bool:
        return bool(self.data.get(flow))


def _value(step: StrEnum | None) -> str | None:
    if step is not None and not isinstance(step, StrEnum):
        raise TypeError(f"steps are members of the flow's StrEnum, not {step!r}")
    return None if step is None else step.value
