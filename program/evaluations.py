"""Mentor evaluations (初期, 中期, 年度): their questions, windows and the rules for changing them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from program.calendar import ProgramYear, Window
from program.errors import InvalidInput, NotAllowed
from program.i18n import N_, Msgid


class EvaluationKind(StrEnum):
    INITIAL = "initial"
    MIDTERM = "midterm"
    ANNUAL = "annual"


KIND_LABELS = {
    EvaluationKind.INITIAL: N_("Initial evaluation (初期评价)"),
    EvaluationKind.MIDTERM: N_("Mid-term evaluation (中期评价)"),
    EvaluationKind.ANNUAL: N_("Annual mentor evaluation (年度导师评价)"),
}
KIND_WINDOWS = {
    EvaluationKind.INITIAL: Window.INITIAL_EVALUATION,
    EvaluationKind.MIDTERM: Window.MIDTERM_EVALUATION,
    EvaluationKind.ANNUAL: Window.ANNUAL_MENTOR_EVALUATION,
}


@dataclass(frozen=True)
class Question:
    key: str
    prompt: str  # msgid
    title: str  # msgid, the field's name in summaries and the platform copy
    choices: tuple[tuple[str, str], ...] = ()  # (value, label msgid); empty = free text
    limit: int = 1000
    optional: bool = False


RATINGS = (("excellent", N_("Excellent (优秀)")), ("good", N_("Good (良好)")),
           ("qualified", N_("Qualified (合格)")), ("improve", N_("Needs improvement (待改进)")))
PASS_FAIL = (("pass", N_("Pass (合格)")), ("fail", N_("Fail (不合格): leaves the program")))
RECOMMENDATIONS = (("excellent", N_("Excellent (优秀)")), ("qualified", N_("Qualified (合格)")),
                   ("unqualified", N_("Not qualified (不合格)")))
YES_NO = (("yes", N_("Yes")), ("no", N_("No")))

QUESTIONS: dict[EvaluationKind, tuple[Question, ...]] = {
    EvaluationKind.INITIAL: (
        Question("status", N_("培养状态 — how is the student doing in training?"), N_("Training status (培养状态)"),
                 RATINGS),
        Question("status_note", N_("One sentence on the training status."), N_("On the training status"), limit=300),
        Question("topic", N_("课题选题 — the research topic's title."), N_("Research topic (课题选题)"), limit=100),
        Question("topic_note", N_("One line on the topic: what question will the student work on?"),
                 N_("About the topic"), limit=300),
        Question("progress", N_("进展 — progress from January to March."), N_("Progress (进展)")),
        Question("comments", N_("评价意见 — your comments."), N_("Comments (评价意见)")),
    ),
    EvaluationKind.MIDTERM: (
        Question("result", N_("Does the student pass the mid-term evaluation?"), N_("Result"), PASS_FAIL),
        Question("comment", N_("Your comment on the first half-year."), N_("Comment")),
        Question("goals", N_("Goals for the second half of the year."), N_("Goals for the second half")),
    ),
    EvaluationKind.ANNUAL: (
        Question("comment", N_("Your comment on the student's year."), N_("Comment")),
        Question("recommendation", N_("Your recommendation."), N_("Recommendation"), RECOMMENDATIONS),
        Question("international", N_("Nominate the student for international exchange?"),
                 N_("Nominated for international exchange"), YES_NO),
    ),
}


class EvaluationStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


def question(kind: EvaluationKind, key: str) -> Question:
    for q in QUESTIONS[kind]:
        if q.key == key:
            return q
    raise InvalidInput(N_("Please use the buttons below."))


def check_answer(q: Question, value: str) -> str:
    value = value.strip()
    if q.choices:
        if value not in {v for v, _ in q.choices}:
            raise InvalidInput(N_("Please use the buttons below."))
        return value
    if not value:
        raise InvalidInput(N_("That message is empty. Please write a few words."))
    if len(value) > q.limit:
        raise InvalidInput(N_("That is %(length)d characters; this answer can be at most %(limit)d. "
                              "Nothing was saved from it: please shorten it and send it again."),
                           length=len(value), limit=q.limit)
    return value


def missing_answers(kind: EvaluationKind, answers: dict[str, str]) -> list[Question]:
    return [q for q in QUESTIONS[kind] if not q.optional and not answers.get(q.key)]


@dataclass(frozen=True)
class OpenWindow:
    opens: date
    closes: date

    def contains(self, today: date) -> bool:
        return self.opens <= today <= self.closes

    def state(self, today: date) -> str:
        """"open", "not yet" or "closed"."""
        return "open" if self.contains(today) else "not yet" if today < self.opens else "closed"


def evaluation_window(kind: EvaluationKind, year: ProgramYear) -> OpenWindow:
    return OpenWindow(*year.window(KIND_WINDOWS[kind]))


def current_kind(year: ProgramYear, today: date) -> EvaluationKind | None:
    """The evaluation whose window is open today; None between windows ("current" means open now)."""
    for kind in EvaluationKind:
        if evaluation_window(kind, year).contains(today):
            return kind
    return None


def next_kind(year: ProgramYear, today: date) -> EvaluationKind | None:
    """The evaluation whose window opens next this year, if any."""
    for kind in EvaluationKind:
        if today < evaluation_window(kind, year).opens:
            return kind
    return None


def evaluated_period(kind: EvaluationKind, year: ProgramYear, today: date) -> tuple[date, date]:
    """What the mentor looks back on: January–March for the initial one, the year so far otherwise."""
    start, end = year.training
    if kind is EvaluationKind.INITIAL:
        return start, evaluation_window(kind, year).opens.replace(day=1) - timedelta(days=1)
    return start, min(today, end)


def ensure_window_open(kind: EvaluationKind, window: OpenWindow, today: date,
                       reopened: OpenWindow | None = None) -> None:
    """Evaluations are written and changed only while their window (or the office's reopening) is open."""
    if window.contains(today) or (reopened is not None and reopened.contains(today)):
        return
    if today < window.opens:
        raise NotAllowed(N_("The %(kind)s opens on %(opens)s and closes on %(closes)s."),
                         kind=Msgid(KIND_LABELS[kind]), opens=window.opens, closes=window.closes)
    raise NotAllowed(N_("The %(kind)s closed on %(closes)s (it was open from %(opens)s). "
                        "The program office can reopen it for you."),
                     kind=Msgid(KIND_LABELS[kind]), opens=window.opens, closes=window.closes)
