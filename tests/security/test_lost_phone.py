"""A lost phone: reissuing the invite, or signing the person out, stops the old phone at once (defect 9)."""
from __future__ import annotations

import asyncio
import csv
import io

from bot.cli import main
from storage.db import create_engine, session_factory
from storage.models import Account, SignedOut
from tests.cli.test_office_cli import count, env  # noqa: F401 - the CLI's environment fixture
from tests.helpers import ROSTER_CSV, Chat, make_engine, make_services

SIGNED_OUT = "你已在这里退出登录"


def talk(url, clock, calendar, steps):  # noqa: ANN001, ANN201 - runs chats against the CLI's database
    async def run():  # noqa: ANN202
        engine = create_engine(url)
        try:
            services = make_services(session_factory(engine), clock, calendar)
            return await steps(make_engine(services), services)
        finally:
            await engine.dispose()
    return asyncio.run(run())


def code_of(capsys) -> str:  # noqa: ANN001
    return list(csv.DictReader(io.StringIO(capsys.readouterr().out)))[0]["code"]


def test_reissuing_an_invite_signs_the_old_phone_out_at_once(env, tmp_path, capsys, clock, calendar):  # noqa: F811
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER_CSV, encoding="utf-8")
    assert main(["roster", "import", str(roster)]) == 0
    capsys.readouterr()
    assert main(["invites", "--role", "学生", "--format", "csv"]) == 0
    first = next(r["code"] for r in csv.DictReader(io.StringIO(capsys.readouterr().out)) if r["name"] == "王小明")

    async def lose_phone(engine, services):  # noqa: ANN001, ANN202
        old = Chat(engine, 1001)
        await old.send(f"/start {first}")
        await old.send("📈 我的进度")
        return old.last

    assert "我的进度" in talk(env, clock, calendar, lose_phone)
    assert main(["invites", "--reissue", "王小明", "--format", "csv"]) == 0
    fresh = code_of(capsys)
    assert fresh != first and count(env, Account) == 0  # signed out at once, before anyone uses the new link

    async def after_reissue(engine, services):  # noqa: ANN001, ANN202
        old, new = Chat(engine, 1001), Chat(engine, 1002)
        seen = [await old.send("📈 我的进度"), await old.press(payload="mylogs:page:0"), await old.send("/log")]
        await new.send(f"/start {fresh}")
        await new.send("📈 我的进度")
        return ["\n".join(s.text for s in screens) for screens in seen], new.last

    old_saw, new_saw = talk(env, clock, calendar, after_reissue)
    assert all(SIGNED_OUT in text and "我的进度" not in text and "第 1/7 步" not in text for text in old_saw), old_saw
    assert "我的进度" in new_saw

    assert main(["invites", "--signout", "王小明"]) == 0  # no new link: the found phone is out too
    assert count(env, Account) == 0 and count(env, SignedOut) == 2

    async def after_signout(engine, services):  # noqa: ANN001, ANN202
        new = Chat(engine, 1002)
        await new.send("📈 我的进度")
        return new.last

    new_saw = talk(env, clock, calendar, after_signout)
    assert SIGNED_OUT in new_saw, new_saw
    assert main(["invites", "--reissue", "王小明", "--format", "csv"]) == 0
    again = code_of(capsys)

    async def found_again(engine, services):  # noqa: ANN001, ANN202
        old = Chat(engine, 1001)  # the lost phone was found: a new link binds it again
        await old.send(f"/start {again}")
        await old.send("📈 我的进度")
        return old.last

    assert "我的进度" in talk(env, clock, calendar, found_again)
    assert count(env, SignedOut) == 1


def test_a_second_code_for_another_channel_signs_nobody_out(env, tmp_path, capsys, clock, calendar):  # noqa: F811
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER_CSV, encoding="utf-8")
    assert main(["roster", "import", str(roster)]) == 0
    capsys.readouterr()
    assert main(["invites", "--reissue", "王小明", "--format", "csv"]) == 0
    first = code_of(capsys)

    async def join(engine, services):  # noqa: ANN001, ANN202
        await Chat(engine, 1001).send(f"/start {first}")

    talk(env, clock, calendar, join)
    assert main(["invites", "--reissue", "王小明", "--keep", "--format", "csv"]) == 0  # to join on DingTalk too
    assert code_of(capsys) != first and count(env, Account) == 1 and count(env, SignedOut) == 0
