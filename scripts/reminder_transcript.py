"""Prints reminders as their recipients get them, from a real run: a mentor's in April, a student's after a session.

Usage: python scripts/reminder_transcript.py [zh|en] > docs/transcripts/reminders.zh.md
The real sweeps, delivery worker and conversations run on a temporary SQLite file with a settable clock; only
Telegram is replaced by an inbox. Each reminder is followed by what tapping its button shows.
"""
from __future__ import annotations

import asyncio
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from program.calendar import load_calendar  # noqa: E402
from storage.db import create_engine, migrate, session_factory  # noqa: E402
from tests.conftest import at  # noqa: E402
from tests.helpers import Chat, import_roster  # noqa: E402
from tests.reminders.conftest import Sent, make_program  # noqa: E402
from tests.reminders.test_student_rules import schedule  # noqa: E402


def plain(text: str) -> str:
    text = re.sub(r"</?(b|i|pre|code)>", "", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def show(moment: str, who: str, message: Sent) -> None:
    print(f"**{moment}** · 🤖 → {who}\n")
    print("    " + plain(message.text).replace("\n", "\n    "))
    print("    " + "  ".join(f"[{label}]" for label in message.labels) + "\n")


async def tap(chat: Chat, who: str, message: Sent) -> None:
    screens = await chat.press(payload=message.payloads[0])
    print(f"👤 {who} taps [{message.labels[0]}]\n")
    for screen in screens:
        print("    " + plain(screen.text).replace("\n", "\n    "))
        for row in screen.buttons:
            print("    " + "  ".join(f"[{b.label}]" for b in row))
    print()


async def main(language: str) -> None:
    code = "zh-hans" if language == "zh" else "en"
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite+aiosqlite:///{folder}/t.db")
        await migrate(engine)
        program = make_program(session_factory(engine), load_calendar(), at("2027-03-10 09:00"))
        await import_roster(program.services)
        mentor, student = await program.join("李明教授", code), await program.join("王小明", code)
        await program.join("孙悦", code)
        await schedule(mentor, "2027-03-10 15:00-17:00", topic="石墨烯电阻测量读书会")
        print("# Reminders, as they arrive (a real run: scripts/reminder_transcript.py)\n")
        print("## A student, three hours after a session (李明教授 scheduled it for 15:00–17:00)\n")
        for moment in ("2027-03-10 20:00", "2027-03-11 19:00"):
            sent = [s for s in await program.at(moment) if s.chat_id == student.user_id
                    and any(p.startswith("log:for:") for p in s.payloads)]
            for message in sent:
                show(moment, "王小明", message)
            if moment.endswith("20:00"):
                print("(王小明 does not log it; the next evening:)\n")
        await tap(student, "王小明", sent[-1])
        print("## A mentor, on the first day of the 初期评价 (April 1, 09:00)\n")
        moment = "2027-04-01 09:00"
        [opening] = [s for s in await program.at(moment) if s.chat_id == mentor.user_id and s.payloads[0][:3] == "ev:"]
        show(moment, "李明教授", opening)
        await tap(mentor, "李明教授", opening)
        moment = "2027-04-10 09:00"
        [last] = [s for s in await program.at(moment) if s.chat_id == mentor.user_id and s.payloads[0][:3] == "ev:"]
        show(moment, "李明教授", last)
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "zh"))
