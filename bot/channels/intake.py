"""How updates reach a Telegram channel: long polling, a webhook, or none; a webhook update's outcome."""
from __future__ import annotations

import contextvars
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Literal

from handlers.kit import Reply


@dataclass(frozen=True)
class Intake:
    """How updates reach this process: long polling, a webhook Telegram POSTs to, or none (it only sends)."""

    mode: Literal["polling", "webhook", "none"] = "polling"
    url: str | None = None
    secret: str | None = None


POLLING = Intake()  # the default intake; frozen, so one instance serves every channel



class HandlingFailed(Exception):
    """The update's transaction did not commit: the webhook answers 500 so that Telegram redelivers it."""


@dataclass
class _Taking:
    outcome: str = "ignored"  # an update no handler takes (a group message, an unknown kind)
    error: BaseException | None = None


_taking: contextvars.ContextVar[_Taking | None] = contextvars.ContextVar("yingcai_taking", default=None)


def record_error(error: BaseException) -> None:
    """A library caught a handler's exception (python-telegram-bot does): the webhook still learns of it."""
    taking = _taking.get()
    if taking is not None:
        taking.error = error


class TakesUpdates:
    """The intake half of a channel; an adapter supplies set_webhook, delete_webhook and process_json."""

    intake: Intake = POLLING
    started: bool = False

    async def announce_commands(self) -> None:
        raise NotImplementedError

    async def set_webhook(self, url: str, secret: str) -> None:
        raise NotImplementedError

    async def delete_webhook(self) -> None:
        raise NotImplementedError

    async def process_json(self, data: dict[str, Any]) -> None:
        """Hands one update, as Telegram sent it, to the library's dispatcher."""
        raise NotImplementedError

    async def take_intake(self) -> None:
        """After getMe: point Telegram at our webhook, or make sure none is set so polling works."""
        if self.intake.mode == "webhook":
            assert self.intake.url and self.intake.secret
            await self.set_webhook(self.intake.url, self.intake.secret)
        elif self.intake.mode == "polling":
            await self.delete_webhook()
        if self.intake.mode != "none":
            await self.announce_commands()
        self.started = True

    async def take_update(self, data: dict[str, Any]) -> str:
        """One update from the webhook. Returns its outcome once its transaction committed; raises otherwise."""
        taking = _Taking()
        token = _taking.set(taking)
        try:
            await self.process_json(data)
        finally:
            _taking.reset(token)
        if taking.error is not None:
            raise HandlingFailed(f"update {data.get('update_id')} failed") from taking.error
        if taking.outcome == "failed":
            raise HandlingFailed(f"update {data.get('update_id')} was rolled back")
        return taking.outcome

    def _repeated_failure(self, reply: Reply, update_id: int) -> bool:
        """A redelivered update that failed here before: the user was told once, not at every retry."""
        taking = _taking.get()
        if taking is not None:
            taking.outcome = reply.outcome
        if reply.outcome != "failed" or taking is None:
            return False
        failed = self.__dict__.setdefault("_failed", OrderedDict())
        if update_id in failed:
            return True
        failed[update_id] = None
        while len(failed) > 1000:
            failed.popitem(last=False)
        return False

