"""Reading the office's roster (CSV or XLSX): columns, accepted spellings, and row-by-row checks."""
from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from program.i18n import N_, Msgid
from program.roles import ROLE_LABELS, Role, parse_role
from program.text import has_invisible, size_in

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
NAME_LIMIT = 50
OFFICE_SCHOOL = "管理办公室"

COLUMNS = ("name", "role", "school", "subject", "grade", "mentor", "teacher")
HEADER_NAMES = {
    "name": "name", "姓名": "name", "名字": "name",
    "role": "role", "角色": "role", "身份": "role",
    "school": "school", "学校": "school", "单位": "school",
    "subject": "subject", "学科": "subject",
    "grade": "grade", "年级": "grade",
    "mentor": "mentor", "导师": "mentor",
    "teacher": "teacher", "指导教师": "teacher", "指导老师": "teacher", "中学指导老师": "teacher",
    "中学指导教师": "teacher",
}
SUBJECTS = {
    "物理学": "物理学", "物理": "物理学", "physics": "物理学",
    "数学": "数学", "math": "数学", "maths": "数学", "mathematics": "数学",
    "计算机科学与技术": "计算机科学与技术", "计算机": "计算机科学与技术", "computer science": "计算机科学与技术",
    "cs": "计算机科学与技术",
}
GRADES = {"高一": "高一", "高1": "高一", "10": "高一", "grade 10": "高一",
          "高二": "高二", "高2": "高二", "11": "高二", "grade 11": "高二"}
_SEPARATORS = re.compile(r"[;；、,，/]")


class RosterFileError(Exception):
    """The file as a whole cannot be read; `message` is a msgid."""

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message)
        self.message, self.params = message, params


@dataclass(frozen=True)
class RowError:
    row: int  # as the clerk sees it in Excel: the header is row 1
    message: str  # msgid
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RosterRow:
    row: int
    name: str
    role: Role
    school: str
    subject: str | None = None
    grade: str | None = None
    mentors: tuple[str, ...] = ()
    teacher: str | None = None

    @property
    def key(self) -> tuple[str, str, Role]:
        return self.name, self.school, self.role


@dataclass
class Roster:
    rows: list[RosterRow]
    errors: list[RowError]


def read_table(data: bytes, filename: str) -> list[list[str]]:
    """Cells of the first sheet (XLSX) or of the CSV, as text."""
    if len(data) > MAX_FILE_BYTES:
        raise RosterFileError(N_("The file is %(size)s KB; a roster can be at most %(limit)d KB."),
                              size=size_in(len(data), 1024), limit=MAX_FILE_BYTES // 1024)
    if filename.lower().endswith((".xlsx", ".xlsm")):
        return _read_xlsx(data)
    if filename.lower().endswith(".xls"):
        raise RosterFileError(N_("Old Excel files (.xls) cannot be read. Please save the roster as .xlsx or .csv."))
    return _read_csv(data)


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise RosterFileError(N_("This file could not be opened as an Excel workbook.")) from None
    sheet = book.worksheets[0]
    table = []
    for values in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2):
        table.append([_cell(v) for v in values])
    book.close()
    return table


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_csv(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK by default
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RosterFileError(N_("The file's text encoding is not UTF-8 or GBK."))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t，")
    except csv.Error:
        dialect = csv.excel
    try:  # universal newlines: a lone CR (old Mac files, or noise) ends a line instead of breaking the reader
        return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text, newline=None), dialect)]
    except csv.Error as error:
        raise RosterFileError(N_("This file could not be read as a CSV table (%(error)s)."), error=str(error)) from None


def parse_roster(table: list[list[str]], known_mentors: Iterable[tuple[str, str]] = (),
                 known_teachers: Iterable[tuple[str, str]] = (),
                 known_roles: Mapping[tuple[str, str], Iterable[Role]] | None = None) -> Roster:
    """Checks every row; good rows are kept even when others are wrong.

    `known_mentors` and `known_teachers` ((name, school) pairs) are people already in the database,
    so a later file may refer to mentors imported earlier; `known_roles` are everyone's roles there,
    so a new student row cannot merge with a teacher already imported under the same name.
    """
    table = [row for row in table]
    while table and not any(table[0]):
        table.pop(0)
    if not table:
        raise RosterFileError(N_("The file is empty."))
    header = [HEADER_NAMES.get(h.strip().lower()) for h in table[0]]
    missing = [c for c in ("name", "role", "school") if c not in header]
    if missing:
        raise RosterFileError(N_("The first row must name the columns; missing: %(columns)s. "
                                 "Expected: name,role,school,subject,grade,mentor,teacher "
                                 "(or 姓名,角色,学校,学科,年级,导师,指导教师)."),
                              columns=", ".join(missing))
    if len(table) - 1 > MAX_ROWS:
        raise RosterFileError(N_("The roster has more than %(limit)d rows."), limit=MAX_ROWS)
    rows: list[RosterRow] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str, Role], int] = {}
    for number, cells in enumerate(table[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        record = {column: cells[i].strip() if i < len(cells) else "" for i, column in enumerate(header) if column}
        row, problem = _check_row(number, record)
        if problem is not None:
            errors.append(problem)
            continue
        assert row is not None
        if row.key in seen:
            errors.append(RowError(number, N_("the same person and role as row %(other)d"), {"other": seen[row.key]}))
            continue
        seen[row.key] = number
        rows.append(row)
    rows = _one_person_per_name(rows, errors, known_roles or {})
    mentor_pairs = {(r.name, r.school) for r in rows if r.role is Role.MENTOR} | set(known_mentors)
    mentors = Counter(name for name, _ in mentor_pairs)
    teachers = {(r.name, r.school) for r in rows if r.role is Role.TEACHER} | set(known_teachers)
    checked: list[RosterRow] = []
    for row in rows:
        problem = _check_links(row, mentors, teachers)
        if problem is not None:
            errors.append(problem)
        else:
            checked.append(row)
    errors.sort(key=lambda e: e.row)
    return Roster(checked, errors)


COLUMN_LABELS = {"name": N_("name"), "role": N_("role"), "school": N_("school"), "subject": N_("subject"),
                 "grade": N_("grade"), "mentor": N_("mentor"), "teacher": N_("teacher")}
TWO_PEOPLE = N_("the same name and school as the %(role)s in row %(other)d. Two different people? Give one of them "
                "a distinguishing mark, for example “%(example)s”")
TWO_PEOPLE_KNOWN = N_("the same name and school as a %(role)s already imported. Two different people? Give one of "
                      "them a distinguishing mark, for example “%(example)s”")


def _one_person_per_name(rows: list[RosterRow], errors: list[RowError],
                         known: Mapping[tuple[str, str], Iterable[Role]]) -> list[RosterRow]:
    """A name + school is one person, so a student row and a staff row there are two people who look alike.

    Merging them would let a student confirm their own logs, and the second real person could never join.
    The student row is refused (staff rows are what other rows refer to); roles of staff still add up.
    """
    staff_rows = {(r.name, r.school): r for r in rows if r.role is not Role.STUDENT}
    kept = []
    for row in rows:
        key = (row.name, row.school)
        before = set(known.get(key, ()))
        example = f"{row.name}A"
        if row.role is Role.STUDENT and key in staff_rows:
            other = staff_rows[key]
            errors.append(RowError(row.row, TWO_PEOPLE, {"role": Msgid(ROLE_LABELS[other.role]), "other": other.row,
                                                         "example": example}))
        elif row.role is Role.STUDENT and before - {Role.STUDENT}:
            role = sorted(before - {Role.STUDENT})[0]
            errors.append(RowError(row.row, TWO_PEOPLE_KNOWN, {"role": Msgid(ROLE_LABELS[role]), "example": example}))
        elif row.role is not Role.STUDENT and Role.STUDENT in before:
            errors.append(RowError(row.row, TWO_PEOPLE_KNOWN, {"role": Msgid(ROLE_LABELS[Role.STUDENT]),
                                                                "example": example}))
        else:
            kept.append(row)
    return kept


def _check_row(number: int, record: dict[str, str]) -> tuple[RosterRow | None, RowError | None]:
    for column, value in record.items():
        if has_invisible(value.strip()):  # NUL and friends: the database refuses them, and they hide in names
            return None, RowError(number, N_("the %(column)s cell contains an invisible control character; please "
                                             "retype it"), {"column": Msgid(COLUMN_LABELS[column])})
    name = " ".join(record.get("name", "").split())
    if not name:
        return None, RowError(number, N_("the name is empty"))
    if len(name) > NAME_LIMIT:
        return None, RowError(number, N_("the name is longer than %(limit)d characters"), {"limit": NAME_LIMIT})
    role = parse_role(record.get("role", ""))
    if role is None:
        return None, RowError(number, N_("unknown role “%(value)s” "
                                         "(use student/mentor/teacher/office or 学生/导师/指导教师/管理员)"),
                              {"value": record.get("role", "")})
    school = " ".join(record.get("school", "").split()) or (OFFICE_SCHOOL if role is Role.OFFICE else "")
    if not school:
        return None, RowError(number, N_("the school is empty"))
    if len(school) > 100:
        return None, RowError(number, N_("the school name is too long"))
    subject_raw = record.get("subject", "").strip()
    subject = SUBJECTS.get(subject_raw.lower()) if subject_raw else None
    if subject_raw and subject is None:
        return None, RowError(number, N_("unknown subject “%(value)s” (物理学, 数学 or 计算机科学与技术)"),
                              {"value": subject_raw})
    grade = None
    mentors: tuple[str, ...] = ()
    teacher = None
    if role is Role.STUDENT:
        if subject is None:
            return None, RowError(number, N_("a student needs a subject"))
        grade_raw = record.get("grade", "").strip()
        grade = GRADES.get(grade_raw.lower())
        if grade is None:
            return None, RowError(number, N_("unknown grade “%(value)s” (高一 or 高二)"), {"value": grade_raw})
        mentors = tuple(dict.fromkeys(m.strip() for m in _SEPARATORS.split(record.get("mentor", "")) if m.strip()))
        if not mentors:
            return None, RowError(number, N_("a student needs a mentor"))
        teacher = record.get("teacher", "").strip() or None
        if teacher is None:
            return None, RowError(number, N_("a student needs a guidance teacher"))
    return RosterRow(number, name, role, school, subject, grade, mentors, teacher), None


def _check_links(row: RosterRow, mentors: Counter[str], teachers: set[tuple[str, str]]) -> RowError | None:
    if row.role is not Role.STUDENT:
        return None
    for mentor in row.mentors:
        if mentors[mentor] == 0:
            return RowError(row.row, N_("mentor “%(value)s” is not in the roster"), {"value": mentor})
        if mentors[mentor] > 1:  # two professors of one name: guessing would hand students to the wrong one
            return RowError(row.row, N_("several mentors are called “%(value)s”; the roster cannot tell which one "
                                        "is meant"), {"value": mentor})
    if row.teacher and (row.teacher, row.school) not in teachers:
        return RowError(row.row, N_("teacher “%(value)s” is not in the roster at %(school)s"),
                        {"value": row.teacher, "school": row.school})
    return None
