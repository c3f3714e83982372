"""The menu flow: /menu, /help, /cancel, and what a stranger or a puzzled user is told."""
from __future__ import annotations

from handlers.kit import Button, Ctx, Flow, Screen, rows
from handlers.views.links import SAID, LogFromText
from handlers.views.menu import entries_for, keyboard, main_menu, stranger_screen
from program.growth_log import TEXT_LIMIT, looks_like_activity
from program.i18n import N_, translator
from program.roles import Role
from storage import people

menu = Flow("menu")


@menu.command("menu")
async def show_menu(ctx: Ctx) -> Screen:
    return main_menu(ctx)


@menu.command("help")
async def show_help(ctx: Ctx) -> Screen:
    """Each role reads its own commands, its own /cancel, and whom it can ask (the office asks nobody)."""
    lines = [ctx.t("<b>What I can do</b>")]
    lines += [ctx.t(e.help) for e in entries_for(ctx.roles, ctx.services.commands)]
    if Role.STUDENT in ctx.roles:
        lines.append(ctx.t("/cancel: stop what you are doing (a growth log draft is kept)"))
        lines.append(ctx.t("Questions about the program itself go to your teacher or the program office."))
    else:
        lines.append(ctx.t("/cancel: stop what you are doing"))
        if Role.OFFICE not in ctx.roles:
            lines.append(ctx.t("Questions about the program itself go to the program office."))
        else:
            lines.append(ctx.t("Roster, invites, exports and broadcasts are on the command line: yingcai --help."))
    return Screen("\n".join(lines), menu=keyboard(ctx))


@menu.command("cancel")
async def cancel(ctx: Ctx) -> Screen:
    if ctx.state.flow is None:
        return main_menu(ctx, ctx.t("Nothing to cancel. What would you like to do?"))
    flow = ctx.services.flows.get(ctx.state.flow)
    if flow is not None and flow.on_cancel_keep:
        ctx.state.pause()
        text = ctx.t(flow.on_cancel_keep)
    else:
        ctx.state.finish()
        text = ctx.t("Stopped.")
    return main_menu(ctx, text)



async def fallback(ctx: Ctx, quiet: bool = False) -> Screen:
    if quiet:
        return main_menu(ctx, ctx.t("Here is the menu."))
    text = (ctx.incoming.text or "").strip()
    if Role.STUDENT in ctx.roles and text and looks_like_activity(text) is not None:
        ctx.state.data[SAID[0]] = {SAID[1]: text[:TEXT_LIMIT]}  # kept for the log, if the student wants one
        return Screen(ctx.t("That sounds like an activity. Shall I start a growth log with what you wrote? You "
                            "will choose the day, add what you learned and the hours, then check it before it "
                            "is filed."),
                      buttons=rows(Button(ctx.t("📝 Start a growth log with it"), LogFromText())))
    return main_menu(ctx, ctx.t("Sorry, I did not understand that. Choose from the menu, or send /help."))


SIGNED_OUT = N_("You are signed out here: the program office signed this chat out (a lost phone?). To go on in "
                "this chat, open a new invite link from the program office.")


async def stranger(ctx: Ctx) -> Screen:
    if await people.was_signed_out(ctx.session, ctx.incoming.channel, ctx.incoming.user_id):
        return Screen(translator(ctx.incoming.language)(SIGNED_OUT))
    return stranger_screen(ctx)
