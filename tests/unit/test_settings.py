"""Which channels a process serves, and the sandbox's own database, from the environment."""
from __future__ import annotations

import pytest

from bot.sandbox.config import DEFAULT_DATABASE_URL, SandboxConfig
from bot.settings import Settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    for name in ("BOT_TOKEN", "BOT_CHANNELS", "DINGTALK_CLIENT_ID", "DINGTALK_CLIENT_SECRET", "DATABASE_URL",
                 "YINGCAI_SANDBOX_DATABASE"):
        monkeypatch.delenv(name, raising=False)


def test_a_real_database_url_does_not_become_the_sandboxs(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://yingcai@127.0.0.1/yingcai")
    assert SandboxConfig().database_url == DEFAULT_DATABASE_URL
    assert Settings().channels == []  # no credentials at all: `yingcai run` starts the sandbox


def test_channels_default_to_those_with_credentials_and_can_be_named(monkeypatch):
    monkeypatch.setenv("DINGTALK_CLIENT_ID", "dingclient")
    monkeypatch.setenv("DINGTALK_CLIENT_SECRET", "secret")
    assert Settings().channels == ["dingtalk"]
    monkeypatch.setenv("BOT_TOKEN", "1:x")
    assert Settings().channels == ["telegram", "dingtalk"]
    monkeypatch.setenv("BOT_CHANNELS", " DingTalk ")
    assert Settings().channels == ["dingtalk"]
    monkeypatch.setenv("BOT_CHANNELS", "telegram,wecom")
    with pytest.raises(ValueError, match="wecom"):
        Settings().channels  # noqa: B018
