"""Onboarding: `/start <code>` binds a chat account to a roster person; strangers get directions."""
from __future__ import annotations

from handlers.kit import Ctx, Flow, Screen
from handlers.views.menu import main_menu, stranger_screen
from program.invites import (
    INVITE_PROBLEMS,
    UNKNOWN_INVITE,
    InviteFacts,
    InviteState,
    invite_state,
    looks_like_code,
)
from program.roles import ROLE_LABELS, Role
from storage import invites, people

onboarding = Flow("start")


@onboarding.command("start", public=True)
async def start(ctx: Ctx) -> Screen:
    code = (ctx.incoming.argument or "").strip()
    if not code:
        if ctx.person is None:
            return stranger_screen(ctx)
        return main_menu(ctx, ctx.t("Welcome back, %(name)s!", name=ctx.me.name))
    invite = await invites.find(ctx.session, code) if looks_like_code(code) else None
    if invite is None:
        return Screen(ctx.t(UNKNOWN_INVITE))
    if ctx.person is not None and ctx.person.id == invite.person_id:
        return main_menu(ctx, ctx.t("You are already signed in, %(name)s.", name=ctx.me.name))
    status = invite_state(InviteFacts(invite.expires_at, invite.used_at, invite.revoked_at), ctx.now())
    if status is not InviteState.VALID:
        return Screen(ctx.t(INVITE_PROBLEMS[status]))
    if ctx.person is not None:
        return Screen(ctx.t("This Telegram account is already linked to %(name)s. One account belongs to one "
                            "person only; please ask the program office if this is a mistake.", name=ctx.me.name))
    now = ctx.now()
    if not await invites.use(ctx.session, invite, ctx.incoming.user_id, now):  # another phone was a moment faster
        status = invite_state(InviteFacts(invite.expires_at, invite.used_at, invite.revoked_at), now)
        return Screen(ctx.t(INVITE_PROBLEMS.get(status, INVITE_PROBLEMS[InviteState.USED])))
    account = await people.bind_account(ctx.session, invite.person, ctx.incoming.channel, ctx.incoming.user_id,
                                        ctx.incoming.chat_id, ctx.incoming.language, now)
    ctx.sign_in(account)
    ctx.state.flow, ctx.state.step, ctx.state.data = None, None, {}  # a phone passed on keeps no one's drafts
    separator = ", " if ctx.t.language == "en" else "、"
    roles = separator.join(ctx.t.raw(ROLE_LABELS[r]) for r in sorted(ctx.roles))
    lines = [ctx.t("Welcome, %(name)s! You are signed in as %(roles)s at %(school)s.\n"
                   "I speak 中文 and English: /language switches.",
                   name=ctx.me.name, roles=roles, school=ctx.me.school.name)]
    lines += await first_steps(ctx)
    return main_menu(ctx, "\n\n".join(lines))


async def first_steps(ctx: Ctx) -> list[str]:
    """Who looks after a student, and what each role does first: a welcome that names the next step."""
    lines = []
    if Role.STUDENT in ctx.roles:
        mentors = [p.name for p in await people.supervisors_of(ctx.session, ctx.me.id, "mentor")]
        teachers = [p.name for p in await people.supervisors_of(ctx.session, ctx.me.id, "teacher")]
        lines.append(ctx.t("Your mentor: %(mentors)s · your guidance teacher: %(teachers)s.",
                           mentors=ctx.t(", ").join(mentors) or "—", teachers=ctx.t(", ").join(teachers) or "—"))
        lines.append(ctx.t("Next: after each training activity tap “📝 New growth log”. Once your teacher "
                           "confirms it, it counts toward your sessions."))
    if Role.MENTOR in ctx.roles:
        lines.append(ctx.t("Next: see your students in “👥 My students”, and plan a meeting with “📅 Schedule a "
                           "session”."))
    if Role.TEACHER in ctx.roles:
        lines.append(ctx.t("Next: confirm your students' activities in “✅ To confirm”."))
    if Role.OFFICE in ctx.roles:
        lines.append(ctx.t("Next: “📊 Overview” shows every school; roster, invites and exports are on the command "
                           "line (yingcai --help)."))
    return lines
