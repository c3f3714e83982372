"""`yingcai run --workers N` says clearly when it cannot work, before starting anything."""
from __future__ import annotations

from bot.cli import main


def test_several_workers_on_sqlite_are_refused_with_the_reason(monkeypatch, sqlite_url, capsys):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("BOT_TOKEN", "123456:TEST-token")
    monkeypatch.setenv("YINGCAI_LANG", "en")
    assert main(["run", "--workers", "2", "--webhook", "https://bot.example.org/telegram/updates"]) == 2
    assert "Several workers need PostgreSQL" in capsys.readouterr().err


def test_several_workers_without_a_webhook_are_refused_with_the_reason(monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    monkeypatch.setenv("BOT_TOKEN", "123456:TEST-token")
    monkeypatch.delenv("WEBHOOK_URL", raising=False)
    monkeypatch.setenv("YINGCAI_LANG", "zh_CN")
    assert main(["run", "--workers", "2"]) == 2
    assert "webhook 模式" in capsys.readouterr().err


def test_a_webhook_address_telegram_cannot_reach_is_refused(monkeypatch, sqlite_url, capsys):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("BOT_TOKEN", "123456:TEST-token")
    monkeypatch.setenv("YINGCAI_LANG", "en")
    assert main(["run", "--webhook", "http://bot.example.org/updates"]) == 2
    err = capsys.readouterr().err
    assert "WEBHOOK_URL must be an https:// address" in err and "TEST-token" not in err
