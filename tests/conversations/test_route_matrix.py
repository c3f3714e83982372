"""Every button of every flow, tapped by the wrong role, with a forged payload, or from a step long gone.

Generated from the flows themselves, so a new button is covered the day it is declared. Each tap must be
refused with a message, and nothing stored may change.
"""
from __future__ import annotations

import dataclasses
from enum import StrEnum
from typing import Any

import pytest
from sqlalchemy import select

from handlers.kit import Payload, Route
from handlers.registry import all_flows
from program.roles import Role
from storage.models import Base
from tests.helpers import Chat, joined

PEOPLE = {Role.OFFICE: ("王主任", 4001), Role.MENTOR: ("李明教授", 4002), Role.TEACHER: ("张丽", 4003),
          Role.STUDENT: ("王小明", 4004)}


def _routes() -> list[tuple[str, str, Route]]:
    return [(flow.name, action, route) for flow in all_flows() for action, route in flow.buttons.items()]


def _sample(payload: type[Payload]) -> list[str]:
    """Plausible arguments for a payload (ids that exist in no database of these tests)."""
    args = []
    for name, kind, _ in payload.fields():
        if kind is int:
            args.append("424242" if name.endswith("id") else "1")
        elif kind is bool:
            args.append("1")
        elif isinstance(kind, type) and issubclass(kind, StrEnum):
            args.append(next(iter(kind)).value)
        else:
            args.append("x")
    return args


def _id(route: tuple[str, str, Route]) -> str:
    return f"{route[0]}:{route[1]}"


async def _everything(services: Any) -> dict[str, list[tuple[Any, ...]]]:
    async with services.sessions() as session:
        return {table.name: sorted(map(tuple, (await session.execute(select(table))).all()), key=repr)
                for table in Base.metadata.sorted_tables}


async def _chat_of(engine: Any, services: Any, role: Role) -> Chat:
    name, user_id = PEOPLE[role]
    return await joined(engine, services, name, user_id)


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """The engine refuses these before any storage code runs: one database kind is enough (and twice as fast)."""
    return sqlite_url


ALL = _routes()


@pytest.mark.parametrize("route", ALL, ids=map(_id, ALL))
async def test_a_wrong_role_a_forged_payload_and_a_stale_step_are_refused_and_change_nothing(engine, services, route):
    flow, action, declared = route
    assert declared.payload is not None
    sample = ":".join([flow, action, *_sample(declared.payload)])
    chat = await _chat_of(engine, services, next(iter(declared.roles)) if declared.roles else Role.STUDENT)
    outsider = await _chat_of(engine, services, next(r for r in PEOPLE if r not in declared.roles)) \
        if declared.roles is not None else None
    before = await _everything(services)
    if outsider is not None:
        await outsider.press(payload=sample)
        assert "你的身份不能使用这个功能" in outsider.said(2)
    too_many = [*_sample(declared.payload), "1", "2", "3", "4", "5"]
    for forged in (":".join([flow, action, *too_many]), f"{flow}:{action}:{'9' * 30}:{'9' * 30}"):
        await chat.press(payload=forged)
        assert "⚠️" in chat.said(2), forged
    if declared.steps is not None:  # nothing of this flow is under way: every stepped button is stale
        await chat.press(payload=sample)
        assert "这是之前消息里的按钮" in chat.said(2)
    assert await _everything(services) == before


def test_every_button_is_declared_with_a_payload_class_of_its_own_flow():
    for flow in all_flows():
        for action, route in flow.buttons.items():
            assert route.payload is not None and route.payload.action == action
            assert route.payload.flow in (None, flow.name)
            assert dataclasses.is_dataclass(route.payload)
