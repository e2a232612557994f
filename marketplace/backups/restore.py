"""Restore: bring a backup archive (see `backups/services.py` for what it holds) back into an
empty instance, then check row counts and file hashes against its manifest.

Every function raises BackupError with an operator-readable message; the caller rebuilds the
search index (derived data).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from flask import current_app

from marketplace import storage
from marketplace.backups import services as backup
from marketplace.extensions import db


def instance_contents() -> list[str]:
    """What makes this instance non-empty: tables with rows, uploaded files (empty if none)."""
    found = [
        f"{count} row(s) in {table}"
        for table, count in _current_counts().items()
        if count and table != "alembic_version"  # `flask db upgrade` fills it in an empty db
    ]
    base = storage.root()
    if base.exists():
        count = sum(1 for path in base.rglob("*") if path.is_file())
        if count:
            found.append(f"{count} file(s) in {base}")
    return found


def _current_counts() -> dict[str, int]:
    with db.engine.connect() as conn:
        return backup.row_counts(conn)


def _restore_sqlite(dump: Path) -> None:
    target = db.engine.url.database
    if not target or target == ":memory:":
        raise backup.BackupError("restore needs a SQLite database file, not an in-memory database")
    source = sqlite3.connect(dump)
    try:
        destination = sqlite3.connect(target)
        try:
            source.backup(destination)  # replaces the whole target database, schema included
        finally:
            destination.close()
    finally:
        source.close()


def _restore_postgresql(dump: Path) -> None:
    pg_restore = backup.pg_tool("pg_restore")
    dsn, env = backup.pg_dsn_env()
    # --clean --if-exists: the empty instance may have its schema already (`flask db upgrade`);
    # one transaction: all of it or nothing.
    backup.run_or_fail(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-acl",
            "--single-transaction",
            "--exit-on-error",
            "-d",
            dsn,
            str(dump),
        ],
        env,
    )


def _copy_files(source: Path, manifest: dict[str, Any]) -> None:
    base = storage.root()
    for entry in manifest["files"]:
        relative = entry["path"][len(backup.UPLOADS) :]
        final = base / relative
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = final.with_name(final.name + storage.TMP_SUFFIX)
        shutil.copyfile(source / entry["path"], tmp)
        os.replace(tmp, final)


def check_restored(manifest: dict[str, Any]) -> list[str]:
    """Compare this instance's row counts and uploaded files with the manifest."""
    problems = []
    counts = _current_counts()
    for name, expected in manifest["row_counts"].items():
        if counts.get(name) != expected:
            problems.append(f"{name}: {counts.get(name)} row(s), the backup has {expected}")
    base = storage.root()
    for entry in manifest["files"]:
        path = base / entry["path"][len(backup.UPLOADS) :]
        if not path.is_file() or backup.sha256_of(path) != entry["sha256"]:
            problems.append(f"{entry['path']} is missing or differs from the backup")
    return problems


def code_revisions() -> set[str]:
    """The Alembic head revision(s) of this code."""
    from alembic.script import ScriptDirectory

    directory = current_app.extensions["migrate"].directory
    return set(ScriptDirectory(directory).get_heads())


def restore_backup(path: Path) -> dict[str, Any]:
    """Bring a backup back into this empty instance; return its manifest.

    Refuses (backup.BackupError, nothing changed) a damaged archive, one of another database kind or
    made with another NIK key, and a non-empty instance. Then restores the database and the
    files and checks row counts and file hashes against the manifest. The caller rebuilds the
    search index (derived data). Side effects: the database, the upload folder.
    """
    kind = backup.database_kind()
    db.session.remove()
    with tempfile.TemporaryDirectory(prefix="temumodal-restore-") as work:
        report = backup.verify_backup(path, extract_to=Path(work))
        manifest = report.manifest
        if not report.ok:
            raise backup.BackupError(
                "the archive does not match its manifest:\n  " + "\n  ".join(report.problems)
            )
        if manifest["database"]["kind"] != kind:
            raise backup.BackupError(
                f"the backup is of a {manifest['database']['kind']} database; "
                f"this instance uses {kind}"
            )
        if manifest.get("nik_key_fingerprint") != backup.key_fingerprint():
            raise backup.BackupError(
                "the backup was made with another NIK encryption key: set "
                "FLASK_NIK_ENCRYPTION_KEY to the key of the instance that made it"
            )
        contents = instance_contents()
        if contents:
            raise backup.BackupError(
                "restore needs an empty instance; this one has " + ", ".join(contents)
            )
        db.engine.dispose()
        dump = Path(work) / manifest["database"]["path"]
        if kind == "sqlite":
            _restore_sqlite(dump)
        else:
            _restore_postgresql(dump)
        db.engine.dispose()  # no pooled connection remembers the schema before the restore
        _copy_files(Path(work), manifest)
    problems = check_restored(manifest)
    if problems:
        raise backup.BackupError(
            "the restored instance differs from the backup:\n  " + "\n  ".join(problems)
        )
    return manifest
