"""Every setting has its default in one place (marketplace/config.py), and the search backend
follows the database unless it is chosen."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask

from marketplace import config

MARKETPLACE = Path(__file__).resolve().parent.parent / "marketplace"
# config["KEY"], config.get("KEY" …), config.setdefault("KEY" …) on app.config,
# current_app.config or a local `config = current_app.config`.
READ_RE = re.compile(r"\bconfig(?:\.get\(|\.setdefault\(|\[)\s*\"([A-Z][A-Z0-9_]*)\"")
# Settings read by Flask or an extension rather than by our code.
FRAMEWORK_KEYS = {
    "SQLALCHEMY_ENGINE_OPTIONS",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "PERMANENT_SESSION_LIFETIME",
    "REMEMBER_COOKIE_DURATION",
    "WTF_CSRF_TIME_LIMIT",
    "MAX_CONTENT_LENGTH",
    "RATELIMIT_STORAGE_URI",
    "RATELIMIT_HEADERS_ENABLED",
    "ENV_NAME",  # read by configure() itself to pick the profile
}


def keys_read() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted(MARKETPLACE.rglob("*.py")):
        if path.name == "config.py" and path.parent == MARKETPLACE:
            continue
        for key in READ_RE.findall(path.read_text(encoding="utf-8")):
            found.setdefault(key, []).append(str(path.relative_to(MARKETPLACE.parent)))
    return found


def test_the_scan_finds_the_settings_the_code_reads():
    read = keys_read()
    assert {"UPLOAD_MAX_BYTES", "SEARCH_BACKEND", "TASKS_MODE", "SESSION_IDLE_TIMEOUT"} <= set(read)


def test_every_setting_the_code_reads_has_its_default_in_config_py():
    missing = {key: where for key, where in keys_read().items() if key not in config.DEFAULTS}
    assert missing == {}


FALLBACK_RE = re.compile(r"\bconfig\.get\(\s*\"([A-Z][A-Z0-9_]*)\"\s*,")


def test_no_code_gives_a_setting_a_default_of_its_own():
    """`config.get("KEY", fallback)` is a second default that can drift from DEFAULTS (it had:
    a report cache of 0 where DEFAULTS said 4). Code reads `config["KEY"]`."""
    second = {
        f"{path.relative_to(MARKETPLACE.parent)}: {key}"
        for path in sorted(MARKETPLACE.rglob("*.py"))
        if path != MARKETPLACE / "config.py"
        for key in FALLBACK_RE.findall(path.read_text(encoding="utf-8"))
    }
    assert second == set()


def test_no_default_is_dead():
    """A setting in DEFAULTS is read by our code or by Flask and its extensions."""
    dead = set(config.DEFAULTS) - set(keys_read()) - FRAMEWORK_KEYS
    assert dead == set()


def _configured(tmp_path, monkeypatch, *, env=None, **overrides) -> Flask:
    for name in ("DATABASE_URL", "FLASK_SEARCH_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    for name, value in (env or {}).items():
        monkeypatch.setenv(name, value)
    app = Flask(__name__, instance_path=str(tmp_path))
    config.configure(app, {"ENV_NAME": "testing", **overrides})
    return app


def test_sqlite_gets_the_whoosh_backend(tmp_path, monkeypatch):
    app = _configured(tmp_path, monkeypatch)
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    assert app.config["SEARCH_BACKEND"] == "whoosh"


@pytest.mark.parametrize(
    "url", ["postgresql://postgres@db/temumodal", "postgres://u@db/x", "postgresql+psycopg://db/x"]
)
def test_a_postgresql_database_gets_the_postgres_backend(tmp_path, monkeypatch, url):
    assert (
        _configured(tmp_path, monkeypatch, env={"DATABASE_URL": url}).config["SEARCH_BACKEND"]
        == "postgres"
    )
    assert (
        _configured(tmp_path, monkeypatch, SQLALCHEMY_DATABASE_URI=url).config["SEARCH_BACKEND"]
        == "postgres"
    )


def test_flask_search_backend_overrides_the_automatic_choice(tmp_path, monkeypatch):
    env = {"DATABASE_URL": "postgresql://postgres@db/temumodal", "FLASK_SEARCH_BACKEND": "whoosh"}
    assert _configured(tmp_path, monkeypatch, env=env).config["SEARCH_BACKEND"] == "whoosh"
    env = {"FLASK_SEARCH_BACKEND": "postgres"}
    assert _configured(tmp_path, monkeypatch, env=env).config["SEARCH_BACKEND"] == "postgres"


def test_the_test_suite_pins_the_backend_it_means(app):
    assert app.config["SEARCH_BACKEND"] == "whoosh"
