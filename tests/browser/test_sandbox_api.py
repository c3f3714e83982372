"""The sandbox without a browser: demo seeding, the clock, uploads, the outbox, restarts, the CLI, safety."""
from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.sandbox import demo
from bot.sandbox.config import SandboxConfig
from bot.sandbox.runner import Sandbox, SandboxError
from bot.sandbox.server import STATIC
from bot.sandbox.texts import PAGE_TEXTS
from bot.settings import Settings
from program.clock import local_now
from storage.models import Account, GrowthLog
from tests.browser.conftest import PageApi, sandbox_for

ROOT = Path(__file__).resolve().parents[2]


async def test_first_start_seeds_the_demo_program_and_everyone_sees_their_menu(sandbox, page_api: PageApi):
    people = await page_api.people()
    assert sandbox.seeded == len(people) == 16
    assert {p["school"] for p in people.values()} == {*demo.PILOT_SCHOOLS, demo.UNIVERSITY, "管理办公室"}
    assert {p["role"] for p in people.values()} == {"student", "mentor", "teacher", "office"}
    assert people["王子涵"]["role_label"] == "学生" and people["张丽萍"]["role_label"] == "指导老师"
    entries = {"王子涵": "📝 写成长日志", "郭志强": "🧾 评价", "张丽萍": "✅ 待确认", "周晓梅": "🌐 语言"}
    for name, entry in entries.items():
        chat = await page_api.chat(people[name])
        assert any(entry in row for row in chat["keyboard"]), (name, chat["keyboard"])
        assert f"欢迎你，{name}" in chat["messages"][-1]["text"]
    async with sandbox.services.sessions() as session:
        by_status = select(GrowthLog.status, func.count()).group_by(GrowthLog.status)
        statuses = dict((await session.execute(by_status)).all())
        assert (await session.execute(select(func.count()).select_from(Account))).scalar_one() == 16
    assert statuses["confirmed"] > 0 and statuses["submitted"] >= 5 and statuses["rejected"] == 1
    await page_api.say(people["张丽萍"], "✅ 待确认")
    pending = (await page_api.bot_said(people["张丽萍"]))[-1]
    assert "王子涵" in pending and "李思远" in pending  # the seeded logs waiting at 山西大学附属中学


async def test_jumping_to_april_2_opens_the_initial_evaluation_for_mentors(sandbox, page_api: PageApi):
    mentor = (await page_api.people())["郭志强"]
    year = local_now(sandbox.clock).year
    clock = await page_api.post("/api/clock", {"date": f"{year}-04-02", "time": "09:30"})
    assert clock["date"] == f"{year}-04-02" and clock["time"] == "09:30"
    assert local_now(sandbox.services.clock).date().isoformat() == f"{year}-04-02"  # the bot's own clock
    await page_api.say(mentor, "⏰ 截止日期")
    deadlines = (await page_api.bot_said(mentor))[-1]
    assert f"{year}年4月2日" in deadlines
    initial = next(line for line in deadlines.splitlines() if "初期评价" in line)
    assert "开放中" in initial and "还剩 8 天" in initial
    await page_api.say(mentor, "/evaluate")
    evaluations = (await page_api.bot_said(mentor))[-1]
    assert "开放中" in next(line for line in evaluations.splitlines() if "初期评价" in line)
    english = await page_api.post("/api/clock?lang=en", {"days": 1})
    assert english["date"] == f"{year}-04-03" and "Apr" in english["display"]
    real = await page_api.post("/api/clock", {"real": True})
    assert abs(real["offset_seconds"]) < 5
    night = await page_api.post("/api/clock", {"date": f"{year}-04-02", "time": "23:15"})
    assert night["quiet_until"] == "07:30"  # the page says why notices wait
    await page_api.post("/api/clock", {"date": "not a date"}, status=400)


async def test_a_photo_sent_from_the_page_reaches_the_bot_and_is_filed_with_the_log(sandbox, page_api: PageApi):
    student = (await page_api.people())["王子涵"]
    photo = demo.demo_photo(1) + b"unique"
    await page_api.say(student, "📝 写成长日志")
    await page_api.press(student, "实验/研究")
    await page_api.press(student, "今天")
    await page_api.say(student, "在实验室测量了弹簧的劲度系数")
    await page_api.press(student, "下一步")
    await page_api.press(student, "跳过")
    await page_api.press(student, "跳过")
    await page_api.press(student, "3 小时")
    await page_api.upload(student, photo, "弹簧实验.png")
    assert "1 张照片" in (await page_api.bot_said(student))[-1]
    await page_api.press(student, "完成")
    await page_api.press(student, "✅ 提交")
    async with sandbox.services.sessions() as session:
        log = (await session.execute(select(GrowthLog).where(GrowthLog.did.like("%劲度系数%")))).scalar_one()
    assert log.status == "submitted" and [a.kind for a in log.attachments] == ["photo"]
    async with page_api.http.get(f"{page_api.url}/api/files/{log.attachments[0].file_id}") as response:
        assert response.content_type == "image/png" and await response.read() == photo
    messages = (await page_api.chat(student))["messages"]
    assert any(m["from"] == "user" and m["kind"] == "photo" for m in messages)
    await page_api.upload(student, b"%PDF-1.4 report", "报告.pdf", as_="document")
    document = [m for m in (await page_api.chat(student))["messages"] if m["kind"] == "document"][-1]
    assert document["file"]["name"] == "报告.pdf" and document["file"]["size"] == 15
    async with page_api.http.get(f"{page_api.url}/api/files/{document['file']['id']}") as response:
        assert response.content_type == "application/octet-stream"
        assert "attachment" in response.headers["Content-Disposition"]


async def test_an_outbox_notice_shows_up_live_in_the_recipients_chat(sandbox, page_api: PageApi):
    people = await page_api.people()
    student, teacher = people["王子涵"], people["张丽萍"]
    today = local_now(sandbox.clock).date()
    await page_api.post("/api/clock", {"date": today.isoformat(), "time": "10:00"})  # outside quiet hours
    assert (await page_api.get("/api/clock"))["quiet_until"] is None
    mark = (await page_api.get("/api/state"))["seq"]
    await page_api.say(teacher, "✅ 待确认")
    await page_api.press(teacher, "✅ 全部确认")
    await page_api.press(teacher, "✅ 确认全部")  # confirming several at once is asked first
    seen: list[str] = []

    async def notice_arrived() -> bool:
        nonlocal mark
        body = await page_api.get(f"/api/events?after={mark}&timeout=5")
        mark = body["seq"]
        seen.extend(e["message"]["text"] for e in body["events"]
                    if e["chat_id"] == student["id"] and e["type"] == "message")
        return any("老师确认了你" in text for text in seen)

    await page_api.wait_until(notice_arrived, timeout=15)  # the outbox job delivers it, not the teacher's reply


async def test_a_restart_keeps_the_demo_the_clock_and_the_uploaded_files(tmp_path: Path, sqlite_template: Path):
    first = sandbox_for(tmp_path, template=sqlite_template)
    await first.start()
    year = local_now(first.clock).year
    async with aiohttp.ClientSession() as http:
        api = PageApi(http, first.url or "")
        student = (await api.people())["刘雨桐"]
        await api.post("/api/clock", {"date": f"{year}-04-02"})
        await api.upload(student, demo.demo_photo(0) + b"kept", "kept.png")
        photo_id = [m for m in (await api.chat(student))["messages"] if m["kind"] == "photo"][-1]["file"]["id"]
    await first.stop()

    second = sandbox_for(tmp_path)
    await second.start()
    try:
        assert second.seeded == 0
        assert local_now(second.clock).date().isoformat() == f"{year}-04-02"
        async with aiohttp.ClientSession() as http:
            api = PageApi(http, second.url or "")
            people = await api.people()
            assert len(people) == 16
            await api.get(f"/api/chats/{people['刘雨桐']['id']}")  # opening the chat presses START again
            await api.wait_until(lambda: _greeted(api, people["刘雨桐"]))
            async with http.get(f"{api.url}/api/files/{photo_id}") as response:
                assert await response.read() == demo.demo_photo(0) + b"kept"
            await api.say(people["刘雨桐"], "📚 我的日志")  # old update ids are forgotten: the bot still listens
            assert "日志" in (await api.bot_said(people["刘雨桐"]))[-1]
    finally:
        await second.stop()


async def _greeted(api: PageApi, person: dict) -> bool:
    chat = await api.chat(person)
    return chat["keyboard"] is not None and any("欢迎回来" in m["text"] for m in chat["messages"])


async def test_the_ptb_adapter_runs_the_same_sandbox(tmp_path: Path, sqlite_template: Path):
    box = sandbox_for(tmp_path, "ptb", template=sqlite_template)
    await box.start()
    try:
        assert box.settings.bot_engine == "ptb" and box.seeded == 16
        async with aiohttp.ClientSession() as http:
            api = PageApi(http, box.url or "")
            teacher = (await api.people())["陈建军"]
            await api.say(teacher, "✅ 待确认")
            assert "刘雨桐" in (await api.bot_said(teacher))[-1]
    finally:
        await box.stop()


async def test_the_page_and_its_texts_are_served_without_any_outside_resource(page_api: PageApi):
    async with page_api.http.get(page_api.url + "/") as response:
        html = await response.text()
        assert response.status == 200 and "/static/app.js" in html
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    for name in ("index.html", "app.js", "style.css"):
        text = (STATIC / name).read_text("utf-8")
        assert not re.search(r"(?:src|href)=[\"']?(?:https?:)?//|@import|url\(\s*[\"']?https?:", text), name
        async with page_api.http.get(f"{page_api.url}/static/{name}") as response:
            assert response.status == 200
    chinese, english = (await page_api.get("/api/texts?lang=zh_CN")), (await page_api.get("/api/texts?lang=en"))
    assert set(chinese["texts"]) == set(english["texts"]) == set(PAGE_TEXTS)
    assert english["texts"]["jump"] == "Jump"


async def test_the_page_refuses_cross_site_posts_and_foreign_host_names(sandbox, page_api: PageApi):
    student = (await page_api.people())["王子涵"]
    async with page_api.http.post(f"{page_api.url}/api/chats/{student['id']}/send", json={"text": "hi"}) as response:
        assert response.status == 403  # a form on another site cannot add the X-Sandbox header
    async with page_api.http.get(f"{page_api.url}/api/state", headers={"Host": "evil.example:8080"}) as response:
        assert response.status == 403  # DNS rebinding
    async with page_api.http.get(f"{page_api.url}/api/chats/12345") as response:
        assert response.status == 404
    await page_api.post(f"/api/chats/{student['id']}/send", {"text": "  "}, status=400)


async def test_the_sandbox_never_uses_the_real_database(tmp_path: Path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'yingcai.db'}"
    with pytest.raises(SandboxError):
        Sandbox(Settings(DATABASE_URL=url), SandboxConfig(YINGCAI_SANDBOX_DATABASE=url))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_yingcai_run_without_a_token_starts_the_sandbox_and_stops_on_ctrl_c(tmp_path: Path,
                                                                                 sqlite_template: Path):
    database = tmp_path / "sandbox.db"
    database.write_bytes(sqlite_template.read_bytes())
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "DATABASE_URL")}
    # A real deployment's database is configured too, and the sandbox's is a plain path, as the README shows.
    env.update(YINGCAI_SANDBOX_PORT=str(port), YINGCAI_SANDBOX_DATABASE=str(database),
               DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'yingcai.db'}",
               YINGCAI_LANG="zh_CN", PYTHONPATH=str(ROOT), LOG_LEVEL="WARNING")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=tmp_path, env=env,  # a directory with no .env
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = ""
    try:
        deadline = time.monotonic() + 60  # seeding the demo takes a while on a busy machine
        while f"http://127.0.0.1:{port}" not in output or "Ctrl+C" not in output:
            assert time.monotonic() < deadline and process.returncode is None, output
            line = await asyncio.wait_for(process.stdout.readline(), deadline - time.monotonic())
            output += line.decode()
        assert str(database) in output  # where the demo data lives, so nobody mistakes it for the real one
        async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{port}/api/state") as response:
            assert len((await response.json())["people"]) == 16
        process.send_signal(signal.SIGINT)
        assert await asyncio.wait_for(process.wait(), 15) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    print(output)


async def test_a_person_switched_to_dingtalk_sees_the_same_bot_as_dingtalk_shows_it(sandbox, page_api: PageApi):
    student = (await page_api.people())["王子涵"]
    base = f"/api/chats/{student['id']}"
    assert (await page_api.chat(student))["channel"] == "telegram"
    chat = await page_api.post(f"{base}/channel", {"channel": "dingtalk"})
    assert chat["channel"] == "dingtalk" and chat["keyboard"] is None
    await page_api.say(student, "📝 写成长日志")
    ding = (await page_api.chat(student))["messages"]
    assert [m["text"] for m in ding if m["from"] == "user"] == ["📝 写成长日志"]
    options = [s for line in ding[-1]["lines"] for s in line if s.get("send")]
    assert "导师见面" in [s["text"] for s in options] and "1. " in ding[-1]["text"]
    await page_api.post(f"{base}/press", {"message_id": ding[-1]["id"], "data": options[0]["send"]})
    assert "第 2/7 步" in (await page_api.chat(student))["messages"][-1]["text"]
    async with sandbox.services.sessions() as session:
        channels = sorted((await session.execute(select(Account.channel).where(
            Account.person_id == select(Account.person_id).where(Account.external_id == student["id"])
            .scalar_subquery()))).scalars())
    assert channels == ["dingtalk", "telegram"]
    back = await page_api.post(f"{base}/channel", {"channel": "telegram"})
    assert back["channel"] == "telegram" and back["keyboard"]
    await page_api.post(f"{base}/channel", {"channel": "wechat"}, status=400)
