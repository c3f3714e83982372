"""The bot token never reaches a log line, an error or the terminal, whatever goes wrong (issue 11, defect 10)."""
from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import pytest

from bot.emulator import BotApiEmulator

ROOT = Path(__file__).resolve().parents[2]
REAL = "123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ"
WRONG = "123456:AAFwrongwrongwrongwrongwrongwrong0"


async def yingcai(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", *args, env=env, cwd=ROOT,
                                                   stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode or 0, out.decode(), err.decode()


def environment(tmp_path: Path, **values: str) -> dict[str, str]:
    return {**{k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "WEBHOOK_"))},
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", "YINGCAI_LANG": "en", **values}


@pytest.mark.parametrize("engine_name", ["aiogram", "ptb"])
async def test_a_token_telegram_rejects_is_named_by_its_bot_id_only(engine_name, tmp_path):
    async with BotApiEmulator(token=REAL, bot_id=123456) as emu:
        env = environment(tmp_path, BOT_TOKEN=WRONG, TELEGRAM_API_URL=emu.url, BOT_ENGINE=engine_name,
                          LOG_LEVEL="DEBUG")
        code, out, err = await yingcai(env, "run")
    assert code == 2, err
    assert "Telegram refused BOT_TOKEN (bot 123456)" in err
    if engine_name == "ptb":  # httpx logs each API URL at DEBUG, and python-telegram-bot's error names the token
        assert "/bot123456:<redacted>/getMe" in err
    assert WRONG not in out + err and WRONG.split(":")[1] not in out + err
    assert "Traceback" not in err


@pytest.mark.parametrize("engine_name", ["aiogram", "ptb"])
async def test_debug_logs_of_a_running_bot_never_show_the_token_or_the_webhook_secret(engine_name, tmp_path):
    secret = "s3cr3t-webhook-token-for-the-test"
    async with BotApiEmulator(token=REAL, bot_id=123456) as emu:
        env = environment(tmp_path, BOT_TOKEN=REAL, TELEGRAM_API_URL=emu.url, BOT_ENGINE=engine_name,
                          LOG_LEVEL="DEBUG", LOG_FORMAT="json", WEBHOOK_SECRET=secret,
                          WEBHOOK_URL="http://127.0.0.1:9/telegram", WEBHOOK_LISTEN="127.0.0.1:0")
        log_file = tmp_path / "stderr.log"
        with log_file.open("wb") as sink:  # a file, not a pipe: DEBUG output would fill a pipe nobody reads yet
            process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", env=env, cwd=ROOT,
                                                           stderr=sink)
            try:
                for _ in range(900):  # until it announced its commands: started (bounded: 90 s)
                    if emu.calls_to("setMyCommands") or process.returncode is not None:
                        break
                    await asyncio.sleep(0.1)
            finally:
                process.terminate()
                await asyncio.wait_for(process.wait(), 30)
    text = log_file.read_text(encoding="utf-8")
    assert emu.calls_to("setMyCommands"), text[-3000:]
    assert process.returncode == 0, text
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert any(line["logger"] == "bot.app" and line["level"] == "INFO" for line in lines)
    if engine_name == "ptb":
        assert any("/bot123456:<redacted>/setWebhook" in line["message"] for line in lines), "URLs logged, redacted"
    assert REAL.split(":")[1] not in text and secret not in text


async def test_invites_with_a_broken_api_address_never_print_the_token(tmp_path):
    env = environment(tmp_path, BOT_TOKEN=REAL, TELEGRAM_API_URL="http://127.0.0.1:notaport")
    code, out, err = await yingcai(env, "invites")
    assert code == 2
    assert "Could not ask Telegram for the bot's username" in err
    assert REAL.split(":")[1] not in out + err
