"""Telegram-compatible parse_mode=HTML parser: plain text plus UTF-16 message entities."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

__all__ = ["HtmlParseError", "parse_html", "trim_text", "utf16_len"]

# The tag set, error texts and scanning rules follow tdlib's parse_html (which the Bot API
# server uses), so a bot that passes here fails on Telegram only for exotic reasons.
_SUPPORTED = {
    "a", "b", "strong", "i", "em", "u", "ins", "s", "strike", "del",
    "code", "pre", "tg-spoiler", "span", "blockquote", "tg-emoji",
}
_SIMPLE = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough",
    "del": "strikethrough", "tg-spoiler": "spoiler", "span": "spoiler",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_PRIORITY = {t: n for n, t in enumerate([
    "blockquote", "expandable_blockquote", "pre", "code", "text_link", "text_mention",
    "bold", "italic", "underline", "strikethrough", "spoiler", "custom_emoji",
])}
_TRIM = " \t\r\n"


class HtmlParseError(ValueError):
    """Raised with Telegram's wording; the API answers "can't parse entities: <message>"."""


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _is_space(c: str) -> bool:
    # "\0" is the end-of-input sentinel, which tdlib also treats as space.
    return c in " \t\r\n\v\0"


def _is_alnum(c: str) -> bool:
    return c.isascii() and c.isalnum()


class _Parser:
    def __init__(self, source: str, strict_entities: bool) -> None:
        self.s = source
        self.n = len(source)
        self.strict = strict_entities
        self.out: list[str] = []
        self.out_len = 0  # characters in self.out, to slice the text of an <a> without href
        self.u16 = 0
        self.entities: list[dict[str, Any]] = []
        # (tag, argument, utf16 offset, output char index)
        self.stack: list[tuple[str, str, int, int]] = []

    def ch(self, i: int) -> str:
        return self.s[i] if i < self.n else "\0"

    def byte(self, i: int) -> int:
        return len(self.s[:i].encode("utf-8"))

    def decode_entity(self, pos: int) -> tuple[str, int] | None:
        """Decode "&...;" at pos like tdlib: the semicolon is optional, failures stay literal."""
        end = pos + 1
        if self.ch(end) == "#":
            end += 1
            hexa = self.ch(end) == "x"
            if hexa:
                end += 1
            start, value = end, 0
            while (c := self.ch(end)) and (c in "0123456789abcdefABCDEF" if hexa else c in "0123456789"):
                value = value * (16 if hexa else 10) + int(c, 16)
                end += 1
            if end == start or value == 0 or value >= 0x10FFFF or end - pos >= 10:
                return None
            if 0xD800 <= value <= 0xDFFF:
                raise HtmlParseError(
                    "Text contains invalid Unicode characters after decoding HTML entities, "
                    "check for unmatched surrogate code units")
            char = chr(value)
        else:
            while self.ch(end).isascii() and self.ch(end).isalpha():
                end += 1
            name = self.s[pos + 1:end]
            if name not in _NAMED:
                # tdlib keeps "&nbsp;" literally, which shows users raw markup: treat it as a bot bug.
                if self.strict and name and self.ch(end) == ";":
                    raise HtmlParseError(
                        f'Unsupported HTML entity "&{name};" at byte offset {self.byte(pos)}')
                return None
            char = _NAMED[name]
        return char, end + 1 if self.ch(end) == ";" else end

    def emit(self, text: str) -> None:
        self.out.append(text)
        self.out_len += len(text)
        self.u16 += utf16_len(text)

    def run(self) -> tuple[str, list[dict[str, Any]]]:
        i = 0
        while i < self.n:
            c = self.s[i]
            if c == "&" and (decoded := self.decode_entity(i)):
                self.emit(decoded[0])
                i = decoded[1]
            elif c != "<":
                self.emit(c)
                i += 1
            elif self.ch(i + 1) == "/":
                i = self.end_tag(i)
            else:
                i = self.start_tag(i)
        if self.stack:
            raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{self.stack[-1][0]}"')
        for e in self.entities:
            if e["type"] == "code":
                e.pop("language", None)
        self.entities.sort(key=lambda e: (e["offset"], -e["length"], _PRIORITY.get(e["type"], 99)))
        return "".join(self.out), self.entities

    def start_tag(self, begin: int) -> int:
        i = begin + 1
        while not _is_space(self.ch(i)) and self.ch(i) != ">":
            i += 1
        if i >= self.n:
            raise HtmlParseError(f"Unclosed start tag at byte offset {self.byte(begin)}")
        tag = self.s[begin + 1:i].lower()
        if tag not in _SUPPORTED:
            raise HtmlParseError(f'Unsupported start tag "{tag}" at byte offset {self.byte(begin)}')
        argument = ""
        while self.ch(i) != ">":
            while i < self.n and _is_space(self.ch(i)):
                i += 1
            if self.ch(i) == ">":
                break
            attr_begin = i
            while not _is_space(self.ch(i)) and self.ch(i) not in "=>":
                i += 1
            attr = self.s[attr_begin:i]
            if not attr:
                raise HtmlParseError(
                    f'Empty attribute name in the tag "{tag}" at byte offset {self.byte(begin)}')
            while i < self.n and _is_space(self.ch(i)):
                i += 1
            if self.ch(i) != "=":
                if tag == "blockquote" and attr == "expandable":
                    argument = "expandable"
                    continue
                raise HtmlParseError(f'Expected equal sign in declaration of an attribute of the tag '
                                     f'"{tag}" at byte offset {self.byte(begin)}')
            i += 1
            while i < self.n and _is_space(self.ch(i)):
                i += 1
            if i >= self.n:
                raise HtmlParseError(f'Unclosed start tag "{tag}" at byte offset {self.byte(begin)}')
            value, i = self.attribute_value(i)
            if i >= self.n:
                raise HtmlParseError(f"Unclosed start tag at byte offset {self.byte(begin)}")
            if tag == "a" and attr == "href":
                argument = value
            elif tag == "code" and attr == "class" and value.startswith("language-"):
                argument = value[len("language-"):]
            elif tag == "span" and attr == "class" and value.startswith("tg-"):
                argument = value[len("tg-"):]
            elif tag == "tg-emoji" and attr == "emoji-id":
                argument = value
        if tag == "span" and argument != "spoiler":
            raise HtmlParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {self.byte(begin)}')
        self.stack.append((tag, argument, self.u16, self.out_len))
        return i + 1

    def attribute_value(self, i: int) -> tuple[str, int]:
        quote = self.ch(i)
        if quote not in "'\"":
            # An unquoted value is an HTML "name token", so href=https://x fails as on Telegram.
            start = i
            while _is_alnum(self.ch(i)) or self.ch(i) in ".-":
                i += 1
            if not _is_space(self.ch(i)) and self.ch(i) != ">":
                raise HtmlParseError(f"Unexpected end of name token at byte offset {self.byte(start)}")
            return self.s[start:i].lower(), i
        i += 1
        value: list[str] = []
        while i < self.n and self.s[i] != quote:
            if self.s[i] == "&" and (decoded := self.decode_entity(i)):
                value.append(decoded[0])
                i = decoded[1]
            else:
                value.append(self.s[i])
                i += 1
        return "".join(value), i + 1 if i < self.n else i

    def end_tag(self, begin: int) -> int:
        if not self.stack:
            raise HtmlParseError(f"Unexpected end tag at byte offset {self.byte(begin)}")
        i = begin + 2
        while not _is_space(self.ch(i)) and self.ch(i) != ">":
            i += 1
        name = self.s[begin + 2:i]
        while i < self.n and _is_space(self.ch(i)):
            i += 1
        if self.ch(i) != ">":
            raise HtmlParseError(f"Unclosed end tag at byte offset {self.byte(begin)}")
        tag, argument, offset, out_start = self.stack.pop()
        if name and name != tag:
            raise HtmlParseError(f'Unmatched end tag at byte offset {self.byte(begin)}, '
                                 f'expected "</{tag}>", found "</{name}>"')
        if self.u16 > offset:
            self.add_entity(tag, argument, offset, self.u16 - offset, out_start)
        return i + 1

    def add_entity(self, tag: str, argument: str, offset: int, length: int, out_start: int) -> None:
        span = {"offset": offset, "length": length}
        last: dict[str, Any] = self.entities[-1] if self.entities else {}
        same_span = bool(last) and last["offset"] == offset and last["length"] == length
        if tag in _SIMPLE:
            self.entities.append({"type": _SIMPLE[tag], **span})
        elif tag == "blockquote":
            kind = "expandable_blockquote" if argument else "blockquote"
            self.entities.append({"type": kind, **span})
        elif tag == "tg-emoji":
            if not argument.isdigit():
                raise HtmlParseError("Invalid custom emoji identifier specified")
            self.entities.append({"type": "custom_emoji", **span, "custom_emoji_id": argument})
        elif tag == "a":
            url = argument or "".join(self.out)[out_start:]
            if url.startswith("tg://user?id=") and url[len("tg://user?id="):].isdigit():
                user = {"id": int(url[len("tg://user?id="):]), "is_bot": False, "first_name": ""}
                self.entities.append({"type": "text_mention", **span, "user": user})
            elif (checked := _check_url(url)) is not None:
                self.entities.append({"type": "text_link", **span, "url": checked})
        elif tag == "pre":
            # <pre><code class="language-x"> closes the code first; fold it into one pre entity.
            if same_span and last["type"] == "code" and last.get("language"):
                last["type"] = "pre"
            else:
                self.entities.append({"type": "pre", **span})
        elif tag == "code":
            if same_span and last["type"] == "pre" and argument:
                last["language"] = argument
            else:
                self.entities.append({"type": "code", **span, **({"language": argument} if argument else {})})


def _check_url(url: str) -> str | None:
    """Return the URL Telegram would store, or None when Telegram would silently drop the link."""
    url = url.strip()
    candidate = url if "://" in url else f"http://{url}"
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() == "tg":
        return candidate
    if parts.scheme.lower() not in {"http", "https", "ftp", "ton"} or not parts.hostname:
        return None
    return candidate


def parse_html(source: str, *, strict_entities: bool = True) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram HTML into (plain text, entities); raise HtmlParseError like Telegram would.

    strict_entities rejects unknown named entities such as "&nbsp;" instead of keeping them
    literally as tdlib does.
    """
    return _Parser(source, strict_entities).run()


def trim_text(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Strip surrounding whitespace and shift/clip entities, as Telegram does to sent text."""
    stripped = text.strip(_TRIM)
    if stripped == text:
        return text, entities
    lead = utf16_len(text[:len(text) - len(text.lstrip(_TRIM))])
    total = utf16_len(stripped)
    result = []
    for e in entities:
        start = max(e["offset"] - lead, 0)
        end = min(e["offset"] + e["length"] - lead, total)
        if end > start:
            result.append({**e, "offset": start, "length": end - start})
    return stripped, result
