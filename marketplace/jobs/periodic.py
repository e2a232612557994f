"""Periodic work: the table `flask scheduler` (RQ's cron scheduler) runs, and the jobs in it.

One scheduler process for the whole deployment enqueues these jobs; workers run them. Without a
queue, run the same commands from cron (README, "Background jobs").
"""

from __future__ import annotations

from dataclasses import dataclass

from marketplace import tasks


@dataclass(frozen=True)
class Periodic:
    job: str  # a registered `tasks` job, run without arguments
    why: str
    every_s: int | None = None
    cron: str | None = None  # in the scheduler's clock (UTC on a server)
    command: str = ""  # the same work from the command line (cron without a queue)


PERIODIC: tuple[Periodic, ...] = (
    Periodic(
        "jobs.sweep",
        "re-queue jobs, mails and index changes a crash or a Redis outage left behind",
        every_s=60,
        command="flask jobs sweep",
    ),
    Periodic(
        "search.reindex",
        "readiness depends on the date (trading months, expiring documents): rebuild the index"
        " and every match card",
        cron="30 18 * * *",  # 01:30 WIB
        command="flask search reindex",
    ),
    Periodic(
        "payments.check_pending",
        "settle ticket orders still pending after their hold against Stripe, for when a"
        " webhook never comes",
        every_s=300,
        command="flask payments check-pending",
    ),
    Periodic(
        "notifications.digest",
        "mail each user who chose the daily digest their unread notifications of the day",
        cron="0 0 * * *",  # 07:00 WIB
        command="flask notifications digest",
    ),
    Periodic(
        "events.send_reminders",
        "remind judges, registered investors and enterprises with confirmed attendance about"
        " 24 hours before an event starts (once each)",
        every_s=900,
        command="flask events remind",
    ),
    Periodic(
        "files.cleanup",
        "remove uploaded files no row references and stale temporary files",
        cron="0 19 * * *",  # 02:00 WIB
        command="flask files cleanup",
    ),
    Periodic(
        "privacy.retention",
        "delete personal data whose retention period is over: expired links, old sessions,"
        " notifications and mails, rejected registrations, stale drafts (after a warning),"
        " audit entries older than two years (docs/privacy.md)",
        cron="30 19 * * *",  # 02:30 WIB
        command="flask privacy retention",
    ),
    Periodic(
        "privacy.erase_due",
        "erase the accounts and profiles whose deletion was asked 72 hours ago and not"
        " cancelled (docs/privacy.md)",
        every_s=900,
        command="flask privacy erase-due",
    ),
    Periodic(
        "monitoring.public_snapshot",
        "store the public /monitoring page's figures as they stood at the end of the month"
        " that just ended (once a month; a day that finds it stored does nothing)",
        cron="15 17 * * *",  # 00:15 WIB
        command="flask monitoring snapshot",
    ),
)


@tasks.job("jobs.sweep")
def sweep_job() -> dict[str, int]:
    from marketplace.jobs.sweep import sweep

    return sweep()


@tasks.job("search.reindex")
def reindex_job() -> int:
    from marketplace.matching.search import indexing

    return indexing.reindex()


@tasks.job("search.apply_outbox")
def apply_outbox_job() -> int:
    from marketplace.matching.search import indexing

    return indexing.apply_outbox()


@tasks.job("files.cleanup")
def files_cleanup_job() -> int:
    from marketplace import storage

    report = storage.cleanup()
    return len(report["orphans"]) + len(report["stale_tmp"])
