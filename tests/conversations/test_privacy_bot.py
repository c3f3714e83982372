"""Anyone can read what is stored about them and get all of it as a file; nobody gets anyone else's."""
from __future__ import annotations

import json

from tests.conftest import at
from tests.helpers import joined


async def test_a_student_reads_the_privacy_note_and_downloads_their_own_record(engine, services, clock):
    clock.set(at("2026-11-20 10:00"))
    student = await joined(engine, services, "王小明", 1001)
    await joined(engine, services, "刘思源", 1002)
    await student.send("/privacy")
    assert "保存哪些信息" in student.last and "/mydata" in student.last
    await student.send("/mydata")
    document = student.screens[-1].upload
    assert document is not None and document.kind == "document" and document.name.endswith(".json")
    record = json.loads(document.data)
    text = json.dumps(record, ensure_ascii=False)
    assert "王小明" in text and "刘思源" not in text


async def test_a_stranger_gets_no_record(engine, services, clock):
    from tests.helpers import Chat

    stranger = Chat(engine, 777)
    await stranger.send("/mydata")
    assert all(s.upload is None for s in stranger.screens)
