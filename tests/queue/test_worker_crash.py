"""A worker's job process killed mid-job (`kill -9` of RQ's work horse: the kernel's OOM killer,
a PDFium segfault): the real forking worker, not the in-process one the other queue tests use.

What this shows: the worker survives and takes the next job; the killed job is retried and its
work done once; a job killed on every attempt is kept as failed for the admin and its give-up
handler runs from the sweep; a schedule build whose process was killed is not left "running"
for ever. What it does not: a crash of the worker process itself (the parent), which RQ notices
only when the job's timeout has passed, and a Redis restart (tests/queue/test_queue.py points
the app at a dead Redis instead; the sweep re-queues from `pending_jobs`).
"""

from __future__ import annotations

import datetime as dt
import os
import signal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from marketplace import queue, tasks
from marketplace.events import jobs as event_jobs
from marketplace.events import schedules
from marketplace.events.models import ScheduleRun
from marketplace.jobs.sweep import sweep
from marketplace.models import utcnow
from marketplace.queue.models import PendingJob

LOG: list[Path] = []  # set per test: the file the work horses write to (they are other processes)


def _note(line: str) -> None:
    with LOG[0].open("a") as file:
        file.write(line + "\n")


def _lines() -> list[str]:
    return LOG[0].read_text().split() if LOG[0].exists() else []


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)  # no handler, no clean-up: as the OOM killer does


@tasks.job("tests.crash.once")
def _crash_once(*, value: int) -> int:
    if "tried" not in _lines():
        _note("tried")
        _die()
    _note(f"done-{value}")
    return value


@tasks.job("tests.crash.always")
def _crash_always(*, value: int) -> None:
    _note("tried")
    _die()


@tasks.on_give_up("tests.crash.always")
def _give_up(*, value: int) -> None:
    _note(f"gave-up-{value}")


@pytest.fixture(autouse=True)
def _log_file(tmp_path):
    LOG[:] = [tmp_path / "horses.log"]
    yield
    LOG.clear()


@pytest.fixture
def forking_work(app, db):
    """Run RQ's forking worker (a work horse per job, as `flask worker` does) until the queue
    is empty."""

    def run() -> None:
        db.session.commit()
        queue.run_worker(burst=True)
        db.session.expire_all()

    return run


def pending(db) -> int:
    return db.session.scalar(select(func.count()).select_from(PendingJob))


def test_a_job_whose_process_is_killed_is_retried_and_done_once(app, db, forking_work):
    tasks.enqueue("tests.crash.once", value=1)
    tasks.enqueue("tests.crash.once", value=2)
    db.session.commit()

    forking_work()

    # The first horse died; the worker carried on: the retry and the other job ran.
    assert sorted(_lines()) == ["done-1", "done-2", "tried"]
    assert queue.failed_jobs() == []
    assert pending(db) == 0
    assert sweep(grace_s=0)["jobs"] == 0  # nothing left to hand over again


def test_a_job_killed_on_every_attempt_is_kept_for_the_admin_and_given_up_by_the_sweep(
    app, db, forking_work
):
    tasks.enqueue("tests.crash.always", value=3)
    db.session.commit()

    forking_work()

    assert _lines() == ["tried", "tried", "tried"]  # the first try and two retries
    [failed] = queue.failed_jobs()
    assert failed.name == "tests.crash.always"
    assert "terminated unexpectedly" in failed.error.lower()
    assert pending(db) == 1  # the work is not done: kept
    assert sweep(grace_s=0)["failed"] == 1
    assert "gave-up-3" in _lines()


def test_a_schedule_build_whose_process_is_killed_is_failed_by_the_sweep(
    app, db, open_event, forking_work, monkeypatch
):
    def killed_mid_build(problem, *, on_progress):
        on_progress(0.3, None)
        _die()

    monkeypatch.setattr(event_jobs, "build_schedule", killed_mid_build)
    monkeypatch.setattr(event_jobs, "PROGRESS_EVERY_S", 0.0)
    run = schedules.start_build(actor=open_event.facilitator, event=open_event.event)
    db.session.commit()

    forking_work()

    run = db.session.get(ScheduleRun, run.id)
    # The retries found the run no longer queued and did nothing: it looks alive.
    assert run.status == "running" and run.progress == pytest.approx(0.3)
    assert sweep(grace_s=0)["stalled"] == 0  # not silent long enough yet
    budget = app.config["EVENT_SCHEDULE_TIME_LIMIT_S"] + app.config["EVENT_SCHEDULE_STALL_GRACE_S"]
    later = utcnow() + dt.timedelta(seconds=budget + 1)
    assert sweep(grace_s=0, now=later)["stalled"] == 1
    db.session.expire_all()
    assert db.session.get(ScheduleRun, run.id).status == "failed"
