"""A comparable picture of every table a demo seed fills: row counts, a digest of every row and
a readable sample (first and last rows by primary key).

`python -m tests.demo.snapshot OUT.json` seeds a fresh SQLite database and writes the picture;
tests/fixtures/demo_world_before.json was written this way from the seed as it stood before the
demo moved into data files, and tests/demo/test_demo.py compares every new seed with it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.profiles.models import Enterprise

# Values that differ on every run by design: Argon2 salts and Fernet IVs; and the enrolment
# consent times, which the recorded seed took from the clock (the demo now dates them).
VOLATILE_COLUMNS = {
    "password_hash",
    "owner_nik_encrypted",
    "notified_at",
    "consent_at",
    "withdrawn_at",
    # Added after the recording (issue 15: the owner's age for reports, with its consent).
    "share_owner_age",
    "owner_birth_year",
    # Added after the recording (e-mail confirmation); demo users are confirmed when created.
    "email_confirmed_at",
    # Added after the recording (the 2026 financing facts, issue 14); the demo leaves them false.
    "in_training",
    "in_business_group",
    "family_member_business",
    "prior_commercial_credit",
    "current_programme_credit",
    "koperasi_rat_held",
    "koperasi_shu_positive",
    # Added after the recording (graduation from social assistance, issue 14); none recorded.
    "graduated_from",
    "graduated_on",
    # Added after the recording (organisation members, issue 13): whoever registered an
    # organisation administers it (the demo's first user of each; tests/demo/test_demo.py checks
    # it, the recording predates the column); no demo organisation is rejected.
    "organisation_admin",
    "rejected_at",
    "rejection_reason",
    # Added after the recording (consent to programme and donor reports, issue 16): on for all.
    "share_in_reports",
}
# In-app notices are dated by the clock when the services create them.
VOLATILE_IN = {
    "notifications": {"created_at", "read_at"},
    # Added after the recording (issue 13): raised by every update, so it counts the seed's saves.
    "enterprises": {"version"},
    "mandates": {"version"},
    "pitch_events": {"version"},
}


def _kept(table) -> list:
    volatile = VOLATILE_COLUMNS | VOLATILE_IN.get(table.name, set())
    return [c for c in table.columns if c.name not in volatile]


# Derived caches rebuilt after commit and dated by the real clock (match cards carry the
# readiness stage as of the day they were computed), not part of the seeded world; and the mail
# the seed's notifications queued (random keys and Message-IDs).
DERIVED_TABLES = {"match_cards", "search_outbox", "outbound_mails"}
SAMPLE = 3


def _value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return hashlib.sha256(value).hexdigest()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, default=str)
    return value


# Notification kinds added after the recording, sent in the original world too: the members of
# each organisation the admin verifies are told so. Their rows are left out and the others are
# numbered 1, 2, 3 … in order, as they were recorded (the recorded ids have no gaps).
NOTIFICATION_KINDS_ADDED_LATER = ("organisation_verified",)


def table_rows(table, limit: int | None = None) -> list[list[Any]]:
    """Rows of `table` ordered by primary key, volatile columns left out."""
    columns = _kept(table)
    query = select(*columns).order_by(*table.primary_key.columns)
    if table.name == "notifications":
        query = query.where(table.c.kind.not_in(NOTIFICATION_KINDS_ADDED_LATER))
    if limit is not None:
        query = query.limit(limit)
    rows = [[_value(v) for v in row] for row in db.session.execute(query)]
    if table.name == "legal_documents":
        # The recording predates the 16-digit NPWP (PMK 112/2022): a sole proprietor's old
        # 15-digit number is now stored with a leading 0, so compare it as it was recorded.
        sole = set(
            db.session.scalars(select(Enterprise.id).where(Enterprise.legal_form == "perorangan"))
        )
        owner, kind, number = (
            columns.index(table.c.enterprise_id),
            columns.index(table.c.kind),
            columns.index(table.c.number),
        )
        for row in rows:
            if row[kind] == "npwp" and row[owner] in sole and len(row[number] or "") == 16:
                row[number] = row[number][1:]
    if table.name == "notifications":
        position = columns.index(table.c.id)
        for rank, row in enumerate(rows, start=1):
            row[position] = rank
    return rows


def digest(rows: list[list[Any]]) -> str:
    return hashlib.sha256(json.dumps(rows, default=str).encode()).hexdigest()


def snapshot() -> dict[str, dict[str, Any]]:
    """{table: {count, digest, first, last}} for every table in the metadata."""
    picture = {}
    for name, table in sorted(db.metadata.tables.items()):
        if name in DERIVED_TABLES:
            continue
        rows = table_rows(table)
        picture[name] = {
            "count": len(rows),
            "columns": [c.name for c in _kept(table)],
            "digest": digest(rows),
            "first": rows[:SAMPLE],
            "last": rows[-SAMPLE:] if len(rows) > SAMPLE else [],
        }
    return picture


def main(out: str) -> None:
    import time

    import flask_migrate

    from marketplace import create_app, demo

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "ENV_NAME": "testing",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/demo.sqlite",
                "UPLOAD_FOLDER": f"{folder}/uploads",
                "SEARCH_INDEX_DIR": f"{folder}/search-index",
            }
        )
        with app.app_context():
            flask_migrate.upgrade()
            started = time.perf_counter()
            demo.seed_demo()
            db.session.commit()
            print(f"seeded in {time.perf_counter() - started:.1f} s", file=sys.stderr)
            picture = snapshot()
            db.session.remove()
            db.engine.dispose()
    Path(out).write_text(json.dumps(picture, indent=1, sort_keys=True, default=str) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
