"""/settings: quiet hours and mutes, stored per person, respected by every push; forged buttons change nothing."""
from __future__ import annotations

from storage import preferences
from tests.reminders.conftest import Program
from tests.reminders.test_staff_rules import mine, person_id
from tests.reminders.test_student_rules import schedule


async def test_each_role_sees_its_own_reminders_and_the_quiet_hour_presets(program: Program):
    student, mentor = await program.join("王小明"), await program.join("李明教授", "en")
    [screen] = await student.send("/settings")
    assert "免打扰时段：22:00–07:30" in screen.text and "截止前的最后一次提醒一定会发送" in screen.text
    labels = [b.label for row in screen.buttons for b in row]
    assert labels[:4] == ["21:00–07:00", "✓ 22:00–07:30", "23:00–08:00", "22:00–09:00"]
    assert labels[4:] == ["🔔 参加培养后提醒写日志", "🔔 老师退回的日志", "🔔 截止日期提醒（提前 7 天和 3 天）",
                          "🔔 每月进度提醒"]
    [screen] = await mentor.send("/settings")
    assert [b.label for row in screen.buttons for b in row][4:] == [
        "🔔 Evaluation windows (every few days)", "🔔 Monthly summary of my students"]
    assert "last day of an evaluation window always comes" in screen.text


async def test_a_chosen_preset_and_mutes_are_stored_and_a_double_tap_keeps_them(program: Program):
    student = await program.join("王小明")
    await student.send("/settings")
    [screen] = await student.press("23:00–08:00")
    assert screen.replace and "✓ 免打扰时段：23:00–08:00" in screen.text and student.find("✓ 23:00–08:00")
    mute = student.find("🔔 每月进度提醒").payload
    await student.press(payload=mute)
    await student.press(payload=mute)  # the same button tapped twice
    assert student.find("🔕 每月进度提醒")
    me = await person_id(program, "王小明")
    async with program.services.sessions() as session:
        assert (await preferences.muted_of(session, [me]))[me] == {"progress"}
        assert [f"{t:%H:%M}" for t in (await preferences.quiet_hours_of(session, [me]))[me]] == ["23:00", "08:00"]
    await student.press(student.find("🔕 每月进度提醒").label)
    async with program.services.sessions() as session:
        assert (await preferences.muted_of(session, [me]))[me] == set()


async def test_forged_settings_buttons_change_nothing(program: Program):
    student = await program.join("王小明")
    for forged in ("set:quiet:0000-2359", "set:mute:digest:1", "set:mute:sessions:yes", "set:mute:nonsense:1",
                   "set:quiet"):
        await student.press(payload=forged)
        assert "⚠️" in student.said(), forged
    me = await person_id(program, "王小明")
    async with program.services.sessions() as session:
        assert await preferences.quiet_hours_of(session, [me]) == {}
        assert (await preferences.muted_of(session, [me]))[me] == set()


async def test_quiet_hours_hold_for_every_push_not_only_reminders(program: Program):
    mentor, wang, sun = await program.join("李明教授"), await program.join("王小明"), await program.join("孙悦")
    await sun.send("/settings")
    await sun.press("21:00–07:00")
    program.clock.set(program.clock.now().replace(hour=13, minute=30))  # 21:30 in Shanghai
    await schedule(mentor, "明天 10:00", topic="实验室参观")
    sent = await program.run()
    assert mine(sent, wang, "实验室参观") and not mine(sent, sun, "实验室参观")
    assert not mine(await program.at("2027-02-02 06:59"), sun, "实验室参观")
    assert mine(await program.at("2027-02-02 07:00"), sun, "实验室参观")
