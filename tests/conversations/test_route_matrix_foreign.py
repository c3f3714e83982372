"""Every button that names a record, tapped by the right person at the right step with somebody else's record.

The other half of the route matrix (test_route_matrix.py): there the caller has the wrong role, a forged
payload or a stale step; here everything is right except whose record the id names. Generated from the
flows: each id field of a payload maps, by its name, to a kind of record, and the seeded world holds a
record of each kind that the caller may not touch. The tap must be refused in words, store nothing and
show nothing of the victim (each victim's texts and names carry a marker no caller may ever see).
The office may name anyone's records, but even its buttons (and the files they bring) never show a diary entry.
"""
from __future__ import annotations

import dataclasses
import io
import shutil
from datetime import datetime, timedelta
from typing import Any

import pytest
import pytest_asyncio
from openpyxl import load_workbook
from sqlalchemy import delete, insert, select, text

from handlers.kit import Payload, Route
from handlers.kit.payloads import Stamp
from handlers.registry import all_flows
from program.calendar import load_calendar
from program.clock import SettableClock
from program.roles import Role
from storage.db import create_engine, session_factory
from storage.models import (
    AnnualMaterial,
    Base,
    Broadcast,
    BroadcastRecipient,
    ConversationState,
    Evaluation,
    GrowthLog,
    Person,
    School,
    SessionInvitee,
    Supervision,
    TrainingPlan,
    TrainingPlanVersion,
    TrainingSession,
)
from tests.conftest import SHANGHAI, at
from tests.helpers import Chat, import_roster, joined, make_engine, make_services

ROSTER = """name,role,school,subject,grade,mentor,teacher
王主任,office,,,,,
李明教授,mentor,山西大学,物理学,,,
赵华教授,mentor,山西大学,数学,,,
张丽,teacher,山西大学附属中学,,,,
周敏,teacher,山西大学附属中学,,,,
陈刚,teacher,山西省实验中学,,,,
王小明,student,山西大学附属中学,物理学,高一,李明教授,张丽
刘思源,student,山西大学附属中学,数学,高二,赵华教授,周敏
孙悦,student,山西省实验中学,数学,高一,赵华教授,陈刚
周杰,student,山西省实验中学,数学,高二,赵华教授,陈刚
吴昊,student,山西大学附属中学,物理学,高一,李明教授,张丽
"""
# The callers, one per role; each owns something of their own (a log, a session, an evaluation draft) so
# that a flow can be opened for real before the forged tap. The victims are 刘思源 (same school as 王小明,
# another mentor and teacher), 孙悦 and 周杰 (another school; 周杰 has no teacher), and people who are no
# student at all (赵华, 陈刚, the caller themself); their names are markers too. 吴昊 shares 王小明's mentor
# and teacher: his session invitation is not 王小明's.
CALLERS = {Role.STUDENT: ("王小明", 5001), Role.MENTOR: ("李明教授", 5002), Role.TEACHER: ("张丽", 5003),
           Role.OFFICE: ("王主任", 5004)}
MARKERS = ("刘思源", "孙悦", "周杰", "赵华", "陈刚", "吴昊", *(f"密语{n}" for n in "甲乙丙丁戊己庚辛壬"))

# Where a foreign id is allowed, with the reason. Nothing else may name somebody else's record. (Students
# with no teacher are shared by their school's teachers: the world's 周杰 is at another school than 张丽.)
FOREIGN_IDS_ALLOWED: dict[Role, str] = {
    Role.OFFICE: "the office runs the program: it reads and acts on every student, mentor, school and plan (but "
                 "never reads a diary entry: test_office_export)",
}
SELF = "the caller"  # a victim standing for the caller's own person: nobody is their own student
NOT_FOREIGN: dict[tuple[Role, str], str] = {
    (Role.STUDENT, "diary"): "王小明's diary entry is his own (private from his mentor and teacher, not from him)",
    (Role.MENTOR, "not_invited"): "李明 scheduled the session that invited 吴昊, not 王小明: it is 李明's own",
}
# How each id field's value is told apart: the kind of record it names (see World.victims), or None when
# the int is no id (a page, a count, a version that travels with its record's id).
ID_FIELDS: dict[str, str | None] = {
    "log_id": "log", "ids": "log", "reviews": "review", "student_id": "student", "session_id": "session",
    "evaluation_id": "evaluation", "broadcast_id": "broadcast", "material_id": "material", "plan_id": "plan",
    "mentor_id": "mentor", "person_id": "person", "school_id": "school",
    "page": None, "count": None, "version": None, "index": None, "days": None, "seen": None,
    "at": None,  # a session's start as the answer buttons showed it
    # strings that carry no id
    "code": None, "step": None, "choice": None, "part": None, "hours": None, "confirmed": None, "value": None,
    "result": None, "answer": None, "packed": None,
}


@dataclasses.dataclass
class World:
    engine: Any
    services: Any
    chats: dict[Role, Chat]
    ids: dict[str, int]  # the callers' own records and everyone's person id, by name
    victims: dict[str, list[Any]]  # kind → foreign values, each as it would be written in a payload
    own: set[tuple[Role, Any]]  # (caller, value) of a victim that is in fact the caller's own
    versions: dict[Any, int]  # a victim's version, sent along as its list showed it
    states: list[tuple[Any, ...]]  # conversation states once everyone has joined


def _routes() -> list[tuple[str, str, Route]]:
    return [(flow.name, action, route) for flow in all_flows() for action, route in flow.buttons.items()]


def _id_kinds(payload: type[Payload]) -> list[tuple[str, str]]:
    return [(name, kind) for name, _, _ in payload.fields() if (kind := ID_FIELDS.get(name))]


def _callers(route: Route) -> list[Role]:
    roles = route.roles if route.roles is not None else set(CALLERS)
    return [role for role in CALLERS if role in roles and role not in FOREIGN_IDS_ALLOWED]


NAMING = [(f"{flow}:{action}", route) for flow, action, route in _routes()
          if _id_kinds(route.payload) and _callers(route)]  # type: ignore[arg-type]


async def _everything(services: Any) -> dict[str, list[tuple[Any, ...]]]:
    async with services.sessions() as session:
        return {table.name: sorted(map(tuple, (await session.execute(select(table))).all()), key=repr)
                for table in Base.metadata.sorted_tables}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, sqlite_template: Any) -> str:
    """One seeded world per database kind for the whole module: no tap may change it, and the test checks that."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("foreign") / "yingcai.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite+aiosqlite:///{path}"
    return request.getfixturevalue("postgres_database")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(world_url: str):
    db = create_engine(world_url)
    if world_url.startswith("postgresql"):
        async with db.begin() as connection:
            tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    services = make_services(session_factory(db), SettableClock(at("2026-11-20 10:00"), frozen=True), load_calendar())
    await import_roster(services, ROSTER)
    engine = make_engine(services)
    chats = {role: await joined(engine, services, name, user_id) for role, (name, user_id) in CALLERS.items()}
    ids, victims, versions = await _seed(services)
    async with services.sessions() as session:
        states = [tuple(row) for row in (await session.execute(select(ConversationState.__table__))).all()]
    own = {(role, ids[name]) for role, name in NOT_FOREIGN}
    yield World(engine, services, chats, ids, victims, own, versions, states)
    await db.dispose()


async def _seed(services: Any) -> tuple[dict[str, int], dict[str, list[Any]], dict[Any, int]]:
    now = services.clock.now()
    later = datetime(2026, 11, 25, 15, 0, tzinfo=SHANGHAI)
    async with services.sessions() as session, session.begin():
        person = {p.name: p for p in (await session.execute(select(Person))).unique().scalars()}
        school = {s.name: s.id for s in (await session.execute(select(School))).scalars()}

        async def add(row: Any) -> int:
            session.add(row)
            await session.flush()
            return int(row.id)

        def log(student: str, did: str, kind: str = "reading", status: str = "submitted", **more: Any) -> GrowthLog:
            return GrowthLog(student_id=person[student].id, kind=kind, activity_date=now.date(), did=did,
                             learned=did, next_steps="", hours=1.0, status=status, submitted_at=now, updated_at=now,
                             **more)

        def meeting(mentor: str, topic: str) -> TrainingSession:
            row = TrainingSession(mentor_id=person[mentor].id, starts_at=later, ends_at=later + timedelta(hours=2),
                                  place=topic, topic=topic, created_at=now)
            session.add(row)
            return row

        own = {"log": await add(log("王小明", "读了一章")),
               "session": await add(meeting("李明教授", "力学讨论"))}
        session.add(SessionInvitee(session_id=own["session"], student_id=person["王小明"].id))
        own["evaluation"] = await add(Evaluation(
            student_id=person["王小明"].id, mentor_id=person["李明教授"].id, kind="annual", program_year=2026,
            status="draft", answers={}, created_at=now, updated_at=now))
        # 周杰's teacher left: the teachers of his school share him, and only they (not 张丽, at another school)
        await session.execute(delete(Supervision).where(Supervision.student_id == person["周杰"].id,
                                                        Supervision.relation == "teacher"))
        foreign_log = await add(log("刘思源", "密语甲"))
        unassigned = await add(log("周杰", "密语辛"))
        diary = await add(log("王小明", "密语乙", kind="other"))  # his own, but private: no mentor or teacher sees it
        reviewed = await add(log("孙悦", "密语丙", status="confirmed", reviewed_at=now,
                                 reviewed_by=person["陈刚"].id, version=2))
        foreign_session = await add(meeting("赵华教授", "密语丁"))
        for name in ("刘思源", "孙悦"):
            session.add(SessionInvitee(session_id=foreign_session, student_id=person[name].id))
        not_invited = await add(meeting("李明教授", "密语壬"))  # 王小明's mentor, but only 吴昊 is invited
        session.add(SessionInvitee(session_id=not_invited, student_id=person["吴昊"].id))
        answered = {"comment": "密语戊", "recommendation": "qualified", "international": "no"}
        evaluations = [await add(Evaluation(student_id=person[name].id, mentor_id=person["赵华教授"].id, kind="annual",
                                            program_year=2026, status=status, answers=answered, created_at=now,
                                            updated_at=now, submitted_at=now if status == "submitted" else None))
                       for name, status in (("孙悦", "submitted"), ("刘思源", "draft"))]
        broadcast = await add(Broadcast(author_id=person["王主任"].id, kind="event", audience="school",
                                        audience_value=str(school["山西省实验中学"]), text="密语己",
                                        event_at=later, event_place="密语己", status="sent", created_at=now,
                                        sent_at=now))
        session.add(BroadcastRecipient(broadcast_id=broadcast, person_id=person["孙悦"].id))
        material = await add(AnnualMaterial(student_id=person["孙悦"].id, program_year=2026, kind="research_report",
                                            file_id="f-密语庚", file_name="密语庚.pdf", size=1000, uploaded_at=now))
        plan = await add(TrainingPlan(student_id=person["孙悦"].id, program_year=2026, status="submitted", latest=1,
                                      created_at=now, updated_at=now))
        session.add(TrainingPlanVersion(plan_id=plan, number=1, author_id=person["赵华教授"].id, status="submitted",
                                        goals="密语庚", created_at=now, submitted_at=now))
    victims: dict[str, list[Any]] = {
        "log": [foreign_log, diary, reviewed, unassigned], "review": [f"{reviewed}-2", f"{foreign_log}-1"],
        "student": [*(person[name].id for name in ("刘思源", "孙悦", "周杰", "赵华教授", "陈刚")), SELF],
        "session": [foreign_session, not_invited],
        "evaluation": evaluations, "broadcast": [broadcast], "material": [material], "plan": [plan],
        "mentor": [person["赵华教授"].id], "person": [person["陈刚"].id], "school": [school["山西省实验中学"]],
    }
    own.update({name: p.id for name, p in person.items()}, diary=diary, student=person["王小明"].id,
               not_invited=not_invited, school=school["山西大学附属中学"])
    return own, victims, {reviewed: 2}


def test_every_id_field_of_every_payload_is_known():
    """A new int or str payload field must be declared here, as an id of some kind of record or as no id."""
    unknown = sorted({f"{route.payload.__name__}.{name}" for _, _, route in _routes()  # type: ignore[union-attr]
                      for name, kind, _ in route.payload.fields()  # type: ignore[union-attr]
                      if kind in (int, str, Stamp) and name not in ID_FIELDS})
    assert not unknown, (
        f"payload fields {unknown} are unknown to {__name__}.ID_FIELDS: add each, with the kind of record its "
        "value names (and a foreign record of that kind to World's victims) or None if it names no record")


@pytest.mark.asyncio(loop_scope="module")
async def test_the_world_holds_a_foreign_record_of_every_kind(world):
    missing = {kind for kind in ID_FIELDS.values() if kind} - set(world.victims)
    assert not missing, f"seed a record of each of {sorted(missing)} that the callers may not touch (see _seed)"


# How a caller opens a flow for real (with a record of their own) before a button of one of its steps is
# forged; the step is then moved to one the button is valid at, the flow's own data kept.
OPENS: dict[str, Any] = {
    "log": lambda w: w.chats[Role.STUDENT].send("/log"),
    "logedit": lambda w: w.chats[Role.STUDENT].press(payload=f"logedit:open:{w.ids['log']}"),
    "ses": lambda w: w.chats[Role.MENTOR].send("/schedule"),
    "agenda": lambda w: w.chats[Role.MENTOR].press(payload=f"agenda:cancel:{w.ids['session']}"),
    "ev": lambda w: w.chats[Role.MENTOR].press(payload=f"ev:open:annual:{w.ids['student']}"),
    "obc": lambda w: w.chats[Role.OFFICE].send("/broadcast"),
}
NOT_IDS = {"page": "0", "count": "1", "index": "0", "days": "7", "value": "qualified", "answer": "yes",
           "result": "pass", "confirmed": "", "at": "0"}


def _args(route: Route, field: str, value: Any, world: World) -> list[str]:
    args = []
    for name, kind, default in route.payload.fields():  # type: ignore[union-attr]
        if name == field:
            args.append(str(value))
        elif name == "version":
            args.append(str(world.versions.get(value, 1)))
        elif name == "seen":
            args.append(str(int(world.services.clock.now().timestamp()) + 60))
        elif name in NOT_IDS:
            args.append(NOT_IDS[name])
        elif isinstance(default, str) and default != dataclasses.MISSING:
            args.append(default)
        elif hasattr(kind, "__members__"):
            args.append(next(iter(kind)).value)
        else:
            args.append("x")
    return args


async def _open(world: World, flow: str, route: Route, chat: Chat) -> None:
    if route.steps is None:
        return
    assert flow in OPENS, (f"button {flow}:… names a record and is valid only at steps {sorted(route.steps)}: "
                           f"add to {__name__}.OPENS how a caller opens flow {flow!r} with a record of their own")
    await OPENS[flow](world)
    async with world.services.sessions() as session, session.begin():
        state = await session.get(ConversationState, ("telegram", chat.user_id))
        assert state is not None and state.flow == flow, chat.said()
        if state.step not in route.steps:
            state.step = sorted(route.steps)[0]


def _victim(world: World, role: Role, value: Any) -> Any:
    return world.ids[CALLERS[role][0]] if value is SELF else value


def _nothing(victim: Any) -> Any:
    """An id of the same shape that names no record at all."""
    return 2_000_000_000 if isinstance(victim, int) else "2000000000-1"


async def _restore(world: World) -> None:
    async with world.services.sessions() as session, session.begin():
        await session.execute(delete(ConversationState))
        if world.states:
            await session.execute(insert(ConversationState.__table__), [
                dict(zip(ConversationState.__table__.columns.keys(), row, strict=True)) for row in world.states])


async def _tap(world: World, flow: str, route: Route, chat: Chat, payload: str, *, compare: bool = True,
               ) -> tuple[str, str, list[str]]:
    """What the caller is shown (texts, buttons, toast), the engine's outcome, and the tables the tap changed."""
    await _open(world, flow, route, chat)
    before = await _everything(world.services) if compare else {}
    screens = await chat.press(payload=payload)
    after = await _everything(world.services) if compare else {}
    await _restore(world)
    shown = "\n".join([screen.text + repr(screen.buttons) for screen in screens] + [chat.toasts[-1] or ""])
    return shown, chat.outcomes[-1], [table for table, rows in after.items() if rows != before[table]]


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("route", NAMING, ids=[name for name, _ in NAMING])
async def test_a_record_of_somebody_else_is_refused_changes_nothing_and_shows_nothing(world, route):
    name, declared = route
    flow, taps = name.split(":")[0], 0
    for role in _callers(declared):
        chat = world.chats[role]
        for field, kind in _id_kinds(declared.payload):  # type: ignore[arg-type]
            for victim in (_victim(world, role, value) for value in world.victims[kind]):
                if (role, victim) in world.own:
                    continue
                payload = ":".join([name, *_args(declared, field, victim, world)])
                shown, outcome, changed = await _tap(world, flow, declared, chat, payload)
                where = f"{CALLERS[role][0]} tapped {payload}"
                assert not [m for m in MARKERS if m in shown], f"{where} and saw somebody else's record:\n{shown}"
                assert not changed, f"{where} and changed {changed}"
                assert outcome == "refused" and "系统出了点问题" not in shown, f"{where}, not refused:\n{shown}"
                nowhere = ":".join([name, *_args(declared, field, _nothing(victim), world)])
                assert shown == (await _tap(world, flow, declared, chat, nowhere, compare=False))[0], \
                    f"{where}: answered unlike {nowhere}, an id of nothing, so it tells that the record exists"
                taps += 1
    assert taps, f"{name}: no caller of its roles has a foreign record to try"


def _shown_with_files(screens: list[Any]) -> str:
    """Texts and buttons, and what a file the bot made holds (a workbook's cells, any other file's bytes)."""
    parts = [screen.text + repr(screen.buttons) for screen in screens]
    for upload in (screen.upload for screen in screens if screen.upload is not None):
        if upload.name.endswith(".xlsx"):
            book = load_workbook(io.BytesIO(upload.data), read_only=True)
            parts += [str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                      for cell in row if cell is not None]
        else:
            parts.append(upload.data.decode("utf-8", "ignore"))
    return "\n".join(parts)


OFFICE_NAMING = [(f"{flow}:{action}", route) for flow, action, route in _routes()
                 if Role.OFFICE in (route.roles or ()) and _id_kinds(route.payload)]  # type: ignore[arg-type]


@pytest.mark.asyncio(loop_scope="module")
async def test_the_office_names_anyone_but_never_reads_a_diary_entry(world):
    """Every button of the office that names a record, pointed at 王小明 (his school, his mentor, his diary).

    Defined last: the office's taps act (a nudge, a new invite, alumni), so the world is not the same after it.
    """
    office = world.chats[Role.OFFICE]
    towards = {"student": world.ids["王小明"], "school": world.ids["school"], "log": world.ids["diary"],
               "mentor": world.ids["李明教授"], "person": world.ids["李明教授"]}
    for name, route in OFFICE_NAMING:
        for field, kind in _id_kinds(route.payload):  # type: ignore[arg-type]
            payload = ":".join([name, *_args(route, field, towards.get(kind, world.victims[kind][0]), world)])
            await _open(world, name.split(":")[0], route, office)
            shown = _shown_with_files(await office.press(payload=payload))
            await _restore(world)
            assert "密语乙" not in shown, f"the office tapped {payload} and read 王小明's diary entry:\n{shown}"
            assert office.outcomes[-1] != "failed" and "系统出了点问题" not in shown, f"{payload}:\n{shown}"
