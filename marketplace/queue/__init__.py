"""The job queue seam: RQ on Redis. The only package that imports `rq` and `redis` (a shared
module: `tasks` and `health` use it; the sweep, the commands and the admin page sit above it in
`marketplace.jobs`).

Every job on the queue is the same function, `execute(name, kwargs, pending_id)`, which runs the
registered `marketplace.tasks` job `name` inside the worker's application context: what a job
does never depends on where it runs. Jobs get ids (`job_id`), so handing the same work over twice
while it waits is a no-op, and they retry with the backoff of TASKS_RETRY_INTERVALS. A job whose
last retry failed stays in RQ's failed registry, listed for admins at /admin/jobs.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import current_app
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry, SimpleWorker, Worker, get_current_job
from rq.cron import CronScheduler
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.registry import FailedJobRegistry

log = logging.getLogger(__name__)

# A job with one of these statuses is still going to run: handing it over again adds nothing.
WAITING = frozenset({JobStatus.QUEUED, JobStatus.STARTED, JobStatus.DEFERRED, JobStatus.SCHEDULED})
_CONNECTIONS = "temumodal_redis"
_pid = os.getpid()
T = TypeVar("T")


class QueueUnavailable(Exception):
    """Redis could not be reached; the work is left in the database for the sweep."""


def _wrap_redis_errors(func: Callable[..., T]) -> Callable[..., T]:
    """Turn Redis's own errors into QueueUnavailable, the one error callers handle."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        try:
            return func(*args, **kwargs)
        except RedisError as error:
            raise QueueUnavailable(f"{type(error).__name__}: {error}") from error

    return wrapper


def connection() -> Redis:
    """This app's Redis client (one per app; connects lazily, fails fast when Redis is down)."""
    app = current_app._get_current_object()
    url = app.config.get("REDIS_URL")
    if not url:
        raise QueueUnavailable("REDIS_URL is not set")
    cached = app.extensions.get(_CONNECTIONS)
    if cached is None or cached[0] != url:
        client = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
        cached = app.extensions[_CONNECTIONS] = (url, client)
    return cached[1]


def queue() -> Queue:
    return Queue(current_app.config["TASKS_QUEUE"], connection=connection())


def job_id(kind: str, key: Any) -> str:
    """A job id unique to this queue: the queue's name, what the job is, and its key."""
    return f"{current_app.config['TASKS_QUEUE']}-{kind}-{key}"


def _retry() -> Retry | None:
    intervals = [int(i) for i in current_app.config["TASKS_RETRY_INTERVALS"]]
    return Retry(max=len(intervals), interval=intervals) if intervals else None


def submit(
    name: str, kwargs: dict[str, Any], *, job_key: str, pending_id: int | None = None
) -> bool:
    """Hand job `name` to the queue as job `job_key` unless a job of that id still waits or runs.

    Returns True when it was queued, False when it was already waiting. Raises QueueUnavailable
    when Redis cannot be reached.
    """
    try:
        q = queue()
        try:
            existing = Job.fetch(job_key, connection=q.connection)
            if existing.get_status(refresh=False) in WAITING:
                return False
        except NoSuchJobError:
            pass
        q.enqueue(
            execute,
            kwargs={"name": name, "kwargs": kwargs, "pending_id": pending_id},
            job_id=job_key,
            retry=_retry(),
            job_timeout=int(current_app.config["TASKS_JOB_TIMEOUT_S"]),
            description=name,
        )
        return True
    except RedisError as error:
        raise QueueUnavailable(f"{type(error).__name__}: {error}") from error


@_wrap_redis_errors
def job_status(job_key: str) -> str | None:
    """The RQ status of job `job_key`, or None when Redis no longer knows it."""
    try:
        return Job.fetch(job_key, connection=connection()).get_status(refresh=False)
    except NoSuchJobError:
        return None


# --- what the worker runs -----------------------------------------------------------------------
def execute(*, name: str, kwargs: dict[str, Any], pending_id: int | None = None) -> Any:
    """Run the registered job `name` with `kwargs` (the worker's side of `submit`).

    A job whose pending record is gone ran already (the sweep and the after-commit hook may both
    have handed it over): it is not run again. The record is deleted after the job succeeds; an
    exception propagates so that RQ retries the job, and after the last retry keeps it as failed.
    """
    from marketplace import tasks
    from marketplace.extensions import db
    from marketplace.queue.models import PendingJob

    global _pid
    if os.getpid() != _pid:  # a forked work horse must not share the parent's connections
        db.engine.dispose(close=False)
        _pid = os.getpid()
    current = get_current_job()
    if current is not None:
        current.meta["attempts"] = int(current.meta.get("attempts", 0)) + 1
        current.save_meta()
    if pending_id is not None:
        with tasks.job_session() as session:
            if session.get(PendingJob, pending_id) is None:
                log.info("job %s (%s) ran already", name, pending_id)
                return None
    result = tasks.run_job(name, **kwargs)
    if pending_id is not None:
        with tasks.job_session() as session:
            record = session.get(PendingJob, pending_id)
            if record is not None:
                session.delete(record)
    return result


def is_last_attempt() -> bool:
    """True unless this code runs in a queued job that RQ will retry if it fails."""
    current = get_current_job()
    return current is None or not current.retries_left


# --- failed jobs, for admins --------------------------------------------------------------------
@dataclass(frozen=True)
class FailedJob:
    id: str
    name: str
    kwargs: dict[str, Any]
    error: str
    failed_at: dt.datetime | None
    attempts: int


def _error_line(job: Job) -> str:
    result = job.latest_result()
    text = (result.exc_string if result is not None else None) or ""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:500] if lines else ""


@_wrap_redis_errors
def failed_jobs(limit: int = 100) -> list[FailedJob]:
    """The jobs that failed after their last retry, newest first."""
    q = queue()
    registry = FailedJobRegistry(queue=q)
    found = []
    for job in Job.fetch_many(
        registry.get_job_ids(0, limit - 1, desc=True), connection=q.connection
    ):
        if job is None:
            continue
        job_kwargs = job.kwargs or {}
        found.append(
            FailedJob(
                id=job.id,
                name=job_kwargs.get("name") or job.description or job.func_name,
                kwargs=dict(job_kwargs.get("kwargs") or {}),
                error=_error_line(job),
                failed_at=job.ended_at,
                attempts=int(job.meta.get("attempts", 0)),
            )
        )
    return found


@_wrap_redis_errors
def retry_failed(job_key: str) -> bool:
    """Put failed job `job_key` back on the queue; False when it is not a failed job."""
    registry = FailedJobRegistry(queue=queue())
    if job_key not in registry:
        return False
    registry.requeue(job_key)
    return True


@_wrap_redis_errors
def delete_failed(job_key: str) -> dict[str, Any] | None:
    """Forget failed job `job_key`; returns its `execute` arguments (None when it is not a
    failed job), so that the caller can drop its pending record too."""
    registry = FailedJobRegistry(queue=queue())
    if job_key not in registry:
        return None
    try:
        job = Job.fetch(job_key, connection=registry.connection)
    except NoSuchJobError:
        registry.remove(job_key)
        return {}
    arguments = dict(job.kwargs or {})
    registry.remove(job, delete_job=True)
    return arguments


# --- processes ----------------------------------------------------------------------------------
@_wrap_redis_errors
def last_worker_heartbeat() -> dt.datetime | None:
    """When a worker listening on this app's queue last said it was alive (None: never)."""
    beats = [w.last_heartbeat for w in Worker.all(queue=queue()) if w.last_heartbeat]
    return max(beats) if beats else None


def ping() -> bool:
    try:
        return bool(connection().ping())
    except (RedisError, QueueUnavailable):
        return False


def run_worker(*, burst: bool = False, in_process: bool = False) -> bool:
    """Work on this app's queue (forever, or until it is empty with `burst`). Each job runs in a
    forked child (`in_process` runs it in this process: tests), so a crash takes down the job,
    not the worker. The worker also moves retries whose backoff has passed back to the queue."""
    worker_class = SimpleWorker if in_process else Worker
    worker = worker_class([queue()], connection=connection())
    return worker.work(burst=burst, with_scheduler=True, logging_level="INFO")


def cron_scheduler(entries) -> CronScheduler:
    """RQ's cron scheduler with `entries` registered (see `marketplace.jobs.periodic`); its
    `start()` runs it until SIGTERM."""
    scheduler = CronScheduler(connection=connection())
    for entry in entries:
        scheduler.register(
            execute,
            current_app.config["TASKS_QUEUE"],
            kwargs={"name": entry.job, "kwargs": {}, "pending_id": None},
            interval=entry.every_s,
            cron=entry.cron,
            job_timeout=int(current_app.config["TASKS_JOB_TIMEOUT_S"]),
            name=entry.job,
        )
    return scheduler
