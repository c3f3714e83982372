"""The office sends a notice or an event to everyone, a role, a school or a subject: preview, count, send, report."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from handlers.kit import Button, Ctx, Flow, Payload, Screen, esc, rows
from handlers.views.broadcasts import outbox_copy, render
from program.audit import AuditAction
from program.broadcasts import DELIVERY_LABELS, Audience, AudienceKind, BroadcastKind, Delivery, check_text
from program.clock import local_now
from program.errors import InvalidInput, NotFound
from program.i18n import N_, Msgid
from program.quiet_hours import next_send_time
from program.roles import ROLE_LABELS, Role
from program.session_times import parse_session_start
from storage import audit, broadcasts, office
from storage.models import Broadcast


class Step(StrEnum):
    AUDIENCE = "audience"
    KIND = "kind"
    TEXT = "text"
    WHEN = "when"
    PLACE = "place"
    PREVIEW = "preview"


ALL_STEPS = tuple(Step)
notices = Flow("obc", Step, done_hint=N_("That notice was already sent or dropped. Send /broadcast to write a new "
                                         "one."))
PLACE_LIMIT = 100
RECENT = 5


class To(Payload, flow="obc", action="to"):
    kind: AudienceKind


class ToRole(Payload, flow="obc", action="role"):
    role: Role


class ToSchool(Payload, flow="obc", action="school"):
    school_id: int


class ToSubject(Payload, flow="obc", action="subject"):
    index: int  # in the sorted list of subjects shown (a subject's name may not fit in a button's 64 bytes)


class Kind(Payload, flow="obc", action="kind"):
    kind: BroadcastKind


class NoPlace(Payload, flow="obc", action="noplace"):
    pass


class Send(Payload, flow="obc", action="send"):
    broadcast_id: int


class Rewrite(Payload, flow="obc", action="rewrite"):
    pass


class Drop(Payload, flow="obc", action="drop"):
    pass


class Report(Payload, flow="obc", action="report"):
    broadcast_id: int


class Recent(Payload, flow="obc", action="recent"):
    pass


def _cancel(ctx: Ctx) -> Button:
    return Button(ctx.t("✖️ Cancel"), Drop())


@notices.command("broadcast", role=Role.OFFICE)
async def ask_audience(ctx: Ctx) -> Screen:
    ctx.state.begin(notices.name, Step.AUDIENCE, {})
    return await audience_screen(ctx)


@notices.prompt(Step.AUDIENCE)
async def audience_screen(ctx: Ctx) -> Screen:
    return Screen(ctx.t("📢 <b>New notice</b> · who is it for?"), buttons=rows(
        Button(ctx.t("Everyone in the program"), To(AudienceKind.EVERYONE)),
        Button(ctx.t("By role"), To(AudienceKind.ROLE)), Button(ctx.t("By school"), To(AudienceKind.SCHOOL)),
        Button(ctx.t("By subject"), To(AudienceKind.SUBJECT)), Button(ctx.t("Alumni"), To(AudienceKind.ALUMNI)),
        Button(ctx.t("📊 Sent notices"), Recent()), _cancel(ctx)))


@notices.button(To, role=Role.OFFICE, steps=(Step.AUDIENCE,))
async def choose_group(ctx: Ctx, tap: To) -> Screen:
    if tap.kind in (AudienceKind.EVERYONE, AudienceKind.ALUMNI):
        return await _chosen(ctx, Audience(tap.kind))
    if tap.kind is AudienceKind.ROLE:
        buttons = [Button(ctx.t(ROLE_LABELS[role]), ToRole(role)) for role in Role]
    elif tap.kind is AudienceKind.SCHOOL:
        buttons = [Button(f"{name} ({count})", ToSchool(sid)) for sid, name, count in await office.schools(ctx.session)]
    else:
        buttons = [Button(name, ToSubject(i)) for i, name in enumerate(await office.subjects(ctx.session))]
    return Screen(ctx.t("Which one?"), buttons=rows(*buttons, _cancel(ctx)), replace=True)


@notices.button(ToRole, role=Role.OFFICE, steps=(Step.AUDIENCE,))
async def choose_role(ctx: Ctx, tap: ToRole) -> Screen:
    return await _chosen(ctx, Audience(AudienceKind.ROLE, tap.role.value))


@notices.button(ToSchool, role=Role.OFFICE, steps=(Step.AUDIENCE,))
async def choose_school(ctx: Ctx, tap: ToSchool) -> Screen:
    found = next((name for sid, name, _ in await office.schools(ctx.session) if sid == tap.school_id), None)
    if found is None:
        raise NotFound()
    return await _chosen(ctx, Audience(AudienceKind.SCHOOL, found))


@notices.button(ToSubject, role=Role.OFFICE, steps=(Step.AUDIENCE,))
async def choose_subject(ctx: Ctx, tap: ToSubject) -> Screen:
    subjects = await office.subjects(ctx.session)
    if tap.index >= len(subjects):
        raise NotFound()
    return await _chosen(ctx, Audience(AudienceKind.SUBJECT, subjects[tap.index]))


async def _chosen(ctx: Ctx, audience: Audience) -> Screen:
    ctx.state.draft.update(audience=audience.kind.value, value=audience.value)
    ctx.state.goto(Step.KIND)
    return await kind_screen(ctx)


@notices.prompt(Step.KIND)
async def kind_screen(ctx: Ctx) -> Screen:
    return Screen(ctx.t("For %(audience)s. A notice, or an event with a date that people answer (I will come / "
                        "I cannot come)?", audience=audience_label(ctx, _audience(ctx))),
                  buttons=rows(Button(ctx.t("📢 Notice"), Kind(BroadcastKind.NOTICE)),
                               Button(ctx.t("📅 Event"), Kind(BroadcastKind.EVENT)), _cancel(ctx)), replace=True)


@notices.button(Kind, role=Role.OFFICE, steps=(Step.KIND,))
async def choose_kind(ctx: Ctx, tap: Kind) -> Screen:
    ctx.state.draft["kind"] = tap.kind.value
    ctx.state.goto(Step.TEXT)
    return await text_screen(ctx)


@notices.prompt(Step.TEXT)
async def text_screen(ctx: Ctx) -> Screen:
    from program.broadcasts import TEXT_LIMIT

    return Screen(ctx.t("✍️ Write the text in one message (at most %(limit)d characters).", limit=TEXT_LIMIT),
                  buttons=rows(_cancel(ctx)))


@notices.text(Step.TEXT)
async def take_text(ctx: Ctx, text: str) -> Screen | list[Screen]:
    ctx.state.draft["text"] = check_text(text)
    if ctx.state.draft.get("kind") == BroadcastKind.EVENT.value:
        ctx.state.goto(Step.WHEN)
        return await when_screen(ctx)
    return await preview(ctx)


@notices.prompt(Step.WHEN)
async def when_screen(ctx: Ctx) -> Screen:
    return Screen(ctx.t("📅 When is the event? For example 12月5日 14:00 or 2026-12-05 14:00."),
                  buttons=rows(_cancel(ctx)))


@notices.text(Step.WHEN)
async def take_when(ctx: Ctx, text: str) -> Screen:
    ctx.state.draft["event_at"] = parse_session_start(text, local_now(ctx.clock, ctx.services.zone)).isoformat()
    ctx.state.goto(Step.PLACE)
    return await place_screen(ctx)


@notices.prompt(Step.PLACE)
async def place_screen(ctx: Ctx) -> Screen:
    return Screen(ctx.t("📍 Where? (for example 物理楼 101)"),
                  buttons=rows(Button(ctx.t("No place to give"), NoPlace()), _cancel(ctx)))


@notices.text(Step.PLACE)
async def take_place(ctx: Ctx, text: str) -> list[Screen]:
    place = text.strip()
    if not place:
        raise InvalidInput(N_("That message is empty. Please write a few words."))
    if len(place) > PLACE_LIMIT:
        raise InvalidInput(N_("Please keep the place under %(limit)d characters (yours has %(length)d)."),
                           limit=PLACE_LIMIT, length=len(place))
    ctx.state.draft["place"] = place
    return await preview(ctx)


@notices.button(NoPlace, role=Role.OFFICE, steps=(Step.PLACE,))
async def skip_place(ctx: Ctx, tap: NoPlace) -> list[Screen]:
    ctx.state.draft["place"] = None
    return await preview(ctx)


def _audience(ctx: Ctx) -> Audience:
    draft = ctx.state.draft
    return Audience(AudienceKind(draft["audience"]), draft.get("value"))


def audience_label(ctx: Ctx, audience: Audience) -> str:
    if audience.kind is AudienceKind.EVERYONE:
        return ctx.t("everyone in the program")
    if audience.kind is AudienceKind.ALUMNI:
        return ctx.t("the alumni")
    if audience.kind is AudienceKind.ROLE:
        return ctx.t("every %(role)s", role=Msgid(ROLE_LABELS[Role(audience.value or "")]))
    return ctx.t("%(name)s", name=audience.value or "")


@notices.prompt(Step.PREVIEW)
async def preview(ctx: Ctx) -> list[Screen]:
    """The notice exactly as recipients will read it, how many they are, and the button that sends it."""
    draft, audience = ctx.state.draft, _audience(ctx)
    event_at = datetime.fromisoformat(draft["event_at"]) if draft.get("event_at") else None
    kind = BroadcastKind(draft.get("kind", BroadcastKind.NOTICE.value))
    stored = await ctx.session.get(Broadcast, draft["broadcast_id"]) if draft.get("broadcast_id") else None
    if stored is None:  # asked again (after a stale tap) the same preview is shown, not a second draft
        stored = await broadcasts.draft(ctx.session, author_id=ctx.me.id, kind=kind, audience=audience,
                                        text=draft["text"], now=ctx.now(), event_at=event_at,
                                        event_place=draft.get("place"))
    ctx.state.goto(Step.PREVIEW)
    draft["broadcast_id"] = stored.id  # only this preview's button sends: an older one is stale
    count = await broadcasts.count_audience(ctx.session, audience)
    shown = render(stored, ctx.t, ctx.services.zone)
    note = ctx.t("(with the buttons “I will come” and “I cannot come”)") if kind is BroadcastKind.EVENT else ""
    head = ctx.t("👀 <b>Preview</b>: this is what they will read")
    return [Screen(head + "\n\n" + shown.text + ("\n" + note if note else "")),
            Screen(ctx.t("To %(audience)s: <b>%(count)d people</b>. Those who have not joined the bot yet get it when "
                         "they join. Send it now?", audience=audience_label(ctx, audience), count=count),
                   buttons=rows(Button(ctx.t("✅ Send to %(count)d people", count=count), Send(stored.id)),
                                Button(ctx.t("✏️ Change the text"), Rewrite()), _cancel(ctx)))]


@notices.button(Rewrite, role=Role.OFFICE, steps=(Step.PREVIEW,))
async def rewrite(ctx: Ctx, tap: Rewrite) -> Screen:
    ctx.state.draft.pop("broadcast_id", None)
    ctx.state.goto(Step.TEXT)
    return await text_screen(ctx)


@notices.button(Drop, role=Role.OFFICE, steps=ALL_STEPS)
async def drop(ctx: Ctx, tap: Drop) -> Screen:
    ctx.state.finish()
    return Screen(ctx.t("Nothing was sent."), replace=True)


@notices.button(Send, role=Role.OFFICE, steps=(Step.PREVIEW,))
async def send(ctx: Ctx, tap: Send) -> Screen:
    """Queues one copy per recipient; a double tap or a second worker finds it sent and adds nothing."""
    draft = await ctx.session.get(Broadcast, tap.broadcast_id)
    if draft is None or draft.author_id != ctx.me.id or ctx.state.draft.get("broadcast_id") != draft.id:
        raise NotFound()
    ctx.state.finish()
    now = ctx.now()
    sent = await broadcasts.send(ctx.session, draft.id, render=outbox_copy(draft, ctx.services.zone),
                                 due_at=next_send_time(now, ctx.services.zone), now=now)
    if sent is None:
        return Screen(ctx.t("This notice was already sent."),
                      buttons=rows(Button(ctx.t("📊 Delivery"), Report(draft.id))))
    audience = broadcasts.audience_of(draft)
    await audit.record(ctx.session, action=AuditAction.BROADCAST, actor=ctx.me.name, actor_id=ctx.me.id, now=now,
                       target=f"{audience.kind.value}:{audience.value or ''}".rstrip(":"), broadcast=draft.id,
                       recipients=sent)
    ctx.services.on_outbox()
    return Screen(ctx.t("📨 Queued for %(count)d people. It goes out at the usual pace (never at night).",
                        count=sent), buttons=rows(Button(ctx.t("📊 Delivery"), Report(draft.id))), replace=True)


@notices.button(Report, role=Role.OFFICE)
async def report(ctx: Ctx, tap: Report) -> Screen:
    """Where each copy stands now, and for an event who comes; the button refreshes it."""
    found = await broadcasts.report(ctx.session, tap.broadcast_id)
    sent = await ctx.session.get(Broadcast, tap.broadcast_id)
    if sent is None or not found.total:
        raise NotFound(N_("That notice was not sent."))
    counts = found.counts
    lines = [ctx.t("📊 <b>Delivery</b> of “%(text)s”", text=sent.text[:40]),
             ctx.t("Sent %(sent)d · queued %(queued)d · waiting (not joined yet) %(waiting)d · blocked %(blocked)d · "
                   "failed %(failed)d · of %(total)d", sent=counts[Delivery.SENT], queued=counts[Delivery.QUEUED],
                   waiting=counts[Delivery.NOT_JOINED], blocked=counts[Delivery.BLOCKED],
                   failed=counts[Delivery.FAILED], total=found.total)]
    for state in (Delivery.NOT_JOINED, Delivery.BLOCKED, Delivery.FAILED):
        if found.names[state]:
            lines.append(ctx.t("%(state)s: %(names)s", state=Msgid(DELIVERY_LABELS[state]),
                               names="、".join(found.names[state][:30])))
    if sent.kind == BroadcastKind.EVENT.value:
        lines.append(ctx.t("Coming (%(count)d): %(names)s", count=len(found.rsvp["yes"]),
                           names="、".join(found.rsvp["yes"]) or "—"))
        lines.append(ctx.t("Not coming (%(count)d): %(names)s", count=len(found.rsvp["no"]),
                           names="、".join(found.rsvp["no"]) or "—"))
    return Screen("\n".join(lines), buttons=rows(Button(ctx.t("🔄 Refresh"), Report(sent.id))), replace=True)


@notices.button(Recent, role=Role.OFFICE)
async def recent(ctx: Ctx, tap: Recent) -> Screen:
    found = await broadcasts.recent(ctx.session, 0, RECENT)
    if not found:
        return Screen(ctx.t("No notice has been sent yet."), replace=True)
    lines = [ctx.t("📊 <b>Sent notices</b>, newest first")]
    buttons = []
    for number, sent in enumerate(found, start=1):
        lines.append(f"{number}. {ctx.moment(sent.sent_at or sent.created_at)} · {esc(sent.text[:40])}")
        buttons.append(Button(ctx.t("📊 #%(n)d", n=number), Report(sent.id)))
    return Screen("\n".join(lines), buttons=rows(*buttons, per_row=5), replace=True)
