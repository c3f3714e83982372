"""Every text a user can see is in both catalogs, translated, with the same placeholders and sound HTML."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.emulator.html import parse_html

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from update_catalogs import extract  # noqa: E402

PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdif]")


def catalog(language: str):
    with (ROOT / "locales" / language / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=language)


@pytest.fixture(scope="module")
def source_ids() -> set[str]:
    return {m.id[0] if isinstance(m.id, tuple) else m.id for m in extract() if m.id}


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_every_text_in_the_code_is_translated(language, source_ids):
    found = catalog(language)
    translated = {}
    for message in found:
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        translated[key] = all(strings) and not message.fuzzy
    missing = sorted(source_ids - translated.keys())
    empty = sorted(k for k in source_ids if translated.get(k) is False)
    assert not missing, f"{language}: not in the catalog (run scripts/update_catalogs.py): {missing[:10]}"
    assert not empty, f"{language}: untranslated: {empty[:10]}"


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_translations_keep_placeholders_and_valid_html(language):
    for message in catalog(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
        for text in strings:
            if not text:
                continue
            assert set(PLACEHOLDER.findall(text)) <= wanted, (message.id, text)
            assert set(PLACEHOLDER.findall(text)) >= set(PLACEHOLDER.findall(ids[0])) - {"n"}, (message.id, text)
            sample = PLACEHOLDER.sub("x", text)
            parse_html(sample)  # raises like Telegram would on a broken tag or a bare "<"
