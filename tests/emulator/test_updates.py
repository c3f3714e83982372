"""getUpdates semantics of the emulator: offsets, confirmation, long polling and conflicts."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.emulator import BotApiEmulator

from .helpers import Api, wait_for_calls

CONFLICT = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"


def ids(updates: list[dict]) -> list[int]:
    return [u["update_id"] for u in updates]


async def test_offset_confirms_and_forgets_updates(emu: BotApiEmulator, api: Api) -> None:
    alice = emu.user(1001, "王小明")
    sent = [await alice.send_text(f"m{i}", wait=False) for i in range(3)]
    assert ids(await api.ok("getUpdates")) == sent
    # Without offset nothing is confirmed, so the same updates come again.
    assert ids(await api.ok("getUpdates")) == sent
    assert emu.confirmed_offset == 0

    assert ids(await api.ok("getUpdates", offset=sent[1])) == sent[1:]
    assert emu.confirmed_offset == sent[1]
    # Confirmed updates are gone for good, even when asking with a lower offset again.
    assert ids(await api.ok("getUpdates", offset=sent[0])) == sent[1:]
    assert ids(await api.ok("getUpdates", offset=sent[2] + 1)) == []
    assert emu.pending_updates == []


async def test_update_payload_and_limit(emu: BotApiEmulator, api: Api) -> None:
    alice = emu.user(1001, "王小明", language_code="zh-hans", username="xiaoming")
    for i in range(5):
        await alice.send_text(f"m{i}", wait=False)
    updates = await api.ok("getUpdates", "form", limit=2)
    assert len(updates) == 2
    message = updates[0]["message"]
    assert message["text"] == "m0"
    assert message["from"] == {"id": 1001, "is_bot": False, "first_name": "王小明", "username": "xiaoming",
                               "language_code": "zh-hans"}
    assert message["chat"] == {"id": 1001, "type": "private", "first_name": "王小明", "username": "xiaoming"}
    assert isinstance(message["date"], int) and message["message_id"] == 1
    assert updates[1]["message"]["message_id"] == 2


async def test_negative_offset_returns_the_last_and_forgets_older(emu: BotApiEmulator, api: Api) -> None:
    alice = emu.user(1001)
    sent = [await alice.send_text(f"m{i}", wait=False) for i in range(3)]
    assert ids(await api.ok("getUpdates", offset=-1)) == sent[-1:]
    assert ids(await api.ok("getUpdates")) == sent[-1:]


async def test_long_poll_returns_as_soon_as_an_update_arrives(emu: BotApiEmulator, api: Api) -> None:
    alice = emu.user(1001)
    started = time.monotonic()
    poll = asyncio.create_task(api.ok("getUpdates", timeout=5))
    await wait_for_calls(emu, "getUpdates")
    assert not poll.done()
    update_id = await alice.send_text("hi", wait=False)
    assert ids(await asyncio.wait_for(poll, 2)) == [update_id]
    assert time.monotonic() - started < 2


async def test_long_poll_times_out_with_empty_list(emu: BotApiEmulator, api: Api) -> None:
    started = time.monotonic()
    assert await api.ok("getUpdates", "query", timeout=1) == []
    assert 0.9 <= time.monotonic() - started < 3


async def test_overlapping_get_updates_terminates_the_older_with_409(emu: BotApiEmulator, api: Api) -> None:
    older = asyncio.create_task(api("getUpdates", timeout=5))
    await wait_for_calls(emu, "getUpdates")
    newer = asyncio.create_task(api("getUpdates", timeout=1))
    status, body = await asyncio.wait_for(older, 2)
    assert not newer.done()
    assert (status, body) == (409, {"ok": False, "error_code": 409, "description": CONFLICT})
    assert await newer == (200, {"ok": True, "result": []})


async def test_wait_confirmed(emu: BotApiEmulator, api: Api) -> None:
    update_id = await emu.user(1001).send_text("hi", wait=False)
    with pytest.raises(TimeoutError, match="never called getUpdates"):
        await emu.wait_confirmed(update_id, timeout=0.1)
    waiter = asyncio.create_task(emu.wait_confirmed(update_id, timeout=2))
    await api.ok("getUpdates", offset=update_id)  # not past it yet
    await asyncio.sleep(0.01)
    assert not waiter.done()
    await api.ok("getUpdates", offset=update_id + 1)
    await asyncio.wait_for(waiter, 1)
    assert emu.confirmed_offset == update_id + 1
    assert [offset for offset, _ in emu.confirmations] == [update_id, update_id + 1]


async def test_allowed_updates_filters_later_updates(emu: BotApiEmulator, api: Api) -> None:
    alice = emu.user(1001)
    await api.ok("getUpdates", "multipart", allowed_updates=["callback_query"])
    assert await alice.send_text("ignored") is None  # dropped, so nothing to wait for
    assert emu.pending_updates == []
    await api.ok("getUpdates", allowed_updates=[])  # empty list restores the default set
    assert await alice.send_text("seen", wait=False) is not None
    assert len(emu.pending_updates) == 1


async def test_delete_webhook_can_drop_pending_updates(emu: BotApiEmulator, api: Api) -> None:
    alice = emu.user(1001)
    await alice.send_text("a", wait=False)
    await api.ok("deleteWebhook")
    assert len(await api.ok("getUpdates")) == 1
    last = await alice.send_text("b", wait=False)
    assert await api.ok("deleteWebhook", "form", drop_pending_updates=True) is True
    assert await api.ok("getUpdates") == []
    assert emu.confirmed_offset == last + 1


async def test_fake_user_waits_until_the_bot_confirms_after_replying(emu: BotApiEmulator, api: Api) -> None:
    """A minimal echo bot confirms an update only on its next poll, after replying to it."""
    alice = emu.user(1001)

    async def echo_bot() -> None:
        offset = 0
        while True:
            for update in await api.ok("getUpdates", offset=offset, timeout=1):
                await asyncio.sleep(0.05)  # simulated handling time must not break the sync point
                await api.ok("sendMessage", chat_id=1001, text="echo: " + update["message"]["text"])
                offset = update["update_id"] + 1

    bot = asyncio.create_task(echo_bot())
    try:
        await alice.send_text("ping", timeout=3)
        assert alice.last.text == "echo: ping"
        await alice.send_text("pong", timeout=3)
        assert [m.text for m in alice.messages] == ["echo: ping", "echo: pong"]
    finally:
        bot.cancel()


async def test_emulator_refuses_non_loopback_hosts() -> None:
    with pytest.raises(ValueError, match="loopback"):
        await BotApiEmulator().start(host="0.0.0.0")


async def test_fake_user_timeout_reports_what_the_bot_sent(emu: BotApiEmulator, api: Api) -> None:
    alice = emu.user(1001)
    await api.ok("getUpdates")
    await api.ok("sendMessage", chat_id=1001, text="早前的消息")
    alice.timeout = 0.2
    with pytest.raises(TimeoutError, match=r"not confirmed .*last getUpdates .*meanwhile: nothing"):
        await alice.send_text("hello")
