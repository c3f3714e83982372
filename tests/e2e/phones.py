"""One way for a story to act, whatever the channel: a person's phone on Telegram or on DingTalk."""
from __future__ import annotations

from typing import Any, Callable

from sqlalchemy import select

from storage.models import ConversationState


class TelegramPhone:
    """The emulator's Telegram user, as stories use it."""

    def __init__(self, user: Any) -> None:
        self.user = user

    def __getattr__(self, name: str) -> Any:
        return getattr(self.user, name)

    @property
    def menu(self) -> list[str]:
        return [label for row in self.user.reply_keyboard or [] for label in row]


class DingTalkPhone:
    """A DingTalk user: a button is a link to tap, the menu a footer of links; commands are typed."""

    def __init__(self, user: Any, services: Callable[[], Any], number: Callable[[], Any]) -> None:
        self.user, self._services, self._number = user, services, number

    def __getattr__(self, name: str) -> Any:
        return getattr(self.user, name)

    @property
    def menu(self) -> list[str]:
        """The footer of the newest message that has one (the links after the numbered options)."""
        for message in reversed(self.user.messages):
            footer = message.markdown.rsplit("\n\n", 1)[-1]
            if "·" in footer or (message.links and not footer.lstrip().startswith("1.")):
                return [label for label, _ in message.links if f"[{label}]" in footer]
        return []

    async def send_command(self, command: str, args: str | None = None, **kwargs: Any) -> str:
        return await self.user.send_text(f"/{command}" + (f" {args}" if args else ""), **kwargs)

    async def choose(self, label: str, **kwargs: Any) -> str:
        if label not in self.menu:
            raise LookupError(f"{label!r} is not in the menu footer; footer: {self.menu}")
        return await self.user.tap(label, **kwargs)

    async def press(self, text: str | None = None, *, callback_data: str | None = None, **kwargs: Any) -> str:
        """A link by its label; by callback data, through the buttons the bot stored as shown to this person."""
        if text is None:
            text = await self._label_of(callback_data or "")
        return await self.user.tap(text, **kwargs)

    async def _label_of(self, payload: str) -> str:
        services = self._services()
        async with services.sessions() as session:
            row = (await session.execute(select(ConversationState).where(
                ConversationState.channel == "dingtalk", ConversationState.external_id == await self._number()))
            ).scalar_one()
        for pairs in row.shown or []:
            for label, shown_payload in pairs:
                if shown_payload == payload:
                    return label
        raise LookupError(f"no button {payload!r} was shown to {self.user!r}")
