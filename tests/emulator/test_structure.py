"""The emulator and the sandbox stay in parts: small modules, no import cycles, no reaching into privates."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.emulator import BotApiEmulator, FakeUser, World

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot/emulator", "bot/sandbox")
MAX_LINES = 350


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for package in PACKAGES for path in (ROOT / package).rglob("*.py")}


def imported(path: Path, known: set[str]) -> set[str]:
    """Every project module `path` imports, anywhere in it (also under TYPE_CHECKING or inside functions)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            source = ".".join(p for p in (base if node.level else "", node.module or "") if p)
            targets = [f"{source}.{alias.name}" if f"{source}.{alias.name}" in known else source
                       for alias in node.names]
        else:
            continue
        found |= {t for t in targets if t in known}
    return found - {name}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_no_import_cycles_not_even_type_only_ones():
    found = modules()
    graph = {name: imported(path, set(found)) for name, path in found.items()}
    assert graph["bot.emulator.server"] >= {"bot.emulator.world", "bot.emulator.user", "bot.emulator.http"}
    assert find_cycle(graph) is None, " → ".join(find_cycle(graph) or [])
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]  # the check itself works


@pytest.mark.parametrize("name", sorted(modules()))
def test_every_module_is_small(name: str):
    lines = len(modules()[name].read_text("utf-8").splitlines())
    assert lines <= MAX_LINES, f"{name} has {lines} lines"


def test_the_fake_user_and_the_page_use_only_public_apis():
    for name in ("bot.emulator.user", "bot.sandbox.server", "bot.sandbox.view", "bot.sandbox.runner"):
        tree = ast.parse(modules()[name].read_text("utf-8"))
        reached = [f"{ast.unparse(node.value)}.{node.attr}" for node in ast.walk(tree)
                   if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")
                   and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))]
        assert reached == [], f"{name} reaches into private attributes: {reached}"
    assert "bot.sandbox.runner" not in imported(modules()["bot.sandbox.server"], set(modules()))


def test_bot_api_methods_are_declared_in_their_own_modules():
    emu = BotApiEmulator()
    where = {name: emu.methods.find(name).__module__ for name in emu.methods.names}
    assert where["sendMessage"] == where["editMessageText"] == "bot.emulator.methods.messages"
    assert where["sendPhoto"] == where["getFile"] == "bot.emulator.methods.media"
    assert where["getUpdates"] == "bot.emulator.methods.polling"
    assert where["setMyCommands"] == where["answerCallbackQuery"] == "bot.emulator.methods.bot"
    assert isinstance(emu.user(1).world, World) and isinstance(emu.user(1), FakeUser)
