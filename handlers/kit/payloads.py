"""Typed button payloads: `class ConfirmLog(Payload, flow="tch", action="ok"): log_id: int` packs to "tch:ok:7".

A payload is parsed and checked by the engine before any handler runs: wrong field count, a foreign
enum value or an impossible id is refused there, and the handler receives the parsed object.
"""
from __future__ import annotations

import dataclasses
import typing
from enum import StrEnum
from typing import Any, ClassVar

from program.errors import NotFound
from program.i18n import N_

MAX_ID = 2**31 - 1  # PostgreSQL's integer: a bigger id cannot exist, and asyncpg would refuse to send it
SEPARATOR = ":"
Stamp = typing.NewType("Stamp", int)  # a moment in whole seconds since 1970, e.g. when a list was shown


class MalformedPayload(NotFound):
    """A payload no button of ours could have sent (forged, or from a much older version of the bot)."""

    message = N_("This button is no longer valid. Here is the menu.")


class NoSuchId(NotFound):
    """An id that cannot exist: reads as "not found", never as a crash."""


def id_from(value: str) -> int:
    if not (value.isascii() and value.isdigit()) or len(value) > 10 or int(value) > MAX_ID:
        raise NoSuchId()
    return int(value)


@typing.dataclass_transform(frozen_default=True)
class Payload:
    """Base of every button payload. Subclasses are frozen dataclasses; fields are int, bool, str or a StrEnum.

    An int is an id, a page or a count: at most PostgreSQL's integer, or it reads as "not found". A moment
    (seconds since 1970) is a `Stamp`.

    `flow=None` makes a form payload that several flows share (the growth log and its edit flow): it is
    packed with the flow it belongs to, `payload.pack(flow.name)`.
    """

    flow: ClassVar[str | None] = None
    action: ClassVar[str] = ""
    _types: ClassVar[list[tuple[str, Any, Any]] | None] = None  # name, type, default (MISSING if required)

    def __init_subclass__(cls, *, flow: str | None = None, action: str, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if SEPARATOR in action or (flow and SEPARATOR in flow):
            raise ValueError(f"{cls.__name__}: ':' cannot be part of a flow or action name")
        cls.flow, cls.action, cls._types = flow, action, None
        dataclasses.dataclass(frozen=True)(cls)

    @classmethod
    def fields(cls) -> list[tuple[str, Any, Any]]:
        if cls._types is None:
            hints = typing.get_type_hints(cls)
            cls._types = [(f.name, hints[f.name], f.default) for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
        return cls._types

    def pack(self, flow: str | None = None) -> str:
        name = flow or self.flow
        if not name:
            raise ValueError(f"{type(self).__name__} is a form payload: pack it with its flow's name")
        values = [getattr(self, field) for field, _, _ in self.fields()]
        while values and values[-1] == self.fields()[len(values) - 1][2]:
            values.pop()  # trailing defaults are left out, so "log:for:7" and "log:for:7:new" both parse
        parts = [name, self.action]
        for value in values:
            text = value.value if isinstance(value, StrEnum) else str(int(value) if isinstance(value, bool) else value)
            if SEPARATOR in text:
                raise ValueError(f"{type(self).__name__}: a payload value cannot contain ':' ({text!r})")
            parts.append(text)
        return SEPARATOR.join(parts)

    @classmethod
    def parse(cls, args: list[str]) -> Payload:
        """The payload a button's arguments stand for; MalformedPayload or NoSuchId if nothing could."""
        fields = cls.fields()
        required = sum(1 for _, _, default in fields if default is dataclasses.MISSING)
        if not required <= len(args) <= len(fields):
            raise MalformedPayload()
        values: dict[str, Any] = {}
        for (name, kind, _), arg in zip(fields, args, strict=False):
            values[name] = _value(kind, arg)
        return cls(**values)


def _value(kind: Any, arg: str) -> Any:
    if kind is int:
        return id_from(arg)  # an id, a page, a count: one that cannot exist reads as "not found"
    if kind is Stamp:
        if not (arg.isascii() and arg.isdigit()) or len(arg) > 12:
            raise MalformedPayload()
        return Stamp(int(arg))
    if kind is bool:
        if arg not in ("0", "1"):
            raise MalformedPayload()
        return arg == "1"
    if isinstance(kind, type) and issubclass(kind, StrEnum):
        try:
            return kind(arg)
        except ValueError:
            raise MalformedPayload() from None
    if kind is str:
        if len(arg) > 64:
            raise MalformedPayload()
        return arg
    raise TypeError(f"payload fields are int, bool, str or a StrEnum, not {kind!r}")
