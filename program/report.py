"""What the office's Excel export holds: its sheets, their column headers and the labels of values."""
from __future__ import annotations

from collections.abc import Sequence

from program.evaluations import KIND_LABELS, QUESTIONS, EvaluationKind
from program.growth_log import LogStatus
from program.i18n import N_, Translator
from program.workbook import Column

LOG_STATUS_LABELS = {
    LogStatus.SUBMITTED: N_("waiting for the teacher"),
    LogStatus.CONFIRMED: N_("confirmed"),
    LogStatus.REJECTED: N_("returned by the teacher"),
}
EVALUATION_STATUS_LABELS = {"draft": N_("Draft"), "submitted": N_("Submitted")}
CHANGE_LABELS = {"answer": N_("changed"), "submit": N_("submitted"), "resubmit": N_("submitted again"),
                 "platform": N_("marked as submitted on the platform")}
WIDE = 50  # long free text: wrapped at this width

# (title, [(header, fixed width or None)]) per sheet; titles and headers are msgids.
PEOPLE = (N_("People"), [(N_("Name"), None), (N_("Role"), None), (N_("School"), None), (N_("Subject"), None),
                         (N_("Grade"), None), (N_("Mentor"), None), (N_("Teacher"), None), (N_("Joined"), None),
                         (N_("Joined at"), None), (N_("Left the program at"), None), (N_("Reason for leaving"), None),
                         (N_("Alumni since"), None)])
SESSIONS = (N_("Sessions"), [(N_("No."), None), (N_("Mentor"), None), (N_("Time"), None), (N_("Place"), None),
                             (N_("Topic"), None), (N_("Invited students"), WIDE), (N_("Coming"), WIDE),
                             (N_("Not coming"), None), (N_("Cancelled"), None)])
LOGS = (N_("Growth logs"), [(N_("No."), None), (N_("Student"), None), (N_("School"), None), (N_("Subject"), None),
                            (N_("Activity date"), None), (N_("Activity"), None), (N_("Hours"), None),
                            (N_("What I did"), WIDE), (N_("What I learned"), WIDE),
                            (N_("Problems and next steps"), WIDE), (N_("Attachments"), None), (N_("Status"), None),
                            (N_("Confirmed by"), None), (N_("Confirmed at"), None), (N_("Reason returned"), None),
                            (N_("Submitted at"), None), (N_("Changed at"), None),
                            (N_("Submitted on the national platform at"), None)])
PROGRESS = (N_("Progress"), [(N_("Student"), None), (N_("School"), None), (N_("Subject"), None), (N_("Mentor"), None),
                             (N_("Teacher"), None), (N_("Confirmed sessions"), None),
                             (N_("Sessions waiting for confirmation"), None), (N_("Growth logs"), None),
                             (N_("Last activity"), None), (N_("Initial evaluation (初期评价)"), None),
                             (N_("Mid-term evaluation (中期评价)"), None),
                             (N_("Annual mentor evaluation (年度导师评价)"), None),
                             (N_("Research report (课题报告)"), None), (N_("Training report (培养报告)"), None),
                             (N_("Training plan"), None), (N_("Annual result"), None),
                             (N_("Left the program at"), None)])
HISTORY = (N_("Evaluation history"), [(N_("Time"), None), (N_("By"), None), (N_("Student"), None),
                                      (N_("Evaluation"), None), (N_("Action"), None), (N_("Field"), None),
                                      (N_("Before"), WIDE), (N_("After"), WIDE)])
PLANS = (N_("Training plans"), [(N_("Student"), None), (N_("School"), None), (N_("Subject"), None),
                                (N_("Version"), None), (N_("Status"), None), (N_("Written by"), None),
                                (N_("Goals"), WIDE), (N_("Reading list"), WIDE), (N_("Topic"), None),
                                (N_("Sessions by month"), None), (N_("Sessions planned"), None),
                                (N_("Submitted at"), None), (N_("Decided by"), None), (N_("Decided at"), None),
                                (N_("Reason returned"), None), (N_("Shown to the student"), None)])
RESULTS = (N_("Annual results"), [(N_("Student"), None), (N_("School"), None), (N_("Subject"), None),
                                  (N_("Interest in science (科学兴趣)"), None),
                                  (N_("Innovation and research potential (创新及科研潜质)"), None),
                                  (N_("Overall ability (综合能力)"), None),
                                  (N_("English communication (英语交流能力)"), None), (N_("Outcome"), None),
                                  (N_("Candidate for international exchange"), None), (N_("Note"), WIDE),
                                  (N_("Recorded by"), None), (N_("Recorded at"), None)])
CERTIFICATES = (N_("Certificates"), [(N_("Student"), None), (N_("School"), None), (N_("Subject"), None),
                                     (N_("Grade"), None), (N_("Mentor"), None), (N_("Outcome"), None)])


# A sheet: its title and its columns (header, width or None for the default).
SheetSpec = tuple[str, Sequence[tuple[str, int | None]]]


def columns(t: Translator, spec: Sequence[tuple[str, int | None]]) -> list[Column]:
    return [Column(t.raw(header), width) for header, width in spec]


def evaluation_sheet(kind: EvaluationKind) -> tuple[str, list[tuple[str, int | None]]]:
    """One sheet per evaluation kind: who, status, and one column per question."""
    answers = [(q.title, None if q.choices else WIDE) for q in QUESTIONS[kind]]
    return KIND_LABELS[kind], [(N_("Student"), None), (N_("School"), None), (N_("Subject"), None),
                               (N_("Mentor"), None), (N_("Status"), None), (N_("Submitted at"), None),
                               (N_("Changed at"), None), *answers,
                               (N_("Submitted on the national platform at"), None)]
