"""Languages the bot speaks and the gettext catalogs behind them (zh_CN default, en complete)."""
from __future__ import annotations

import gettext
import html
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

DEFAULT_LANGUAGE = "zh_CN"
LANGUAGES = ("zh_CN", "en")
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"


def N_(message: str) -> str:
    """Marks a msgid for extraction where it is translated later (enum labels, error texts)."""
    return message


class Safe(str):
    """A value already in Telegram HTML: placed into a message without escaping."""


class Msgid(str):
    """A msgid passed as a placeholder value: translated in the reader's language when formatted."""


def language_from_telegram(code: str | None) -> str:
    """Telegram's `language_code` ("zh-hans", "en-US"…) to one of ours; Chinese when unknown."""
    if not code:
        return DEFAULT_LANGUAGE
    code = code.lower()
    if code.startswith("en"):
        return "en"
    return DEFAULT_LANGUAGE


def normalize_language(code: str | None) -> str:
    if code in LANGUAGES:
        return code
    return language_from_telegram(code)


def _compile_if_needed(language: str) -> Path:
    """Keeps the .mo beside its .po fresh, so a checkout without a compile step still speaks."""
    folder = LOCALES_DIR / language / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if po.exists() and (not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime):
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        with po.open("rb") as source:
            catalog = read_po(source, locale=language)
        tmp = mo.with_suffix(".mo.tmp")
        with tmp.open("wb") as target:
            write_mo(target, catalog)
        tmp.replace(mo)
    return mo


@lru_cache(maxsize=None)
def _translations(language: str) -> gettext.NullTranslations:
    _compile_if_needed(language)
    return gettext.translation(DOMAIN, LOCALES_DIR, languages=[language], fallback=True)




class Translator:
    """Translates msgids for one language and fills placeholders with HTML-escaped values.

    `escape=False` is for text that is not HTML: the command line, button labels (see `plain`).
    """

    def __init__(self, language: str, *, escape: bool = True) -> None:
        self.language = normalize_language(language)
        self._gt = _translations(self.language)
        self._escape = escape

    def __call__(self, message: str, **params: Any) -> str:
        text = self._gt.gettext(message)
        return text % self._values(params) if params else text

    def plural(self, singular: str, plural: str, n: int, **params: Any) -> str:
        text = self._gt.ngettext(singular, plural, n)
        return text % self._values({"n": n, **params})

    def _values(self, params: dict[str, Any]) -> dict[str, Any]:
        """User values are HTML-escaped; msgids are translated; dates read as dates."""
        values: dict[str, Any] = {}
        for key, value in params.items():
            if isinstance(value, (Safe, int, float)):
                values[key] = value
                continue
            if isinstance(value, Msgid):
                text = self._gt.gettext(value)
            elif isinstance(value, date) and not isinstance(value, datetime):
                text = format_day(value, self.language, year=True)
            else:
                text = str(value)
            values[key] = html.escape(text, quote=False) if self._escape else text
        return values

    def plain(self, message: str, **params: Any) -> str:
        """For a button label: placeholders filled as they are, since labels are not HTML."""
        return plain_translator(self.language)(message, **params)

    def raw(self, message: str) -> str:
        """The translation without HTML escaping or formatting (button labels, plain-text exports)."""
        return self._gt.gettext(message)


@lru_cache(maxsize=None)
def translator(language: str | None) -> Translator:
    return Translator(normalize_language(language))


@lru_cache(maxsize=None)
def plain_translator(language: str | None) -> Translator:
    """Texts that are not HTML (the command line): values are placed as they are."""
    return Translator(normalize_language(language), escape=False)


_DAY_FORMATS = {"zh_CN": ("M月d日（EEE）", "y年M月d日（EEE）"), "en": ("EEE d MMM", "EEE d MMM y")}
_MOMENT_FORMATS = {"zh_CN": "M月d日（EEE）HH:mm", "en": "EEE d MMM, HH:mm"}


def format_day(value: date, language: str, *, year: bool = False) -> str:
    """11月27日（周五） / Fri 27 Nov: how a date reads in a chat."""
    from babel.dates import format_date

    language = normalize_language(language)
    return format_date(value, _DAY_FORMATS[language][year], locale=language)


def month_day(value: date, language: str) -> str:
    """A date as people write it without a year: 11月20日 / Nov 20."""
    from babel.dates import format_date

    language = normalize_language(language)
    return format_date(value, "M月d日" if language == "zh_CN" else "MMM d", locale=language)


def format_moment(value: datetime, language: str) -> str:
    from babel.dates import format_datetime

    language = normalize_language(language)
    return format_datetime(value, _MOMENT_FORMATS[language], tzinfo=value.tzinfo, locale=language)
