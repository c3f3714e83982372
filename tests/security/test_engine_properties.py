"""Property-based: random updates from random people in random states never break the bot.

Payloads are the ones shown on screens (mutated) and, for every button every flow declares, ones built from
its fields' types. Invariants checked after every update: no exception reaches the user (neither a failed update nor the
"something went wrong" text), a refused update changes no record, and every screen is one Telegram can
show (markup it parses, parts within 4096 UTF-16 units, at most 100 buttons of at most 64 bytes each).
"""
from __future__ import annotations

import asyncio
import itertools
from enum import StrEnum

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.channels.telegram_text import split_text, units
from bot.emulator.html import parse_html
from handlers.kit import FileRef, Incoming, Screen
from handlers.registry import all_flows
from program.calendar import load_calendar
from program.clock import SettableClock
from storage.db import create_engine, session_factory
from storage.models import Account, Evaluation, GrowthLog, Invite, OutboxMessage, TrainingSession
from tests.conftest import at
from tests.helpers import import_roster, joined, make_engine, make_services
from tests.security.properties import TYPED, counted

BROKE = "出了点问题"
PEOPLE = {"王小明": 1001, "刘思源": 1002, "张丽": 3001, "李明教授": 2001, "王主任": 4001}
ODD_PARTS = ["", "0", "-1", "1", "2", "2147483648", "99999999999999999999", "abc", "🧪", "1.5", "today", "all",
             "initial", "%s", "..", "1.2.3"]
COMMANDS = ["start", "log", "mylogs", "progress", "deadlines", "confirm", "school", "students", "evaluate",
            "sessions", "help", "cancel", "settings", "language", "mydata", "overview", "nonsense"]
_updates = itertools.count(900_000)


class World:
    """One bot on one SQLite file, people joined, a log filed, and the payloads of the screens they saw.

    The payloads are learnt once, before the examples: a strategy must not depend on what earlier examples did.
    """

    def __init__(self, url: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.db = create_engine(url)
        services = make_services(session_factory(self.db), SettableClock(at("2026-11-20 10:00"), frozen=True),
                                 load_calendar())
        self.services, self.engine = services, make_engine(services)
        self.payloads: set[str] = set()
        self.loop.run_until_complete(self._prepare())

    async def _prepare(self) -> None:
        await import_roster(self.services)
        chats = {name: await joined(self.engine, self.services, name, user) for name, user in PEOPLE.items()}
        student = chats["王小明"]
        for step in (("send", "/log"), ("press", "阅读"), ("press", "今天"), ("send", "读了一章"), ("press", "下一步"),
                     ("press", "跳过"), ("press", "跳过"), ("send", "1"), ("press", "去核对"), ("press", "提交")):
            await (student.send(step[1]) if step[0] == "send" else student.press(step[1]))
        for name, command in (("张丽", "/confirm"), ("李明教授", "/students"), ("王小明", "/mylogs"),
                              ("王主任", "/overview"), ("李明教授", "/evaluate"), ("张丽", "/school")):
            await chats[name].send(command)
        for chat in chats.values():
            self.learn(chat.screens)

    def learn(self, screens: list[Screen]) -> None:
        self.payloads |= {b.payload for s in screens for row in s.buttons for b in row if b.payload}

    async def fingerprint(self) -> tuple:
        async with self.services.sessions() as session:
            counts = [(await session.execute(select(func.count()).select_from(model))).scalar_one()
                      for model in (GrowthLog, Evaluation, OutboxMessage, Account, Invite, TrainingSession)]
            logs = (await session.execute(select(GrowthLog.id, GrowthLog.status, GrowthLog.version)
                                          .order_by(GrowthLog.id))).all()
        return tuple(counts), tuple(logs)

    def close(self) -> None:
        self.loop.run_until_complete(self.db.dispose())
        self.loop.close()


def mutated(world: World) -> st.SearchStrategy[str]:
    def mutate(payload: str, how: int, at_part: int, odd: str) -> str:
        parts = payload.split(":")
        if how == 0:
            return payload
        if how == 1:
            parts[at_part % len(parts)] = odd
        elif how == 2 and len(parts) > 1:
            parts.pop()
        elif how == 3:
            parts.append(odd)
        else:
            parts[0] = odd
        return ":".join(parts)

    return st.builds(mutate, st.sampled_from(sorted(world.payloads)), st.integers(0, 4), st.integers(0, 5),
                     st.sampled_from(ODD_PARTS))


def _argument(kind: object) -> st.SearchStrategy[str]:
    """A value for one payload field: mostly plausible (small ids of this database, the enum's members)."""
    if kind is int:
        return st.one_of(st.integers(0, 12).map(str), st.sampled_from(ODD_PARTS))
    if kind is bool:
        return st.sampled_from(["0", "1", "2", ""])
    if isinstance(kind, type) and issubclass(kind, StrEnum):
        return st.one_of(st.sampled_from([member.value for member in kind]), st.sampled_from(ODD_PARTS))
    return st.one_of(TYPED.map(lambda t: t.replace(":", "")[:70]), st.sampled_from(ODD_PARTS))


def declared() -> st.SearchStrategy[str]:
    """A payload of every button every flow declares, with arguments drawn for its fields' types."""
    routes = sorted(((flow.name, action, route.payload) for flow in all_flows()
                     for action, route in flow.buttons.items() if route.payload is not None), key=lambda r: r[:2])
    return st.sampled_from(routes).flatmap(lambda r: st.tuples(*(_argument(kind) for _, kind, _ in r[2].fields()))
                                           .map(lambda args, r=r: ":".join([r[0], r[1], *args])))


def updates(world: World) -> st.SearchStrategy[Incoming]:
    who = st.sampled_from(sorted(PEOPLE.values()))
    files = st.builds(FileRef, st.sampled_from(["photo", "document"]), TYPED.map(lambda t: f"F{t[:20]}" or "F"),
                      st.none(), TYPED.map(lambda t: t[:60] or None), st.sampled_from([None, "application/pdf"]),
                      st.integers(0, 60 * 1024 * 1024))
    return st.one_of(
        st.builds(lambda u, t: Incoming(u, u, "zh-hans", text=t), who, TYPED),
        st.builds(lambda u, c, a: Incoming(u, u, "zh-hans", command=c, argument=a or None), who,
                  st.sampled_from(COMMANDS), TYPED),
        st.builds(lambda u, p: Incoming(u, u, "zh-hans", payload=p, message_id=1), who,
                  st.one_of(mutated(world), declared(), TYPED)),
        st.builds(lambda u, f, t: Incoming(u, u, "zh-hans", files=(f,), text=t or None), who, files, TYPED),
    )


def telegram_can_show(screen: Screen) -> None:
    for chunk in split_text(screen.text):
        plain, _ = parse_html(chunk)  # raises on markup Telegram would refuse
        assert units(plain) <= 4096, units(plain)
    buttons = [b for row in screen.buttons for b in row]
    assert len(buttons) <= 100, len(buttons)
    for button in buttons:
        assert button.label.strip(), screen.buttons
        assert button.url or len((button.payload or "").encode()) <= 64, button.payload


def test_random_updates_from_random_people_never_break_the_bot(database_url):
    world = World(database_url)
    try:
        @settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
        @given(st.data())
        def one_update(data):  # noqa: ANN001
            incoming = data.draw(updates(world))
            incoming = Incoming(**{**incoming.__dict__, "update_id": next(_updates)})
            counted("engine updates")
            before = world.loop.run_until_complete(world.fingerprint())
            reply = world.loop.run_until_complete(world.engine.handle(incoming))
            texts = "\n".join(s.text for s in reply.screens)
            assert reply.outcome != "failed" and BROKE not in texts, (incoming, texts)
            if reply.outcome == "refused":
                assert world.loop.run_until_complete(world.fingerprint()) == before, incoming
            for screen in reply.screens:
                telegram_can_show(screen)

        one_update()
    finally:
        world.close()
