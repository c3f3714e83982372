"""What the emulator forgets on exit, kept beside the sandbox database: the clock's jump and the files people sent."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Collection
from pathlib import Path
from typing import Any

from bot.emulator import StoredFile
from bot.emulator.files import FileStore

MAX_OFFSET_SECONDS = 20 * 365 * 86400  # anything further is a damaged state file, not a jump


class Keeper:
    """Reads and writes `state.json` (the clock) and `files.json` with its blobs in `folder` (None: keep nothing)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._kept: set[str] = set()

    # ---- the clock: the growth logs are dated by it, so a restart must not jump back ---------------

    def clock_offset(self) -> float | None:
        """Seconds the sandbox clock was ahead of real time (negative: behind) when it was last moved."""
        offset = self._load_state().get("clock_offset_seconds")
        return float(offset) if isinstance(offset, (int, float)) and abs(offset) < MAX_OFFSET_SECONDS else None

    def save_clock_offset(self, seconds: float) -> None:
        self._save_state({"clock_offset_seconds": seconds})

    def _load_state(self) -> dict[str, Any]:
        try:
            return json.loads((self.folder / "state.json").read_text("utf-8")) if self.folder else {}
        except (OSError, ValueError):
            return {}

    def _save_state(self, values: dict[str, Any]) -> None:
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / "state.json.tmp"
        tmp.write_text(json.dumps({**self._load_state(), **values}), "utf-8")
        tmp.replace(self.folder / "state.json")

    # ---- files: the emulator forgets them on exit, the growth logs keep their ids --------------------

    def keep_files(self, files: FileStore, skip: Collection[str] = ()) -> None:
        """Writes files not kept yet (photos, documents sent through the page), for the next start."""
        folder = self.folder
        if folder is None:
            return
        new = {fid: f for fid, f in files.items() if fid not in self._kept and fid not in skip}
        if not new:
            return
        (folder / "files").mkdir(parents=True, exist_ok=True)
        index_path = folder / "files.json"
        try:
            index = json.loads(index_path.read_text("utf-8"))
        except (OSError, ValueError):
            index = {}
        for file_id, stored in new.items():
            digest = hashlib.sha256(stored.data).hexdigest()
            blob = folder / "files" / digest
            if not blob.exists():
                blob.write_bytes(stored.data)
            index[file_id] = {"unique": stored.file_unique_id, "kind": stored.kind, "path": stored.file_path,
                              "name": stored.file_name, "mime": stored.mime_type, "width": stored.width,
                              "height": stored.height, "blob": digest}
            self._kept.add(file_id)
        tmp = folder / "files.json.tmp"
        tmp.write_text(json.dumps(index, ensure_ascii=False), "utf-8")
        tmp.replace(index_path)

    def restore_files(self, files: FileStore) -> None:
        """Puts the kept files back into a fresh emulator under their old ids."""
        folder = self.folder
        try:
            index = json.loads((folder / "files.json").read_text("utf-8")) if folder else {}
        except (OSError, ValueError):
            return
        for file_id, info in index.items():
            try:
                data = (folder / "files" / str(info["blob"])).read_bytes()  # type: ignore[operator]
            except (OSError, KeyError, TypeError):
                continue
            files.add(StoredFile(file_id, info.get("unique") or file_id, info.get("kind", "document"), data,
                                 info.get("path") or f"documents/{file_id}", info.get("name"), info.get("mime"),
                                 info.get("width"), info.get("height")))
            self._kept.add(file_id)
