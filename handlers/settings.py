"""/settings: a person's quiet hours and which kinds of reminders they get (the rules are in program/reminders)."""
from __future__ import annotations

from datetime import time

from handlers.kit import Button, Ctx, Flow, Payload, Screen, rows
from program.errors import NotFound
from program.i18n import N_
from program.reminders import CATEGORY_LABELS, Category, categories_for, quiet_text
from storage import preferences

settings = Flow("set")


class ChooseQuiet(Payload, flow="set", action="quiet"):
    packed: str  # "2200-0730"


class MuteCategory(Payload, flow="set", action="mute"):
    category: Category
    mute: bool  # what to do, so a double tap leaves the same state, never flips it back


def _packed(quiet: tuple[time, time]) -> str:
    return f"{quiet[0]:%H%M}-{quiet[1]:%H%M}"


async def settings_screen(ctx: Ctx, *, note: str | None = None, replace: bool = False) -> Screen:
    config = ctx.services.calendar.reminders
    quiet = (await preferences.quiet_hours_of(ctx.session, [ctx.me.id])).get(ctx.me.id, config.quiet_hours)
    muted = (await preferences.muted_of(ctx.session, [ctx.me.id]))[ctx.me.id]
    lines = [note] if note else []
    lines += [ctx.t("⚙️ <b>Reminder settings</b>"),
              ctx.t("🌙 Quiet hours: %(hours)s. Nothing is sent then; it waits for the morning.",
                    hours=quiet_text(quiet))]
    presets = [Button(("✓ " if preset == quiet else "") + quiet_text(preset), ChooseQuiet(_packed(preset)))
               for preset in config.quiet_presets]
    categories = categories_for(ctx.roles)
    toggles = [Button(("🔕 " if c.value in muted else "🔔 ") + ctx.t.raw(CATEGORY_LABELS[c]),
                      MuteCategory(c, c.value not in muted)) for c in categories]
    if categories:
        lines.append(ctx.t("🔔 Tap a kind of reminder to mute it (🔕) or to get it again (🔔)."))
    if Category.DEADLINES in categories:
        lines.append(ctx.t("The last notice before a deadline always comes: it cannot be muted."))
    if Category.EVALUATIONS in categories:
        lines.append(ctx.t("The notice on the last day of an evaluation window always comes: it cannot be muted."))
    return Screen("\n".join(lines), buttons=rows(*presets, per_row=2) + rows(*toggles, per_row=1), replace=replace)


@settings.command("settings")
async def show_settings(ctx: Ctx) -> Screen:
    return await settings_screen(ctx)


@settings.button(ChooseQuiet)
async def choose_quiet_hours(ctx: Ctx, tap: ChooseQuiet) -> Screen:
    packed = tap.packed
    config = ctx.services.calendar.reminders
    chosen = next((preset for preset in config.quiet_presets if _packed(preset) == packed), None)
    if chosen is None:  # a forged or outdated preset: only the offered ones can be chosen
        raise NotFound(N_("That choice is no longer offered. Here are the settings again."))
    await preferences.set_quiet_hours(ctx.session, ctx.me.id, chosen, ctx.now())
    return await settings_screen(ctx, replace=True, note=ctx.t("✓ Quiet hours: %(hours)s", hours=quiet_text(chosen)))


@settings.button(MuteCategory)
async def mute_category(ctx: Ctx, tap: MuteCategory) -> Screen:
    category, mute = tap.category, tap.mute
    if category not in categories_for(ctx.roles):
        raise NotFound()
    await preferences.set_muted(ctx.session, ctx.me.id, category.value, mute)
    label = ctx.t(CATEGORY_LABELS[category])
    note = ctx.t("🔕 Muted: “%(kind)s”.", kind=label) if mute \
        else ctx.t("🔔 You will get “%(kind)s” again.", kind=label)
    return await settings_screen(ctx, replace=True, note=note)

