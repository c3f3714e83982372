"""年度评价 (§六(三)): the materials students hand in, and the office's assessment and outcome."""
from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Iterable

from program.errors import InvalidInput, NotAllowed
from program.i18n import N_


class MaterialKind(StrEnum):
    RESEARCH_REPORT = "research_report"  # 课题报告
    TRAINING_REPORT = "training_report"  # 培养报告: reading reports, literature review, lab records, short papers


MATERIAL_LABELS = {
    MaterialKind.RESEARCH_REPORT: N_("Research report (课题报告)"),
    MaterialKind.TRAINING_REPORT: N_("Training report (培养报告)"),
}
MAX_FILES_PER_KIND = 10


class Dimension(StrEnum):
    SCIENCE_INTEREST = "science_interest"
    INNOVATION_POTENTIAL = "innovation_potential"
    OVERALL_ABILITY = "overall_ability"
    ENGLISH_COMMUNICATION = "english_communication"


DIMENSION_LABELS = {
    Dimension.SCIENCE_INTEREST: N_("Interest in science (科学兴趣)"),
    Dimension.INNOVATION_POTENTIAL: N_("Innovation and research potential (创新及科研潜质)"),
    Dimension.OVERALL_ABILITY: N_("Overall ability (综合能力)"),
    Dimension.ENGLISH_COMMUNICATION: N_("English communication (英语交流能力)"),
}


class Rating(StrEnum):
    EXCELLENT = "excellent"
    GOOD = "good"
    QUALIFIED = "qualified"
    IMPROVE = "improve"


RATING_LABELS = {
    Rating.EXCELLENT: N_("Excellent (优秀)"),
    Rating.GOOD: N_("Good (良好)"),
    Rating.QUALIFIED: N_("Qualified (合格)"),
    Rating.IMPROVE: N_("Needs improvement (待改进)"),
}


class Outcome(StrEnum):
    EXCELLENT = "excellent"
    QUALIFIED = "qualified"
    UNQUALIFIED = "unqualified"


OUTCOME_LABELS = {
    Outcome.EXCELLENT: N_("Excellent (优秀)"),
    Outcome.QUALIFIED: N_("Qualified (合格)"),
    Outcome.UNQUALIFIED: N_("Not qualified (不合格)"),
}
# Spellings the office uses in a results spreadsheet or on the command line.
_OUTCOMES = {"优秀": Outcome.EXCELLENT, "excellent": Outcome.EXCELLENT, "合格": Outcome.QUALIFIED,
             "qualified": Outcome.QUALIFIED, "不合格": Outcome.UNQUALIFIED, "unqualified": Outcome.UNQUALIFIED}
_RATINGS = {"优秀": Rating.EXCELLENT, "excellent": Rating.EXCELLENT, "a": Rating.EXCELLENT,
            "良好": Rating.GOOD, "good": Rating.GOOD, "b": Rating.GOOD,
            "合格": Rating.QUALIFIED, "qualified": Rating.QUALIFIED, "c": Rating.QUALIFIED,
            "待改进": Rating.IMPROVE, "improve": Rating.IMPROVE, "d": Rating.IMPROVE}


def parse_outcome(text: str) -> Outcome:
    try:
        return _OUTCOMES[text.strip().lower()]
    except KeyError:
        raise InvalidInput(N_("The outcome “%(value)s” is not one of 优秀, 合格, 不合格."), value=text) from None


def parse_rating(text: str) -> Rating:
    try:
        return _RATINGS[text.strip().lower()]
    except KeyError:
        raise InvalidInput(N_("The rating “%(value)s” is not one of 优秀, 良好, 合格, 待改进."), value=text) from None


def earns_certificate(outcome: Outcome) -> bool:
    """合格 and 优秀 students receive the 培养证书."""
    return outcome in (Outcome.EXCELLENT, Outcome.QUALIFIED)


def missing_materials(handed_in: Iterable[str]) -> list[MaterialKind]:
    """The checklist: which kinds still have no file."""
    have = set(handed_in)
    return [kind for kind in MaterialKind if kind.value not in have]


def ensure_upload_open(today: date, due: date) -> None:
    if today > due:
        raise NotAllowed(N_("Annual materials were due on %(due)s. Please ask the program office."), due=due)
