"""The house rules, read from the source: no import cycles, floors imported downwards only."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "crowdcat"
BLUEPRINTS = ("admin", "api", "auth", "main", "review", "scans", "transcribe")
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    """Every module of crowdcat by dotted name (a package by its __init__)."""
    found = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """Modules of crowdcat that `name` imports anywhere (top level, functions, TYPE_CHECKING)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                child = f"{base}.{alias.name}"
                found.add(child if child in MODULES else base)
    return {target for target in found if target in MODULES and target != name}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _floor(name: str) -> str:
    """Which floor a module stands on: blueprint, services, data, models, or other."""
    parts = name.split(".")
    if len(parts) > 1 and parts[1] in BLUEPRINTS:
        return "blueprint"
    if len(parts) > 1 and parts[1] in ("services", "data", "models"):
        return parts[1]
    return "other"


def _edges(source_floor: str, target_floor: str) -> list[str]:
    """Imports from one floor to another, as `source -> target`."""
    return sorted(f"{source} -> {target}" for source, targets in GRAPH.items()
                  if _floor(source) == source_floor
                  for target in targets if _floor(target) == target_floor)


def test_graph_is_read_from_the_source():
    """The reader finds the imports it must (so the rules below are not vacuous)."""
    assert "crowdcat.services.keying.assignment" in GRAPH["crowdcat.services.keying.submission"]
    assert "crowdcat.models" in GRAPH["crowdcat.services.keying.assignment"]


def test_cycle_detector_finds_a_cycle():
    """A made-up cycle of three modules is reported."""
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycles():
    """No module of crowdcat imports itself back, at run time or for typing."""
    assert _cycles(GRAPH) == []


@pytest.mark.parametrize(("source", "target"), [
    ("services", "blueprint"), ("data", "blueprint"), ("models", "blueprint"),
    ("models", "services"), ("models", "data"), ("data", "services"),
])
def test_floors_import_downwards(source, target):
    """Blueprints -> services -> data access -> models, never the other way."""
    assert _edges(source, target) == []


def test_blueprints_do_not_reach_the_data_floor():
    """Blueprints ask services; the data-access seam is the services' business."""
    assert _edges("blueprint", "data") == []


def test_no_private_names_across_modules():
    """No module imports or uses another crowdcat module's `_private` name."""
    offenders = []
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(), str(path))
        aliases = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("crowdcat"):
                for alias in node.names:
                    if alias.name.startswith("_"):
                        offenders.append(f"{name}: from {node.module} import {alias.name}")
                    aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("crowdcat"):
                        aliases[alias.asname or alias.name] = alias.name
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and node.attr.startswith("_")
                    and not node.attr.startswith("__")
                    and isinstance(node.value, ast.Name)
                    and aliases.get(node.value.id, "") in MODULES):
                offenders.append(f"{name}: {node.value.id}.{node.attr}")
    assert offenders == []


def test_modules_stay_small():
    """Every module is under 400 lines."""
    long = {name: n for name, path in MODULES.items()
            if (n := len(path.read_text().splitlines())) >= MAX_LINES}
    assert long == {}


def test_services_are_feature_packages():
    """services/ holds feature packages with a docstring, and only a few shared modules."""
    services = ROOT / "services"
    shared = sorted(p.stem for p in services.glob("*.py") if p.stem != "__init__")
    assert shared == ["access", "audit", "errors"]
    for package in (p for p in services.iterdir() if (p / "__init__.py").exists()):
        assert ast.get_docstring(ast.parse((package / "__init__.py").read_text())), package
