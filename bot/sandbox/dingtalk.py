"""DingTalk in the sandbox: its emulator beside Telegram's, and a person switched to "钉钉" on the page.

Switching binds the person's DingTalk account (made on first use) and marks it as the one used last, so the
same conversation, and every notice for them, now goes through DingTalk; switching back does the reverse.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from bot.dingtalk_emulator import DingTalkEmulator
from bot.dingtalk_emulator.markdown import link_content
from bot.dingtalk_emulator.user import DingUser
from storage import people
from storage.models import Account

if TYPE_CHECKING:
    from handlers.kit import Services

CLIENT_ID, CLIENT_SECRET, CORP_ID = "dingsandboxlocal", "sandbox-local-only-not-a-dingtalk-secret", "dingsandboxcorp"
_SEGMENT = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)|\[([^\]]*)\]\(([^)\s]+)\)|\*\*(.+?)\*\*")


class DingTalkSide:
    def __init__(self) -> None:
        self.emu = DingTalkEmulator(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, corp_id=CORP_ID)
        self._phones: dict[int, DingUser] = {}

    def settings(self) -> dict[str, Any]:
        return {"dingtalk_client_id": CLIENT_ID, "dingtalk_client_secret": CLIENT_SECRET,
                "dingtalk_openapi_endpoint": self.emu.url, "bot_channels": "telegram,dingtalk"}

    @staticmethod
    def staff_id(user_id: int) -> str:
        return f"tg{user_id}"  # the sandbox's DingTalk people are its Telegram people, renamed

    def phone(self, user_id: int, name: str) -> DingUser:
        if user_id not in self._phones:
            self._phones[user_id] = self.emu.user(self.staff_id(user_id), name)
        return self._phones[user_id]

    async def _accounts(self, session: Any, user_id: int) -> tuple[Account | None, Account | None]:
        telegram = (await session.execute(select(Account).where(
            Account.channel == "telegram", Account.external_id == user_id))).unique().scalar_one_or_none()
        if telegram is None:
            return None, None
        dingtalk = (await session.execute(select(Account).where(
            Account.channel == "dingtalk", Account.person_id == telegram.person_id))).unique().scalar_one_or_none()
        return telegram, dingtalk

    async def channel_of(self, services: Services, user_id: int) -> str:
        async with services.sessions() as session:
            telegram, dingtalk = await self._accounts(session, user_id)
        if telegram is None or dingtalk is None:
            return "telegram"
        used = [(a.last_seen_at or a.bound_at, a.channel) for a in (telegram, dingtalk)]
        return max(used)[1]

    async def switch(self, services: Services, user_id: int, channel: str, now: datetime) -> None:
        """The person uses `channel` from now on: their replies and notices go there."""
        async with services.sessions() as session, session.begin():
            telegram, dingtalk = await self._accounts(session, user_id)
            if telegram is None:
                return
            if dingtalk is None and channel == "dingtalk":
                key = f"{CORP_ID}:{self.staff_id(user_id)}"
                number = await people.number_for(session, "dingtalk", key, now)
                dingtalk = await people.bind_account(session, telegram.person, "dingtalk", number, number,
                                                     telegram.language_code, now)
            chosen, other = (dingtalk, telegram) if channel == "dingtalk" else (telegram, dingtalk)
            if chosen is not None:
                chosen.last_seen_at = now
            if other is not None:
                other.last_seen_at = min(other.last_seen_at or other.bound_at, now - timedelta(seconds=1))
        self.emu.staff.add(self.staff_id(user_id))

    def messages(self, user_id: int) -> list[dict[str, Any]]:
        """The chat as the page draws it: the robot's markdown as lines of words and tappable links."""
        staff = self.staff_id(user_id)
        found = [{"id": m.seq, "seq": m.seq, "from": "bot", "kind": "text", "text": m.text, "entities": [],
                  "buttons": [], "file": None, "edited": False, "lines": _lines(m.markdown)}
                 for m in self.emu.inbox.get(staff, [])]
        found += [{"id": seq, "seq": seq, "from": "user", "kind": "text" if kind == "text" else "document",
                   "text": text if kind == "text" else f"📎 {text or kind}", "entities": [], "buttons": [],
                   "file": None, "edited": False} for seq, kind, text in self.emu.written.get(staff, [])]
        return sorted(found, key=lambda m: m["id"])


def _lines(markdown: str) -> list[list[dict[str, Any]]]:
    """Each line as segments: {"text"}, {"text", "bold"} or {"text", "send"} (what tapping the link sends)."""
    lines = []
    for raw in markdown.replace("  \n", "\n").split("\n"):
        segments: list[dict[str, Any]] = []
        position = 0
        for match in _SEGMENT.finditer(raw):
            if match.start() > position:
                segments.append({"text": _plain(raw[position:match.start()])})
            if match[1] is not None:
                segments.append({"text": f"[{match[1] or '图片'}]"})
            elif match[3] is not None:
                segments.append({"text": _plain(match[3]), "send": link_content(match[4])})
            else:
                segments.append({"text": _plain(match[5]), "bold": True})
            position = match.end()
        if position < len(raw):
            segments.append({"text": _plain(raw[position:])})
        lines.append(segments)
    return lines


def _plain(text: str) -> str:
    import html

    return html.unescape(text)
