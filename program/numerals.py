"""Small numbers written in Chinese characters, as people type them: 两, 十二, 二十三, 三十."""
from __future__ import annotations

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
           "九": 9}
CHINESE_NUMBER = "[零〇一二两三四五六七八九十]{1,3}"  # a regex fragment for 0–99 in characters


def number(text: str) -> int | None:
    """0–99 from Arabic digits or Chinese characters ("3", "两", "十二", "二十"); None when it is neither."""
    if text.isascii() and text.isdigit():
        return int(text)
    if not text or any(c not in _DIGITS and c != "十" for c in text):
        return None
    if "十" not in text:
        return _DIGITS[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return None
    return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)
