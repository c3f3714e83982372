"""Assembles the conversation engine from every flow module (fresh per call: tests build their own)."""
from __future__ import annotations

from handlers import (
    agenda,
    broadcast,
    evaluation,
    growth_log,
    language,
    mentor,
    menu,
    my_logs,
    office,
    onboarding,
    progress,
    school,  # noqa: F401 - importing it registers the school overview on the teacher flow
    sessions,
    settings,
    teacher,
)
from handlers.engine import Engine
from handlers.kit import Flow, Services
from handlers.views import menu as menu_view


def all_flows() -> list[Flow]:
    return [onboarding.onboarding, menu.menu, language.language, *growth_log.FLOWS, my_logs.my_logs,
            progress.progress, progress.deadlines, mentor.mentor, sessions.schedule, sessions.rsvp, agenda.agenda,
            evaluation.evaluate, teacher.teacher, office.office, broadcast.received, settings.settings]


def build_engine(services: Services) -> Engine:
    return Engine(services=services, flows=all_flows(), stranger=menu.stranger, fallback=menu.fallback,
                  menu_lookup=menu_view.command_for_label, keyboard=menu_view.keyboard,
                  menu_commands=menu_view.bot_commands)
