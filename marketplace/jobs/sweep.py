"""The sweep (`flask jobs sweep`, every minute from `flask scheduler`): hands over again what a
crash or a Redis outage left behind. Everything it looks at was written to a table in the same
transaction as the change that caused it, so nothing is lost; every job it queues has an id and
is idempotent, so running it twice, or next to a live commit hook, sends nothing twice.

With a queue: `pending_jobs` rows whose job Redis does not hold (or holds as finished) are
queued again; failed ones are left to an admin (/admin/jobs). Due mails (`outbound_mails`) are
queued for delivery, and the search outbox, when not empty, for the indexer. Without a queue
the same work is done here and now. Either way, schedule builds left "running" by a process
that died are marked failed, so that the facilitator sees it and can build again.
"""

from __future__ import annotations

import datetime as dt
import logging

from flask import current_app
from sqlalchemy import select

from marketplace import mail, tasks
from marketplace.models import utcnow
from marketplace.queue.models import PendingJob

log = logging.getLogger(__name__)

APPLY_OUTBOX_JOB = "search.apply_outbox"


def _fail_stalled_builds(now: dt.datetime) -> int:
    from marketplace.events import schedules

    config = current_app.config
    budget = float(config["EVENT_SCHEDULE_TIME_LIMIT_S"]) + float(
        config["EVENT_SCHEDULE_STALL_GRACE_S"]
    )
    with tasks.job_session() as session:
        stalled = schedules.fail_stalled_runs(session=session, now=now, budget_s=budget)
    if stalled:
        log.warning("schedule run(s) %s stopped without finishing: marked failed", stalled)
    return len(stalled)


def sweep(*, grace_s: float | None = None, now: dt.datetime | None = None) -> dict[str, int]:
    """Queue again (or, without a queue, run) the work left behind.

    `grace_s` (default TASKS_SWEEP_GRACE_S): jobs recorded more recently than this are left to
    the commit hook that is handing them over. Returns counts: jobs, mails and search (work
    handed over or done), failed (jobs waiting for an admin) and stalled (schedule builds
    whose process died, marked failed). Raises
    queue.QueueUnavailable when Redis cannot be reached: nothing is lost, run it again later.
    """
    from marketplace.matching.search import indexing

    now = now or utcnow()
    grace = dt.timedelta(
        seconds=current_app.config["TASKS_SWEEP_GRACE_S"] if grace_s is None else grace_s
    )
    counts = {"jobs": 0, "mails": 0, "search": 0, "failed": 0, "stalled": 0}
    counts["stalled"] = _fail_stalled_builds(now)
    if tasks.mode() != "queue":
        sent = mail.send_pending(now=now)
        counts["mails"] = sent["sent"] + sent["queued"] + sent["failed"]
        counts["search"] = indexing.apply_outbox()
        return counts

    from marketplace import queue

    with tasks.job_session() as session:
        records = session.execute(
            select(PendingJob.id, PendingJob.name, PendingJob.kwargs)
            .where(PendingJob.created_at <= now - grace)
            .order_by(PendingJob.id)
        ).all()
    for record in records:
        key = queue.job_id("job", record.id)
        status = queue.job_status(key)
        if status == "failed":
            # Failed for good: the admin decides. A job killed before its own error handling
            # ran (a worker's child died) gets it here, e.g. a deck is marked failed.
            tasks.give_up(record.name, **dict(record.kwargs))
            counts["failed"] += 1
            continue
        if status in queue.WAITING:
            continue
        if queue.submit(record.name, dict(record.kwargs), job_key=key, pending_id=record.id):
            counts["jobs"] += 1

    _requeued, due = mail.due_mails(now=now - grace)
    for mail_id in due:
        key = queue.job_id("mail", mail_id)
        if queue.submit(mail.DELIVER_JOB, {"mail_id": mail_id}, job_key=key):
            counts["mails"] += 1

    with tasks.job_session() as session:
        from marketplace.matching.models import SearchOutbox

        outbox_waits = session.scalar(select(SearchOutbox.id).limit(1)) is not None
    if outbox_waits and queue.submit(
        APPLY_OUTBOX_JOB, {}, job_key=queue.job_id("search", "outbox")
    ):
        counts["search"] = 1
    if counts["failed"]:
        log.warning("%d job(s) failed for good: see /admin/jobs", counts["failed"])
    return counts
