"""Log set-up for every `yingcai` process: text or JSON lines, and secrets (the bot token) never written."""
from __future__ import annotations

import json
import logging
import re
import sys
import traceback
from datetime import UTC, datetime
from typing import Iterable
from urllib.parse import quote

# A bot token's shape (bot id, colon, 35 characters): caught even when it is not the configured one.
_TOKEN_SHAPE = re.compile(r"\b(\d{5,})(:|%3A)[A-Za-z0-9_-]{30,}")
NOISY = ("aiogram.event", "alembic", "httpx", "httpcore", "apscheduler.executors.default", "aiohttp.access")


class Redactor:
    """Replaces every known secret (and anything shaped like a bot token) in a text."""

    def __init__(self) -> None:
        self._secrets: set[str] = set()

    def add(self, *secrets: str | None) -> None:
        for secret in secrets:
            if secret and len(secret) >= 6:
                self._secrets.update({secret, quote(secret, safe=""), quote(secret)})

    def __call__(self, text: str) -> str:
        for secret in sorted(self._secrets, key=len, reverse=True):
            if secret in text:
                text = text.replace(secret, _masked(secret))
        return _TOKEN_SHAPE.sub(lambda m: f"{m[1]}{m[2]}<redacted>", text)


def _masked(secret: str) -> str:
    head, colon, _ = secret.partition(":")
    return f"{head}:<redacted>" if colon and head.isdigit() else "<redacted>"


redact = Redactor()


class RedactSecrets(logging.Filter):
    """Rewrites a record before any handler formats it: message, arguments and traceback alike."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record still gets logged, as text
            message = f"{record.msg!r} {record.args!r}"
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class JsonLines(logging.Formatter):
    """One JSON object per line, for log collectors (`LOG_FORMAT=json`)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                 "level": record.levelname, "logger": record.name, "message": record.getMessage(),
                 "process": record.process}
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["error"] = record.exc_text
        return redact(json.dumps(entry, ensure_ascii=False))


class RedactingText(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def setup_logging(level: str = "INFO", fmt: str = "text", secrets: Iterable[str | None] = ()) -> None:
    """Configures the root logger once per process; later calls replace the handler."""
    redact.add(*secrets)
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RedactSecrets())
    handler.setFormatter(JsonLines() if fmt == "json" else
                         RedactingText("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_yingcai", False)]:
        root.removeHandler(old)
    handler._yingcai = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level.upper())
    for noisy in NOISY:  # chatty at INFO; at DEBUG they speak too (their URLs hold the token: redacted above)
        logging.getLogger(noisy).setLevel(logging.WARNING if root.level > logging.DEBUG else logging.NOTSET)
