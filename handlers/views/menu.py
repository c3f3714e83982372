"""The main menu for each role: the persistent keyboard, the "/" command list, and what strangers see."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from handlers.kit import Ctx, Screen
from program.i18n import LANGUAGES, N_, translator
from program.roles import Role


@dataclass(frozen=True)
class MenuEntry:
    label: str  # msgid, shown on the persistent keyboard
    command: str
    roles: frozenset[Role]
    help: str  # msgid, one line in /help


_S, _M, _T, _O = (frozenset({r}) for r in (Role.STUDENT, Role.MENTOR, Role.TEACHER, Role.OFFICE))
EVERYONE = frozenset(Role)

MENU: tuple[MenuEntry, ...] = (
    MenuEntry(N_("📝 New growth log"), "log", _S, N_("/log: file a growth log after a training activity")),
    MenuEntry(N_("📚 My logs"), "mylogs", _S, N_("/mylogs: read and edit the logs you filed")),
    MenuEntry(N_("⏰ Deadlines"), "deadlines", _S | _T | _M, N_("/deadlines: what is due and how many days are left")),
    MenuEntry(N_("📈 My progress"), "progress", _S, N_("/progress: confirmed sessions, logs and evaluations")),
    MenuEntry(N_("👥 My students"), "students", _M, N_("/students: your students, their sessions and logs")),
    MenuEntry(N_("📅 Schedule a session"), "schedule", _M, N_("/schedule: schedule a session with your students")),
    MenuEntry(N_("🗓 My schedule"), "agenda", _S | _M, N_("/agenda: coming sessions; answer, move or cancel")),
    MenuEntry(N_("🧾 Evaluations"), "evaluate", _M, N_("/evaluate: initial, mid-term and annual evaluations")),
    MenuEntry(N_("✅ To confirm"), "confirm", _T, N_("/confirm: confirm or reject your students' activities")),
    MenuEntry(N_("🏫 My school"), "school", _T, N_("/school: your school's students and who is behind")),
    MenuEntry(N_("📂 Annual materials"), "materials", _S, N_("/materials: hand in the 课题报告 and 培养报告")),
    MenuEntry(N_("📋 Training plan"), "plan", _S | _M, N_("/plan: the training plan (培养计划) for the year")),
    MenuEntry(N_("📊 Overview"), "overview", _O, N_("/overview: students, logs, sessions and evaluations by school")),
    MenuEntry(N_("🧑‍🎓 Students"), "people", _O, N_("/people: invites, moving a student, marking one as left")),
    MenuEntry(N_("📢 Notices"), "broadcast", _O, N_("/broadcast: a notice or an event to a group, with its delivery")),
    MenuEntry(N_("📋 Plans to decide"), "plans", _O, N_("/plans: training plans waiting for the office")),
    MenuEntry(N_("🎓 Annual results"), "results", _O, N_("/results: record a student's annual result")),
    MenuEntry(N_("📤 Export"), "export", _O, N_("/export: everything as an Excel workbook; the audit trail")),
    MenuEntry(N_("🌐 Language"), "language", EVERYONE, N_("/language: 中文 or English")),
    MenuEntry(N_("⚙️ Settings"), "settings", EVERYONE, N_("/settings: quiet hours and which reminders you get")),
    MenuEntry(N_("🔒 Privacy"), "privacy", EVERYONE,
              N_("/privacy: what is stored and who sees it; /mydata: all of it")),
    MenuEntry(N_("❓ Help"), "help", EVERYONE, N_("/help: this list")),
)


def entries_for(roles: frozenset[Role], available: set[str] | None = None) -> list[MenuEntry]:
    return [e for e in MENU if e.roles & roles and (available is None or e.command in available)]


@lru_cache(maxsize=None)
def _labels() -> dict[str, str]:
    found: dict[str, str] = {}
    for language in LANGUAGES:
        t = translator(language)
        for entry in MENU:
            found[t.raw(entry.label)] = entry.command
    return found


def command_for_label(text: str) -> str | None:
    """A tap on the persistent keyboard arrives as its label, in either language."""
    return _labels().get(text)


def keyboard(ctx: Ctx) -> tuple[tuple[str, ...], ...]:
    labels = [ctx.t.raw(e.label) for e in entries_for(ctx.roles, ctx.services.commands)]
    return tuple(tuple(labels[i:i + 2]) for i in range(0, len(labels), 2))


def main_menu(ctx: Ctx, text: str | None = None) -> Screen:
    name = ctx.me.name
    return Screen(text or ctx.t("What would you like to do, %(name)s? Choose below.", name=name),
                  menu=keyboard(ctx))


def bot_commands(language: str, available: set[str]) -> list[tuple[str, str]]:
    """The "/" menu Telegram shows, in one language, for the commands this deployment has."""
    t = translator(language)
    listed = [(e.command, t.raw(e.label)) for e in MENU if e.command in available]
    listed.append(("cancel", t.raw("✖️ Cancel")))
    return listed


def stranger_screen(ctx: Ctx) -> Screen:
    t = translator(ctx.incoming.language)
    if ctx.incoming.channel == "dingtalk":  # no links to open there: people join by sending their code
        return Screen(t("Hello! This is the assistant of the 英才计划 (Youth Science & Technology Innovation "
                        "Talent Program), for people on the program's roster. To join, send me the invite code "
                        "your teacher or the program office gave you (or “绑定 code”)."))
    return Screen(t("Hello! This is the assistant of the 英才计划 (Youth Science & Technology Innovation "
                    "Talent Program). It works for people on the program's roster: please open the invite "
                    "link your teacher or the program office gave you."))
