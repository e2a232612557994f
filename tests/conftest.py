"""Fixtures: a fresh app and schema per test, on SQLite by default or on PostgreSQL when
TEST_DATABASE_URL is set (the CI's second pass)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, text
from sqlalchemy.pool import Pool
from werkzeug.routing import Rule

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
    elif _copied_from_template(db):
        return
    db.create_all()


def _schema_fingerprint(db) -> tuple:
    return tuple(
        (table.name, tuple(column.name for column in table.columns))
        for table in db.metadata.sorted_tables
    )


_SQLITE_TEMPLATES: dict[tuple, Path] = {}


def _copied_from_template(db) -> bool:
    """On SQLite, a test's database file is a copy of one create_all built once per test process
    (a copy takes a few milliseconds, create_all about 200). The template is keyed on the
    models' tables and columns, so a test that adds a model gets a schema of its own."""
    database = db.engine.url.database
    if db.engine.url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return False
    fingerprint = _schema_fingerprint(db)
    template = _SQLITE_TEMPLATES.get(fingerprint)
    db.engine.dispose()
    if template is None:
        db.create_all()
        db.engine.dispose()
        template = Path(tempfile.mkdtemp(prefix="schema-")) / "template.sqlite"
        shutil.copyfile(database, template)
        _SQLITE_TEMPLATES[fingerprint] = template
        return True
    for suffix in ("-wal", "-shm", "-journal"):
        Path(database + suffix).unlink(missing_ok=True)
    shutil.copyfile(template, database)
    return True


def _emptied_in_place(db) -> bool:
    """On PostgreSQL, when the schema holds exactly the models' tables and columns (the previous
    test left it as create_all built it), delete every row and restart every sequence in one
    round trip instead of dropping and building the schema again (a few milliseconds instead of
    a few hundred; TRUNCATE costs about 250 ms, as it gives every table and index a new file).
    Foreign-key triggers are off for that transaction only (session_replication_role), so the
    order of the deletes does not matter. A schema that differs (a migration test's
    alembic_version, the search backend's tables) is rebuilt."""
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
        sequences = conn.execute(
            text(
                "SELECT sequence_name FROM information_schema.sequences"
                " WHERE sequence_schema = 'public'"
            )
        ).scalars()
        statements = ["SET LOCAL session_replication_role = replica"]
        statements += [f'DELETE FROM "{table.name}"' for table in db.metadata.sorted_tables]  # noqa: S608
        statements += [f"SELECT setval('\"{name}\"', 1, false)" for name in sequences]
        conn.exec_driver_sql("; ".join(statements))
    return True


_BUILDERS: dict[tuple, object] = {}
_compile_builder = Rule._compile_builder


def _cached_compile_builder(self, append_unknown=True):
    """Werkzeug compiles two URL builders from Python source for every rule of every app, which
    is most of create_app's 110 ms; the suite builds an app per test. A builder depends only on
    the rule's parts, its defaults and append_unknown (it gets the rule as its first argument),
    so tests reuse it across apps."""
    converters = tuple(
        (
            name,
            type(converter),
            tuple(sorted((k, repr(v)) for k, v in vars(converter).items() if k != "map")),
        )
        for name, converter in self._converters.items()
    )
    key = (self.rule, tuple(self._trace), repr(sorted((self.defaults or {}).items())), converters)
    key += (append_unknown,)
    builder = _BUILDERS.get(key)
    if builder is None:
        builder = _BUILDERS[key] = _compile_builder(self, append_unknown)
    return builder


Rule._compile_builder = _cached_compile_builder


# Files that keep one worker busy for a minute or more. CI runs `-n 2 --dist loadfile
# --no-loadscope-reorder`: files go to the workers in collection order, so these start first and
# the many short files fill in around them; xdist's own order (most tests first) left them to
# the end, one worker walking every page in Chromium while the other sat idle.
LONG_FILES = (
    "tests/browser/test_every_page.py",
    "tests/demo/test_demo.py",
    "tests/privacy/test_export.py",
    "tests/uploads/test_fuzz.py",
    "tests/test_csrf.py",
    "tests/test_access_matrix.py",
)


def pytest_collection_modifyitems(config, items):
    def rank(item) -> int:
        path = item.nodeid.split("::", 1)[0]
        if path in LONG_FILES:
            return LONG_FILES.index(path)
        return len(LONG_FILES) + (0 if path.startswith("tests/browser/") else 1)

    items.sort(key=rank)


@pytest.fixture(autouse=True)
def _database_free_checked(request):
    """A test marked `database_free` fails if it opens a database connection of any engine:
    the mark is what lets the PostgreSQL pass leave it out (.ci/run), so it must be true."""
    if request.node.get_closest_marker("database_free") is None:
        yield
        return
    opened = []

    def note(_dbapi_connection, _record) -> None:
        opened.append(True)

    event.listen(Pool, "connect", note)
    try:
        yield
    finally:
        event.remove(Pool, "connect", note)
    assert not opened, "a test marked database_free opened a database connection"


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
