"""Shared by the property suites: strategies for what people type, and a count of the examples run."""
from __future__ import annotations

from collections import Counter

from hypothesis import strategies as st

EXAMPLES: Counter[str] = Counter()  # examples run per property, printed at the end of the run

# What a phone can send, weighted towards the troublesome ones: controls, emoji, CJK, markup characters, line
# breaks, and lone surrogates (no channel should carry one, but a broken client or a JSON "\ud800" can; the edge
# strips them).
TRICKY = st.sampled_from(["\x00", "\x07", "\r\n", "\n", "\t", "\u202e", "<", ">", "&", "&amp;", "<b>", "</b>",
                          "🧪", "👨‍👩‍👧", "\ufeff", "中", "文", " ", ":", "0", "9", "-", ".", "，", "\ud800", "\udfff",
                          "\ud83e"])
CHARS = st.characters(blacklist_categories=("Cs",))
TYPED = st.lists(st.one_of(TRICKY, st.text(CHARS, max_size=8)), max_size=30).map("".join)


def counted(name: str) -> None:
    EXAMPLES[name] += 1
