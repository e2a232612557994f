"""Every module of marketplace imports on its own: no import cycle hides behind import order."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# One fresh interpreter; before each module every `marketplace` module is forgotten, so each is
# imported first, as a worker, a CLI command or a migration might. Third-party modules stay
# loaded: they take no part in a cycle of ours, and reloading them would take minutes.
PROBE = """
import importlib, json, sys, traceback
failures = {}
for name in json.loads(sys.argv[1]):
    for loaded in [m for m in sys.modules if m == "marketplace" or m.startswith("marketplace.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception:
        failures[name] = traceback.format_exc(limit=-3)
print(json.dumps(failures))
"""


def _modules() -> list[str]:
    names = []
    for path in sorted((ROOT / "marketplace").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_every_marketplace_module_imports_first_without_a_cycle():
    modules = _modules()
    assert "marketplace.matching.search.whoosh" in modules  # the walk sees sub-packages
    result = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(modules)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    failures = json.loads(result.stdout.strip().splitlines()[-1])
    assert failures == {}, "\n".join(f"{name}:\n{error}" for name, error in failures.items())
