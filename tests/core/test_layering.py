"""The layering of the source tree, read from the imports of every module (at module level and
inside functions alike), so that it stays as built:

- `core` is the base layer: it imports nothing of legation's but itself;
- `ui`, the page kit, imports no domain app: only core;
- no two apps import each other, directly or through others (the graph of apps is acyclic);
- inside core, no circle of imports made at import time.

Nothing here imports the modules: the source is parsed, so a module that is never imported by the
suite is checked as well.
"""

from __future__ import annotations

import ast
import itertools
from collections import defaultdict
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = SRC / "legation"

# What each base layer may import of legation's own packages (besides itself). `formats` holds
# Django's locale formats, not code.
ALLOWED = {
    "core": {"core", "formats"},
    "ui": {"ui", "core", "formats"},
}

# Imports between apps that still close a circle (none today), each with the work that removes it.
# The test fails when one of them is gone, so that the exception is removed with it.
KNOWN_CYCLE_EDGES: dict[tuple[str, str], str] = {}


def _module_name(path: Path) -> list[str]:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def _node(dotted: str) -> str | None:
    """The app (or top-level module: urls, wsgi, cli, settings) a dotted name belongs to."""
    parts = dotted.split(".")
    if parts[0] != "legation" or len(parts) < 2:
        return None
    return parts[1]


def _imports(path: Path) -> list[tuple[str, int, bool]]:
    """(module imported, line, at import time) for every import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    here = _module_name(path)
    package = here if path.name == "__init__.py" else here[:-1]
    nested: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            nested.update(id(n) for n in ast.walk(node) if n is not node)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            # `from legation.core import access` imports the module legation.core.access.
            names = [f"{module}.{alias.name}" for alias in node.names] or [module]
        else:
            continue
        for name in names:
            found.append((name, node.lineno, id(node) not in nested))
    return found


def _modules() -> dict[Path, list[tuple[str, int, bool]]]:
    return {path: _imports(path) for path in sorted(PACKAGE.rglob("*.py"))}


MODULES = _modules()


def _app_of(path: Path) -> str:
    return _node(".".join(_module_name(path))) or "legation"


def app_graph(modules: dict[Path, list[tuple[str, int, bool]]]) -> dict[str, dict[str, list]]:
    """app -> app it imports -> [file:line, ...]."""
    graph: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for path, imports in modules.items():
        app = _app_of(path)
        for name, line, _ in imports:
            other = _node(name)
            if other and other != app:
                graph[app][other].append(f"{path.relative_to(SRC)}:{line}")
    return graph


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One circle in a directed graph (as a path that returns to its start), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_base_layers_import_nothing_above_them(layer):
    wrong = [
        f"{path.relative_to(SRC)}:{line} imports {name}"
        for path, imports in MODULES.items()
        if _app_of(path) == layer
        for name, line, _ in imports
        if name.startswith("legation") and _node(name) not in ALLOWED[layer]
    ]
    assert not wrong, (
        f"{layer} may import only {sorted(ALLOWED[layer])} of legation:\n" + "\n".join(wrong)
    )


def test_no_import_cycle_between_apps():
    graph = app_graph(MODULES)
    edges = {
        app: {other for other in others if (app, other) not in KNOWN_CYCLE_EDGES}
        for app, others in graph.items()
    }
    cycle = find_cycle(edges)
    assert cycle is None, (
        "apps importing each other in a circle: "
        + " -> ".join(cycle)
        + "\n"
        + ("\n".join(f"  {a} -> {b}: {graph[a][b][0]}" for a, b in itertools.pairwise(cycle)))
    )


def test_known_cycle_exceptions_still_exist():
    """A known exception that no longer closes a circle is removed from the list."""
    graph = app_graph(MODULES)
    gone = []
    for app, other in KNOWN_CYCLE_EDGES:
        edges = {a: set(o) for a, o in graph.items()}
        if other not in edges.get(app, set()):
            gone.append(f"{app} -> {other}: no longer imported")
            continue
        edges[app].discard(other)
        back = {other}
        frontier = [other]
        while frontier:
            for nxt in edges.get(frontier.pop(), ()):
                if nxt not in back:
                    back.add(nxt)
                    frontier.append(nxt)
        if app not in back:
            gone.append(f"{app} -> {other}: closes no circle any more")
    assert not gone, "remove from KNOWN_CYCLE_EDGES:\n" + "\n".join(gone)


def test_core_modules_form_no_circle_at_import_time():
    """access -> models -> querysets -> access would be one: access finds the model by name."""
    edges: dict[str, set[str]] = defaultdict(set)
    names = {".".join(_module_name(p)) for p in MODULES if _app_of(p) == "core"}
    for path, imports in MODULES.items():
        if _app_of(path) != "core" or "migrations" in path.parts:
            continue
        here = ".".join(_module_name(path))
        for name, _, at_import in imports:
            target = name if name in names else name.rsplit(".", 1)[0]
            if at_import and target in names and target != here:
                edges[here].add(target)
    cycle = find_cycle(edges)
    assert cycle is None, "core modules importing each other at import time: " + " -> ".join(cycle)


def test_the_checks_can_fail():
    """The graph and cycle finder see an upward import and a circle."""
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}}) is None
    fake = {PACKAGE / "core" / "x.py": [("legation.people.models", 3, False)]}
    assert app_graph(fake)["core"]["people"] == ["legation/core/x.py:3"]
