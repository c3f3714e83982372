"""How a growth log reads: in a list, in full (the review, a mentor's or teacher's view), for the platform."""
from __future__ import annotations

from datetime import date
from typing import Any

from handlers.kit import Ctx, FileRef, Screen, esc
from program.growth_log import ACTIVITY_LABELS, ActivityKind, EditCheck, LogStatus, claims_session
from program.i18n import N_, Msgid, Translator
from storage.models import GrowthLog

TEXT_PARTS = {
    "did": (N_("What did you do?"), N_("What I did")),
    "learned": (N_("What did you learn?"), N_("What I learned")),
    "next": (N_("Any problems? What will you do next?"), N_("Problems and next steps")),
}
STATUS_ICONS = {"confirmed": "✅", "rejected": "↩️", "submitted": "⏳"}


def activity_label(t: Translator, kind: str | None) -> str:
    return t.raw(ACTIVITY_LABELS[ActivityKind(kind)]) if kind else "—"


def status_icon(log: GrowthLog) -> str:
    """✅ confirmed, ⏳ waiting, ↩️ sent back; 📓 a diary entry that needs no teacher."""
    return STATUS_ICONS[log.status] if claims_session(ActivityKind(log.kind)) else "📓"


def log_button_label(ctx: Ctx, log: GrowthLog) -> str:
    """How a filed log reads in a list: status, day, kind."""
    day = ctx.day(log.activity_date, year=log.activity_date.year != ctx.today().year)
    return f"{status_icon(log)} {day} {activity_label(ctx.t, log.kind)}"


def edit_facts(log: GrowthLog) -> EditCheck:
    return EditCheck(LogStatus(log.status), log.submitted_at, log.reviewed_at)


def hours_text(hours: float | None) -> str:
    return "—" if not hours else format(hours, "g")


def files_line(ctx: Ctx, files: list[dict[str, Any]]) -> str:
    photos = sum(1 for f in files if f["kind"] == "photo")
    documents = len(files) - photos
    parts = []
    if photos:
        parts.append(ctx.t.plural("%(n)d photo", "%(n)d photos", photos))
    if documents:
        parts.append(ctx.t.plural("%(n)d file", "%(n)d files", documents))
    return ctx.t("Attached: %(list)s", list=ctx.t(", ").join(parts) if parts else "—")


def summary(ctx: Ctx, draft: dict[str, Any]) -> str:
    """A log or a draft in full: kind, date, hours, the three parts, the files."""
    lines = [ctx.t("Kind: %(kind)s", kind=activity_label(ctx.t, draft.get("kind"))),
             ctx.t("Date: %(day)s", day=ctx.day(date.fromisoformat(draft["date"]), year=True)
                   if draft.get("date") else "—"),
             ctx.t("Hours: %(hours)s", hours=hours_text(draft.get("hours")))]
    for part, (_, title) in TEXT_PARTS.items():
        lines.append(f"\n<b>{ctx.t(title)}</b>\n{esc(draft.get(part) or '—')}")
    lines.append("\n" + files_line(ctx, draft.get("files", [])))
    return "\n".join(lines)


def draft_of(log: GrowthLog) -> dict[str, Any]:
    """A filed log in the shape of a draft, for the same summary and for editing."""
    return {"log_id": log.id, "kind": log.kind, "date": log.activity_date.isoformat(), "did": log.did,
            "learned": log.learned, "next": log.next_steps, "hours": log.hours, "session_id": log.session_id,
            "files": [FileRef(a.kind, a.file_id, a.file_unique_id, a.file_name, a.mime_type, a.size).to_dict()
                      for a in log.attachments]}


def attachment_screens(log: GrowthLog) -> list[Screen]:
    return [Screen("", attachment=FileRef(a.kind, a.file_id, a.file_unique_id, a.file_name, a.mime_type, a.size))
            for a in log.attachments]


def status_line(ctx: Ctx, log: GrowthLog) -> str:
    if not claims_session(ActivityKind(log.kind)):
        return ctx.t("📓 Diary entry (no confirmation needed)")
    if log.status == LogStatus.CONFIRMED.value and log.reviewed_at is not None:
        return ctx.t("✅ Confirmed by your teacher on %(day)s",
                     day=ctx.day(log.reviewed_at.astimezone(ctx.services.zone).date()))
    if log.status == LogStatus.REJECTED.value:
        return ctx.t("↩️ Sent back by your teacher: %(reason)s\nChange it and it goes back for confirmation.",
                     reason=log.reject_reason or "—")
    return ctx.t("⏳ Waiting for your teacher to confirm")


def platform_text(ctx: Ctx, log: GrowthLog) -> str:
    """The log laid out in the national platform's fields, to paste there."""
    parts = [ctx.t("Activity: %(kind)s", kind=activity_label(ctx.t, log.kind)),
             ctx.t("Date: %(day)s", day=log.activity_date.isoformat()),
             ctx.t("Hours: %(hours)s", hours=hours_text(log.hours))]
    for part, value in (("did", log.did), ("learned", log.learned), ("next", log.next_steps)):
        if value:
            parts.append(ctx.t("%(title)s:\n%(value)s", title=Msgid(TEXT_PARTS[part][1]), value=value))
    return "\n".join(parts)
