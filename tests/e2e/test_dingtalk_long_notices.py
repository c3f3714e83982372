"""A long notice goes out on DingTalk as several messages; when one fails, the retry goes on from it, never
resending what people already got (issue 11, defect 12: as on Telegram, progress is kept per part)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from storage import outbox
from storage.models import OutboxMessage, Person

LONG = "\n".join(["甲" * 2900, "乙" * 2900, "丙" * 2900])  # three messages of DingTalk's 3,000 characters


async def notify(world, names: list[str], text: str = LONG) -> None:  # noqa: ANN001
    services, now = world.services, world.clock.now()
    async with services.sessions() as session, session.begin():
        for name in names:
            person = (await session.execute(select(Person).where(Person.name == name))).unique().scalar_one()
            await outbox.enqueue(session, person_id=person.id, kind="test", dedupe_key=f"long:{name}", text=text,
                                 buttons=[[["📚 我的日志", "mylogs:page:0"]]], due_at=now, now=now)


def parts_got(phone) -> list[str]:  # noqa: ANN001
    """Which parts of LONG reached this person, in order, by their first character."""
    return [m.text[0] for m in phone.messages if m.via == "batchSend" and m.text[:1] in "甲乙丙"]


async def rows(world) -> list[tuple[str, int]]:  # noqa: ANN001
    async with world.services.sessions() as session:
        found = await session.execute(select(OutboxMessage).order_by(OutboxMessage.id))
        return [(row.status, row.parts_sent) for row in found.scalars()]


async def retry_later(world) -> None:  # noqa: ANN001
    world.clock.set(world.clock.now() + timedelta(minutes=2))  # past the back-off and DingTalk's flow control
    await world.deliver_outbox()


@pytest.mark.parametrize("names", [["王小明"], ["王小明", "孙悦"]], ids=["alone", "in-one-batch"])
async def test_an_outage_at_the_second_part_resumes_there_and_sends_the_first_part_once(dingtalk_world, names):
    world, emu = dingtalk_world, dingtalk_world.emu
    phones = [await world.person(name) for name in names]
    emu.fail_batch_send(2, status=503)  # DingTalk answers the second call with a 503
    await notify(world, names)
    await world.deliver_outbox()
    assert [parts_got(phone) for phone in phones] == [["甲"]] * len(names)
    assert await rows(world) == [("pending", 1)] * len(names), "the first part is recorded as sent"
    await retry_later(world)
    assert [parts_got(phone) for phone in phones] == [["甲", "乙", "丙"]] * len(names), "each part once"
    assert await rows(world) == [("sent", 1)] * len(names)
    assert all("我的日志" in phone.last.text for phone in phones), "the buttons come with the last part"


async def test_flow_control_at_the_second_part_holds_back_only_its_user_and_only_from_that_part(dingtalk_world):
    world, emu = dingtalk_world, dingtalk_world.emu
    wang, sun = await world.person("王小明"), await world.person("孙悦")
    emu.fail_batch_send(2, flow_controlled=[sun.staff_id])
    await notify(world, ["王小明", "孙悦"])
    await world.deliver_outbox()
    assert parts_got(wang) == ["甲", "乙", "丙"] and parts_got(sun) == ["甲"]
    assert await rows(world) == [("sent", 0), ("pending", 1)]
    calls = len(emu.calls)
    await retry_later(world)
    assert parts_got(wang) == ["甲", "乙", "丙"] and parts_got(sun) == ["甲", "乙", "丙"]
    assert [body["userIds"] for _, body in emu.calls[calls:]] == [[sun.staff_id]] * 2, "two calls, for 孙悦 alone"
    await sun.tap("📚 我的日志")  # the links of the last part work: they were remembered as shown once it arrived
    assert "你还没有提交过成长日志" in sun.last.text  # the list of her logs (none yet)


async def test_a_retry_and_a_fresh_copy_of_the_same_notice_are_not_sent_as_one_batch(dingtalk_world):
    world, emu = dingtalk_world, dingtalk_world.emu
    wang, sun = await world.person("王小明"), await world.person("孙悦")
    emu.fail_batch_send(2, flow_controlled=[sun.staff_id])
    await notify(world, ["孙悦"])
    await world.deliver_outbox()
    assert parts_got(sun) == ["甲"]
    await notify(world, ["王小明"])  # the same words for someone else, due when 孙悦's retry is
    await retry_later(world)
    assert parts_got(sun) == ["甲", "乙", "丙"] and parts_got(wang) == ["甲", "乙", "丙"]
    assert await rows(world) == [("sent", 1), ("sent", 0)]
