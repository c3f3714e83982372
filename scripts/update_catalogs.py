"""Extracts texts from the code into locales/messages.pot and merges them into every catalog.

Run after adding or changing a user-visible text: `python scripts/update_catalogs.py`, then translate
the new zh_CN entries (search for `msgstr ""`). English is the source language: new English entries
get their msgid as the translation, which you may then polish.
"""
from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
KEYWORDS = {"t": None, "raw": None, "plain": None, "plural": (1, 2), "N_": None}
PACKAGES = ("bot", "handlers", "program", "scheduler", "storage")


def extract() -> Catalog:
    template = Catalog(project="yingcai-bot", fuzzy=False)
    for package in PACKAGES:
        for filename, lineno, message, comments, context in extract_from_dir(
                ROOT / package, method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)):
            template.add(message, locations=[(f"{package}/{filename}", lineno)], auto_comments=comments,
                         context=context)
    return template


def main() -> int:
    template = extract()
    with (LOCALES / "messages.pot").open("wb") as f:
        write_po(f, template, omit_header=True, no_location=True, sort_output=True, width=120)
    for language in ("zh_CN", "en"):
        path = LOCALES / language / "LC_MESSAGES" / "messages.po"
        if path.exists():
            with path.open("rb") as f:
                catalog = read_po(f, locale=language)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(locale=language, project="yingcai-bot")
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        catalog.fuzzy = False
        if language == "en":
            for message in catalog:
                if message.id and not (all(message.string) if message.pluralizable else message.string):
                    message.string = message.id
        with path.open("wb") as f:
            write_po(f, catalog, no_location=True, sort_output=True, width=120, omit_header=False)
        missing = [m.id for m in catalog if m.id and not (all(m.string) if isinstance(m.string, tuple) else m.string)]
        print(f"{language}: {len(catalog)} messages, {len(missing)} untranslated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
