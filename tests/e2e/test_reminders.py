"""Reminders from the running bot, both engines and both databases: a late-joining mentor, blocks, Telegram faults."""
from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from storage.models import Account, OutboxMessage
from tests.e2e.conftest import World
from tests.e2e.test_faults import schedule_for_all

SWEEPS = 3  # how many more sweeps must pass without a second reminder


async def sweeping(world: World) -> World:
    """The same bot, restarted to sweep every half second (the default is every five minutes)."""
    world.settings = world.settings.model_copy(update={"sweep_interval": 0.5})
    await world.restart_bot()
    return world


async def sweeps_pass(world: World, count: int = SWEEPS) -> None:
    assert world.app is not None and world.app.jobs.sweeper is not None
    sweeper = world.app.jobs.sweeper
    target = sweeper.runs + count
    for _ in range(150):  # bounded: each round yields to the scheduler for a tenth of a second
        if sweeper.runs >= target:
            break
        await asyncio.sleep(0.1)
    assert sweeper.runs >= target, "the scheduler stopped sweeping"
    await world.deliver_outbox()


def evaluation_reminders(user) -> list:  # noqa: ANN001
    return [m for m in user.messages if "年度导师评价" in m.text and "🧾 去写评价" in m.button_texts()]


async def test_a_mentor_who_joins_during_an_open_window_gets_exactly_one_reminder_a_student_none(telegram_world):
    world = telegram_world
    await sweeping(telegram_world)  # 2026-11-20 10:00: the annual mentor evaluation is open (11-01 … 11-30)
    student = await world.person("王小明")
    mentor = await world.person("李明教授")
    await mentor.wait_for(lambda messages: bool(evaluation_reminders(mentor)), timeout=10)
    await sweeps_pass(telegram_world)
    [reminder] = evaluation_reminders(mentor)
    assert "王小明" in reminder.text and "孙悦" in reminder.text and "11月30日" in reminder.text
    assert not [m for m in student.messages if "评价" in m.text]
    await mentor.press("🧾 去写评价")
    assert "王小明" in " ".join(mentor.last.button_texts())


async def test_blocking_marks_a_person_unreachable_at_once_and_unblocking_sends_what_waited(telegram_world):
    world = telegram_world
    mentor, wang = await world.person("李明教授"), await world.person("王小明")
    await world.emu.wait_confirmed(wang.block())
    async with world.services.sessions() as session:
        account = (await session.execute(select(Account).where(Account.external_id == wang.id))).scalar_one()
    assert account.unreachable_at is not None, "marked on the my_chat_member update, before any send failed"
    await schedule_for_all(mentor)
    await world.deliver_outbox()
    tried = [c for c in world.emu.calls_to("sendMessage") if str(c.get("chat_id")) == str(wang.id)]
    assert not [c for c in tried if "读书会" in str(c.get("text"))], "no send is even tried while blocked"
    await world.emu.wait_confirmed(wang.unblock())
    await world.deliver_outbox()
    await wang.wait_for(lambda messages: any("读书会" in m.text for m in messages))
    async with world.services.sessions() as session:
        rows = {r.person_id: r.status for r in (await session.execute(
            select(OutboxMessage).where(OutboxMessage.kind == "session_invite"))).scalars()}
    assert rows[account.person_id] == "sent" and sorted(rows.values()) == ["pending", "sent"]  # 孙悦 has not joined


async def test_reminders_ride_out_telegram_faults(telegram_world):
    """429 with retry_after, a 500, a dropped connection: each reminder arrives once; a 403 marks the mentor."""
    world = telegram_world
    world.emu.fail_next("sendMessage", error_code=429, retry_after=2)
    world.emu.fail_next("sendMessage", error_code=500)
    world.emu.drop_next("sendMessage")
    await sweeping(telegram_world)
    mentor = await world.person("李明教授")  # the reply to /start takes the 429 (the reply path waits it out)
    for _ in range(4):  # each failure postpones the reminder: move the program clock past the backoff
        world.clock.advance(timedelta(minutes=2))
        await world.deliver_outbox()
    await mentor.wait_for(lambda messages: bool(evaluation_reminders(mentor)), timeout=10)
    await sweeps_pass(world, 2)
    assert len(evaluation_reminders(mentor)) == 1
    async with world.services.sessions() as session:
        row = (await session.execute(select(OutboxMessage).where(OutboxMessage.kind == "evaluation"))).scalar_one()
    assert row.status == "sent" and row.attempts >= 2 and row.text.startswith("🧾")

    other = await world.person("赵华教授")
    world.emu.block(other.id, announce=False)  # the block notice has not reached the bot: the send finds out
    await sweeps_pass(world, 2)
    async with world.services.sessions() as session:
        account = (await session.execute(select(Account).where(Account.external_id == other.id))).scalar_one()
        statuses = [r.status for r in (await session.execute(select(OutboxMessage).where(
            OutboxMessage.person_id == account.person_id))).scalars()]
    assert account.unreachable_at is not None and statuses == ["unreachable"]
