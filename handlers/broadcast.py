"""What people receive from the office: a notice, or an event they answer (RSVP) with a button."""
from __future__ import annotations

from handlers.kit import Ctx, Flow, Screen
from handlers.views.broadcasts import AnswerEvent, outbox_copy, render
from program.errors import NotFound
from storage import broadcasts
from storage.models import Broadcast

received = Flow("bc")
__all__ = ["AnswerEvent", "outbox_copy", "received", "render"]


@received.button(AnswerEvent)
async def answer_event(ctx: Ctx, tap: AnswerEvent) -> Screen:
    """A recipient says whether they come; anyone the event was not sent to gets "not found"."""
    answer, number = tap.answer, tap.broadcast_id
    if answer not in ("yes", "no"):
        raise NotFound()
    if not await broadcasts.answer(ctx.session, number, ctx.me.id, answer == "yes", ctx.now()):
        raise NotFound()
    event = await ctx.session.get_one(Broadcast, number)
    screen = render(event, ctx.t, ctx.services.zone, answer)
    return Screen(screen.text, buttons=screen.buttons, replace=True)
