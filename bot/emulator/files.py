"""Files the fake Telegram keeps: by file_id for the API, by path for downloads, photos with their sizes."""

from __future__ import annotations

import itertools
import mimetypes
import secrets
from collections.abc import Iterator, Mapping
from pathlib import PurePosixPath
from typing import Any

from .model import StoredFile

__all__ = ["FileStore"]

PHOTO_SIZES = ((90, 68), (320, 240), (800, 600))


class FileStore(Mapping[str, StoredFile]):
    """A read-only mapping of file_id to file; `store` and `add` are the only ways in."""

    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._photo_sets: dict[str, list[str]] = {}
        self._numbers = itertools.count(1)

    def __getitem__(self, file_id: str) -> StoredFile:
        return self._by_id[file_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_id)

    def __len__(self) -> int:
        return len(self._by_id)

    def store(self, kind: str, data: bytes, file_name: str | None = None,
              mime_type: str | None = None) -> list[StoredFile]:
        """Store content; photos get several sizes that share the bytes, like Telegram's thumbnails."""
        n = next(self._numbers)
        if kind == "photo":
            sizes = [StoredFile(f"AgACAgUAAxk{n:06d}{index}{secrets.token_urlsafe(12)}", f"AQAD{n:06d}{index}",
                                "photo", data, f"photos/file_{n}_{index}.jpg", width=w, height=h)
                     for index, (w, h) in enumerate(PHOTO_SIZES)]
            for size in sizes:
                self.add(size)
                self._photo_sets[size.file_id] = [s.file_id for s in sizes]
            return sizes
        mime_type = mime_type or mimetypes.guess_type(file_name or "")[0] or "application/octet-stream"
        ext = PurePosixPath(file_name or "").suffix.lower() or mimetypes.guess_extension(mime_type) or ".bin"
        stored = StoredFile(f"BQACAgUAAxk{n:06d}{secrets.token_urlsafe(12)}", f"AgAD{n:06d}", "document",
                            data, f"documents/file_{n}{ext}", file_name, mime_type)
        self.add(stored)
        return [stored]

    def add(self, stored: StoredFile) -> None:
        """Keep a file made elsewhere (e.g. one restored from an earlier run) under its own id and path."""
        self._by_id[stored.file_id] = self._by_path[stored.file_path] = stored

    def at_path(self, file_path: str) -> StoredFile | None:
        return self._by_path.get(file_path)

    def sizes_of(self, file_id: str) -> list[StoredFile]:
        """All sizes of the photo this file_id belongs to (just the file for a document)."""
        return [self._by_id[f] for f in self._photo_sets.get(file_id, [file_id])]

    @staticmethod
    def media(stored: list[StoredFile]) -> dict[str, Any]:
        """The `photo` or `document` field of a Message carrying these files."""
        if stored[0].kind == "photo":
            return {"photo": [{"file_id": s.file_id, "file_unique_id": s.file_unique_id,
                               "file_size": len(s.data), "width": s.width, "height": s.height} for s in stored]}
        s = stored[0]
        doc = {"file_id": s.file_id, "file_unique_id": s.file_unique_id, "file_size": len(s.data)}
        doc.update({k: v for k, v in (("file_name", s.file_name), ("mime_type", s.mime_type)) if v})
        return {"document": doc}
