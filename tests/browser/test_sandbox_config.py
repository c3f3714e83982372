"""Where the sandbox keeps its demo data: a plain file path or a URL, and never the real deployment's database."""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.sandbox.config import DEFAULT_DATABASE_URL, SandboxConfig
from bot.sandbox.runner import Sandbox, SandboxError
from bot.settings import Settings


@pytest.fixture
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """A clean environment in a folder without `.env`, as on a fresh clone."""
    for name in ("DATABASE_URL", "PORT", "BOT_TOKEN", "YINGCAI_SANDBOX_DATABASE", "YINGCAI_SANDBOX_PORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return monkeypatch


def test_a_plain_path_names_the_sandbox_database_file(environment: pytest.MonkeyPatch, tmp_path: Path):
    demo = tmp_path / "demo" / "file.db"
    environment.setenv("YINGCAI_SANDBOX_DATABASE", str(demo))
    config = SandboxConfig()
    assert config.database_url == f"sqlite+aiosqlite:///{demo}"
    assert config.database_file == demo and config.database_label == str(demo)
    assert config.state_dir == tmp_path / "demo" / "file.db.sandbox"
    environment.setenv("YINGCAI_SANDBOX_DATABASE", "data/mine.db")  # relative to where it runs, as the default
    assert SandboxConfig().database_file == tmp_path / "data" / "mine.db"
    environment.setenv("YINGCAI_SANDBOX_DATABASE", f"sqlite+aiosqlite:///{demo}")  # a URL still works
    assert SandboxConfig().database_file == demo


def test_the_real_deployments_settings_are_not_read_as_the_sandboxs(environment: pytest.MonkeyPatch, tmp_path: Path):
    environment.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'yingcai.db'}")
    environment.setenv("PORT", "9999")  # set by many hosting platforms
    config = SandboxConfig()
    assert (config.database_url, config.port) == (DEFAULT_DATABASE_URL, 8080)
    Sandbox(Settings(), config)  # `yingcai run` without a token: the sandbox starts beside the real database


def test_a_broken_sandbox_database_setting_says_which_variable(environment: pytest.MonkeyPatch):
    environment.setenv("YINGCAI_SANDBOX_DATABASE", "postgresql+asyncpg://user@:not-a-port/db")
    with pytest.raises(SandboxError, match="YINGCAI_SANDBOX_DATABASE"):
        Sandbox(Settings())
