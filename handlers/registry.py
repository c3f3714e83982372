"""Assembles the conversation engine from every flow module (fresh per call: tests build their own)."""
from __future__ import annotations

from handlers import (
    agenda,
    broadcast,
    evaluation,
    growth_log,
    language,
    materials,
    mentor,
    menu,
    my_logs,
    office,
    office_broadcast,
    office_export,
    office_people,
    office_plans,
    office_results,
    office_watch,
    onboarding,
    plans,
    privacy,
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
            evaluation.evaluate, teacher.teacher, office.office, broadcast.received, settings.settings,
            plans.planning, materials.materials, privacy.privacy, *office_flows()]


def office_flows() -> list[Flow]:
    return [office_watch.watch, office_people.roster, office_broadcast.notices, office_plans.decisions,
            office_results.results, office_export.exports]


def build_engine(services: Services) -> Engine:
    return Engine(services=services, flows=all_flows(), stranger=menu.stranger, fallback=menu.fallback,
                  menu_lookup=menu_view.command_for_label, keyboard=menu_view.keyboard,
                  menu_commands=menu_view.bot_commands)
