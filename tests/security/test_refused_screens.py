"""Defect 3 and the last small one: a screen Telegram refuses still reaches the user; a long notice is never resent.

The channel below is the real Telegram adapter logic (split, caption, fallbacks, parts) over a phone that
refuses exactly what Telegram refuses: text over 4096 UTF-16 units, captions over 1024, broken markup,
more than 100 buttons.
"""
from __future__ import annotations

from sqlalchemy import select

from bot.channels.telegram_common import TelegramChannel, bad_request, split_text
from bot.channels.telegram_text import units, visible_length
from bot.emulator.html import HtmlParseError, parse_html
from handlers.kit import Button, FileRef, Reply, Screen
from scheduler.delivery import DeliveryWorker, PartlySent, RateLimiter, RetryLater
from storage import outbox
from storage.models import Account, OutboxMessage, Person
from tests.helpers import import_roster, make_services


class Refused(Exception):
    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


class Flood(Exception):
    pass


class Phone(TelegramChannel):
    """Sends into a list; refuses like Telegram; `flood_at` makes the n-th message (0-based) hit flood control once."""

    def __init__(self, flood_at: int | None = None) -> None:
        self.got: list[tuple[str, int]] = []  # (plain text, buttons) as the user sees them
        self.files: list[tuple[str, str | None]] = []
        self.flood_at, self.calls = flood_at, 0

    def _check(self, text: str, limit: int, screen: Screen | None) -> tuple[str, int]:
        if self.calls == self.flood_at:
            self.flood_at = None
            raise Flood()
        self.calls += 1
        try:
            plain, _ = parse_html(text)
        except HtmlParseError as error:
            raise Refused(f"Bad Request: can't parse entities: {error}") from None
        if units(plain) > limit:
            raise Refused("Bad Request: message is too long")
        buttons = sum(len(row) for row in screen.buttons) if screen else 0
        if buttons > 100:
            raise Refused("Bad Request: reply markup is too long")
        return plain, buttons

    async def send_text(self, chat_id: int, text: str, screen: Screen | None) -> None:
        self.got.append(self._check(text, 4096, screen))

    async def send_file(self, chat_id: int, file: FileRef, caption: str | None, screen: Screen) -> None:
        plain, _ = self._check(caption or "", 1024, screen)
        self.files.append((file.file_id, plain or None))

    async def edit_text(self, chat_id: int, message_id: int, text: str, screen: Screen | None) -> None:
        self.got.append(self._check(text, 4096, screen))

    def refusal(self, error: Exception):  # noqa: ANN201
        if isinstance(error, Flood):
            from bot.channels.telegram_common import Refusal
            return Refusal(retry_after=0.01)
        return bad_request(error.description) if isinstance(error, Refused) else None


def words(phone: Phone) -> str:
    return "".join(text for text, _ in phone.got)


def test_telegram_limits_are_counted_in_utf16_units():
    review = "<b>请核对</b>\n" + "甲" * 2000 + "\n" + "乙" * 1970 + "🧪" * 30  # 4,004 characters, 4,034 units
    assert len(review) < 4096 < visible_length(review + "丙" * 80)
    chunks = split_text(review + "丙" * 80)
    assert len(chunks) == 2 and all(visible_length(c) <= 4096 for c in chunks)
    emoji = split_text("🧪" * 3000)  # one line of 6,000 units, never cut inside a surrogate pair
    assert all(visible_length(c) <= 4096 for c in emoji) and "".join(emoji) == "🧪" * 3000
    assert visible_length("&lt;🧪&amp;") == 4


async def test_a_screen_over_the_limit_in_units_arrives_in_parts():
    phone = Phone()
    text = "甲" * 2000 + "\n" + "乙" * 2000 + "🧪" * 60 + "\n结束"  # 4,064 characters, 4,124 units
    await phone.show(1, Reply([Screen(text, buttons=((Button("✅ 提交", "log:submit"),),))]))
    assert len(phone.got) == 2 and words(phone).replace("\n", "") == text.replace("\n", "")
    assert phone.got[-1][1] == 1  # the buttons come with the last part


async def test_a_caption_over_1024_units_is_sent_apart_from_its_photo():
    phone = Phone()
    caption = "🧪" * 600  # 600 characters, 1,200 units
    await phone.show(1, Reply([Screen(caption, attachment=FileRef("photo", "P1"))]))
    assert phone.files == [("P1", None)] and words(phone) == caption


async def test_markup_telegram_cannot_parse_is_sent_as_plain_text():
    phone = Phone()
    broken = Screen("<b>日志 #1 &lt;已提交&gt;\n下一步", buttons=((Button("📚 我的日志", "mylogs:page:0"),),))
    await phone.show(1, Reply([broken]))
    assert phone.got == [("日志 #1 <已提交>\n下一步", 1)]


async def test_too_many_buttons_still_leave_the_words():
    phone = Phone()
    buttons = tuple((Button(f"#{i}", f"x:{i}"),) for i in range(150))
    await phone.show(1, Reply([Screen("名单", buttons=buttons)]))
    assert phone.got == [("名单", 0)]


async def test_a_notice_that_fails_part_way_goes_on_from_the_failed_part():
    phone = Phone(flood_at=1)
    text = "\n".join(["甲" * 3000, "乙" * 3000, "丙" * 3000])
    try:
        await phone.send_notice(1, text, [])
    except PartlySent as partly:
        assert partly.sent == 1 and isinstance(partly.error, RetryLater)
    else:
        raise AssertionError("the second part was refused")
    await phone.send_notice(1, text, [], skip=1)
    assert [t[0] for t, _ in phone.got] == ["甲", "乙", "丙"]


async def test_the_outbox_never_resends_the_parts_of_a_long_notice(sessions, clock, calendar):
    services = make_services(sessions, clock, calendar)
    await import_roster(services)
    text = "\n".join(["甲" * 3000, "乙" * 3000, "丙" * 3000])
    async with sessions() as session, session.begin():
        person = (await session.execute(select(Person).where(Person.name == "王小明"))).unique().scalar_one()
        session.add(Account(person_id=person.id, channel="telegram", external_id=7, chat_id=7, bound_at=clock.now()))
        await outbox.enqueue(session, person_id=person.id, kind="test", dedupe_key="long", text=text, buttons=[],
                             due_at=clock.now(), now=clock.now())
    phone = Phone(flood_at=2)  # the third part meets flood control
    worker = DeliveryWorker(sessions, phone, clock, limiter=RateLimiter(per_second=1000, per_chat_interval=0))
    assert await worker.drain() == 0
    async with sessions() as session:
        row = (await session.execute(select(OutboxMessage))).scalar_one()
    assert row.status == "pending" and row.parts_sent == 2
    worker._paused_until = 0  # noqa: SLF001 - the flood pause is over
    clock.set(row.due_at)
    assert await worker.drain() == 1
    assert [t[0] for t, _ in phone.got] == ["甲", "乙", "丙"]  # each part once
