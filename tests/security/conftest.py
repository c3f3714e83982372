"""Security stories run the real engine on a real database (SQLite and PostgreSQL), like the conversation tests."""
from __future__ import annotations

import pytest

from tests.helpers import import_roster, make_engine, make_services


@pytest.fixture
async def services(sessions, clock, calendar):
    services = make_services(sessions, clock, calendar)
    await import_roster(services)
    return services


@pytest.fixture
def engine(services):
    return make_engine(services)
