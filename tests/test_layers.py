"""Packages import only downward: the layering drawn in the README ("Layout"), read from source.

Every module of `marketplace/` is parsed with `ast`; every import counts, at module level, inside
functions and under `if TYPE_CHECKING:` alike. Each module belongs to its top-level package
(`marketplace/matching/search/whoosh.py` to `matching`, `marketplace/money.py` to `money`), and a
package may import only its own layer or a lower one. Nothing here imports the code it checks.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.database_free

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "marketplace"

# Lowest first. Shared modules form one layer and may import each other; each business domain
# is a layer of its own; the app level (the factory, CLI, admin pages, demo data, backups)
# may import anything.
CORE = frozenset(
    "extensions config models forms permissions money vocab web tasks storage uploads sandbox"
    " formatting regions security audit errors logging_filters health mail notifications"
    " queue tokens editing wtforms_i18n phones".split()
)
DOMAINS = (
    "accounts",
    "profiles",
    "programmes",
    "pitches",
    "matching",
    "events",
    "monitoring",
    "payments",
)
APP = frozenset({"admin", "demo", "backups", "cli", "jobs", "privacy", "__init__"})

# (importing module, imported module) -> why this upward edge stays. Keep it short.
EXCEPTIONS = {
    (
        "marketplace.profiles.models",
        "marketplace.programmes.models",
    ): "type-only (under TYPE_CHECKING): names the classes of Enterprise.enrolments,"
    " .attestations and .group_memberships for the type checker; the mapper resolves them by"
    " name at run time, and"
    " the profiles code never imports programmes.",
}


def rank(package: str) -> int | None:
    if package in CORE:
        return 0
    if package in DOMAINS:
        return 1 + DOMAINS.index(package)
    if package in APP:
        return 1 + len(DOMAINS)
    return None


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, dotted
    target: str  # the imported module, dotted
    line: int


def package_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _resolve(target: str) -> str:
    """`marketplace.x` for a name imported from the package itself (`from marketplace import
    create_app`) is the package's `__init__` unless `x` is a module or sub-package."""
    parts = target.split(".")
    if len(parts) == 2 and parts[0] == "marketplace":
        if not ((PACKAGE / parts[1]).with_suffix(".py").exists() or (PACKAGE / parts[1]).is_dir()):
            return "marketplace"
    return target


def imports_of(source: str, module: str, *, is_package: bool = False) -> list[Import]:
    """Every `marketplace` import in `source`, wherever it stands in the module."""
    found = []
    here = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = here[: len(here) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            if base == "marketplace" or (node.level and not node.module):
                targets = [f"{base}.{alias.name}" for alias in node.names]
            else:
                targets = [base]
        else:
            continue
        for target in targets:
            if target == "marketplace" or target.startswith("marketplace."):
                found.append(Import(module, _resolve(target), node.lineno))
    return found


def violations(imports: list[Import]) -> list[str]:
    """The imports that reach a higher layer (or a package in no layer), as readable lines."""
    problems = []
    for item in imports:
        source, target = package_of(item.module), package_of(item.target)
        if source == target:
            continue
        source_rank, target_rank = rank(source), rank(target)
        if source_rank is None or target_rank is None:
            unplaced = source if source_rank is None else target
            problems.append(f"{item.module}:{item.line}: package {unplaced!r} is in no layer")
        elif target_rank > source_rank and (item.module, item.target) not in EXCEPTIONS:
            problems.append(
                f"{item.module}:{item.line}: {source} imports {item.target}, a higher layer"
            )
    return problems


def all_imports() -> list[Import]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        is_package = parts[-1] == "__init__"
        module = ".".join(parts[:-1] if is_package else parts)
        found += imports_of(path.read_text(encoding="utf-8"), module, is_package=is_package)
    return found


def test_no_package_imports_a_layer_above_it():
    imports = all_imports()
    assert any(i.module == "marketplace.matching.search.whoosh" for i in imports)  # sub-packages
    assert violations(imports) == []


def test_every_package_of_marketplace_has_a_layer():
    packages = {p.stem for p in PACKAGE.glob("*.py")} | {
        p.parent.name for p in PACKAGE.glob("*/__init__.py")
    }
    assert {p for p in packages if rank(p) is None} == set()


def test_every_exception_is_still_needed():
    edges = {(i.module, i.target) for i in all_imports()}
    assert set(EXCEPTIONS) - edges == set()


# --- the checker itself, on sources that are not in the tree --------------------------------
@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("marketplace.profiles.fake", "from marketplace.events import models\n"),
        ("marketplace.accounts.fake", "from marketplace import profiles\n"),
        ("marketplace.mail.fake", "import marketplace.accounts.models\n"),
        ("marketplace.notifications.fake", "from marketplace.accounts.models import User\n"),
        ("marketplace.health", "def check():\n    from marketplace.matching import search\n"),
        ("marketplace.pitches.fake", "from ..events import services\n"),
        ("marketplace.pitches.fake", "from .. import events\n"),
        (
            "marketplace.profiles.fake",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
            "    from marketplace.programmes.models import Cohort\n",
        ),
        ("marketplace.newthing", "from marketplace import money\n"),
    ],
)
def test_the_checker_finds_an_upward_import(module, source):
    [problem] = violations(imports_of(source, module))
    assert problem.startswith(f"{module}:")


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("marketplace.events.fake", "from marketplace.accounts.models import User\n"),
        ("marketplace.matching.fake", "from marketplace.notifications import services\n"),
        ("marketplace.profiles.fake", "from marketplace import forms, money\n"),
        ("marketplace.demo.fake", "from marketplace.events import services\n"),
        ("marketplace.mail.fake", "from marketplace import tasks\nimport flask\n"),
        ("marketplace.events.views.fake", "from .. import models\n"),
    ],
)
def test_the_checker_lets_a_downward_import_pass(module, source):
    assert violations(imports_of(source, module)) == []


def test_the_checker_resolves_a_relative_import_inside_a_package_init():
    [item] = imports_of("from . import hooks\n", "marketplace.profiles", is_package=True)
    assert item.target == "marketplace.profiles.hooks"


# --- the drawing in the README ---------------------------------------------------------------
def readme_layout() -> tuple[set[str], list[str], set[str]]:
    """The README's Layout drawing read back: the app-level names (the lines above the first
    domain: `admin/`, `cli.py`, `jobs/`), the domains top down, and the shared names (the
    lines from "shared" on). Descriptions, arrows and asides in parentheses are not names."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    drawing = text.split("\n## Layout\n", 1)[1].split("```\n", 2)[1]
    app: set[str] = set()
    domains: list[str] = []
    shared: set[str] = set()
    for line in drawing.splitlines()[1:]:  # below "marketplace/"
        words = re.sub(r"\(.*?\)", "", line.split("->")[0]).split()
        names = [w.rstrip("/").removesuffix(".py") for w in words]
        if names and names[0] == "shared":
            shared.update(names[1:])
        elif shared:
            shared.update(names)
        elif names and names[0] in DOMAINS:
            domains.append(names[0])
        elif not domains:
            app.update(n for w, n in zip(words, names, strict=True) if w.endswith(("/", ".py")))
    return app, domains, shared


def test_the_readme_drawing_names_every_package_in_its_layer():
    app, domains, shared = readme_layout()

    assert domains == list(reversed(DOMAINS)), "the domains, drawn highest first"
    assert shared == CORE
    assert app == APP
