"""A wrong setting stops `flask` commands and gunicorn with one line on stderr that names what to
set, and exit status 4, never a traceback (run.py, marketplace/config.py, deploy/gunicorn.conf.py).
Run as an operator would: real processes with a real environment."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from marketplace.config import DEVELOPMENT, EXIT_CONFIG_ERROR

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PREFIX = "TemuModal configuration error: "


def _environment(tmp_path: Path, **settings: str) -> dict[str, str]:
    """A production environment that works (strong keys, SQLite in tmp_path), then `settings`;
    a value of "" removes the variable."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("FLASK_") and k not in ("DATABASE_URL", "REDIS_URL")
    }
    env.update(
        {
            "FLASK_SECRET_KEY": "a" * 64,
            "FLASK_NIK_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'app.sqlite'}",
            "FLASK_UPLOAD_FOLDER": str(tmp_path / "uploads"),
            "FLASK_SEARCH_INDEX_DIR": str(tmp_path / "search-index"),
        }
    )
    for name, value in settings.items():
        if value:
            env[name] = value
        else:
            env.pop(name, None)
    return env


def _flask(tmp_path: Path, *args: str, **settings: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "flask"), "--app", "run", *args],
        cwd=ROOT,
        env=_environment(tmp_path, **settings),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _the_one_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == EXIT_CONFIG_ERROR, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(PREFIX)
    return lines[0]


def test_a_correct_production_environment_starts(tmp_path):
    result = _flask(tmp_path, "routes")
    assert result.returncode == 0, result.stderr
    assert "/healthz" in result.stdout


@pytest.mark.parametrize(
    ("settings", "names"),
    [
        ({"FLASK_SECRET_KEY": ""}, ["FLASK_SECRET_KEY is not set"]),
        (
            {"FLASK_SECRET_KEY": "", "FLASK_NIK_ENCRYPTION_KEY": ""},
            ["FLASK_SECRET_KEY and FLASK_NIK_ENCRYPTION_KEY are not set"],
        ),
        ({"FLASK_SECRET_KEY": "changeme"}, ["FLASK_SECRET_KEY is too weak", "secrets.token_hex"]),
        ({"FLASK_SECRET_KEY": DEVELOPMENT["SECRET_KEY"]}, ["FLASK_SECRET_KEY is too weak"]),
        ({"FLASK_NIK_ENCRYPTION_KEY": "not-a-key"}, ["FLASK_NIK_ENCRYPTION_KEY", "Fernet"]),
        (
            {"FLASK_NIK_ENCRYPTION_KEY": DEVELOPMENT["NIK_ENCRYPTION_KEY"]},
            ["FLASK_NIK_ENCRYPTION_KEY contains the development key"],
        ),
        ({"FLASK_ENV_NAME": "prod"}, ["FLASK_ENV_NAME='prod'", "production, development"]),
        ({"DATABASE_URL": "temumodal"}, ["DATABASE_URL is not a database URL"]),
        ({"DATABASE_URL": "mysql://u@db/x"}, ["DATABASE_URL names a 'mysql' database"]),
        ({"FLASK_RATELIMIT_STORAGE_URI": "redis//:6379"}, ["FLASK_RATELIMIT_STORAGE_URI="]),
        ({"FLASK_MAIL_PORT": "smtp"}, ["FLASK_MAIL_PORT='smtp' is not a whole number"]),
        ({"FLASK_REDIS_URL": "127.0.0.1:6379"}, ["FLASK_REDIS_URL (or REDIS_URL)", "redis://"]),
        ({"REDIS_URL": "redis://127.0.0.1:port/1"}, ["FLASK_REDIS_URL (or REDIS_URL)"]),
        ({"FLASK_TASKS_MODE": "queue"}, ["no Redis is named: set FLASK_REDIS_URL"]),
        ({"FLASK_TASKS_MODE": "celery"}, ["FLASK_TASKS_MODE='celery' is not a mode"]),
        ({"FLASK_MAIL_USE_TLS": "yes"}, ["FLASK_MAIL_USE_TLS='yes' is not true or false"]),
    ],
)
def test_a_wrong_setting_is_one_line_naming_it(tmp_path, settings, names):
    line = _the_one_line(_flask(tmp_path, "routes", **settings))
    for name in names:
        assert name in line


def _refused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again: nothing listens there


def test_an_unreachable_database_stops_every_command_without_its_password(tmp_path):
    url = f"postgresql://temumodal:s3cret-pw@127.0.0.1:{_refused_port()}/temumodal"
    for command in (["db", "upgrade"], ["stats"]):
        line = _the_one_line(_flask(tmp_path, *command, DATABASE_URL=url))
        assert "cannot use the database" in line and "DATABASE_URL" in line
        assert "s3cret-pw" not in line


def test_a_database_file_that_cannot_be_opened_is_named(tmp_path):
    url = f"sqlite:///{tmp_path / 'missing-folder' / 'app.sqlite'}"
    line = _the_one_line(_flask(tmp_path, "routes", DATABASE_URL=url))
    assert "missing-folder" in line


def test_gunicorn_stops_once_before_starting_workers(tmp_path):
    result = subprocess.run(
        [
            str(BIN / "gunicorn"),
            "-c",
            str(ROOT / "deploy" / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{_refused_port()}",
            "--workers",
            "2",
        ],
        cwd=tmp_path,  # the config file finds the app from its own place
        env=_environment(tmp_path, FLASK_SECRET_KEY="short"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == EXIT_CONFIG_ERROR, result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith(PREFIX)]
    assert len(errors) == 1 and "FLASK_SECRET_KEY is too weak" in errors[0]
    assert "Booting worker" not in result.stderr
