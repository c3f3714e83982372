"""Settings from the environment and `.env`; every option has a working default but the token."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/yingcai.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore",
                                      populate_by_name=True)

    bot_token: str | None = Field(None, alias="BOT_TOKEN")
    bot_username: str | None = Field(None, alias="BOT_USERNAME")
    telegram_api_url: str = Field("https://api.telegram.org", alias="TELEGRAM_API_URL")
    bot_engine: Literal["aiogram", "ptb"] = Field("aiogram", alias="BOT_ENGINE")
    database_url: str = Field(DEFAULT_DATABASE_URL, alias="DATABASE_URL")
    timezone: str = Field("Asia/Shanghai", alias="YINGCAI_TIMEZONE")
    calendar_file: Path | None = Field(None, alias="YINGCAI_CALENDAR")
    invite_days: int = Field(30, alias="YINGCAI_INVITE_DAYS", ge=1, le=365)
    poll_timeout: int = Field(25, alias="YINGCAI_POLL_TIMEOUT", ge=0, le=50)
    outbox_interval: float = Field(5.0, alias="YINGCAI_OUTBOX_INTERVAL", gt=0)
    dingtalk_client_id: str | None = Field(None, alias="DINGTALK_CLIENT_ID")
    dingtalk_client_secret: str | None = Field(None, alias="DINGTALK_CLIENT_SECRET")
    dingtalk_robot_code: str | None = Field(None, alias="DINGTALK_ROBOT_CODE")  # default: the client id
    dingtalk_openapi_endpoint: str = Field("https://api.dingtalk.com", alias="DINGTALK_OPENAPI_ENDPOINT")
    bot_channels: str | None = Field(None, alias="BOT_CHANNELS")  # "telegram,dingtalk"; default: those configured
    outbox_lease: float = Field(120.0, alias="YINGCAI_OUTBOX_LEASE", ge=2, le=3600)
    send_rate: float = Field(30.0, alias="YINGCAI_SEND_RATE", gt=0, le=1000)  # messages per second, all chats
    sweep_interval: float = Field(300.0, alias="YINGCAI_SWEEP_INTERVAL", gt=0)
    clock: datetime | None = Field(None, alias="YINGCAI_CLOCK")  # a rehearsal: program time starts here

    @field_validator("clock")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("YINGCAI_CLOCK needs a time zone, for example 2027-04-01T09:00:00+08:00")
        return value

    # Production: webhook mode, health and metrics, logs (see README "Deploying").
    webhook_url: str | None = Field(None, alias="WEBHOOK_URL")
    webhook_listen: str = Field("127.0.0.1:8081", alias="WEBHOOK_LISTEN")
    webhook_secret: str | None = Field(None, alias="WEBHOOK_SECRET", pattern=r"^[A-Za-z0-9_-]{16,256}$")
    http_listen: str | None = Field(None, alias="YINGCAI_HTTP_LISTEN")  # health and metrics when polling
    shutdown_grace: float = Field(20.0, alias="YINGCAI_SHUTDOWN_GRACE", gt=0, le=600)
    log_level: str = Field("INFO", alias="LOG_LEVEL")
    log_format: Literal["text", "json"] = Field("text", alias="LOG_FORMAT")

    @field_validator("telegram_api_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @property
    def channels(self) -> list[str]:
        """The channels this process serves; none configured means the local sandbox."""
        if self.bot_channels:
            wanted = [c.strip().lower() for c in self.bot_channels.split(",") if c.strip()]
            unknown = set(wanted) - {"telegram", "dingtalk"}
            if unknown:
                raise ValueError(f"BOT_CHANNELS names unknown channels: {', '.join(sorted(unknown))}")
            return list(dict.fromkeys(wanted))
        found = ["telegram"] if self.bot_token else []
        return found + (["dingtalk"] if self.dingtalk_client_id and self.dingtalk_client_secret else [])

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        ZoneInfo(value)
        return value

    @field_validator("webhook_url")
    @classmethod
    def _public_https(cls, value: str | None) -> str | None:
        if value and not value.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            raise ValueError("WEBHOOK_URL must be an https:// address Telegram can reach")
        return value or None

    @field_validator("webhook_listen", "http_listen")
    @classmethod
    def _host_and_port(cls, value: str | None) -> str | None:
        if value:
            host_port(value)
        return value or None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def host_port(value: str) -> tuple[str, int]:
    """"127.0.0.1:8081" → ("127.0.0.1", 8081); "[::1]:8081" works too."""
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) <= 65535 or not host:
        raise ValueError(f"expected host:port, not {value!r}")
    return host.strip("[]"), int(port)
