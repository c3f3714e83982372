"""Choosing the language: 中文 (default) or English, per person."""
from __future__ import annotations

from handlers.kit import Button, Ctx, Flow, Payload, Screen, rows
from handlers.views.menu import main_menu
from program.errors import NotFound
from program.i18n import LANGUAGES

language = Flow("lang")


class SetLanguage(Payload, flow="lang", action="set"):
    code: str

NAMES = {"zh_CN": "中文", "en": "English"}


@language.command("language")
async def ask_language(ctx: Ctx) -> Screen:
    current = NAMES[ctx.t.language]
    return Screen(ctx.t("Current language: %(language)s. Choose:", language=current),
                  buttons=rows(*(Button(("✓ " if code == ctx.t.language else "") + NAMES[code],
                                        SetLanguage(code)) for code in LANGUAGES)))


@language.button(SetLanguage)
async def set_language(ctx: Ctx, tap: SetLanguage) -> list[Screen]:
    code = tap.code
    if code not in LANGUAGES:
        raise NotFound()
    ctx.me.language = code
    ctx.use_language(code)
    return [Screen(ctx.t("Language: %(language)s ✓", language=NAMES[code]), replace=True),
            main_menu(ctx, ctx.t("The menu is now in %(language)s.", language=NAMES[code]))]
