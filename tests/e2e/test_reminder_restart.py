"""A real bot process is SIGKILLed twice in the middle of a fan-out of 1,000 reminders, and restarted each time.

Every reminder is delivered, and at most one per kill is delivered twice (the one in flight when it died).
"""
from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from pathlib import Path

from bot.emulator import BotApiEmulator
from storage.db import create_engine, migrate, session_factory
from tests.conftest import at
from tests.reminders.crowd import crowd

TOKEN = "123456:FANOUT-kill"
ROOT = Path(__file__).resolve().parents[2]
STUDENTS = 1000
DEADLINE_WORDS = "本年度培养在"  # the "7 days before the end of training" reminder every student owes


async def start_bot(env: dict[str, str], log: Path) -> asyncio.subprocess.Process:
    with log.open("ab") as out:
        return await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", env=env, cwd=ROOT,
                                                    stdout=out, stderr=out)


def deliveries(emu: BotApiEmulator, chats: set[int]) -> Counter:
    return Counter(int(c["chat_id"]) for c in emu.calls_to("sendMessage")
                   if int(c.get("chat_id", 0)) in chats and DEADLINE_WORDS in str(c.get("text")))


async def until(condition, seconds: float) -> bool:  # noqa: ANN001
    for _ in range(int(seconds * 10)):  # bounded; the bot works on its own, the test only watches
        if condition():
            return True
        await asyncio.sleep(0.1)
    return condition()


async def test_a_fan_out_survives_two_kills_with_at_most_one_double_per_kill(tmp_path):
    database = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    engine = create_engine(database)
    await migrate(engine)
    chats = set(await crowd(session_factory(engine), STUDENTS, at("2027-12-02 10:00")))
    await engine.dispose()
    log = tmp_path / "bot.log"
    async with BotApiEmulator(token=TOKEN, bot_id=123456, bot_username="yingcai_test_bot") as emu:
        for chat in chats:
            emu.user(chat, first_name="学生")
        env = {**os.environ, "BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": emu.url, "DATABASE_URL": database,
               "BOT_USERNAME": "yingcai_test_bot", "YINGCAI_POLL_TIMEOUT": "1", "YINGCAI_OUTBOX_INTERVAL": "0.2",
               "YINGCAI_OUTBOX_LEASE": "3", "YINGCAI_SEND_RATE": "150",
               "YINGCAI_CLOCK": at("2027-12-24 09:05").isoformat()}  # a week before the end of training
        bot = await start_bot(env, log)
        try:
            for kill, after in enumerate((300, 600), start=1):
                assert await until(lambda after=after: len(deliveries(emu, chats)) >= after, 60), \
                    log.read_text()[-3000:]
                bot.send_signal(signal.SIGKILL)
                await asyncio.wait_for(bot.wait(), 10)
                assert len(deliveries(emu, chats)) < STUDENTS, f"kill {kill} came after the fan-out ended"
                bot = await start_bot(env, log)
            assert await until(lambda: len(deliveries(emu, chats)) == STUDENTS, 90), log.read_text()[-3000:]
        finally:
            if bot.returncode is None:
                bot.send_signal(signal.SIGTERM)
                await asyncio.wait_for(bot.wait(), 20)
        counts = deliveries(emu, chats)
        assert "!! " in log.read_text() and "YINGCAI_CLOCK=2027-12-24T09:05" in log.read_text(), \
            "`yingcai run` warns loudly about the rehearsal clock"
    doubles = sum(n - 1 for n in counts.values())
    assert set(counts) == chats and doubles <= 2, f"{doubles} reminders were sent twice"
    report = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "--lang", "zh_CN", "outbox", env=env,
                                                  cwd=ROOT, stdout=asyncio.subprocess.PIPE,
                                                  stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(report.communicate(), 60)
    assert report.returncode == 0, err.decode()
    text = out.decode()
    print(f"\n$ yingcai outbox  (after two kills; {doubles} sent twice)\n{text}")
    deadline_row = next(line.split() for line in text.splitlines() if line.startswith("deadline "))
    assert deadline_row[1:3] == ["0", str(STUDENTS)], text  # pending 0, sent 1000
    assert "演练时钟" in text and "2027-12-24" in text
