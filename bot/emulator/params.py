"""Bot API requests: reading parameters from any transport, and declaring methods where they are implemented."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from .errors import ApiError
from .model import UploadedFile
from .world import World

__all__ = ["MethodSet", "Params", "read_params"]

# Parameters that carry JSON objects; form and multipart requests send them as JSON text.
JSON_FIELDS = {"reply_markup", "allowed_updates", "commands", "entities", "caption_entities",
               "link_preview_options", "reply_parameters", "scope", "media"}


class Params:
    """Request parameters from any transport, with Telegram's lenient coercions."""

    def __init__(self, values: dict[str, Any], files: dict[str, UploadedFile]) -> None:
        self.values, self.files = values, files

    def get(self, name: str, default: Any = None) -> Any:
        value = self.values.get(name)
        return default if value is None or value == "" else value

    def integer(self, name: str, default: int | None = None) -> int | None:
        value = self.get(name)
        if value is None:
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ApiError.bad_request(f'field "{name}" must be a valid Number') from None

    def flag(self, name: str) -> bool:
        value = self.get(name, False)
        return value.lower() in {"true", "1"} if isinstance(value, str) else bool(value)

    def string(self, name: str) -> str | None:
        value = self.get(name)
        return None if value is None else str(value)

    def file(self, name: str) -> str | UploadedFile | None:
        value = self.files.get(name) or self.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            return self.files.get(value[len("attach://"):])
        return value


async def read_params(request: web.Request) -> Params:
    """Query string, JSON, form or multipart, as aiogram and python-telegram-bot send them."""
    values: dict[str, Any] = dict(request.query)
    files: dict[str, UploadedFile] = {}
    try:
        if request.content_type == "application/json":
            body = await request.json() if request.can_read_body else {}
            if not isinstance(body, dict):
                raise ApiError.bad_request("can't parse request JSON object")
            values.update(body)
        elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            for key, value in (await request.post()).items():
                if isinstance(value, web.FileField):
                    files[key] = UploadedFile(value.filename, value.content_type, value.file.read())
                else:
                    values[key] = value
    except web.HTTPRequestEntityTooLarge:
        raise ApiError(413, "Request Entity Too Large") from None
    except ValueError:
        raise ApiError.bad_request("can't parse request JSON object") from None
    for key in JSON_FIELDS & values.keys():
        if isinstance(values[key], str):
            try:
                values[key] = json.loads(values[key])
            except ValueError:
                raise ApiError.bad_request(f"can't parse {key} JSON object") from None
    return Params(values, files)


Method = Callable[[World, Params], Awaitable[Any]]


class MethodSet:
    """Bot API methods, each declared on its implementation: `@methods("sendMessage")`.

    Method names are case-insensitive on Telegram; `find` answers with the canonical spelling.
    Sets from several modules combine with `|`, and a name declared twice is an error.
    """

    def __init__(self) -> None:
        self._handlers: dict[str, Method] = {}
        self._spelling: dict[str, str] = {}  # lower case -> Telegram's spelling

    def __call__(self, *names: str) -> Callable[[Method], Method]:
        def declare(method: Method) -> Method:
            for name in names:
                self._add(name, method)
            return method
        return declare

    def __or__(self, other: MethodSet) -> MethodSet:
        combined = MethodSet()
        for name, method in [*self._handlers.items(), *other._handlers.items()]:
            combined._add(name, method)
        return combined

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.canonical(name) in self._handlers

    @property
    def names(self) -> list[str]:
        return sorted(self._handlers)

    def canonical(self, name: str) -> str:
        """Telegram's spelling of a method name written in any case (unknown names stay as they are)."""
        return self._spelling.get(name.lower(), name)

    def find(self, name: str) -> Method | None:
        return self._handlers.get(self.canonical(name))

    def _add(self, name: str, method: Method) -> None:
        if name.lower() in self._spelling:
            raise ValueError(f"Bot API method {name} is declared twice")
        self._handlers[name] = method
        self._spelling[name.lower()] = name
