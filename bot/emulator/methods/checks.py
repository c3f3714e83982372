"""Telegram's checks shared by the message methods: the target chat, formatted text and keyboards."""

from __future__ import annotations

import re
from typing import Any

from ..errors import ApiError
from ..html import HtmlParseError, parse_html, trim_text, utf16_len
from ..model import Chat
from ..params import Params
from ..world import World

MAX_TEXT, MAX_CAPTION, MAX_CALLBACK_DATA = 4096, 1024, 64
MAX_INLINE_BUTTONS = 100  # Telegram's cap on one inline keyboard (TDLib answers BUTTONS_TOO_MUCH)
BUTTON_KINDS = ("callback_data", "url", "web_app", "login_url", "switch_inline_query",
                "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
                "callback_game", "pay")


def target_chat(world: World, p: Params) -> Chat:
    """The chat named by chat_id; a user who blocked the bot answers 403."""
    raw = p.get("chat_id")
    if raw is None:
        raise ApiError.bad_request("chat_id is empty")
    try:
        chat = world.find_chat(int(raw))
    except (TypeError, ValueError):
        chat = None
    if chat is None:
        raise ApiError.bad_request("chat not found")
    if chat.blocked:
        raise ApiError.blocked()
    return chat


def formatted(p: Params, key: str, entities_key: str, limit: int, too_long: str) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and entities of a text or caption, after parse_mode HTML, trimmed and within `limit`."""
    raw = p.string(key) or ""
    entities = p.get(entities_key)
    parse_mode = (p.string("parse_mode") or "").lower()
    if isinstance(entities, list):
        text = raw
    elif parse_mode == "html":
        try:
            text, entities = parse_html(raw)
        except HtmlParseError as error:
            raise ApiError.bad_request(f"can't parse entities: {error}") from None
    elif parse_mode:
        raise ApiError.bad_request(f"the emulator supports only parse_mode HTML, not {parse_mode!r}")
    else:
        text, entities = raw, []
    text, entities = trim_text(text, entities)
    if utf16_len(text) > limit:
        raise ApiError.bad_request(too_long)
    return text, entities


def check_markup(markup: Any) -> dict[str, Any] | None:
    """Validate reply_markup like Telegram and return it normalised (buttons as dicts)."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise ApiError.bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise ApiError.bad_request(
                'field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays')
        if sum(len(row) for row in rows) > MAX_INLINE_BUTTONS:
            raise ApiError.bad_request("BUTTONS_TOO_MUCH")
        return {"inline_keyboard": [[_check_inline_button(b) for b in row] for row in rows]}
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise ApiError.bad_request('field "keyboard" of the ReplyKeyboardMarkup should be an Array of Arrays')
        buttons = [[b if isinstance(b, dict) else {"text": str(b)} for b in row] for row in rows]
        if any(not str(b.get("text", "")).strip() for row in buttons for b in row):
            raise ApiError.bad_request("keyboard button text must be non-empty")
        return {**markup, "keyboard": buttons}
    if markup.get("remove_keyboard") or markup.get("force_reply"):
        return markup
    raise ApiError.bad_request("can't parse reply keyboard markup JSON object")


def _check_inline_button(button: Any) -> dict[str, Any]:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str) or not button["text"]:
        raise ApiError.bad_request("can't parse inline keyboard button: Text must be non-empty")
    kinds = [k for k in BUTTON_KINDS if k in button]
    if not kinds:
        raise ApiError.bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
    if len(kinds) > 1:
        raise ApiError.bad_request(
            "can't parse inline keyboard button: exactly one of the optional fields must be used")
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA:
            raise ApiError.bad_request("BUTTON_DATA_INVALID")
    if "url" in button and not re.match(r"(?i)(https?|tg)://\S+$", str(button["url"])):
        raise ApiError.bad_request(f"inline keyboard button URL '{button['url']}' is invalid: Wrong HTTP URL")
    return {"text": button["text"], **{k: button[k] for k in kinds}}
