"""A git merge driver for the gettext catalogs: two branches that each added texts merge without conflict.

Registered by `make hooks` (git config merge.pocatalog.driver) and `.gitattributes`. Git calls it with the
ancestor, ours and theirs; the result (written over ours) holds every entry of both sides. Where both
changed one entry differently, ours wins and the merge is reported as a conflict for a human to check.
"""
from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po


def _read(path: str) -> Catalog:
    with open(path, "rb") as f:
        return read_po(f)


def _key(message: Message) -> object:
    return (message.id, message.context)


def _same(a: Message | None, b: Message | None) -> bool:
    if a is None or b is None:
        return a is b
    return a.string == b.string and sorted(a.flags) == sorted(b.flags)


def merge(base: Catalog, ours: Catalog, theirs: Catalog) -> tuple[Catalog, list[str]]:
    conflicts: list[str] = []
    keys = {_key(m): m for m in ours if m.id} | {_key(m): m for m in theirs if m.id}
    for key in keys:
        mine, other, old = ours.get(*key), theirs.get(*key), base.get(*key)  # type: ignore[misc]
        if other is None:
            if mine is not None and old is not None and _same(mine, old):
                ours.delete(*key)  # type: ignore[misc]  # they removed a text we did not touch
            continue
        if mine is None:
            if old is None or not _same(other, old):
                ours[other.id] = other  # they added it (or changed what we removed)
            continue
        if _same(mine, other) or _same(other, old):
            continue
        if _same(mine, old):
            ours.delete(*key)  # type: ignore[misc]
            ours[other.id] = other
        else:
            conflicts.append(str(other.id)[:80])
    return ours, conflicts


def main(argv: list[str]) -> int:
    base_path, ours_path, theirs_path = argv[1:4]
    merged, conflicts = merge(_read(base_path), _read(ours_path), _read(theirs_path))
    with open(ours_path, "wb") as f:
        write_po(f, merged, no_location=True, sort_output=True, width=120,
                 omit_header=Path(ours_path).suffix == ".pot")
    for text in conflicts:
        print(f"po_merge: both sides changed the translation of {text!r}; kept ours", file=sys.stderr)
    return 1 if conflicts else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
