"""The sandbox page in Debian's Chromium: each role's main screen, a student's log with a photo, the teacher sees it."""
from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pytest

from bot.sandbox import demo
from bot.sandbox.texts import page_texts
from program.clock import local_now
from tests.browser.conftest import ARTIFACTS

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 10_000
PHONE = (390, 844)
MAIN_SCREENS = {"student": ("王子涵", "📝 写成长日志"), "mentor": ("郭志强", "🧾 评价"),
                "teacher": ("张丽萍", "✅ 待确认"), "office": ("周晓梅", "🌐 语言")}


@pytest.fixture
def chromium() -> Path:
    """Debian's Chromium, or a skip that says why (checked before the sandbox starts)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's Chromium (apt-get install -y chromium) to run the "
                    "browser test")
    try:
        import playwright.async_api  # noqa: F401
    except ImportError as error:
        pytest.skip(f"the playwright Python package is not installed ({error})")
    return CHROMIUM


@contextlib.asynccontextmanager
async def launched(chromium: Path, url: str, profile: Path, width: int, height: int):
    """The sandbox page in Chromium at this window size, ready; fails the test on any JavaScript error."""
    from playwright.async_api import async_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            str(profile), executable_path=str(chromium), args=CHROMIUM_ARGS, headless=True,
            viewport={"width": width, "height": height}, locale="zh-CN", timeout=30_000)
        context.set_default_timeout(TIMEOUT_MS)
        page = context.pages[0] if context.pages else await context.new_page()
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(str(error)))
        try:
            await page.goto(url, wait_until="domcontentloaded")
            await page.wait_for_selector("body[data-ready='1']")
            yield page
            assert not problems, f"JavaScript errors on the page: {problems}"
        finally:
            await context.close()


@pytest.fixture
async def browser_page(chromium: Path, sandbox, tmp_path: Path):
    async with launched(chromium, sandbox.url, tmp_path / "chromium-profile", 1200, 860) as page:
        yield page


@pytest.fixture
async def phone_page(chromium: Path, sandbox, tmp_path: Path):
    """The page on a phone: 390 × 844 CSS pixels, an iPhone 12 to 15."""
    async with launched(chromium, sandbox.url, tmp_path / "chromium-profile", PHONE[0], PHONE[1]) as page:
        yield page


async def open_chat(page, name: str, menu_entry: str) -> None:
    from playwright.async_api import expect

    await page.locator(f".person[data-person='{name}']").click()
    await expect(page.locator(".person.selected")).to_have_attribute("data-person", name)
    await expect(page.locator("#keyboard .kb-btn", has_text=menu_entry)).to_be_visible()


async def tap(page, label: str) -> None:
    """Taps the newest inline button with this label, as a thumb would."""
    await page.locator("#messages .inline-btn", has_text=label).last.click()


async def type_message(page, text: str) -> None:
    await page.locator("#text").fill(text)
    await page.locator("#text").press("Enter")


@pytest.mark.browser
async def test_a_student_files_a_log_with_a_photo_and_the_teacher_sees_it(browser_page):
    from playwright.async_api import expect

    page = browser_page
    last_bot = page.locator("#messages .msg.bot").last
    for role, (name, entry) in MAIN_SCREENS.items():
        await open_chat(page, name, entry)
        await expect(last_bot).to_contain_text(name)  # the greeting, in the chat since the invite was used
        await page.screenshot(path=str(ARTIFACTS / f"main-{role}.png"))

    await open_chat(page, "王子涵", "📝 写成长日志")
    await page.locator("#keyboard .kb-btn", has_text="📝 写成长日志").click()
    await expect(last_bot).to_contain_text("这次是什么活动")
    await tap(page, "导师见面")
    await expect(last_bot).to_contain_text("哪一天")
    await tap(page, "昨天")
    await type_message(page, "和郭老师讨论了单摆实验的误差来源 <系统误差> & 偶然误差")
    await expect(last_bot).to_contain_text("已记下")
    await tap(page, "下一步 ▶")
    await expect(last_bot).to_contain_text("有什么收获")
    await type_message(page, "学会了用多次测量取平均减小偶然误差")
    await expect(last_bot).to_contain_text("已记下")
    await tap(page, "下一步 ▶")
    await expect(last_bot).to_contain_text("下一步打算做什么")
    await tap(page, "跳过 ▶")
    await expect(last_bot).to_contain_text("多少小时")
    await tap(page, "2 小时")
    await expect(last_bot).to_contain_text("有照片或文件吗")
    await page.set_input_files("#photo-input", files=[{"name": "单摆实验.png", "mimeType": "image/png",
                                                         "buffer": demo.demo_photo(0)}])
    await expect(page.locator("#messages .msg.user img.photo").last).to_be_visible()
    await expect(last_bot).to_contain_text("1 张照片")
    await tap(page, "完成，去核对 ▶")
    await expect(last_bot).to_contain_text("请核对你的成长日志")
    await expect(last_bot).to_contain_text("<系统误差> & 偶然误差")  # the student's text, shown as typed
    await page.screenshot(path=str(ARTIFACTS / "student-review.png"))
    await tap(page, "✅ 提交")
    await expect(page.locator("#messages .msg.bot", has_text="成长日志已提交")).to_have_count(1)
    await expect(page.locator("#messages .msg.bot", has_text="请核对你的成长日志")).to_have_count(0)  # edited in place

    await open_chat(page, "张丽萍", "✅ 待确认")
    await page.locator("#keyboard .kb-btn", has_text="✅ 待确认").click()
    pending = page.locator("#messages .msg.bot", has_text="单摆实验的误差来源").last
    await expect(pending).to_contain_text("王子涵")
    await expect(pending).to_contain_text("📎1")
    await page.screenshot(path=str(ARTIFACTS / "teacher-pending.png"))
    number = len(await pending.locator(".inline-btn", has_text="🔍").all())
    await pending.locator(".inline-btn", has_text=re.compile(rf"^🔍.*#{number}$")).click()
    await expect(page.locator("#messages .msg.bot img.photo").last).to_be_visible()
    await expect(page.locator("#messages .msg.bot", has_text="学会了用多次测量取平均").last).to_be_visible()
    await page.screenshot(path=str(ARTIFACTS / "teacher-opens-the-log.png"))


@pytest.mark.browser
async def test_the_clock_and_the_language_switch(chromium, sandbox, browser_page):
    from playwright.async_api import expect

    page = browser_page
    year = local_now(sandbox.clock).year
    await expect(page.locator("h1")).to_have_text(page_texts("zh_CN")["title"])  # Chinese by default
    await page.locator("#clock-date").fill(f"{year}-04-02")
    await page.locator("#clock-jump").click()
    await expect(page.locator("#clock-now")).to_contain_text(f"{year}年4月2日")
    await open_chat(page, "郭志强", "⏰ 截止日期")
    await page.locator("#keyboard .kb-btn", has_text="⏰ 截止日期").click()
    await expect(page.locator("#messages .msg.bot").last).to_contain_text("初期评价（开放中）")
    await page.screenshot(path=str(ARTIFACTS / "mentor-april-2.png"))
    await page.locator("[data-lang='en']").click()
    await expect(page.locator("#clock-jump")).to_have_text("Jump")
    await expect(page.locator("#clock-now")).to_contain_text("Apr")
    await expect(page.locator(".person[data-person='郭志强'] .label")).to_contain_text("mentor")
    await page.screenshot(path=str(ARTIFACTS / "page-in-english.png"))


@pytest.mark.browser
async def test_a_student_switched_to_dingtalk_taps_links_instead_of_buttons(browser_page):
    from playwright.async_api import expect

    page = browser_page
    last_bot = page.locator("#messages .msg.bot").last
    await open_chat(page, "王子涵", "📝 写成长日志")
    await page.locator("#channel-toggle").click()
    await expect(page.locator("body")).to_have_attribute("data-channel", "dingtalk")
    await expect(page.locator("#keyboard")).to_be_hidden()
    await type_message(page, "📝 写成长日志")
    await expect(last_bot).to_contain_text("这次是什么活动")
    await last_bot.locator(".ding-link", has_text="导师见面").click()
    await expect(last_bot).to_contain_text("哪一天")
    await page.screenshot(path=str(ARTIFACTS / "student-on-dingtalk.png"))
    await page.locator("#channel-toggle").click()
    await expect(page.locator("body")).to_have_attribute("data-channel", "telegram")
    await expect(page.locator("#keyboard .kb-btn", has_text="📝 写成长日志")).to_be_visible()


@pytest.mark.browser
async def test_on_a_390_px_phone_the_people_are_readable_and_a_tap_opens_their_chat(phone_page):
    from playwright.async_api import expect

    page = phone_page
    first = page.locator(".person").first
    who = await first.get_attribute("data-person")
    name = first.locator(".who strong")
    await expect(name).to_have_text(who)
    box, header = await name.bounding_box(), await page.locator("#chat-head").bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE[1], box  # on the screen as the page opens
    assert box["y"] + box["height"] <= header["y"], (box, header)  # above the chat, not under its header
    center = [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2]
    on_top = await page.evaluate("([x, y]) => document.elementFromPoint(x, y)?.closest('.person')?.dataset.person",
                                 center)
    assert on_top == who  # nothing covers the name
    assert await name.evaluate("el => el.scrollWidth <= el.clientWidth")  # the whole name, not cut off
    assert await page.evaluate("() => { const side = document.querySelector('#side');"
                               " return side.scrollHeight <= side.clientHeight + 1; }")  # no cramped scroll box
    await page.screenshot(path=str(ARTIFACTS / "phone-390-people.png"), full_page=True)

    await first.click()
    await expect(page.locator("#chat-sub")).to_contain_text(who)
    await expect(page.locator("#keyboard .kb-btn").first).to_be_in_viewport()
    head = await page.locator("#chat-head").bounding_box()
    assert -1 <= head["y"] <= 1, head  # the chat fills the screen, its header at the top
    await page.screenshot(path=str(ARTIFACTS / "phone-390-chat.png"))
