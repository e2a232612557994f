"""The scheduler core stays pure: importing it loads no database code, so it runs the same in a
job, a benchmark and a property test."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.database_free

ROOT = Path(__file__).resolve().parents[3]


def test_importing_the_scheduler_loads_no_database_code():
    probe = (
        "import sys, marketplace.events.scheduling\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('sqlalchemy', 'flask_sqlalchemy') or m in ('marketplace.extensions', "
        "'marketplace.models') or m.endswith('.models'))\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.strip() == ""
