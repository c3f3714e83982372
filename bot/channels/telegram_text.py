"""Telegram's message sizes: lengths in UTF-16 code units (as Telegram counts), cutting, and a plain-text fallback."""
from __future__ import annotations

import html
import re

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
_TAG = re.compile(r"<(/?)([a-z-]+)[^>]*>")
_TOKEN = re.compile(r"<[^>]*>|&(?:#\d+|#x[0-9a-fA-F]+|[a-z]+);|.", re.S)


def units(text: str) -> int:
    """UTF-16 code units: an emoji outside the BMP is two. Telegram's limits are in these, not in characters."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def visible_length(html_text: str) -> int:
    """What Telegram counts: tags removed, entities as the character they stand for, in UTF-16 units."""
    return units(html.unescape(_TAG.sub("", html_text)))


def plain_text(html_text: str) -> str:
    """The same words without markup, escaped again for parse_mode HTML: what is left when markup is refused."""
    return html.escape(html.unescape(_TAG.sub("", html_text)), quote=False)


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Long screens become several messages, cut between lines; tags open at a cut are closed and reopened."""
    if visible_length(text) <= limit:
        return [text]
    chunks: list[str] = []
    lines: list[str] = []
    size = 0
    open_tags: list[tuple[str, str]] = []  # (name, the opening tag as written)
    budget = limit - 64  # room for the closing tags added at a cut
    for line in text.split("\n"):
        for piece in _hard_cut(line, budget):
            piece_size = visible_length(piece) + 1
            if lines and size + piece_size > budget:
                chunks.append("\n".join(lines) + "".join(f"</{name}>" for name, _ in reversed(open_tags)))
                lines, size = ["".join(tag for _, tag in open_tags) + piece], piece_size
            else:
                lines.append(piece)
                size += piece_size
            for match in _TAG.finditer(piece):
                if match[1]:
                    if open_tags and open_tags[-1][0] == match[2]:
                        open_tags.pop()
                else:
                    open_tags.append((match[2], match[0]))
    if lines:
        chunks.append("\n".join(lines))
    return chunks


def _hard_cut(line: str, size: int) -> list[str]:
    """A single line longer than a message, cut by visible units, never inside a tag, an entity or an emoji."""
    if visible_length(line) <= size:
        return [line]
    pieces, current, count = [], [], 0
    for token in _TOKEN.findall(line):
        weight = 0 if token.startswith("<") and len(token) > 1 else units(html.unescape(token))
        if count + weight > size and current:
            pieces.append("".join(current))
            current, count = [], 0
        current.append(token)
        count += weight
    pieces.append("".join(current))
    return pieces
