"""Long polling: one chat's updates in order, chats in parallel, a batch confirmed only after it was handled."""
from __future__ import annotations

import asyncio

from bot.channels.polling import Poller


async def test_updates_of_one_chat_stay_in_order_and_the_batch_is_confirmed_after_handling():
    batches = [[(1, "a"), (2, "b"), (3, "a"), (4, "a"), (5, "b")], [(6, "a")]]
    offsets: list[int | None] = []
    handled: list[tuple[int, str]] = []
    running: set[str] = set()
    overlap = []
    stop = asyncio.Event()

    async def fetch(offset, timeout):
        offsets.append(offset)
        if batches:
            return batches.pop(0)
        stop.set()
        return []

    async def process(update):
        update_id, chat = update
        assert chat not in running, "two updates of one chat ran at the same time"
        running.add(chat)
        overlap.append(set(running))
        await asyncio.sleep(0.01 if chat == "a" else 0.002)
        handled.append(update)
        running.discard(chat)

    poller = Poller(fetch, process, update_id=lambda u: u[0], chat_of=lambda u: u[1], timeout=0)
    await asyncio.wait_for(poller.run(stop), 5)
    assert [u for u in handled if u[1] == "a"] == [(1, "a"), (3, "a"), (4, "a"), (6, "a")]
    assert [u for u in handled if u[1] == "b"] == [(2, "b"), (5, "b")]
    assert any(len(chats) == 2 for chats in overlap), "different chats should run concurrently"
    assert offsets[:3] == [None, 6, 7]  # the first batch is confirmed only by the next fetch


async def test_a_failing_update_does_not_stop_the_rest():
    handled = []
    stop = asyncio.Event()
    batches = [[(1, "x"), (2, "x")]]

    async def fetch(offset, timeout):
        if batches:
            return batches.pop(0)
        stop.set()
        return []

    async def process(update):
        if update[0] == 1:
            raise RuntimeError("boom")
        handled.append(update)

    await asyncio.wait_for(Poller(fetch, process, update_id=lambda u: u[0], chat_of=lambda u: u[1]).run(stop), 5)
    assert handled == [(2, "x")]


async def test_stop_interrupts_a_long_poll():
    stop = asyncio.Event()

    async def fetch(offset, timeout):
        await asyncio.sleep(30)
        return []

    poller = Poller(fetch, lambda u: None, update_id=lambda u: u, chat_of=lambda u: u)
    task = asyncio.create_task(poller.run(stop))
    await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(task, 2)
