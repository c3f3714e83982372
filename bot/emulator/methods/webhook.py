"""Bot API methods of the webhook: setWebhook, deleteWebhook, getWebhookInfo (delivery is in webhook.py)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlparse

from ..errors import ApiError
from ..params import MethodSet, Params
from ..world import World

methods = MethodSet()
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@methods("setWebhook")
async def set_webhook(world: World, p: Params) -> bool:
    """Telegram wants https; the emulator also takes plain http to a loopback address (tests, the sandbox)."""
    url = p.string("url") or ""
    if not url:
        return await delete_webhook(world, p)
    parsed = urlparse(url)
    if parsed.scheme != "https" and not (parsed.scheme == "http" and parsed.hostname in _LOOPBACK):
        raise ApiError.bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = p.string("secret_token")
    if secret is not None and not _SECRET.fullmatch(secret):
        raise ApiError.bad_request("secret token contains unallowed characters")
    connections = p.integer("max_connections", 40) or 40
    if not 1 <= connections <= 100:
        raise ApiError.bad_request("bad webhook: max_connections must be between 1 and 100")
    allowed = p.get("allowed_updates")
    if allowed is not None:
        world.updates.allow(allowed)
    if p.flag("drop_pending_updates"):
        world.updates.drop_pending(keep=world.webhook.in_flight())
    world.webhook.set(url, secret, connections)
    return True


@methods("deleteWebhook")
async def delete_webhook(world: World, p: Params) -> bool:
    world.webhook.delete()
    if p.flag("drop_pending_updates"):
        world.updates.drop_pending()
    return True


@methods("getWebhookInfo")
async def get_webhook_info(world: World, p: Params) -> dict[str, Any]:
    hook = world.webhook
    info: dict[str, Any] = {"url": hook.url or "", "has_custom_certificate": False,
                            "pending_update_count": world.updates.count}
    if hook.url:
        info["max_connections"] = hook.max_connections
        if world.updates.allowed:
            info["allowed_updates"] = sorted(world.updates.allowed)
    if hook.last_error is not None:
        info["last_error_date"], info["last_error_message"] = hook.last_error
    return info
