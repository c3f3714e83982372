"""How a scheduled session reads: its invitation, a student's answer, and how the mentor is named."""
from __future__ import annotations

from datetime import datetime, tzinfo

from handlers.kit import Button, Ctx, Screen, rows
from handlers.kit.payloads import Stamp
from handlers.views.links import CannotCome, ChangeRsvp, WillCome
from program.i18n import Translator, format_moment
from storage.models import TrainingSession

TITLES = ("老师", "教授", "博士", "研究员")


def mentor_called(t: Translator, name: str) -> str:
    """杨晓燕老师 in Chinese (a name that already ends in a title keeps it); the name as it is in English."""
    if t.language.startswith("zh") and not name.endswith(TITLES):
        return f"{name}老师"
    return name


def when_text(t: Translator, starts_at: datetime, ends_at: datetime | None, zone: tzinfo) -> str:
    start = format_moment(starts_at.astimezone(zone), t.language)
    return f"{start}–{ends_at.astimezone(zone):%H:%M}" if ends_at else start


def invitation(t: Translator, session: TrainingSession, mentor: str, zone: tzinfo, *, moved: bool = False) -> Screen:
    """The invitation a student gets (again, with the new time, when the mentor moves the session)."""
    head = t("📅 <b>%(mentor)s moved a session to a new time</b>", mentor=mentor_called(t, mentor)) if moved else \
        t("📅 <b>%(mentor)s scheduled a session</b>", mentor=mentor_called(t, mentor))
    return Screen(head + "\n" + t("When: %(when)s\nWhere: %(place)s\nTopic: %(topic)s\nWill you come?",
                                  when=when_text(t, session.starts_at, session.ends_at, zone), place=session.place,
                                  topic=session.topic),
                  buttons=rows(Button(t("✅ I will come"), WillCome(session.id, starts(session))),
                               Button(t("❌ I cannot come"), CannotCome(session.id, starts(session)))))


def answer_line(ctx: Ctx, attending: bool | None) -> str:
    if attending is None:
        return ctx.t("Your answer: not given yet")
    return ctx.t("Your answer: ✅ coming") if attending else ctx.t("Your answer: ❌ not coming")


def answered(ctx: Ctx, session: TrainingSession, attending: bool | None, *, replace: bool = True) -> Screen:
    """The student's answer, shown with the session; changing it is offered, not done in one tap."""
    lines = [ctx.t("📅 %(when)s · %(topic)s · %(place)s", when=ctx.moment(session.starts_at), topic=session.topic,
                   place=session.place), answer_line(ctx, attending)]
    if attending:
        lines.append(ctx.t("After the session, file a growth log: it will be offered first under /log."))
    elif attending is False:
        lines.append(ctx.t("Your mentor has been told."))
    return Screen("\n".join(lines), replace=replace,
                  buttons=rows(Button(ctx.t("Change my answer"), ChangeRsvp(session.id))))


def choices(ctx: Ctx, session: TrainingSession, attending: bool | None, note: str = "") -> Screen:
    """Both answers, the current one marked with ●; `note` goes first (why the student is asked again)."""
    yes, no = ctx.t("✅ I will come"), ctx.t("❌ I cannot come")
    now = yes if attending else no if attending is False else "—"
    text = ctx.t("📅 %(when)s · %(topic)s\nYour answer now: %(answer)s. Choose:", when=ctx.moment(session.starts_at),
                 topic=session.topic, answer=now)
    shown = starts(session)
    return Screen(f"{note}\n{text}" if note else text, replace=True,
                  buttons=rows(Button(("● " if attending else "") + yes, WillCome(session.id, shown)),
                               Button(("● " if attending is False else "") + no, CannotCome(session.id, shown))))


def starts(session: TrainingSession) -> Stamp:
    """The session's start as its answer buttons carry it: a moved session's old buttons no longer answer."""
    return Stamp(int(session.starts_at.timestamp()))
