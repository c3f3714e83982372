"""Bot API methods about the bot itself: getMe, its command menus, answers to button taps, start-up calls."""

from __future__ import annotations

import json
import re
from typing import Any

from ..errors import ApiError
from ..model import CallbackAnswer
from ..params import MethodSet, Params
from ..world import World

methods = MethodSet()

QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


def scope_key(scope: Any) -> str:
    return json.dumps(scope or {"type": "default"}, sort_keys=True)


@methods("getMe")
async def get_me(world: World, p: Params) -> dict[str, Any]:
    return {**world.bot_user, "can_join_groups": True, "can_read_all_group_messages": False,
            "supports_inline_queries": False, "can_connect_to_business": False, "has_main_web_app": False}


# Harmless calls bots make at start-up and shutdown; answering true keeps them from crashing.
@methods("close", "logOut", "setMyDescription", "setMyShortDescription", "setMyName", "setChatMenuButton",
         "setMyDefaultAdministratorRights")
async def accept(world: World, p: Params) -> bool:
    return True


@methods("setMyCommands")
async def set_my_commands(world: World, p: Params) -> bool:
    commands = p.get("commands")
    if not isinstance(commands, list):
        raise ApiError.bad_request("parameter \"commands\" is required")
    if len(commands) > 100:
        raise ApiError.bad_request("too many commands specified")
    for c in commands:
        if not isinstance(c, dict) or not re.fullmatch(r"[a-z0-9_]{1,32}", str(c.get("command", ""))):
            raise ApiError.bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(c.get("description", "")).strip()) <= 256:
            raise ApiError.bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    key = (scope_key(p.get("scope")), p.string("language_code") or "")
    world.commands[key] = [{"command": c["command"], "description": c["description"]} for c in commands]
    return True


@methods("getMyCommands")
async def get_my_commands(world: World, p: Params) -> list[dict[str, str]]:
    return world.commands.get((scope_key(p.get("scope")), p.string("language_code") or ""), [])


@methods("deleteMyCommands")
async def delete_my_commands(world: World, p: Params) -> bool:
    world.commands.pop((scope_key(p.get("scope")), p.string("language_code") or ""), None)
    return True


@methods("answerCallbackQuery")
async def answer_callback_query(world: World, p: Params) -> bool:
    answer = CallbackAnswer(p.string("callback_query_id") or "", p.string("text"), p.flag("show_alert"),
                            p.string("url"), p.integer("cache_time", 0) or 0)
    if not world.answer_query(answer):
        raise ApiError(400, QUERY_TOO_OLD)
    return True
