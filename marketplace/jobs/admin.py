"""What admins see of and do with jobs that failed for good (/admin/jobs)."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _

from marketplace import audit, permissions
from marketplace.errors import Conflict, NotFound, PermissionDenied
from marketplace.extensions import db
from marketplace.queue.models import PendingJob


@dataclass(frozen=True)
class FailedJobsReport:
    queue_configured: bool
    queue_reachable: bool
    jobs: list = field(default_factory=list)  # queue.FailedJob, newest first
    failed_mails: int = 0  # mails given up after MAIL_MAX_ATTEMPTS (`flask mail status`)


def failed_jobs_report() -> FailedJobsReport:
    """The failed jobs, or why they cannot be listed (no queue, or Redis unreachable). Reads
    only."""
    from marketplace import mail, tasks

    failed_mails = mail.pending_count()["failed"]
    if tasks.mode() != "queue":
        return FailedJobsReport(False, False, failed_mails=failed_mails)
    from marketplace import queue

    try:
        jobs = queue.failed_jobs()
    except queue.QueueUnavailable:
        return FailedJobsReport(True, False, failed_mails=failed_mails)
    return FailedJobsReport(True, True, jobs, failed_mails)


def _check(admin) -> None:
    from marketplace import tasks

    if not permissions.is_admin(admin):
        raise PermissionDenied(_("Only an administrator can do this."))
    if tasks.mode() != "queue":
        raise Conflict(_("No job queue is configured: there are no failed jobs to act on."))


def _unreachable() -> Conflict:
    return Conflict(_("The job queue cannot be reached now. Try again in a moment."))


def retry_failed_job(*, admin, job_id: str) -> None:
    """Put a failed job back on the queue for one more attempt.

    Side effects: the job queued; an audit entry. Raises PermissionDenied for a non-admin,
    NotFound when `job_id` is not a failed job, Conflict when no queue is configured or Redis
    cannot be reached.
    """
    from marketplace import queue

    _check(admin)
    try:
        if not queue.retry_failed(job_id):
            raise NotFound(_("This job is no longer in the list of failed jobs."))
    except queue.QueueUnavailable as error:
        raise _unreachable() from error
    audit.record("job.retry", actor_id=admin.id, details={"job": job_id[:200]})


def delete_failed_job(*, admin, job_id: str) -> None:
    """Forget a failed job for good, with its pending record (the sweep will not bring it back).

    Side effects: the job deleted from Redis, its `pending_jobs` row deleted (flushed); an audit
    entry. Raises as `retry_failed_job`.
    """
    from marketplace import queue

    _check(admin)
    try:
        arguments = queue.delete_failed(job_id)
    except queue.QueueUnavailable as error:
        raise _unreachable() from error
    if arguments is None:
        raise NotFound(_("This job is no longer in the list of failed jobs."))
    pending_id = arguments.get("pending_id")
    if pending_id is not None:
        record = db.session.get(PendingJob, pending_id)
        if record is not None:
            db.session.delete(record)
            db.session.flush()
    audit.record(
        "job.delete",
        actor_id=admin.id,
        details={"job": job_id[:200], "name": str(arguments.get("name", ""))[:100]},
    )
