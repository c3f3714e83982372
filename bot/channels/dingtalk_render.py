"""How DingTalk shows our screens and what its robot messages carry: markdown, numbered links, the menu footer.

Buttons become `dtmd://dingtalkclient/sendMessage?content=…` links (undocumented, used in the wild): a tap
makes the user send that text, which the engine maps back through the buttons it last showed them.
"""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from bot.channels.telegram_common import split_text
from handlers.kit import FileRef, Screen

PARAM_LIMIT = 15_000  # bytes of msgParam: documented for groupMessages/send only; we assume it for batchSend too
TEXT_LIMIT = 3_000  # visible characters per message, so that text, numbered links and menu stay under PARAM_LIMIT
SEND_LINK = "dtmd://dingtalkclient/sendMessage?content="


def safe(text: str) -> str:
    # Brackets (or a bare dtmd:// address, should the client link it) would let a student's own text become
    # a link in a teacher's chat that sends words the teacher never chose.
    return text.replace("[", "［").replace("]", "］").replace("dtmd://", "dtmd:／／")


def _link(label: str, content: str) -> str:
    return f"[{safe(label)}]({SEND_LINK}{quote(content, safe='')})"


def to_markdown(html_text: str) -> str:
    """Our HTML subset as DingTalk markdown; entities stay encoded (how the client shows them is undocumented)."""
    text = safe(html_text)
    text = re.sub(r"<b>(.*?)</b>", r"**\1**", text, flags=re.S)
    text = re.sub(r"<i>(.*?)</i>", r"*\1*", text, flags=re.S)
    text = re.sub(r"<(?:code|pre)>(.*?)</(?:code|pre)>", r"`\1`", text, flags=re.S)
    text = re.sub(r'<a href="([^"]+)">(.*?)</a>', r"[\2](\1)", text, flags=re.S)
    text = re.sub(r"<[^>]+>", "", text)
    return text.replace("\n", "  \n")  # a bare newline is not a line break in DingTalk's markdown


def title_of(html_text: str) -> str:
    first = re.sub(r"<[^>]+>", "", html_text).strip().split("\n", 1)[0]
    return (first[:30] or "英才计划").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def render(screen: Screen, extra: str = "") -> list[tuple[str, str]]:
    """A screen as (title, markdown) messages: text cut at the limits, numbered links, the menu as a footer."""
    bodies = [to_markdown(chunk) for chunk in split_text(screen.text, TEXT_LIMIT)] if screen.text else [""]
    bodies[0] = f"{bodies[0]}\n\n{extra}".strip() if extra else bodies[0]
    taps = [b for row in screen.buttons for b in row if b.payload is not None]
    tail = [f"{i}. {_link(b.label, b.label)}" for i, b in enumerate(taps, 1)]
    tail += [f"[{safe(b.label)}]({b.url})" for row in screen.buttons for b in row if b.url and b.payload is None]
    footer = " · ".join(_link(label, label) for row in screen.menu or () for label in row)
    block = "\n\n".join(part for part in ("  \n".join(tail), footer) if part)
    if block and len((bodies[-1] + block).encode()) + 200 <= PARAM_LIMIT:
        bodies[-1] = f"{bodies[-1]}\n\n{block}".strip()
    elif block:
        bodies.append(block)
    title = title_of(screen.text)
    return [(title, body) for body in bodies if body]


def content_of(data: dict[str, Any]) -> tuple[str | None, tuple[FileRef, ...]]:
    """Text and files of a robot message; a file keeps DingTalk's downloadCode (prefixed "dt:")."""
    kind, content = data.get("msgtype"), data.get("content") or {}
    if kind == "text":
        return (data.get("text") or {}).get("content", "").strip(), ()
    if kind == "picture" and content.get("downloadCode"):
        return None, (FileRef("photo", f"dt:{content['downloadCode']}"),)
    if kind == "file" and content.get("downloadCode"):
        return None, (FileRef("document", f"dt:{content['downloadCode']}", file_name=content.get("fileName")),)
    if kind == "richText":
        parts = content.get("richText") or []
        text = "\n".join(p["text"] for p in parts if p.get("text")).strip() or None
        files = tuple(FileRef("photo", f"dt:{p['downloadCode']}") for p in parts if p.get("downloadCode"))
        return text, files
    if kind == "audio" and content.get("recognition"):
        return content["recognition"], ()  # DingTalk's own speech-to-text of a voice message
    return None, ()
