"""`GET /healthz`: 200 when the database, the upload folder and the search index are usable
(and Redis, when a job queue is configured), 503 naming the failing part otherwise. With a
queue it also says whether a worker was seen recently (its RQ heartbeat): information for the
operator, not a failure of this web node. Never shows secrets or error details."""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from marketplace.extensions import db, limiter

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


def _check_database() -> bool:
    db.session.execute(text("SELECT 1"))
    return True


def _check_uploads() -> bool:
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=folder, prefix=".health-")
    os.close(fd)
    os.unlink(name)
    return True


# Parts above this shared module add their own check at start-up (create_app registers the
# search index's), so health imports no domain package.
CHECKS: dict[str, Callable[[], bool]] = {
    "database": _check_database,
    "uploads": _check_uploads,
}


def register_check(name: str, check: Callable[[], bool]) -> None:
    """Add (or replace) a part `/healthz` checks: `check()` is true when it is usable."""
    CHECKS[name] = check


def _check_redis() -> bool:
    from marketplace import queue

    return queue.ping()


def _worker_report() -> dict:
    from marketplace import queue

    stale = float(current_app.config["TASKS_WORKER_STALE_S"])
    try:
        beat = queue.last_worker_heartbeat()
    except Exception:  # noqa: BLE001 - Redis down: the redis check says so
        beat = None
    age = (dt.datetime.now(dt.UTC) - beat).total_seconds() if beat is not None else None
    seen = age is not None and age <= stale
    return {"seen": seen, "last_heartbeat_s": round(age) if age is not None else None}


@bp.get("/healthz")
@limiter.exempt
def healthz():
    results = {}
    checks = dict(CHECKS)
    queued = current_app.config.get("TASKS_MODE") == "queue"
    if queued:
        checks["redis"] = _check_redis
    for name, check in checks.items():
        try:
            results[name] = "ok" if check() else "failing"
        except Exception:  # noqa: BLE001 - any failure means "not usable"; details go to the log
            log.exception("health check %s failed", name)
            results[name] = "failing"
            db.session.rollback()
    failing = [name for name, state in results.items() if state != "ok"]
    body = {"status": "ok" if not failing else "failing", "checks": results}
    if failing:
        body["failing"] = failing
    if queued:
        body["worker"] = _worker_report()
    return jsonify(body), 200 if not failing else 503
