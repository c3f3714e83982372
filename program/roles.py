"""Who is who in the program, and the names the office may use for each role in a roster."""
from __future__ import annotations

from enum import StrEnum

from program.i18n import N_


class Role(StrEnum):
    STUDENT = "student"
    MENTOR = "mentor"
    TEACHER = "teacher"
    OFFICE = "office"


ROLE_LABELS = {
    Role.STUDENT: N_("student"),
    Role.MENTOR: N_("mentor"),
    Role.TEACHER: N_("teacher"),
    Role.OFFICE: N_("office"),
}

_ROLE_NAMES = {
    "student": Role.STUDENT, "学生": Role.STUDENT,
    "mentor": Role.MENTOR, "导师": Role.MENTOR,
    "teacher": Role.TEACHER, "指导教师": Role.TEACHER, "指导老师": Role.TEACHER,
    "中学指导老师": Role.TEACHER, "中学指导教师": Role.TEACHER, "教师": Role.TEACHER,
    "office": Role.OFFICE, "管理员": Role.OFFICE, "管理办公室": Role.OFFICE, "admin": Role.OFFICE,
}


def parse_role(text: str) -> Role | None:
    return _ROLE_NAMES.get(text.strip().lower())
