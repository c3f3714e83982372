"""Unit tests of the emulator's Telegram-HTML parser (text, UTF-16 entities, error texts)."""

from __future__ import annotations

import pytest

from bot.emulator.html import HtmlParseError, parse_html, trim_text, utf16_len


def test_plain_text_passes_through() -> None:
    assert parse_html("英才计划 2025\n第二行") == ("英才计划 2025\n第二行", [])


def test_basic_tags_and_aliases() -> None:
    text, entities = parse_html("<b>a</b><strong>b</strong><i>c</i><em>d</em><u>e</u><ins>f</ins>"
                                "<s>g</s><strike>h</strike><del>i</del><code>j</code><tg-spoiler>k</tg-spoiler>"
                                '<span class="tg-spoiler">l</span>')
    assert text == "abcdefghijkl"
    assert [(e["type"], e["offset"]) for e in entities] == [
        ("bold", 0), ("bold", 1), ("italic", 2), ("italic", 3), ("underline", 4), ("underline", 5),
        ("strikethrough", 6), ("strikethrough", 7), ("strikethrough", 8), ("code", 9), ("spoiler", 10),
        ("spoiler", 11)]
    assert all(e["length"] == 1 for e in entities)


def test_offsets_are_utf16_with_chinese_and_emoji() -> None:
    text, entities = parse_html("😀你好 <b>英才😀计划</b> <i>x</i>")
    assert text == "😀你好 英才😀计划 x"
    # 😀 is two UTF-16 units; Chinese characters are one each.
    assert entities == [{"type": "bold", "offset": 5, "length": 6},
                        {"type": "italic", "offset": 12, "length": 1}]
    assert utf16_len(text) == 13


def test_nesting_sorted_outer_first() -> None:
    text, entities = parse_html("<b>粗<i>斜<u>下</u></i></b>")
    assert text == "粗斜下"
    assert entities == [{"type": "bold", "offset": 0, "length": 3},
                        {"type": "italic", "offset": 1, "length": 2},
                        {"type": "underline", "offset": 2, "length": 1}]


def test_html_entities() -> None:
    text, _ = parse_html("&lt;b&gt; &amp; &quot;q&quot; &#20013;&#x6587; &#128512; &lt")
    assert text == '<b> & "q" 中文 😀 <'


def test_bare_ampersand_is_literal_but_unknown_named_entity_is_rejected() -> None:
    assert parse_html("AT&T & co &copy")[0] == "AT&T & co &copy"
    with pytest.raises(HtmlParseError, match=r'Unsupported HTML entity "&nbsp;" at byte offset 2'):
        parse_html("a &nbsp; b")
    assert parse_html("a &nbsp; b", strict_entities=False)[0] == "a &nbsp; b"


def test_links_and_mentions() -> None:
    text, entities = parse_html('<a href="https://example.com/?a=1&amp;b=2">链接</a> '
                                '<a href="tg://user?id=42">小明</a> <a>https://t.me/x</a>')
    assert text == "链接 小明 https://t.me/x"
    assert entities[0] == {"type": "text_link", "offset": 0, "length": 2, "url": "https://example.com/?a=1&b=2"}
    assert entities[1]["type"] == "text_mention" and entities[1]["user"]["id"] == 42
    assert entities[2] == {"type": "text_link", "offset": 6, "length": 14, "url": "https://t.me/x"}


def test_pre_with_language_and_blockquotes() -> None:
    text, entities = parse_html('<pre><code class="language-python">print(1)</code></pre>'
                                "<blockquote>引用</blockquote><blockquote expandable>长</blockquote>"
                                '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>')
    assert text == "print(1)引用长👍"
    assert entities == [{"type": "pre", "offset": 0, "length": 8, "language": "python"},
                        {"type": "blockquote", "offset": 8, "length": 2},
                        {"type": "expandable_blockquote", "offset": 10, "length": 1},
                        {"type": "custom_emoji", "offset": 11, "length": 2,
                         "custom_emoji_id": "5368324170671202286"}]


def test_empty_entities_are_dropped_and_tags_case_insensitive() -> None:
    assert parse_html("<b></b>x<B>y</b>") == ("xy", [{"type": "bold", "offset": 1, "length": 1}])


@pytest.mark.parametrize("source, message", [
    ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
    ("你<br>", 'Unsupported start tag "br" at byte offset 3'),
    ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
    ("x <", "Unclosed start tag at byte offset 2"),
    ("<b>粗体", 'Can\'t find end tag corresponding to start tag "b"'),
    ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
    ("x</b>", "Unexpected end tag at byte offset 1"),
    ("<b>x</b", "Unclosed end tag at byte offset 4"),
    ('<a href=https://x>y</a>', "Unexpected end of name token at byte offset 8"),
    ("<b foo>x</b>", 'Expected equal sign in declaration of an attribute of the tag "b" at byte offset 0'),
    ('<span class="bold">x</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
    ("&#xD800;", "Text contains invalid Unicode characters"),
])
def test_errors_use_telegram_wording(source: str, message: str) -> None:
    with pytest.raises(HtmlParseError) as error:
        parse_html(source)
    assert str(error.value).startswith(message)


def test_trim_text_shifts_and_clips_entities() -> None:
    text, entities = parse_html("\n  <b> 你好</b> <i>x</i>\n")
    assert trim_text(text, entities) == ("你好 x", [{"type": "bold", "offset": 0, "length": 2},
                                                  {"type": "italic", "offset": 3, "length": 1}])
