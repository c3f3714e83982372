"""Prints what a student sees while filing a growth log, in Chinese or English (for the README and docs).

Usage: python scripts/transcript.py [zh|en] [student|mentor|teacher]
"""
from __future__ import annotations

import asyncio
import re
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from program.calendar import load_calendar  # noqa: E402
from program.clock import SettableClock  # noqa: E402
from storage.db import create_engine, migrate, session_factory  # noqa: E402
from tests.helpers import Chat, import_roster, invite_code, make_engine, make_services  # noqa: E402


def show(chat: Chat, start: int) -> None:
    for screen in chat.screens[start:]:
        text = re.sub(r"</?(b|pre)>", "", screen.text).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        prefix = "🤖 (edited) " if screen.replace else "🤖 "
        print(prefix + text.replace("\n", "\n   ") if text else "🤖 [photo]")
        for row in screen.buttons:
            print("   " + "  ".join(f"[{b.label}]" for b in row))
        if screen.menu:
            print("   keyboard: " + " | ".join(" ".join(f"[{label}]" for label in row) for row in screen.menu))


async def main(language: str, role: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite+aiosqlite:///{folder}/t.db")
        await migrate(engine)
        zone = ZoneInfo("Asia/Shanghai")
        moment = datetime(2026, 4, 3, 19, 30, tzinfo=zone) if role == "mentor" \
            else datetime(2026, 11, 28, 19, 30, tzinfo=zone)
        services = make_services(session_factory(engine), SettableClock(moment, frozen=True), load_calendar())
        await import_roster(services)
        bot = make_engine(services)
        code = "zh-hans" if language == "zh" else "en"

        async def step(chat: Chat, action: str, value: str) -> None:
            start = len(chat.screens)
            if action == "send":
                print(f"👤 {value}")
                await chat.send(value)
            elif action == "press":
                print(f"👤 taps [{chat.find(value).label}]")
                await chat.press(value)
            else:
                print(f"👤 sends a {value}")
                await chat.send_file(value, "PHOTO-1")
            show(chat, start)

        if role == "student":
            chat = Chat(bot, 1001, code)
            await step(chat, "send", f"/start {await invite_code(services, '王小明')}")
            zh = [("send", "📝 写成长日志"), ("press", "导师见面"), ("press", "昨天"),
                  ("send", "和李老师讨论了课题：石墨烯的电阻测量方案。"), ("press", "下一步"),
                  ("send", "学会了四探针法，知道了接触电阻的影响。"), ("press", "下一步"),
                  ("send", "样品还没做好；下周先练习制样。"), ("press", "下一步"), ("press", "2 小时"),
                  ("file", "photo"), ("press", "去核对"), ("press", "提交"), ("send", "📈 我的进度")]
            en = [("send", "📝 New growth log"), ("press", "Meeting with mentor"), ("press", "Yesterday"),
                  ("send", "Discussed my project with Prof. Li: measuring graphene resistance."), ("press", "Next"),
                  ("send", "Learned the four-probe method."), ("press", "Next"), ("press", "Skip"),
                  ("press", "2 h"), ("file", "photo"), ("press", "Done, review"), ("press", "Submit"),
                  ("send", "📈 My progress")]
            for action, value in (zh if language == "zh" else en):
                await step(chat, action, value)
        elif role == "mentor":
            chat = Chat(bot, 2001, code)
            await step(chat, "send", f"/start {await invite_code(services, '李明教授')}")
            answers = [("send", "🧾 评价"), ("press", "初期评价"), ("press", "王小明"), ("press", "良好"),
                       ("send", "按计划参加培养，积极主动。"), ("send", "石墨烯中的电子输运"),
                       ("send", "测量石墨烯样品电阻随温度的变化。"),
                       ("send", "完成了文献阅读，学会了制样。"),
                       ("send", "基础扎实，建议加强实验记录。"), ("press", "提交"), ("press", "复制到平台")]
            for action, value in answers:
                await step(chat, action, value)
        else:
            student = Chat(bot, 1001, code)
            await student.send(f"/start {await invite_code(services, '王小明')}")
            for action, value in [("send", "/log"), ("press", "导师见面"), ("press", "昨天"), ("send", "讨论课题。"),
                                  ("press", "下一步"), ("press", "跳过"), ("press", "跳过"), ("press", "2 小时"),
                                  ("press", "去核对"), ("press", "提交")]:
                await (student.send(value) if action == "send" else student.press(value))
            chat = Chat(bot, 3001, code)
            await step(chat, "send", f"/start {await invite_code(services, '张丽')}")
            await step(chat, "send", "✅ 待确认")
            await step(chat, "press", "确认 #1")
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "zh", sys.argv[2] if len(sys.argv) > 2 else "student"))
