"""Screens longer than one Telegram message are split into messages Telegram accepts."""
from __future__ import annotations

import html

from bot.channels.telegram_common import TEXT_LIMIT, split_text, visible_length
from bot.emulator.html import parse_html


def test_a_long_pre_block_is_closed_and_reopened_at_each_cut():
    body = "\n".join(html.escape(f"第{i}行 <x> & y " + "字" * 60) for i in range(200))
    text = f"<b>复制到平台</b>\n<pre>{body}</pre>"
    chunks = split_text(text)
    assert len(chunks) > 1
    for chunk in chunks:
        plain, _ = parse_html(chunk)  # raises on a broken tag, as Telegram would
        assert len(plain) <= TEXT_LIMIT
    assert "".join(parse_html(c)[0] for c in chunks).replace("\n", "") == \
        parse_html(text)[0].replace("\n", "")


def test_escaped_characters_count_once_and_are_never_cut_in_half():
    line = "&lt;" * 3000  # 3000 visible characters, 12000 written
    assert visible_length(line) == 3000 and split_text(line) == [line]
    chunks = split_text("&amp;" * 9000)
    assert all(parse_html(c)[0] == "&" * len(parse_html(c)[0]) for c in chunks)
    assert sum(len(parse_html(c)[0]) for c in chunks) == 9000


def test_short_text_is_untouched():
    assert split_text("<b>你好</b>") == ["<b>你好</b>"]
