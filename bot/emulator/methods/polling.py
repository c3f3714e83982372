"""Bot API method for receiving updates by long polling: getUpdates (the webhook methods are in webhook.py)."""

from __future__ import annotations

from typing import Any

from ..errors import CONFLICT, WEBHOOK_ACTIVE, ApiError
from ..params import MethodSet, Params
from ..world import World

methods = MethodSet()


@methods("getUpdates")
async def get_updates(world: World, p: Params) -> list[dict[str, Any]]:
    """Confirms everything before `offset`, then waits up to `timeout` seconds for newer updates."""
    if world.webhook.active:
        raise ApiError(409, WEBHOOK_ACTIVE)
    updates = world.updates
    offset, timeout = p.integer("offset", 0) or 0, max(p.integer("timeout", 0) or 0, 0)
    limit = min(max(p.integer("limit", 100) or 100, 1), 100)
    allowed = p.get("allowed_updates")
    if allowed is not None:
        updates.allow(allowed)
    if offset < 0:
        # "-N" means the last N updates; everything older is forgotten.
        kept = updates.pending[offset:]
        offset = kept[0]["update_id"] if kept else updates.next_id
    updates.confirm(offset)
    ticket = updates.begin_poll()  # an older long poll wakes up and steps aside with 409

    def ready() -> bool:
        return updates.count > 0 or not updates.is_current(ticket) or world.events.closed

    await world.events.wait_until(ready, timeout)
    if not updates.is_current(ticket):
        raise ApiError(409, CONFLICT)
    updates.polled()
    return updates.from_offset(offset, limit)
