"""A growth log started from an office event the student went to: the kind and the date are filled in."""
from __future__ import annotations

from handlers.growth_log.form import Step, form, new_log, training_year
from handlers.kit import Ctx, Screen
from handlers.views.links import LogEvent
from program.dates import check_activity_date
from program.errors import NotAllowed, NotFound
from program.growth_log import ActivityKind
from program.i18n import N_
from program.roles import Role
from storage import broadcasts


@new_log.button(LogEvent, role=Role.STUDENT)
async def log_event(ctx: Ctx, tap: LogEvent) -> Screen:
    """From the note after an event; an unfinished draft about something else is kept, not overwritten."""
    if ctx.me.exited_at is not None:
        raise NotAllowed(N_("You have left the program, so new growth logs cannot be filed."))
    event = await broadcasts.attended(ctx.session, tap.broadcast_id, ctx.me.id)
    if event is None or event.event_at is None or event.event_at > ctx.now():
        raise NotFound(N_("Event not found, or you did not say you would come."))
    if ctx.state.has_draft(new_log.name):
        raise NotAllowed(N_("You have an unfinished growth log. Send /log to finish or discard it first."))
    day = event.event_at.astimezone(ctx.services.zone).date()
    day = check_activity_date(day, ctx.today(), training_year(ctx))
    ctx.state.begin(new_log.name, Step.DID, {"kind": ActivityKind.LECTURE.value, "date": day.isoformat()})
    return await form.ask(ctx, Step.DID)
