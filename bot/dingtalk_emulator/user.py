"""A DingTalk user in a 1:1 chat with the robot, driven by tests: types, taps links, sends photos and files."""
from __future__ import annotations

from typing import Any, Callable, Protocol

from bot.dingtalk_emulator.markdown import BotMessage


class Robot(Protocol):
    """What a user sees of the emulator (DingTalkEmulator): the robot's messages, and a way to write to it."""

    staff: set[str]
    inbox: dict[str, list[BotMessage]]
    acked: list[str]

    def push(self, staff_id: str, nick: str, content: dict[str, Any], msgtype: str) -> str: ...

    def store_file(self, data: bytes, name: str | None = None) -> str: ...

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 10.0) -> bool: ...


class DingUser:
    """Sends wait until the bot ACKed the message: it acknowledges only after it handled it and replied."""

    def __init__(self, emu: Robot, staff_id: str, nick: str, timeout: float = 10.0) -> None:
        self.emu, self.staff_id, self.nick, self.timeout = emu, staff_id, nick, timeout

    def __repr__(self) -> str:
        return f"DingUser({self.staff_id}, {self.nick!r})"

    @property
    def messages(self) -> list[BotMessage]:
        return list(self.emu.inbox.get(self.staff_id, []))

    @property
    def last(self) -> BotMessage:
        if not self.messages:
            raise LookupError(f"the robot has sent nothing to {self!r}")
        return self.messages[-1]

    def block(self) -> None:
        """The person left the organisation: batchSend names them in invalidStaffIdList."""
        self.emu.staff.discard(self.staff_id)

    def unblock(self) -> None:
        self.emu.staff.add(self.staff_id)

    async def wait_for(self, predicate: Callable[[list[BotMessage]], bool], timeout: float = 5.0) -> list[BotMessage]:
        if not await self.emu.wait_until(lambda: predicate(self.messages), timeout):
            raise TimeoutError(f"condition not met within {timeout}s; robot messages to {self!r}: "
                               f"{[m.text[:80] for m in self.messages[-3:]]}")
        return self.messages

    async def _send(self, content: dict, msgtype: str, wait: bool, timeout: float | None) -> str:
        message_id = self.emu.push(self.staff_id, self.nick, content, msgtype)
        if wait and not await self.emu.wait_until(lambda: message_id in self.emu.acked,
                                                  self.timeout if timeout is None else timeout):
            raise TimeoutError(f"the bot did not acknowledge {message_id} of {self!r}; it sent meanwhile: "
                               f"{[m.text[:80] for m in self.messages[-3:]]}")
        return message_id

    async def send_text(self, text: str, *, wait: bool = True, timeout: float | None = None) -> str:
        return await self._send({"text": {"content": text}}, "text", wait, timeout)

    async def send_photo(self, data: bytes, *, wait: bool = True) -> str:
        code = self.emu.store_file(data)
        return await self._send({"content": {"downloadCode": code, "pictureDownloadCode": code}}, "picture", wait, None)

    async def send_document(self, data: bytes, file_name: str = "document.pdf", *, wait: bool = True) -> str:
        code = self.emu.store_file(data, file_name)
        content = {"spaceId": "1", "fileName": file_name, "downloadCode": code, "fileId": code[:8]}
        return await self._send({"content": content}, "file", wait, None)

    async def tap(self, label: str, *, wait: bool = True) -> str:
        """Taps the newest link labelled `label` (exactly, else containing it): the client sends its content."""
        for message in reversed(self.messages):
            for exact in (True, False):
                for shown, content in message.links:
                    if shown == label if exact else label in shown:
                        return await self.send_text(content, wait=wait)
        raise LookupError(f"no link {label!r} for {self!r}; last links: "
                          f"{[m.button_texts() for m in self.messages[-3:]]}")
