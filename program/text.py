"""Text as people and files send it: the control characters that databases and screens cannot take.

PostgreSQL refuses NUL in text, a lone UTF-16 surrogate cannot even be encoded, and invisible
controls in a name let two different people look alike. Chat texts lose them quietly (line breaks
and tabs stay); names and roster cells that contain them are refused, so nobody is misread.
"""
from __future__ import annotations

import re

# C0 controls except tab and line feed, DEL, C1 controls, and lone surrogates (Python keeps them in str).
_STRIPPED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# In a name nothing invisible is wanted: every control, plus the bidi overrides that reorder what is shown.
_NOT_IN_NAMES = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def strip_controls(text: str) -> str:
    """A user's text without control characters; Windows and old-Mac line ends become plain line breaks."""
    if not _STRIPPED.search(text):
        return text
    return _STRIPPED.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def has_invisible(text: str) -> bool:
    """True when a name or a roster cell carries a control character, a lone surrogate or a bidi override."""
    return bool(_NOT_IN_NAMES.search(text))


def size_in(size: int, unit: int) -> str:
    """A size in MB or KB for a message, rounded up to two decimals: a file just over a limit never reads as
    equal to it ("20.01 MB", not "20.0 MB" beside "at most 20 MB")."""
    hundredths = -(-size * 100 // unit)  # ceiling, in integers: no float rounding at the edge
    whole, part = divmod(hundredths, 100)
    return f"{whole}.{part:02d}".rstrip("0").rstrip(".")
