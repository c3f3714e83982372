"""Fixtures for emulator self-tests: a running emulator and a raw HTTP Bot API caller."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.emulator import BotApiEmulator

from .helpers import TOKEN, Api


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(token=TOKEN, bot_id=123, bot_username="yingcai_test_bot",
                              bot_first_name="英才计划助手") as emulator:
        yield emulator


@pytest.fixture
async def api(emu: BotApiEmulator) -> AsyncIterator[Api]:
    async with aiohttp.ClientSession() as session:
        yield Api(emu, session)
