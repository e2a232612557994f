"""Background work of pitching events: building a schedule with progress, and the e-mails.

Both are `marketplace.tasks` jobs, so they run after the commit that asked for them and take ids,
never objects. Each opens an application context of its own (and so a database session of its
own): a job may run inside the request's after-commit hook, where that request's session can
no longer be used.

Building a large schedule takes up to the configured time limit (EVENT_SCHEDULE_TIME_LIMIT_S).
With a queue (REDIS_URL) the build is a job on a worker, never a thread in a web worker. Only
when jobs run inline (`make run`, no queue) does the build move to a background thread
(EVENTS_BUILD_IN_THREAD), so that the request returns at once. Either way the run's row carries
the status and progress that the progress page reads.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable

from flask import Flask, current_app
from sqlalchemy import update
from sqlalchemy.orm import Session

from marketplace import mail, tasks
from marketplace.accounts.models import User
from marketplace.events import notices, registrations, schedules
from marketplace.events.models import PitchEvent, ScheduleRun
from marketplace.events.scheduling import build_schedule
from marketplace.extensions import db
from marketplace.models import utcnow
from marketplace.profiles.models import Enterprise

log = logging.getLogger(__name__)
_threads: list[threading.Thread] = []
PROGRESS_EVERY_S = 0.5  # at most two progress writes a second: the solver calls back often


# --- building ---------------------------------------------------------------------------------
@tasks.job("events.build_schedule")
def build_schedule_job(run_id: int) -> None:
    """Build the schedule of run `run_id`: at once, or in a background thread when jobs run
    inline and EVENTS_BUILD_IN_THREAD is on."""
    app = current_app._get_current_object()
    if app.config.get("EVENTS_BUILD_IN_THREAD") and app.config.get("TASKS_MODE") == "inline":
        thread = threading.Thread(
            target=_build_in_thread, args=(app, run_id), daemon=True, name=f"schedule-run-{run_id}"
        )
        _threads.append(thread)
        thread.start()
        return
    run_build(run_id)


def _build_in_thread(app: Flask, run_id: int) -> None:
    with app.app_context():
        try:
            run_build(run_id)
        except Exception:  # noqa: BLE001 - the run row already says it failed
            log.exception("schedule run %s failed", run_id)


def wait_for_builds(timeout: float = 60.0) -> None:
    """Wait for background builds to end (tests, and a clean shutdown)."""
    deadline = time.monotonic() + timeout
    while _threads:
        thread = _threads.pop()
        thread.join(max(0.0, deadline - time.monotonic()))


def run_build(run_id: int) -> None:
    """Build and store the schedule of run `run_id`.

    Side effects: the run's status and progress (committed as it goes), the event's draft
    schedule; on failure the run is marked failed with the error, and the error is raised again
    when TASKS_RAISE is set. Does nothing for a run that is not queued.
    """
    app = current_app._get_current_object()
    with app.app_context():
        engine = db.engine
        run = db.session.get(ScheduleRun, run_id)
        if run is None or run.status != "queued":
            return
        run.status = "running"
        run.progress_at = utcnow()
        db.session.commit()
        try:
            event = db.session.get(PitchEvent, run.event_id)
            problem = schedules.build_problem(
                event, time_limit_s=app.config["EVENT_SCHEDULE_TIME_LIMIT_S"]
            )
            # No transaction stays open while the solver works: progress is written by the
            # solver's threads in short transactions of their own.
            db.session.commit()
            result = build_schedule(problem, on_progress=_progress_writer(engine, run_id))
            run = db.session.get(ScheduleRun, run_id)
            schedules.store_result(
                event=db.session.get(PitchEvent, run.event_id), run=run, result=result
            )
            db.session.commit()
        except Exception as error:
            db.session.rollback()
            run = db.session.get(ScheduleRun, run_id)
            run.status = "failed"
            run.error = str(getattr(error, "message", error))[:300]
            run.finished_at = utcnow()
            db.session.commit()
            if app.config.get("TASKS_RAISE"):
                raise


def _progress_writer(engine, run_id: int):
    last = [0.0]

    def write(fraction: float, _message) -> None:
        now = time.monotonic()
        if now - last[0] < PROGRESS_EVERY_S:
            return
        last[0] = now
        try:
            with Session(engine) as session:
                session.execute(
                    update(ScheduleRun)
                    .where(ScheduleRun.id == run_id, ScheduleRun.status == "running")
                    .values(progress=min(max(float(fraction), 0.0), 0.99), progress_at=utcnow())
                )
                session.commit()
        except Exception:  # noqa: BLE001 - a missed progress update must not stop the solve
            log.warning("could not record progress of schedule run %s", run_id, exc_info=True)

    return write


@tasks.on_give_up("events.build_schedule")
def give_up_build(run_id: int) -> None:
    """The build job failed for good without its own handler running (its worker was killed):
    the run, still queued or running, is marked failed so the facilitator can build again."""
    with tasks.job_session() as session:
        session.execute(
            update(ScheduleRun)
            .where(ScheduleRun.id == run_id, ScheduleRun.status.in_(("queued", "running")))
            .values(status="failed", error=schedules.STALLED_ERROR, finished_at=utcnow())
        )


# --- e-mail (jobs queued before notifications carried these mails) -------------------------
def _send_each(users: Iterable[User], compose) -> int:
    sent = 0
    for user in users:
        mail.send_to(user, compose, kind="event")
        sent += 1
    return sent


@tasks.job("events.mail")
def mail_job(
    kind: str,
    event_id: int,
    enterprise_ids: list[int] | None = None,
    investor_ids: list[int] | None = None,
    version: int | None = None,
) -> int:
    """Send the e-mails of `kind` ('invited', 'schedule', 'feedback') about the event to the
    enterprises and investors named, each in the recipient's own language. Returns how many
    were sent. Side effects: mail.send per recipient; feedback marks the invitation sent.

    Nothing enqueues it any more (the services notify in their transaction, events/notices.py);
    it stays registered for jobs queued before that change."""
    from marketplace.events import judging

    app = current_app._get_current_object()
    sent = 0
    with app.app_context():
        event = db.session.get(PitchEvent, event_id)
        if event is None:
            return 0
        for enterprise_id in enterprise_ids or []:
            enterprise = db.session.get(Enterprise, enterprise_id)
            if enterprise is None:
                continue
            recipients = notices.enterprise_recipients(enterprise)
            if kind == "invited":
                sent += _send_each(
                    recipients, lambda e=enterprise: notices.invitation_message(event, e)
                )
            elif kind == "schedule":
                sent += _send_each(
                    recipients,
                    lambda e=enterprise: notices.schedule_message(event, version, enterprise=e),
                )
            elif kind == "feedback":
                sent += _send_each(
                    recipients, lambda e=enterprise: judging.feedback_message(event, e)
                )
                invitation = registrations.invitation_for(event, enterprise.id)
                invitation.feedback_sent_at = utcnow()
        for user_id in investor_ids or []:
            user = db.session.get(User, user_id)
            if user is not None and kind == "schedule":
                sent += _send_each(
                    [user], lambda u=user: notices.schedule_message(event, version, investor=u)
                )
        db.session.commit()
    return sent
