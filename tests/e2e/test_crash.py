"""The bot process is killed (SIGKILL) mid-conversation: after a restart nothing is lost and nothing doubled."""
from __future__ import annotations

import asyncio
import csv
import io
import os
import signal
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.emulator import BotApiEmulator
from storage.db import create_engine, session_factory
from storage.models import ConversationState
from tests.helpers import ROSTER_CSV

TOKEN = "123456:CRASH-test"
ROOT = Path(__file__).resolve().parents[2]


async def cli(env: dict[str, str], *args: str) -> str:
    process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", *args, env=env, cwd=ROOT,
                                                   stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, err.decode()
    return out.decode()


async def start_bot(env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", env=env, cwd=ROOT,
                                                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)


@pytest.mark.parametrize("engine_name", ["aiogram", "ptb"])
async def test_killed_mid_reply_then_restarted(engine_name, tmp_path):
    database = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    async with BotApiEmulator(token=TOKEN, bot_id=123456, bot_username="yingcai_test_bot") as emu:
        env = {**os.environ, "BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": emu.url, "BOT_ENGINE": engine_name,
               "DATABASE_URL": database, "YINGCAI_POLL_TIMEOUT": "1", "BOT_USERNAME": "yingcai_test_bot"}
        (tmp_path / "roster.csv").write_text(ROSTER_CSV, encoding="utf-8")
        await cli(env, "roster", "import", str(tmp_path / "roster.csv"))
        invites = csv.DictReader(io.StringIO(await cli(env, "invites", "--format", "csv")))
        codes = {row["name"]: row["code"] for row in invites}
        bot = await start_bot(env)
        try:
            student = emu.user(user_id=1001, first_name="王小明", language_code="zh-hans")
            student.timeout = 30
            await student.send_command("start", codes["王小明"])
            await student.send_command("log")
            await student.press(callback_data="log:kind:reading")
            await student.press(callback_data="log:date:today")
            emu.set_latency(30, method="sendMessage")  # the bot hangs while replying…
            sent = [await student.send_text(text, wait=False) for text in ("第一段", "第二段", "第三段")]
            for _ in range(100):  # …after it handled the first message (bounded wait)
                if any(call.method == "sendMessage" and "已记下" in call.params.get("text", "") for call in emu.calls):
                    break
                await asyncio.sleep(0.1)
            bot.send_signal(signal.SIGKILL)
            await asyncio.wait_for(bot.wait(), 10)
            assert emu.confirmed_offset <= sent[0], "nothing of the three may have been confirmed"
            emu.set_latency(0, method="sendMessage")
            bot = await start_bot(env)
            await emu.wait_confirmed(sent[-1], timeout=30)
        finally:
            if bot.returncode is None:
                bot.send_signal(signal.SIGTERM)
                await asyncio.wait_for(bot.wait(), 15)
        engine = create_engine(database)
        async with session_factory(engine)() as session:
            state = (await session.execute(select(ConversationState))).scalar_one()
        await engine.dispose()
        assert state.data["log"]["did"] == "第一段\n第二段\n第三段"
        assert any("11/2000" in m.text for m in student.messages), \
            "the reply to the last part arrives after the restart"
