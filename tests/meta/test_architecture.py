"""The house rules of imports: conversations and rules know nothing of Telegram; imports point down."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ALLOWED = {
    "program": {"program"},
    "storage": {"storage", "program"},
    "scheduler": {"scheduler", "storage", "program"},
    "handlers": {"handlers", "storage", "program"},
}
PROJECT = {"bot", "handlers", "program", "scheduler", "storage"}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_packages_import_only_downwards_and_never_telegram(package):
    for path in (ROOT / package).rglob("*.py"):
        used = imports_of(path)
        assert not used & {"aiogram", "telegram"}, f"{path} imports a Telegram library"
        assert used & PROJECT <= ALLOWED[package], f"{path} imports {sorted(used & PROJECT - ALLOWED[package])}"


def test_only_channel_adapters_import_telegram_libraries():
    for path in (ROOT / "bot").rglob("*.py"):
        if "channels" in path.parts or "emulator" in path.parts:
            continue
        assert not imports_of(path) & {"aiogram", "telegram"}, f"{path} imports a Telegram library"


def test_every_module_says_what_it_is_for():
    for package in PROJECT:
        for path in (ROOT / package).rglob("*.py"):
            if path.name == "__init__.py" or "versions" in path.parts:
                continue
            assert ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))), f"{path} has no docstring"
