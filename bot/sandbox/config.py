"""Sandbox settings from the environment: its own port and database, never the real deployment's."""
from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

HOST = "127.0.0.1"  # the sandbox has no authentication: it is never reachable from another machine
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/sandbox.db"
# Fixed fake identity: the emulator accepts only this token, and nothing here can reach Telegram.
TOKEN = "424242:sandbox-local-only-not-a-telegram-token"
BOT_ID = 424242
BOT_USERNAME = "yingcai_sandbox_bot"
BOT_NAME = "英才计划助手"


class SandboxConfig(BaseSettings):
    # No populate_by_name: with it, the field `database_url` would also read DATABASE_URL, the real
    # deployment's database, and the sandbox would refuse to start beside it.
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    port: int = Field(8080, alias="YINGCAI_SANDBOX_PORT", ge=0, le=65535)  # 0: any free port (tests)
    database_url: str = Field(DEFAULT_DATABASE_URL, alias="YINGCAI_SANDBOX_DATABASE")

    @field_validator("database_url")
    @classmethod
    def _path_or_url(cls, value: str) -> str:
        """A SQLAlchemy URL as it is, or a plain file path (`./data/sandbox.db`) as that SQLite file."""
        value = value.strip()
        if not value:
            raise ValueError("give a file path such as ./data/sandbox.db, or a database URL")
        if "://" not in value:
            return f"sqlite+aiosqlite:///{Path(value).expanduser()}"
        try:
            make_url(value)
        except (ArgumentError, ValueError) as error:
            raise ValueError(f"not a file path or a database URL ({error})") from None
        return value

    @property
    def database_file(self) -> Path | None:
        """The SQLite file, when the sandbox database is one (the usual case)."""
        url = make_url(self.database_url)
        if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
            return None
        return Path(url.database).resolve()

    @property
    def database_label(self) -> str:
        path = self.database_file
        return str(path) if path else make_url(self.database_url).render_as_string(hide_password=True)

    @property
    def state_dir(self) -> Path | None:
        """Where the sandbox keeps what the emulator forgets on exit (the clock, uploaded files)."""
        path = self.database_file
        return path.parent / f"{path.name}.sandbox" if path else None
