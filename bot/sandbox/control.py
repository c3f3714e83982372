"""What the sandbox page may ask of the running sandbox: a narrow interface instead of the whole runner."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any, Protocol

from program.roles import Role


@dataclass(frozen=True)
class Person:
    """Somebody in the sandbox with a (fake) Telegram account, as the page lists them."""

    user_id: int
    name: str
    roles: tuple[Role, ...]  # most student-like first, as the page sorts them
    school: str
    subject: str | None = None
    grade: str | None = None
    language: str | None = None  # the language their Telegram app reports


class SandboxControl(Protocol):
    """Exactly what the page needs: who is there, the clock, and where the demo data lives.

    The page acts as a person through that person's phone in the emulator; everything else goes here.
    """

    @property
    def boot(self) -> str:
        """Changes on every start, so an open page knows to reload its chats."""

    @property
    def engine(self) -> str:
        """The Telegram library the bot runs on (aiogram or ptb)."""

    @property
    def database_label(self) -> str:
        """Where the demo data is kept, for people to find (and delete) it."""

    @property
    def zone(self) -> tzinfo:
        """The program's time zone."""

    def now(self) -> datetime:
        """The sandbox clock's time (timezone-aware)."""

    async def set_clock(self, moment: datetime | None) -> None:
        """Moves the sandbox clock to `moment` (None: back to real time) and runs what became due."""

    async def people(self) -> list[Person]:
        """Everybody with an account, in the order the page lists them."""

    async def person(self, user_id: int) -> Person | None:
        """The person with this Telegram id, or None when nobody in the sandbox has it."""

    def files_changed(self) -> None:
        """A person sent a file: keep it for the next start."""

    @property
    def dingtalk(self) -> Any:
        """The DingTalk side (bot.sandbox.dingtalk.DingTalkSide): its emulator and who is switched to it."""

    async def channel_of(self, user_id: int) -> str:
        """"telegram" or "dingtalk": where this person talks to the bot now."""

    async def switch_channel(self, user_id: int, channel: str) -> None:
        """From now on the person uses `channel`; their notices follow."""
