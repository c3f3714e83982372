"""Prints a student filing a growth log on DingTalk: what they send, and each robot message as its markdown.

Usage: python scripts/dingtalk_transcript.py > docs/transcripts/dingtalk-student-log.zh.md
A real run: the bot (Stream-mode adapter) against the repository's DingTalk emulator over HTTP and a WebSocket,
on a temporary SQLite file. Taps are the `dtmd://` links the robot sent; the photo goes through downloadCode.
"""
from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from program.clock import SettableClock  # noqa: E402
from tests.conftest import at  # noqa: E402
from tests.e2e.conftest import running_world  # noqa: E402
from tests.helpers import invite_code  # noqa: E402

JPEG = b"\xff\xd8\xff\xe0" + b"0" * 2048
STEPS = [("tap", "📝 写成长日志"), ("tap", "导师见面"), ("tap", "昨天"),
         ("text", "和李老师讨论了课题：石墨烯的电阻测量方案。"), ("tap", "下一步 ▶"),
         ("text", "学会了四探针法，知道了接触电阻的影响。"), ("tap", "下一步 ▶"),
         ("text", "样品还没做好；下周先练习制样。"), ("tap", "下一步 ▶"), ("text", "2"), ("photo", "实验记录.jpg"),
         ("tap", "完成，去核对 ▶"), ("tap", "✅ 提交"), ("tap", "📈 我的进度")]


def fence(text: str) -> str:
    return "```markdown\n" + text + "\n```"


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        clock = SettableClock(at("2026-11-28 19:30"))
        async with running_world("dingtalk", f"sqlite+aiosqlite:///{folder}/t.db", clock) as world:
            student = world.stranger("王小明")
            code = await invite_code(world.services, "王小明")
            print("# A student's growth log on DingTalk (钉钉), as the robot's markdown\n")
            print("A real run of `scripts/dingtalk_transcript.py`: the bot in Stream mode against "
                  "bot/dingtalk_emulator. Each robot message is shown as DingTalk receives it "
                  "(`sampleMarkdown` title and text, or the session webhook's markdown); "
                  "a 👤 tap sends the content of the `dtmd://` link it names.\n")
            actions = [("text", f"绑定 {code}"), *STEPS]
            for number, (action, value) in enumerate(actions, start=1):
                seen = len(student.messages)
                if action == "text":
                    shown = "绑定 <邀请码>" if value.startswith("绑定 ") else value
                    print(f"### {number}. 👤 types: {shown}\n")
                    await student.send_text(value)
                elif action == "tap":
                    label, link = next((label, content) for message in reversed(student.messages)
                                       for exact in (True, False) for label, content in message.links
                                       if (label == value if exact else value in label))
                    print(f"### {number}. 👤 taps [{label}] (sends “{link}”)\n")
                    await student.tap(value)
                else:
                    print(f"### {number}. 👤 sends a photo ({value})\n")
                    await student.send_photo(JPEG)
                for message in student.messages[seen:]:
                    markdown = message.markdown.replace(code, "<邀请码>")
                    print(f"🤖 via {message.via} · title “{message.title}”\n")
                    print(fence(markdown) + "\n")


if __name__ == "__main__":
    asyncio.run(main())
