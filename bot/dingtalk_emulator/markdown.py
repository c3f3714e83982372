"""What a DingTalk user sees of the robot's markdown (plain text, the links a tap would send), and what it refuses."""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

SEND_LINK = "dtmd://dingtalkclient/sendMessage"
MAX_MSG_PARAM_BYTES = 15_000  # documented for groupMessages/send; batchSend and webhooks say nothing
_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]+)\)")
_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")


def link_content(url: str) -> str | None:
    """The text a `dtmd://dingtalkclient/sendMessage?content=…` link makes the user send."""
    if not url.startswith(SEND_LINK):
        return None
    values = parse_qs(urlsplit(url).query).get("content")
    return values[0] if values else None


@dataclass
class BotMessage:
    seq: int
    title: str
    markdown: str
    via: str  # "webhook" (a reply) or "batchSend" (anything else)

    @property
    def kind(self) -> str:
        return "photo" if self.images else "text"

    @property
    def images(self) -> list[str]:
        return [url for _, url in _IMAGE.findall(self.markdown)]

    @property
    def links(self) -> list[tuple[str, str]]:
        """(label, what a tap sends) for every tappable link, in reading order."""
        found = []
        for label, url in _LINK.findall(_IMAGE.sub("", self.markdown)):
            content = link_content(url)
            if content is not None:
                found.append((label.replace("\\]", "]").replace("\\[", "["), content))
        return found

    @property
    def text(self) -> str:
        """Roughly as the client renders it: emphasis and links reduced to their words, entities decoded."""
        plain = _IMAGE.sub(lambda m: f"[{m[1] or 'image'}]", self.markdown)
        plain = _LINK.sub(lambda m: m[1], plain)
        plain = re.sub(r"\*\*(.+?)\*\*", r"\1", plain)
        plain = plain.replace("  \n", "\n").replace("\\", "")
        return html.unescape(plain)

    def button_texts(self) -> list[str]:
        return [label for label, _ in self.links]


def message_problem(key: Any, param: Any) -> str | None:
    """Why the robot API refuses a message (msgKey, msgParam), or None."""
    if key not in ("sampleMarkdown", "sampleText") or not isinstance(param, str):
        return "msgKey/msgParam"
    if len(param.encode()) > MAX_MSG_PARAM_BYTES:
        return "msgParam too long"
    fields = json.loads(param)
    needed = ("title", "text") if key == "sampleMarkdown" else ("content",)
    return None if all(isinstance(fields.get(f), str) and fields[f] for f in needed) else "msgParam fields"
