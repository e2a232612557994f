"""One backup = one `.tar` file: a consistent database snapshot, the uploaded files, a manifest.

Archive members:
    database.sqlite or database.pgdump   SQLite's online backup API / `pg_dump -Fc`
    uploads/<ab>/<key>                   the uploaded files, under their storage keys
    manifest.json                        written last: created_at (UTC), database kind, Alembic
                                         revision, row counts per table, size and SHA-256 of the
                                         database file and of every uploaded file

Why database first, files second is consistent: uploaded files are never modified in place. A
file is written under a temporary name and renamed to its final name once the row that
references it commits, and deleted once the row's deletion commits (marketplace/storage.py).
So after the snapshot, every file it references is still on disk unless a later commit deleted
it; the backup then sees a referenced file missing and takes a new snapshot (a few attempts).
A referenced file still under its temporary name (row committed, rename not done yet) is
copied from that name. Files added after the snapshot are copied too: no row references them
in the restored database, and `flask files cleanup` removes them there.

The search index (Whoosh directory, PostgreSQL search table, match cards) is derived data:
restore rebuilds it. The NIK encryption key is not in the archive (it would unlock the NIKs
in it): keep it apart; the manifest carries a fingerprint so a restore with another key stops.

Creating and verifying an archive is here; bringing one back is in `backups/restore.py`.

Every function raises BackupError with an operator-readable message; nothing here commits the
app's session.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import Connection, create_engine, func, inspect, select, table, text
from sqlalchemy.orm import Session

from marketplace import storage
from marketplace.extensions import db

FORMAT = 1
MANIFEST = "manifest.json"
UPLOADS = "uploads/"
DB_MEMBERS = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}
ATTEMPTS = 3
_CHUNK = 1024 * 1024
_KEY = re.compile(r"^[0-9a-f]{32}\.[a-z]{3,4}$")


class BackupError(Exception):
    """A backup, verification or restore that cannot go on; the message says why."""


@dataclass
class Snapshot:
    """What the database snapshot holds, read inside the snapshot itself."""

    counts: dict[str, int]
    keys: set[str]
    revision: str | None
    server_version: str | None = None


@dataclass
class Verification:
    manifest: dict[str, Any]
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# --- helpers ---------------------------------------------------------------------------------
def database_kind() -> str:
    name = db.engine.dialect.name
    if name not in DB_MEMBERS:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {name}")
    return name


def row_counts(conn: Connection) -> dict[str, int]:
    """Rows per table in the database `conn` reads (its own snapshot when in a transaction)."""
    return {
        name: conn.scalar(select(func.count()).select_from(table(name)))
        for name in sorted(inspect(conn).get_table_names())
    }


def _revision(conn: Connection) -> str | None:
    if "alembic_version" not in inspect(conn).get_table_names():
        return None  # a schema made by create_all (tests), not by migrations
    return conn.scalar(text("SELECT version_num FROM alembic_version"))


def _describe(conn: Connection) -> Snapshot:
    with Session(bind=conn) as session:
        keys = storage.referenced_keys(session)
    return Snapshot(counts=row_counts(conn), keys=keys, revision=_revision(conn))


def key_fingerprint() -> str | None:
    """A fingerprint of the NIK key that encrypts (the first one), never the key itself."""
    keys = current_app.config.get("NIK_ENCRYPTION_KEY")
    if not keys:
        return None
    first = str(keys).split(",")[0].strip()
    return hashlib.sha256(b"temumodal-backup:" + first.encode()).hexdigest()[:16]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class _HashingReader:
    """A file object that hashes what tarfile reads from it."""

    def __init__(self, handle) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def pg_dsn_env() -> tuple[str, dict[str, str]]:
    """The libpq URL of the app's database (password in the environment, not on argv)."""
    url = db.engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    dsn = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return dsn, env


def pg_tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(
            f"{name} not found: install PostgreSQL's client tools (postgresql-client)"
        )
    return path


def _tool_major(tool: str) -> int:
    match = re.search(r"(\d+)(?:\.\d+)?", _run([tool, "--version"]).stdout)
    return int(match.group(1)) if match else 0


def _run(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    # An argument list (no shell), the tool's path from shutil.which, our own file names.
    return subprocess.run(args, env=env, capture_output=True, text=True)  # noqa: S603


def run_or_fail(args: list[str], env: dict[str, str]) -> None:
    result = _run(args, env)
    if result.returncode != 0:
        tool = Path(args[0]).name
        raise BackupError(f"{tool} failed: {result.stderr.strip() or result.stdout.strip()}")


# --- create ----------------------------------------------------------------------------------
def _snapshot_sqlite(dest: Path) -> Snapshot:
    raw = db.engine.raw_connection()
    try:
        target = sqlite3.connect(dest)
        try:
            # One step (pages=-1): the copy is of one moment, even while others write.
            raw.driver_connection.backup(target)
            # A single self-contained file: no -wal beside it in the archive.
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
    finally:
        raw.close()
    engine = create_engine(f"sqlite:///{dest}")
    try:
        with engine.connect() as conn:
            return _describe(conn)
    finally:
        engine.dispose()


def _snapshot_postgresql(dest: Path) -> Snapshot:
    pg_dump = pg_tool("pg_dump")
    dsn, env = pg_dsn_env()
    with db.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            # pg_dump reads the very snapshot the counts and file keys below are read in.
            snapshot_id = conn.scalar(text("SELECT pg_export_snapshot()"))
            server = conn.scalar(text("SHOW server_version"))
            server_major = int(re.match(r"\d+", server).group())
            if _tool_major(pg_dump) < server_major:
                raise BackupError(
                    f"pg_dump {_tool_major(pg_dump)} is older than the server ({server}): "
                    f"install postgresql-client-{server_major}"
                )
            described = _describe(conn)
            run_or_fail([pg_dump, "-Fc", f"--snapshot={snapshot_id}", "-f", str(dest), dsn], env)
    described.server_version = server
    return described


def _files_to_copy(keys: set[str]) -> tuple[dict[str, Path], list[str]]:
    """{key: path to read} for every final file present plus referenced ones not yet renamed,
    and the referenced keys found nowhere."""
    base = storage.root()
    found: dict[str, Path] = {}
    if base.exists():
        for path in sorted(base.glob("*/*")):
            # Only files under storage's own names (a key, in the folder of its first two
            # characters); anything else in the folder is not the app's.
            if path.is_file() and _KEY.match(path.name) and path.parent.name == path.name[:2]:
                found[path.name] = path
    missing = []
    for key in sorted(keys - set(found)):
        pending = base / key[:2] / (key + storage.TMP_SUFFIX)
        if pending.is_file():
            found[key] = pending
        else:
            missing.append(key)
    return found, missing


def _add_file(archive: tarfile.TarFile, name: str, path: Path) -> dict[str, Any] | None:
    """Add `path` as `name`; its size and hash, or None if it was deleted meanwhile."""
    try:
        handle = open(path, "rb")
    except FileNotFoundError:
        return None
    with handle:
        # An open file stays readable even if it is unlinked now.
        stat = os.fstat(handle.fileno())
        info = tarfile.TarInfo(name)
        info.size = stat.st_size
        info.mtime = int(stat.st_mtime)
        info.mode = 0o600
        reader = _HashingReader(handle)
        archive.addfile(info, reader)
    return {"path": name, "size": info.size, "sha256": reader.digest.hexdigest()}


def default_folder() -> Path:
    return Path(current_app.config["BACKUP_FOLDER"])


def create_backup(*, output: Path | None = None, attempts: int = ATTEMPTS) -> tuple[Path, dict]:
    """Write a backup archive and return its path and manifest.

    `output`: the archive's path; default `<BACKUP_FOLDER>/temumodal-<UTC time>.tar`. The file
    appears under that name only when complete (written as `.partial`, then renamed). Side
    effects: that file. Raises BackupError (unsupported database, missing or too old pg_dump,
    the target exists).
    """
    kind = database_kind()
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    if output is None:
        output = default_folder() / f"temumodal-{now:%Y%m%dT%H%M%SZ}.tar"
    output = Path(output)
    if output.exists():
        raise BackupError(f"{output} exists already")
    output.parent.mkdir(parents=True, exist_ok=True)
    db.session.remove()  # the snapshot must not wait for (or see) this process's transaction
    partial = output.with_name(f".{output.name}.partial")
    with tempfile.TemporaryDirectory(prefix="temumodal-backup-") as work:
        dump = Path(work) / DB_MEMBERS[kind]
        for attempt in range(1, attempts + 1):
            dump.unlink(missing_ok=True)
            snap = _snapshot_sqlite(dump) if kind == "sqlite" else _snapshot_postgresql(dump)
            try:
                manifest = _write_archive(partial, kind=kind, dump=dump, snap=snap, now=now)
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
            if manifest["missing_files"] and attempt < attempts:
                continue  # a row's deletion committed meanwhile: take a new snapshot
            with open(partial, "rb+") as handle:
                os.fsync(handle.fileno())
            os.replace(partial, output)
            return output, manifest
    raise AssertionError("unreachable")


def _write_archive(
    partial: Path, *, kind: str, dump: Path, snap: Snapshot, now: dt.datetime
) -> dict[str, Any]:
    files, missing = _files_to_copy(snap.keys)
    entries = []
    with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as archive:
        database = _add_file(archive, DB_MEMBERS[kind], dump)
        for key, path in files.items():
            entry = _add_file(archive, f"{UPLOADS}{key[:2]}/{key}", path)
            if entry is not None:
                entries.append(entry)
            elif key in snap.keys:
                missing.append(key)  # deleted by a commit after the snapshot
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat().replace("+00:00", "Z"),
            "database": {
                "kind": kind,
                **database,
                "alembic_revision": snap.revision,
                "server_version": snap.server_version,
            },
            "row_counts": snap.counts,
            "files": entries,
            "missing_files": sorted(missing),
            "nik_key_fingerprint": key_fingerprint(),
            "not_included": ["search index (rebuilt on restore)", "NIK encryption key"],
        }
        data = json.dumps(manifest, indent=2, sort_keys=True).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(data)
        info.mtime = int(now.timestamp())
        info.mode = 0o600
        archive.addfile(info, io.BytesIO(data))
    return manifest


# --- verify ----------------------------------------------------------------------------------
def _safe_member(member: tarfile.TarInfo) -> bool:
    if not member.isfile():
        return False
    if member.name == MANIFEST or member.name in DB_MEMBERS.values():
        return True
    parts = member.name.split("/")
    return (
        len(parts) == 3
        and parts[0] == UPLOADS.rstrip("/")
        and _KEY.match(parts[2]) is not None
        and parts[1] == parts[2][:2]
    )


def _read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.getmember(MANIFEST)
        manifest = json.loads(archive.extractfile(member).read())
    except (KeyError, ValueError, AttributeError) as error:
        raise BackupError(
            "not a TemuModal backup: manifest.json is missing or unreadable"
        ) from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    return manifest


@contextmanager
def _open_archive(path: Path) -> Iterator[tarfile.TarFile]:
    try:
        archive = tarfile.open(path, "r:")
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"cannot read {path}: {error}") from error
    with archive:
        yield archive


def verify_backup(path: Path, *, extract_to: Path | None = None) -> Verification:
    """Check every member of the archive against the manifest, without restoring it.

    Checks: no member outside the known layout (no paths, links or devices), every file the
    manifest lists present with its size and SHA-256, none extra; the database file opens
    (SQLite: integrity check and row counts; PostgreSQL: `pg_restore --list` reads it).
    `extract_to`: also write the members there (restore uses it). Raises BackupError when the
    file is not a readable backup at all; returns the problems otherwise.
    """
    with tempfile.TemporaryDirectory(prefix="temumodal-verify-") as scratch:
        target = Path(extract_to or scratch)
        with _open_archive(path) as archive:
            manifest = _read_manifest(archive)
            report = Verification(manifest=manifest)
            expected = {entry["path"]: entry for entry in manifest.get("files", [])}
            database = manifest.get("database", {})
            if database.get("path") not in DB_MEMBERS.values():
                report.problems.append("the manifest names no database file")
            else:
                expected[database["path"]] = database
            seen = set()
            try:
                for member in archive:
                    if member.name == MANIFEST:
                        continue
                    if not _safe_member(member):
                        report.problems.append(f"unexpected member {member.name!r}")
                        continue
                    if member.name not in expected:
                        report.problems.append(f"{member.name} is not in the manifest")
                        continue
                    seen.add(member.name)
                    out = target / member.name
                    out.parent.mkdir(parents=True, exist_ok=True)
                    digest = hashlib.sha256()
                    with archive.extractfile(member) as source, open(out, "wb") as sink:
                        while chunk := source.read(_CHUNK):
                            digest.update(chunk)
                            sink.write(chunk)
                    entry = expected[member.name]
                    if member.size != entry["size"] or digest.hexdigest() != entry["sha256"]:
                        report.problems.append(f"{member.name} does not match its hash")
            except (OSError, tarfile.TarError) as error:
                report.problems.append(f"the archive is damaged: {error}")
            for name in sorted(set(expected) - seen):
                report.problems.append(f"{name} is missing from the archive")
        if report.ok:
            report.problems.extend(_check_database(target / database["path"], manifest))
    return report


def _check_database(dump: Path, manifest: dict[str, Any]) -> list[str]:
    kind = manifest["database"]["kind"]
    if kind == "sqlite":
        engine = create_engine(f"sqlite:///{dump}")
        try:
            with engine.connect() as conn:
                if conn.scalar(text("PRAGMA integrity_check")) != "ok":
                    return ["the SQLite database fails its integrity check"]
                if row_counts(conn) != manifest["row_counts"]:
                    return ["the SQLite database's row counts differ from the manifest"]
        except Exception as error:  # a damaged file raises DatabaseError of many kinds
            return [f"the SQLite database cannot be read: {error}"]
        finally:
            engine.dispose()
        return []
    result = _run([pg_tool("pg_restore"), "--list", str(dump)])
    if result.returncode != 0:
        return [f"pg_restore cannot read the dump: {result.stderr.strip()}"]
    return []
