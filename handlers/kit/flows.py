"""A flow declares its steps (a StrEnum), commands, buttons (typed payloads, allowed steps), texts and prompts."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Awaitable, Callable, Iterable, TypeVar

from handlers.kit.payloads import Payload
from program.errors import ProgramError
from program.i18n import N_
from program.roles import Role

Handler = Callable[..., Awaitable[Any]]
H = TypeVar("H", bound=Handler)
Roles = Role | Iterable[Role] | None


@dataclass(frozen=True)
class Route:
    handler: Handler
    roles: frozenset[Role] | None  # None: anyone bound to the roster
    public: bool = False  # strangers (no invite used yet) may use it too: /start
    payload: type[Payload] | None = None
    steps: frozenset[str] | None = None  # a button valid only while the flow awaits one of these steps


class Stale(ProgramError):
    """A button of a step the flow is no longer at: nothing changes, and the user is told where things stand."""

    message = N_("That button belongs to an earlier message.")

    def __init__(self, flow: Flow) -> None:
        super().__init__()
        self.flow = flow


def _roles(role: Roles) -> frozenset[Role] | None:
    if role is None:
        return None
    return frozenset({role}) if isinstance(role, Role) else frozenset(role)


class Flow:
    """A conversation capability. The engine refuses a button outside its declared steps with the flow's
    own words, before the handler runs:

    - `paused_hint`: how to take up this flow's paused draft (e.g. "Send /log to continue your draft.");
    - `done_hint`: what to say when nothing of this flow is under way any more.
    """

    def __init__(self, name: str, steps: type[StrEnum] | None = None, *, paused_hint: str | None = None,
                 done_hint: str | None = None, on_cancel_keep: str | None = None) -> None:
        """`on_cancel_keep`: /cancel keeps this flow's draft and says this (a msgid); otherwise drops it."""
        if ":" in name:
            raise ValueError("flow names cannot contain ':'")
        self.name = name
        self.steps = steps
        self.paused_hint = paused_hint
        self.done_hint = done_hint
        self.on_cancel_keep = on_cancel_keep
        self.commands: dict[str, Route] = {}
        self.buttons: dict[str, Route] = {}
        self.texts: dict[str, Handler] = {}
        self.file_steps: dict[str | None, Handler] = {}
        self.prompts: dict[str, Handler] = {}

    def _step_names(self, steps: Iterable[StrEnum]) -> list[str]:
        names = []
        for step in steps:
            if self.steps is None or not isinstance(step, self.steps):
                raise TypeError(f"flow {self.name}: {step!r} is not one of its steps")
            names.append(step.value)
        return names

    def command(self, name: str, role: Roles = None, *, public: bool = False) -> Callable[[H], H]:
        def register(fn: H) -> H:
            self.commands[name] = Route(fn, _roles(role), public)
            return fn
        return register

    def button(self, payload: type[Payload], role: Roles = None, *,
               steps: Iterable[StrEnum] | None = None) -> Callable[[H], H]:
        """A button handler, called with the parsed payload: `async def confirm(ctx, tap: ConfirmLog)`."""
        if payload.flow not in (None, self.name):
            raise ValueError(f"{payload.__name__} belongs to flow {payload.flow}, not {self.name}")
        if payload.action in self.buttons:
            raise ValueError(f"flow {self.name}: button {payload.action!r} registered twice")
        allowed = frozenset(self._step_names(steps)) if steps is not None else None

        def register(fn: H) -> H:
            self.buttons[payload.action] = Route(fn, _roles(role), payload=payload, steps=allowed)
            return fn
        return register

    def text(self, *steps: StrEnum) -> Callable[[H], H]:
        def register(fn: H) -> H:
            for step in self._step_names(steps):
                self.texts[step] = fn
            return fn
        return register

    def files(self, *steps: StrEnum) -> Callable[[H], H]:
        """Files sent at these steps (none named: at any step of this flow)."""
        def register(fn: H) -> H:
            names: list[str | None] = [*self._step_names(steps)] or [None]
            for step in names:
                self.file_steps[step] = fn
            return fn
        return register

    def prompt(self, *steps: StrEnum) -> Callable[[H], H]:
        """How to ask for a step again: after wrong input, and after a stale button."""
        def register(fn: H) -> H:
            for step in self._step_names(steps):
                self.prompts[step] = fn
            return fn
        return register

    def link(self, payload: Payload) -> str:
        """A form payload (shared by several flows) packed for this flow."""
        return payload.pack(self.name)


class Flows:
    """Several flows built from one declaration (the growth log and its edit flow): registers on each."""

    def __init__(self, *flows: Flow) -> None:
        self.all = flows

    def _on_each(self, declare: Callable[[Flow], Callable[[H], H]]) -> Callable[[H], H]:
        decorators = [declare(flow) for flow in self.all]  # checked now, as a single flow's would be

        def register(fn: H) -> H:
            for decorate in decorators:
                decorate(fn)
            return fn
        return register

    def button(self, payload: type[Payload], role: Roles = None, *,
               steps: Iterable[StrEnum] | None = None) -> Callable[[H], H]:
        return self._on_each(lambda flow: flow.button(payload, role, steps=steps))

    def text(self, *steps: StrEnum) -> Callable[[H], H]:
        return self._on_each(lambda flow: flow.text(*steps))

    def files(self, *steps: StrEnum) -> Callable[[H], H]:
        return self._on_each(lambda flow: flow.files(*steps))

    def prompt(self, *steps: StrEnum) -> Callable[[H], H]:
        return self._on_each(lambda flow: flow.prompt(*steps))
