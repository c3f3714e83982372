"""The emulator enforces Telegram's sending limits when asked, and tells the bot when a user blocks or unblocks it."""
from __future__ import annotations

from bot.emulator import BotApiEmulator

from .helpers import Api


async def test_sends_above_the_limits_get_429_with_retry_after(emu: BotApiEmulator, api: Api):
    for user in range(1, 5):
        emu.user(user)
    emu.limit_rate(per_second=3, per_chat_interval=1.0, retry_after=2)
    assert (await api("sendMessage", chat_id=1, text="one"))[0] == 200
    status, body = await api("sendMessage", chat_id=1, text="the same chat again at once")
    assert status == 429 and body["parameters"] == {"retry_after": 2}
    assert [(await api("sendMessage", chat_id=c, text="hi"))[0] for c in (2, 3, 4)] == [200, 200, 429]
    assert emu.flood_refusals == 2 and len(emu.chat_messages(1)) == 1


async def test_a_user_blocking_and_unblocking_the_bot_arrives_as_my_chat_member(emu: BotApiEmulator, api: Api):
    user = emu.user(7, first_name="孙悦")
    blocked = user.block()
    assert (await api("sendMessage", chat_id=7, text="hi"))[0] == 403
    unblocked = user.unblock()
    updates = await api.ok("getUpdates", allowed_updates=["message", "my_chat_member"])
    assert [u["update_id"] for u in updates] == [blocked, unblocked]
    change = [u["my_chat_member"] for u in updates]
    assert [(c["old_chat_member"]["status"], c["new_chat_member"]["status"]) for c in change] == [
        ("member", "kicked"), ("kicked", "member")]
    assert change[0]["chat"] == {"id": 7, "type": "private", "first_name": "孙悦"} and change[0]["from"]["id"] == 7
    assert emu.block(7, announce=False) is None and not emu.pending_updates[2:]


async def test_a_bot_that_did_not_ask_for_my_chat_member_does_not_get_it(emu: BotApiEmulator, api: Api):
    user = emu.user(8)
    await api.ok("getUpdates", allowed_updates=["message"], timeout=0)
    assert user.block() is None
