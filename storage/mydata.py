"""Everything stored about one person, gathered for /mydata (students are minors: they may see it all)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Account,
    AnnualMaterial,
    AnnualResult,
    AuditEntry,
    Broadcast,
    BroadcastRecipient,
    ConversationState,
    Evaluation,
    GrowthLog,
    Invite,
    OutboxMessage,
    Person,
    SessionInvitee,
    Supervision,
    TrainingPlan,
    TrainingPlanVersion,
    TrainingSession,
)


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def _row(obj: Any, *skip: str) -> dict[str, Any]:
    return {c.key: _plain(getattr(obj, c.key)) for c in obj.__table__.columns if c.key not in skip}


async def about(session: AsyncSession, person_id: int) -> dict[str, Any]:
    """A JSON-ready record of the person, their account, and what they wrote, received and were assessed on.

    Mentors' evaluations of a student are included once submitted; drafts are the mentor's notes until then.
    """
    person = await session.get_one(Person, person_id)
    names = dict((await session.execute(select(Person.id, Person.name))).all())
    found: dict[str, Any] = {
        "person": {**_row(person), "school": person.school.name, "roles": sorted(r.role for r in person.roles)},
        "account": [_row(a, "person_id") for a in (await session.execute(
            select(Account).where(Account.person_id == person_id))).scalars()],
        "invites": [_row(i, "code", "person_id") for i in (await session.execute(
            select(Invite).where(Invite.person_id == person_id))).scalars()],
    }
    supervision = (await session.execute(select(Supervision).where(
        or_(Supervision.student_id == person_id, Supervision.supervisor_id == person_id)))).scalars().all()
    found["supervised_by"] = [{"relation": s.relation, "name": names.get(s.supervisor_id)}
                              for s in supervision if s.student_id == person_id]
    found["supervises"] = [{"relation": s.relation, "name": names.get(s.student_id)}
                           for s in supervision if s.supervisor_id == person_id]
    logs = (await session.execute(select(GrowthLog).where(GrowthLog.student_id == person_id)
                                  .order_by(GrowthLog.activity_date))).scalars().all()
    found["growth_logs"] = [{**_row(log, "student_id"), "reviewed_by": names.get(log.reviewed_by or 0),
                             "attachments": [_row(a, "log_id", "file_id") for a in log.attachments]} for log in logs]
    found["sessions_invited"] = [
        {**_row(s, "mentor_id"), "mentor": names.get(s.mentor_id), "attending": attending}
        for s, attending in (await session.execute(
            select(TrainingSession, SessionInvitee.attending).join(
                SessionInvitee, SessionInvitee.session_id == TrainingSession.id)
            .where(SessionInvitee.student_id == person_id))).all()]
    found["evaluations_about_me"] = [
        {**_row(e, "student_id", "mentor_id"), "mentor": names.get(e.mentor_id)}
        for e in (await session.execute(select(Evaluation).where(
            Evaluation.student_id == person_id, Evaluation.status == "submitted"))).scalars()]
    plans = (await session.execute(select(TrainingPlan).where(TrainingPlan.student_id == person_id))).scalars().all()
    found["training_plans"] = [
        {**_row(p, "student_id"), "versions": [
            {**_row(v, "plan_id"), "author": names.get(v.author_id)} for v in (await session.execute(
                select(TrainingPlanVersion).where(TrainingPlanVersion.plan_id == p.id))).scalars()]}
        for p in plans]
    found["annual_materials"] = [_row(m, "student_id", "file_id") for m in (await session.execute(
        select(AnnualMaterial).where(AnnualMaterial.student_id == person_id))).scalars()]
    found["annual_results"] = [_row(r, "student_id") for r in (await session.execute(
        select(AnnualResult).where(AnnualResult.student_id == person_id))).scalars()]
    found["broadcasts_received"] = [
        {"text": b.text, "kind": b.kind, "event_at": _plain(b.event_at), "sent_at": _plain(b.sent_at), "rsvp": rsvp}
        for b, rsvp in (await session.execute(select(Broadcast, BroadcastRecipient.rsvp).join(
            BroadcastRecipient, BroadcastRecipient.broadcast_id == Broadcast.id)
            .where(BroadcastRecipient.person_id == person_id))).all()]
    found["messages_to_me"] = [_row(m, "person_id", "claim", "claimed_until", "buttons") for m in (
        await session.execute(select(OutboxMessage).where(OutboxMessage.person_id == person_id)
                              .order_by(OutboxMessage.created_at))).scalars()]
    found["unfinished_drafts"] = []
    for account in found["account"]:
        state = await session.get(ConversationState, (account["channel"], account["external_id"]))
        if state is not None and state.data:
            found["unfinished_drafts"].append({"flow": state.flow, "step": state.step, "data": state.data})
    found["written_by_me"] = {
        "evaluations": [{"student": names.get(e.student_id), "kind": e.kind, "year": e.program_year,
                         "status": e.status} for e in (await session.execute(
                             select(Evaluation).where(Evaluation.mentor_id == person_id))).scalars()],
        "logs_reviewed": len((await session.execute(select(GrowthLog.id).where(
            GrowthLog.reviewed_by == person_id))).all()),
        "office_actions": [_row(a, "actor_id") for a in (await session.execute(
            select(AuditEntry).where(AuditEntry.actor_id == person_id))).scalars()],
    }
    return found
