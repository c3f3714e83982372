"""The sandbox's clock is a rehearsal clock: a jump to April 1 brings the mentors' evaluation reminder in seconds."""
from __future__ import annotations

from program.clock import local_now
from tests.browser.conftest import PageApi


async def test_jumping_to_april_first_brings_the_mentors_reminder_within_seconds(sandbox, page_api: PageApi):
    people = await page_api.people()
    mentor, student = people["郭志强"], people["王子涵"]
    today = local_now(sandbox.clock).date()
    april = today.replace(year=today.year + (today.month > 4 or (today.month == 4 and today.day > 1)), month=4, day=1)
    await page_api.post("/api/clock", {"date": april.isoformat(), "time": "09:00"})

    async def reminded() -> list[str]:
        return [text for text in await page_api.bot_said(mentor) if "初期评价" in text and "今天开始" in text]

    [reminder] = await page_api.wait_until(reminded, timeout=10)
    assert "王子涵" in reminder and "4月10日" in reminder
    assert not [text for text in await page_api.bot_said(student) if "初期评价" in text]
    await page_api.press(mentor, "去写评价")
    assert any("王子涵" in text for text in await page_api.bot_said(mentor))
