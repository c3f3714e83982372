"""A person blocked or unblocked the bot (Telegram's my_chat_member): mark it at once, and send what waited for them."""
from __future__ import annotations

from handlers.engine import REQUEUE_WINDOW
from handlers.kit import Services
from storage import outbox, people, plumbing


async def membership_changed(services: Services, *, channel: str, user_id: int, blocked: bool,
                             update_id: int | None, update_scope: str) -> bool:
    """True when it changed something; a redelivered update, or a stranger, changes nothing."""
    now = services.clock.now()
    async with services.sessions() as session, session.begin():
        if update_id is not None and not await plumbing.claim_update(session, update_scope, update_id, now):
            return False
        account = await people.account_of(session, channel, user_id)
        if account is None:
            return False
        if blocked:
            await outbox.mark_unreachable(session, account.person_id, now, channel)
            return True
        await outbox.mark_reachable(session, account.person_id, channel, now)
        waiting = await outbox.requeue_for(session, account.person_id, now - REQUEUE_WINDOW)
    if waiting:
        services.on_outbox()
    return True
