"""Bot API methods that send, edit and delete messages, and show "typing…"."""

from __future__ import annotations

from typing import Any

from ..errors import ApiError
from ..model import BotMessage, Chat, StoredFile
from ..params import MethodSet, Params
from ..world import World
from .checks import MAX_CAPTION, MAX_TEXT, check_markup, formatted, target_chat

methods = MethodSet()

NOT_MODIFIED = ("Bad Request: message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message")
CHAT_ACTIONS = {"typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
                "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note"}


def deliver(world: World, p: Params, kind: str, text: str, entities: list[dict[str, Any]], html: str | None,
            files: list[StoredFile] | None = None) -> dict[str, Any]:
    """Posts a checked message to the chat named in the request and returns it as Telegram would."""
    markup = check_markup(p.get("reply_markup"))
    chat = target_chat(world, p)
    message = world.post(chat, kind, text, entities, html, markup, _reply_to(p, chat), files)
    return world.message_dict(message)


def _reply_to(p: Params, chat: Chat) -> int | None:
    params = p.get("reply_parameters")
    reply_id = params.get("message_id") if isinstance(params, dict) else p.integer("reply_to_message_id")
    if reply_id is None:
        return None
    reply_id = int(reply_id)
    if reply_id in chat.by_id:
        return reply_id
    allow = params.get("allow_sending_without_reply") if isinstance(params, dict) \
        else p.flag("allow_sending_without_reply")
    if allow:
        return None
    raise ApiError.bad_request("message to be replied not found")


@methods("sendMessage")
async def send_message(world: World, p: Params) -> dict[str, Any]:
    if p.get("chat_id") is None:
        raise ApiError.bad_request("chat_id is empty")
    text, entities = formatted(p, "text", "entities", MAX_TEXT, "message is too long")
    if not text:
        raise ApiError.bad_request("message text is empty")
    return deliver(world, p, "text", text, entities, p.string("text"))


@methods("sendChatAction")
async def send_chat_action(world: World, p: Params) -> bool:
    chat = target_chat(world, p)
    action = p.string("action")
    if action not in CHAT_ACTIONS:
        raise ApiError.bad_request("wrong parameter action in request")
    world.show_action(chat, action)
    return True


def _editable(world: World, p: Params) -> BotMessage:
    if p.get("inline_message_id") is not None:
        raise ApiError.bad_request("the emulator does not support inline messages")
    chat = target_chat(world, p)
    message_id = p.integer("message_id")
    if message_id is None:
        raise ApiError.bad_request("message identifier is not specified")
    message = chat.by_id.get(message_id)
    if message is None or (isinstance(message, BotMessage) and message.deleted):
        raise ApiError.bad_request("message to edit not found")
    if not isinstance(message, BotMessage):
        raise ApiError.bad_request("message can't be edited")
    return message


def _edit(world: World, message: BotMessage, text: str | None, entities: list[dict[str, Any]] | None,
          html: str | None, markup: dict[str, Any] | None) -> dict[str, Any]:
    if markup is not None and "inline_keyboard" not in markup:
        raise ApiError.bad_request("inline keyboard expected")
    same_text = text is None or (text == message.text and entities == message.entities)
    if same_text and ((markup or {}).get("inline_keyboard") or []) == message.inline_keyboard:
        raise ApiError(400, NOT_MODIFIED)
    # Omitting reply_markup in an edit removes the inline keyboard, as on Telegram.
    return world.message_dict(world.edit(message, None if same_text else text, entities, html, markup))


@methods("editMessageText")
async def edit_message_text(world: World, p: Params) -> dict[str, Any]:
    text, entities = formatted(p, "text", "entities", MAX_TEXT, "message is too long")
    if not text:
        raise ApiError.bad_request("message text is empty")
    markup = check_markup(p.get("reply_markup"))
    message = _editable(world, p)
    if message.kind != "text":
        raise ApiError.bad_request("there is no text in the message to edit")
    return _edit(world, message, text, entities, p.string("text"), markup)


@methods("editMessageCaption")
async def edit_message_caption(world: World, p: Params) -> dict[str, Any]:
    caption, entities = formatted(p, "caption", "caption_entities", MAX_CAPTION, "message caption is too long")
    markup = check_markup(p.get("reply_markup"))
    message = _editable(world, p)
    if message.kind == "text":
        raise ApiError.bad_request("there is no caption in the message to edit")
    return _edit(world, message, caption, entities, p.string("caption"), markup)


@methods("editMessageReplyMarkup")
async def edit_message_reply_markup(world: World, p: Params) -> dict[str, Any]:
    markup = check_markup(p.get("reply_markup"))
    return _edit(world, _editable(world, p), None, None, None, markup)


@methods("deleteMessage")
async def delete_message(world: World, p: Params) -> bool:
    chat = target_chat(world, p)
    if not world.delete(chat, p.integer("message_id") or 0):
        raise ApiError.bad_request("message to delete not found")
    return True
