"""Fixtures: a fresh app and schema per test, on SQLite by default or on PostgreSQL when
TEST_DATABASE_URL is set (the CI's second pass)."""

from __future__ import annotations

import os

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text

from marketplace import create_app
from marketplace.extensions import db as _db
from tests import factories

PG_URL = (os.environ.get("TEST_DATABASE_URL") or "").replace(
    "{worker}", os.environ.get("PYTEST_XDIST_WORKER", "gw0")
) or None


class FreshContextClient(FlaskClient):
    """Each request gets its own application context (own `g`, own database session), as in
    production, even while the test holds an app context open for its own set-up."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def _config(tmp_path, **extra):
    config = {
        "ENV_NAME": "testing",
        "SQLALCHEMY_DATABASE_URI": PG_URL or f"sqlite:///{tmp_path / 'test.sqlite'}",
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "SEARCH_INDEX_DIR": str(tmp_path / "search-index"),
        "TASKS_RAISE": True,
        "SERVER_NAME": "localhost",
        # Pinned: on the PostgreSQL pass the automatic choice would be the postgres backend,
        # whose table create_all does not build. Tests of that backend ask for it by name
        # (tests/matching/search/test_indexing.py, the `backend` fixture).
        "SEARCH_BACKEND": "whoosh",
    }
    config.update(extra)
    return config


def _reset_schema(db):
    if db.engine.dialect.name == "postgresql":
        if _emptied_in_place(db):
            return
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    db.create_all()


def _emptied_in_place(db) -> bool:
    """On PostgreSQL, when the schema holds exactly the models' tables and columns (the previous
    test left it as create_all built it), empty every table and restart its ids in one TRUNCATE
    instead of dropping and building the schema again, which costs a few hundred milliseconds a
    test. A schema that differs (a migration test's alembic_version, the search backend's
    tables) is rebuilt."""
    expected = {
        (table.name, column.name) for table in db.metadata.sorted_tables for column in table.columns
    }
    with db.engine.begin() as conn:
        found = set(
            conn.execute(
                text(
                    "SELECT c.relname, a.attname FROM pg_attribute a"
                    " JOIN pg_class c ON c.oid = a.attrelid"
                    " JOIN pg_namespace n ON n.oid = c.relnamespace"
                    " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm')"
                    " AND a.attnum > 0 AND NOT a.attisdropped"
                )
            ).tuples()
        )
        if found != expected:
            return False
        names = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))  # noqa: S608
    return True


@pytest.fixture
def app_config():
    """Extra configuration for the `app` fixture; override in a module to change it."""
    return {}


@pytest.fixture
def app(tmp_path, app_config):
    app = create_app(_config(tmp_path, **app_config))
    app.test_client_class = FreshContextClient
    with app.app_context():
        _reset_schema(_db)
        yield app
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture(autouse=True)
def outbox():
    """The mail sent so far (`marketplace.mail.outbox`), empty at the start and end of every test:
    the outbox is a module-level list, so without this one test would read another's mail."""
    from marketplace import mail

    mail.outbox.clear()
    yield mail.outbox
    mail.outbox.clear()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make(db):
    """Factories bound to the test database: make.owner(), make.facilitator(), …"""
    return factories.Factories(db)


@pytest.fixture
def login(client):
    """Log a user in on `client` the way the login form does, without hashing a password."""

    def do_login(user, on=None):
        from marketplace.accounts import services
        from marketplace.accounts.sessions import SESSION_KEY

        target = on or client
        token = services.start_session(user=user, ip="127.0.0.1", user_agent="pytest")
        _db.session.commit()
        with target.session_transaction() as session:
            session.clear()
            session[SESSION_KEY] = token
            session["_user_id"] = str(user.id)
            session["_fresh"] = True
            session.permanent = True
        return target

    return do_login
