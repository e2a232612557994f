"""File storage seam: a local folder under the instance path (nothing under `static/`).

Files get generated names. `save()` writes to a temporary name at once and the final name is
given only after the database transaction that references it commits; a rollback deletes the
temporary file. A crash in between leaves only `*.tmp` files, which `flask files cleanup`
removes together with final files that no row references.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Callable, Iterable
from pathlib import Path

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

_PENDING = "temumodal_pending_files"
_KEY_SOURCES: list[Callable[[Session], Iterable[str]]] = []
TMP_SUFFIX = ".tmp"
# .zip: a copy of a person's data (marketplace.privacy.export), built by us, never uploaded.
ALLOWED_SUFFIXES = frozenset({".jpg", ".webp", ".png", ".pdf", ".zip"})


def root() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"])


def _path(key: str) -> Path:
    # Keys are generated here, but check anyway: a key is a bare file name, never a path.
    if not key or "/" in key or "\\" in key or key.startswith("."):
        raise ValueError("invalid storage key")
    return root() / key[:2] / key


def new_key(suffix: str) -> str:
    if suffix not in ALLOWED_SUFFIXES:
        raise ValueError("unsupported suffix")
    return secrets.token_hex(16) + suffix


def save(data: bytes, *, suffix: str, session: Session) -> str:
    """Write `data` under a new generated key, final once `session` commits.

    Side effects: a `<key>.tmp` file now; renamed on commit, deleted on rollback.
    """
    key = new_key(suffix)
    path = _path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + TMP_SUFFIX)
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    if not session.in_transaction():
        session.begin()  # so that a rollback() before any database work still discards it
    session.info.setdefault(_PENDING, []).append(key)
    return key


def open_path(key: str) -> Path:
    """The path of a committed file; FileNotFoundError if it does not exist."""
    path = _path(key)
    if not path.is_file():
        raise FileNotFoundError(key)
    return path


def read(key: str) -> bytes:
    return open_path(key).read_bytes()


def delete_after_commit(keys: Iterable[str], *, session: Session) -> None:
    """Delete committed files once `session` commits (when their rows are deleted)."""
    session.info.setdefault(_PENDING + "_delete", []).extend(keys)


# insert=True: files get their final names before any other after-commit listener (the jobs
# of marketplace.tasks read them), whatever order the modules were imported in.
@event.listens_for(Session, "after_commit", insert=True)
def _promote(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        return  # a SAVEPOINT was released: the rows are not committed yet
    for key in session.info.pop(_PENDING, []):
        path = _path(key)
        tmp = path.with_name(path.name + TMP_SUFFIX)
        if tmp.exists():
            os.replace(tmp, path)
    for key in session.info.pop(_PENDING + "_delete", []):
        try:
            _path(key).unlink(missing_ok=True)
        except ValueError:
            pass


# after_soft_rollback: fires on every rollback(), also one that had no database work to undo.
@event.listens_for(Session, "after_soft_rollback")
def _discard(session: Session, previous_transaction) -> None:
    # A rolled-back SAVEPOINT keeps the outer transaction's files; any file written inside it
    # is promoted with the rest and, having no row, removed by `flask files cleanup`.
    if previous_transaction.nested:
        return
    for key in session.info.pop(_PENDING, []):
        path = _path(key)
        path.with_name(path.name + TMP_SUFFIX).unlink(missing_ok=True)
    session.info.pop(_PENDING + "_delete", None)


def register_key_source(source: Callable[[Session], Iterable[str]]) -> None:
    """Register a function that lists every key the database references, read through the
    session it is given (cleanup passes the app's session, a backup its snapshot's)."""
    _KEY_SOURCES.append(source)


def referenced_keys(session: Session) -> set[str]:
    """Every storage key the rows visible to `session` reference."""
    referenced: set[str] = set()
    for source in _KEY_SOURCES:
        referenced.update(source(session))
    return referenced


def cleanup(*, dry_run: bool = False, tmp_grace: dt.timedelta = dt.timedelta(hours=1)) -> dict:
    """Remove files no row references and temporary files older than `tmp_grace`.

    Returns {"orphans": [...], "stale_tmp": [...]} (names only). Side effects: deletes those
    files unless `dry_run`.
    """
    from marketplace.extensions import db

    referenced = referenced_keys(db.session)
    now = dt.datetime.now().timestamp()
    orphans: list[str] = []
    stale: list[str] = []
    base = root()
    if not base.exists():
        return {"orphans": orphans, "stale_tmp": stale}
    for path in sorted(base.glob("*/*")):
        if not path.is_file():
            continue
        if path.name.endswith(TMP_SUFFIX):
            if now - path.stat().st_mtime > tmp_grace.total_seconds():
                stale.append(path.name)
                if not dry_run:
                    path.unlink(missing_ok=True)
        elif path.name not in referenced:
            orphans.append(path.name)
            if not dry_run:
                path.unlink(missing_ok=True)
    return {"orphans": orphans, "stale_tmp": stale}
