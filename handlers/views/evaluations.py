"""How an evaluation's answers read, wherever they are shown (the mentor's review, the office's history)."""
from __future__ import annotations

from handlers.kit import Ctx
from program.evaluations import Question


def answer_text(ctx: Ctx, q: Question, value: str | None) -> str:
    if value is None:
        return "—"
    if q.choices:
        return ctx.t(dict(q.choices).get(value, value))
    return value
