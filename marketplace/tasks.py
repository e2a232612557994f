"""The run-after-commit seam for side effects (indexing, thumbnails, mail, jobs).

Services call `enqueue("name", id=...)` while they work; the job is kept on the database session
and handed over only after that session commits, and dropped if it rolls back. Jobs take ids,
never objects, and open their own session (`job_session()`), exactly as a worker on a queue
would, so moving from inline execution to a queue changes where they run, not what they do.

Modes (config `TASKS_MODE`; when unset, "queue" if REDIS_URL is set, else "inline"):
- "inline": run each job right after the commit, in the same process.
- "collect": keep the jobs in `collected()` for the caller to run (tests, bulk CLI commands).
- "queue": write a `pending_jobs` row for each job in the same transaction, and after the commit
  hand the job to RQ (`marketplace.queue`); a worker runs it and deletes the row. If Redis
  cannot be reached the rows stay, and `flask jobs sweep` hands them over later.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

_REGISTRY: dict[str, Callable[..., Any]] = {}
_GIVE_UP: dict[str, Callable[..., Any]] = {}
_PENDING = "temumodal_pending_jobs"
_collected: list[tuple[str, dict[str, Any]]] = []


def job(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a function as the job called `name`."""

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        _REGISTRY[name] = func
        return func

    return register


def on_give_up(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register what to do when job `name` failed for good in a way its own code could not
    catch (a worker killed mid-job): called by the sweep with the job's kwargs; idempotent."""

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        _GIVE_UP[name] = func
        return func

    return register


def give_up(name: str, **kwargs: Any) -> None:
    """Run job `name`'s give-up handler, if it has one."""
    handler = _GIVE_UP.get(name)
    if handler is not None:
        handler(**kwargs)


def job_names() -> frozenset[str]:
    """The names of every registered job."""
    return frozenset(_REGISTRY)


def enqueue(name: str, **kwargs: Any) -> None:
    """Run job `name` with `kwargs` after the current database transaction commits.

    Side effects: none until commit; nothing at all if the transaction rolls back. Raises
    KeyError for a job nobody registered.
    """
    from marketplace.extensions import db

    enqueue_on(db.session(), name, **kwargs)


def enqueue_on(session: Session, name: str, **kwargs: Any) -> None:
    """`enqueue` on a given session (for session event listeners, which are handed theirs).

    In "queue" mode it also adds the job's `pending_jobs` row to `session` (the same job twice
    in one transaction is recorded and queued once)."""
    if name not in _REGISTRY:
        raise KeyError(f"unknown job {name!r}")
    if not session.in_transaction():
        session.begin()  # so that a rollback() before any database work still drops the job
    pending = session.info.setdefault(_PENDING, [])
    record = None
    if mode() == "queue":
        if any(n == name and k == kwargs for n, k, _ in pending):
            return
        from marketplace.queue.models import PendingJob

        record = PendingJob(name=name, kwargs=kwargs)
        session.add(record)
    pending.append((name, kwargs, record))


def mode() -> str:
    """How jobs run: "inline", "collect" or "queue" (see the module's docstring)."""
    return current_app.config.get("TASKS_MODE") or "inline"


def queued(session: Session) -> list[tuple[str, dict[str, Any]]]:
    """The jobs waiting for `session`'s transaction to commit, oldest first (a copy)."""
    return [(name, kwargs) for name, kwargs, _ in session.info.get(_PENDING) or ()]


def is_last_attempt() -> bool:
    """False only inside a queued job that the queue will retry if it fails now."""
    if mode() != "queue":
        return True
    from marketplace import queue

    return queue.is_last_attempt()


def run_job(name: str, **kwargs: Any) -> Any:
    """Run one registered job now (used by the inline mode, workers and tests)."""
    return _REGISTRY[name](**kwargs)


def collected() -> list[tuple[str, dict[str, Any]]]:
    """Jobs handed over in "collect" mode and not run yet, oldest first (a copy)."""
    return list(_collected)


def clear_collected() -> None:
    """Forget the jobs collected so far without running them."""
    _collected.clear()


def run_collected() -> int:
    """Run and clear every collected job; returns how many ran."""
    count = 0
    while _collected:
        name, kwargs = _collected.pop(0)
        run_job(name, **kwargs)
        count += 1
    return count


@contextlib.contextmanager
def job_session() -> Iterator[Session]:
    """A session of the job's own, committed when the block ends without error."""
    from marketplace.extensions import db

    session = Session(bind=db.engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        return  # a SAVEPOINT was released: the real commit is still to come
    jobs = session.info.pop(_PENDING, None)
    if not jobs:
        return
    how = mode()
    if how == "queue":
        _hand_to_queue(jobs)
        return
    for name, kwargs, _record in jobs:
        if how == "collect":
            _collected.append((name, kwargs))
            continue
        try:
            run_job(name, **kwargs)
        except Exception:
            log.exception("job %s failed", name)
            if current_app.config.get("TASKS_RAISE"):
                raise


def _hand_to_queue(jobs: list[tuple[str, dict[str, Any], Any]]) -> None:
    from sqlalchemy import inspect

    from marketplace import queue

    for name, kwargs, record in jobs:
        identity = inspect(record).identity if record is not None else None
        pending_id = identity[0] if identity else None
        key = queue.job_id("job", pending_id) if pending_id is not None else None
        try:
            if key is None:  # no record (not expected): a fresh id
                key = queue.job_id("job", uuid.uuid4().hex)
            queue.submit(name, kwargs, job_key=key, pending_id=pending_id)
        except queue.QueueUnavailable as error:
            # The records are committed: `flask jobs sweep` hands these jobs over later.
            log.warning("queue unavailable, %d job(s) left for the sweep: %s", len(jobs), error)
            return
        except Exception:
            log.exception("job %s could not be queued; left for the sweep", name)
            if current_app.config.get("TASKS_RAISE"):
                raise


# after_soft_rollback: fires on every rollback(), also one that had no database work to undo.
@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.nested:
        return  # only a SAVEPOINT rolled back: the outer transaction (and its jobs) goes on
    session.info.pop(_PENDING, None)
