"""Programme reports kept in memory between requests, until the data under them changes.

A report over 10k enterprises and their 240k check-ins takes a second or more to compute; a
programme manager opens the dashboard, then other indicators and breakdowns, then the exports,
all over the same data. Each report is kept under the data version it was computed from, and is
reused only while that version holds:

- The version is a token in `monitoring_data_version` (one row). Every transaction that writes
  to a table a report reads (`watched_tables`: enrolments, cohorts, programmes, enterprises,
  match cards, check-ins, finance received, schedules, pitch events, shortlists, outcomes,
  targets, and every table whose deletion cascades into one of them) replaces the token as the
  last statement before its commit, in the same transaction: a write seen by a reader is never
  older than the token it reads. The write is noticed on the engine's connection
  (`after_cursor_execute`), so ORM flushes, Core bulk statements and raw SQL all count; a
  rolled-back transaction replaces nothing.
- A consent withdrawal (`share_in_reports`) is an update of `enterprises`: the next report after
  its commit is computed afresh and leaves the enterprise out, at once.
- A session with unflushed changes, or whose transaction has written to a watched table and not
  committed yet, never reads or fills the cache: it sees its own writes.
- The key also holds the day (age bands, periods still running) and, for the labelled tables,
  the request's language. Each process keeps its own few reports (`MONITORING_REPORT_CACHE`
  entries, 0 turns the cache off); the token is read from the database on every report, so
  every worker sees every other's writes.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections import OrderedDict

from flask import current_app
from sqlalchemy import event, select

from marketplace.events.models import Outcome, PitchEvent, Schedule, ScheduleItem
from marketplace.extensions import db
from marketplace.matching.models import MatchCard, ShortlistEntry
from marketplace.monitoring.models import CheckIn, DataVersion, FinanceReceived, Target
from marketplace.profiles.models import Enterprise
from marketplace.programmes.models import Cohort, Enrolment, Programme

# The tables `facts.frame` and `services.programme_report` read (a test checks every
# statement of a report against `watched_tables()`).
READ_MODELS = (
    Enrolment,
    Cohort,
    Programme,
    Enterprise,
    MatchCard,
    CheckIn,
    FinanceReceived,
    ScheduleItem,
    Schedule,
    PitchEvent,
    ShortlistEntry,
    Outcome,
    Target,
)
DIRTY = "monitoring_dirty"
WRITE = re.compile(
    r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?',
    re.IGNORECASE,
)
_lock = threading.Lock()
EXISTS = {
    "sqlite": "SELECT count(*) FROM sqlite_master WHERE name = 'monitoring_data_version'",
    "postgresql": "SELECT to_regclass('monitoring_data_version') IS NOT NULL",
}


def watched_tables() -> frozenset[str]:
    """The tables read, plus every table whose rows' deletion (or id change) the database
    cascades into one of them (ON DELETE CASCADE / SET NULL), transitively."""
    watched = {model.__table__.name for model in READ_MODELS}
    grown = True
    while grown:
        grown = False
        for table in db.metadata.tables.values():
            if table.name not in watched:
                continue
            for fk in table.foreign_keys:
                cascades = (fk.ondelete or "").upper() in ("CASCADE", "SET NULL")
                if cascades and fk.column.table.name not in watched:
                    watched.add(fk.column.table.name)
                    grown = True
    return frozenset(watched)


def init_app(app) -> None:
    """Listen to the app's engine: note writes to watched tables, replace the token on commit."""
    with app.app_context():
        engine = db.engine
        watched = watched_tables()
    app.extensions["monitoring_reports"] = OrderedDict()

    @event.listens_for(engine, "after_cursor_execute")
    def _noticed(conn, _cursor, statement, _parameters, _context, _executemany):
        # Every statement passes here: a read fails the pattern at its first word, before
        # the connection's info (a chain of properties) is looked at.
        match = WRITE.match(statement)
        if match and match.group(1).lower() in watched and not conn.info.get(DIRTY):
            conn.info[DIRTY] = True

    exists = EXISTS[engine.dialect.name]

    @event.listens_for(engine, "commit")
    def _bump(conn):
        if conn.info.pop(DIRTY, False):
            # On the DBAPI connection, inside the transaction being committed: no SQLAlchemy
            # events, no autobegin. The token is hex: safe to write into the statement.
            cursor = conn.connection.dbapi_connection.cursor()
            try:
                # Before migration 0029 (or after a downgrade) there is nothing to replace.
                cursor.execute(exists)
                if not cursor.fetchone()[0]:
                    return
                token = uuid.uuid4().hex
                cursor.execute(f"UPDATE monitoring_data_version SET token = '{token}' WHERE id = 1")  # noqa: S608
                if cursor.rowcount == 0:
                    cursor.execute(
                        f"INSERT INTO monitoring_data_version (id, token) VALUES (1, '{token}')"  # noqa: S608
                    )
            finally:
                cursor.close()

    @event.listens_for(engine, "rollback")
    def _forget(conn):
        conn.info.pop(DIRTY, None)

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection, record):
        record.info.pop(DIRTY, None)


def current_token() -> str | None:
    """The data version this session may read a kept report under, or None when it must compute
    afresh (its own uncommitted or unflushed writes, no version row, the cache turned off)."""
    if not current_app.config["MONITORING_REPORT_CACHE"]:
        return None
    if "monitoring_reports" not in current_app.extensions:
        return None
    session = db.session
    if session.new or session.dirty or session.deleted:
        return None
    if session.connection().info.get(DIRTY):
        return None
    return session.scalar(select(DataVersion.token).where(DataVersion.id == 1))


def get(key):
    store = current_app.extensions["monitoring_reports"]
    with _lock:
        value = store.get(key)
        if value is not None:
            store.move_to_end(key)
        return value


def put(key, value) -> None:
    store = current_app.extensions["monitoring_reports"]
    size = int(current_app.config["MONITORING_REPORT_CACHE"])
    with _lock:
        store[key] = value
        store.move_to_end(key)
        while len(store) > size:
            store.popitem(last=False)


def clear() -> None:
    with _lock:
        current_app.extensions.get("monitoring_reports", {}).clear()
