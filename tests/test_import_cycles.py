"""Every module of marketplace imports on its own: no import cycle hides behind import order.

Importing a module first can only fail on order where the module sits in a cycle of imports
that run at import time (a package whose `__init__` imports its own modules, for one). The test
reads those imports from the source, finds the cycles, and imports each module of a cycle first
in a fresh state; every other module is imported once, after the cycles' modules proved fine
on their own. Probing all 220 modules first took over two minutes of CI; the cycles hold about
30.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.database_free

ROOT = Path(__file__).resolve().parents[1]

# One fresh interpreter; before each module of a cycle every `marketplace` module is forgotten,
# so each is imported first, as a worker, a CLI command or a migration might. Third-party
# modules stay loaded: they take no part in a cycle of ours. The rest are imported in one go.
PROBE = """
import importlib, json, sys, traceback
first, rest = json.loads(sys.argv[1])
failures = {}
for name in first:
    for loaded in [m for m in sys.modules if m == "marketplace" or m.startswith("marketplace.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception:
        failures[name] = traceback.format_exc(limit=-3)
for name in rest:
    try:
        importlib.import_module(name)
    except Exception:
        failures[name] = traceback.format_exc(limit=-3)
print(json.dumps(failures))
"""


def _modules() -> dict[str, tuple[Path, bool]]:
    """Module name -> (file, is a package)."""
    names = {}
    for path in sorted((ROOT / "marketplace").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        package = parts[-1] == "__init__"
        names[".".join(parts[:-1] if package else parts)] = (path, package)
    return names


def _type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _run_on_import(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements a module runs when imported: not function bodies, not TYPE_CHECKING."""
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if isinstance(node, ast.If) and _type_checking(node.test):
            yield from _run_on_import(node.orelse)
            continue
        yield node
        for field in ("body", "orelse", "finalbody", "handlers"):
            inner = getattr(node, field, None)
            if isinstance(inner, list):
                yield from _run_on_import(inner)


def _imports(modules: dict[str, tuple[Path, bool]]) -> dict[str, set[str]]:
    """Module -> the marketplace modules importing it runs first (its parents included)."""
    graph = {}
    for name, (path, package) in modules.items():
        here = name if package else name.rpartition(".")[0]
        targets = {name.rpartition(".")[0]}
        for node in _run_on_import(ast.parse(path.read_text(encoding="utf-8")).body):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = here.split(".")[: len(here.split(".")) - (node.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                targets.add(base)
                targets.update(f"{base}.{alias.name}" for alias in node.names)
        graph[name] = {
            prefix
            for target in targets
            for prefix in (".".join(target.split(".")[:i]) for i in range(1, target.count(".") + 2))
            if prefix in modules and prefix != name
        }
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(component)
    return found


def test_the_source_reading_finds_the_cycles_a_package_makes_with_its_modules():
    cycles = _cycles(_imports(_modules()))
    # matching/search/__init__ imports .types, which (as a module of the package) imports it.
    pair = {"marketplace.matching.search", "marketplace.matching.search.types"}
    assert any(pair <= cycle for cycle in cycles)


def test_every_marketplace_module_imports_first_without_a_cycle():
    modules = _modules()
    assert "marketplace.matching.search.whoosh" in modules  # the walk sees sub-packages
    in_cycles = sorted(set().union(*_cycles(_imports(modules))))
    rest = sorted(set(modules) - set(in_cycles))
    result = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps([in_cycles, rest])],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    failures = json.loads(result.stdout.strip().splitlines()[-1])
    assert failures == {}, "\n".join(f"{name}:\n{error}" for name, error in failures.items())
