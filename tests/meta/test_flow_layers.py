"""Inside handlers/: flows import the kit and views, never another flow; views and the kit never import flows."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HANDLERS = ROOT / "handlers"
SHARED = ("handlers.kit", "handlers.views")  # what every flow may use


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def handler_imports(path: Path) -> set[str]:
    """Every handlers.* module imported anywhere in the file (type-only and function-local ones too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "handlers":
                found |= {f"handlers.{alias.name}" for alias in node.names}
            elif node.module.startswith("handlers."):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("handlers.")}
    return found


def declares_a_flow(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Flow" for node in ast.walk(tree))


def flow_modules() -> dict[str, Path]:
    return {module_name(p): p for p in HANDLERS.rglob("*.py")
            if not module_name(p).startswith(SHARED) and declares_a_flow(p)}


def _package(name: str) -> str:
    """A flow's own package: handlers.growth_log for handlers.growth_log.form; the module itself otherwise."""
    parts = name.split(".")
    return ".".join(parts[:3]) if len(parts) > 2 else name


def test_there_are_flows_to_check():
    assert {"handlers.teacher", "handlers.growth_log.form", "handlers.sessions"} <= set(flow_modules())


def test_flows_never_import_other_flows():
    flows = flow_modules()
    for name, path in flows.items():
        for imported in handler_imports(path):
            if imported.startswith(SHARED) or _package(imported) == _package(name):
                continue
            assert imported not in flows and not any(f.startswith(imported + ".") for f in flows), \
                f"{name} imports the flow {imported}: move what it needs into handlers/views/"


def test_views_and_the_kit_never_import_flows():
    flows = flow_modules()
    for path in [*(HANDLERS / "kit").rglob("*.py"), *(HANDLERS / "views").rglob("*.py")]:
        for imported in handler_imports(path):
            assert imported.startswith(SHARED), f"{module_name(path)} imports {imported}"
            assert imported not in flows


def test_the_kit_never_imports_views():
    for path in (HANDLERS / "kit").rglob("*.py"):
        assert all(i.startswith("handlers.kit") for i in handler_imports(path)), module_name(path)


def test_channel_adapters_reach_flows_only_through_the_engine():
    flows = flow_modules()
    for path in (ROOT / "bot" / "channels").rglob("*.py"):
        used = handler_imports(path)
        assert not used & set(flows), f"{path.name} imports a flow: {sorted(used & set(flows))}"
        assert "handlers.views.menu" not in used
