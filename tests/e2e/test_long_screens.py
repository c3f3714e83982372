"""Issue 11, defect 3: a screen over Telegram's limit in UTF-16 units (emoji count twice) still reaches the user."""
from __future__ import annotations

from sqlalchemy import select

from bot.emulator.html import utf16_len
from storage.models import GrowthLog

DID = "甲" * 2000
LEARNED = "乙" * 1970 + "🧪" * 30  # within the 2000-character limit; the review is 4,072 characters, 4,102 units


async def test_a_review_longer_than_telegram_counts_is_split_and_the_log_can_be_submitted(telegram_world):
    student = await telegram_world.person("王小明")
    await student.choose("📝 写成长日志")
    await student.press(callback_data="log:kind:reading")
    await student.press(callback_data="log:date:today")
    await student.send_text(DID)
    await student.press("下一步 ▶")
    await student.send_text(LEARNED)
    await student.press("下一步 ▶")
    await student.press("跳过 ▶")
    await student.press("2 小时")
    mark = student.mark()
    await student.press("无附件，去核对 ▶")
    review = student.inbox_since(mark)
    assert len(review) >= 2 and all(utf16_len(m.text) <= 4096 for m in review), [utf16_len(m.text) for m in review]
    shown = "".join(m.text for m in review)
    assert shown.count("甲") == 2000 and shown.count("乙") == 1970 and shown.count("🧪") == 30  # nothing cut off
    await student.press("✅ 提交")
    async with telegram_world.services.sessions() as session:
        log = (await session.execute(select(GrowthLog))).scalar_one()
    assert log.learned == LEARNED
    teacher = await telegram_world.person("张丽")
    mark = teacher.mark()
    await teacher.send_command("confirm")
    await teacher.press(callback_data=f"tch:see:{log.id}")  # the teacher can open the whole log
    opened = "".join(m.text for m in teacher.inbox_since(mark))
    assert opened.count("乙") == 1970 and opened.count("🧪") == 30
    await student.choose("📚 我的日志")
    mark = student.mark()
    opening = next(b["callback_data"] for m in reversed(student.messages) for row in m.inline_keyboard for b in row
                   if b.get("callback_data", "").startswith(f"mylogs:open:{log.id}"))
    await student.press(callback_data=opening)  # and so can the student
    assert "".join(m.text for m in student.inbox_since(mark)).count("🧪") == 30
