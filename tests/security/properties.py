"""Shared by the property suites: strategies for what people type, and a count of the examples run."""
from __future__ import annotations

from collections import Counter

from hypothesis import strategies as st

EXAMPLES: Counter[str] = Counter()  # examples run per property, printed at the end of the run

# What a phone can send: any character but a lone surrogate (no channel can carry one; the edge strips them
# anyway), weighted towards the troublesome ones: controls, emoji, CJK, markup characters, line breaks.
TRICKY = st.sampled_from(["\x00", "\x07", "\r\n", "\n", "\t", "\u202e", "<", ">", "&", "&amp;", "<b>", "</b>",
                          "🧪", "👨‍👩‍👧", "\ufeff", "中", "文", " ", ":", "0", "9", "-", ".", "，"])
CHARS = st.characters(blacklist_categories=("Cs",))
TYPED = st.lists(st.one_of(TRICKY, st.text(CHARS, max_size=8)), max_size=30).map("".join)


def counted(name: str) -> None:
    EXAMPLES[name] += 1
