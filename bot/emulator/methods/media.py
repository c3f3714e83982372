"""Bot API methods for files: sending photos and documents (uploaded or by file_id) and getFile."""

from __future__ import annotations

from typing import Any

from ..errors import ApiError
from ..model import UploadedFile
from ..params import MethodSet, Params
from ..world import World
from .checks import MAX_CAPTION, formatted
from .messages import deliver

methods = MethodSet()

MAX_DOWNLOAD = 20 * 1024 * 1024  # what getFile lets a bot download


@methods("sendPhoto")
async def send_photo(world: World, p: Params) -> dict[str, Any]:
    return _send_media(world, p, "photo")


@methods("sendDocument")
async def send_document(world: World, p: Params) -> dict[str, Any]:
    return _send_media(world, p, "document")


def _send_media(world: World, p: Params, kind: str) -> dict[str, Any]:
    if p.get("chat_id") is None:
        raise ApiError.bad_request("chat_id is empty")
    source = p.file(kind)
    if source is None:
        raise ApiError.bad_request(f"there is no {kind} in the request")
    caption, entities = formatted(p, "caption", "caption_entities", MAX_CAPTION, "message caption is too long")
    if isinstance(source, UploadedFile):
        mime = None if source.content_type == "application/octet-stream" else source.content_type
        stored = world.files.store(kind, source.data, source.filename, mime)
    else:
        known = world.files.get(str(source))
        if known is None:
            raise ApiError.bad_request("wrong file identifier/HTTP URL specified")
        if known.kind != kind:
            raise ApiError.bad_request(f"can't use file of type {known.kind.title()} as {kind.title()}")
        stored = world.files.sizes_of(known.file_id)
    return deliver(world, p, kind, caption, entities, p.string("caption"), stored)


@methods("getFile")
async def get_file(world: World, p: Params) -> dict[str, Any]:
    stored = world.files.get(p.string("file_id") or "")
    if stored is None:
        raise ApiError.bad_request("invalid file_id")
    if len(stored.data) > MAX_DOWNLOAD:
        raise ApiError.bad_request("file is too big")
    return {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data), "file_path": stored.file_path}
