"""`flask worker`, `flask scheduler` and `flask jobs …`: the processes of the job queue."""

from __future__ import annotations

import click
from flask import current_app


def _require_queue() -> None:
    if not current_app.config.get("REDIS_URL") or current_app.config["TASKS_MODE"] != "queue":
        raise click.ClickException(
            "No job queue is configured: set FLASK_REDIS_URL (e.g. redis://127.0.0.1:6379/0)."
            " Without it jobs run inline in the web process and no worker is needed."
        )


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker(burst: bool) -> None:
    """Run the jobs of the queue (an RQ worker inside the application)."""
    from marketplace import queue

    _require_queue()
    if not queue.ping():
        raise click.ClickException(f"Redis at {current_app.config['REDIS_URL']} is not reachable.")
    queue.run_worker(burst=burst)


@click.command("scheduler")
def scheduler() -> None:
    """Enqueue the periodic jobs (RQ's cron scheduler); run exactly one per deployment."""
    from marketplace import queue
    from marketplace.jobs.periodic import PERIODIC

    _require_queue()
    if not queue.ping():
        raise click.ClickException(f"Redis at {current_app.config['REDIS_URL']} is not reachable.")
    for entry in PERIODIC:
        when = f"every {entry.every_s} s" if entry.every_s else f"cron '{entry.cron}' (UTC)"
        click.echo(f"{entry.job}: {when} — {entry.why}")
    queue.cron_scheduler(PERIODIC).start()


@click.group("jobs")
def jobs_group() -> None:
    """Background jobs."""


@jobs_group.command("sweep")
@click.option(
    "--grace",
    type=float,
    default=None,
    help="Leave jobs recorded less than this many seconds ago (default TASKS_SWEEP_GRACE_S).",
)
def sweep(grace: float | None) -> None:
    """Queue again what a crash or a Redis outage left behind (without a queue: do it now)."""
    from marketplace import queue
    from marketplace.jobs.sweep import sweep as run_sweep

    try:
        counts = run_sweep(grace_s=grace)
    except queue.QueueUnavailable as error:
        raise click.ClickException(
            f"Redis is not reachable ({error}); nothing was lost."
        ) from error
    click.echo(
        "jobs {jobs}, mails {mails}, search {search}; failed jobs waiting for an admin"
        " {failed}; stalled schedule builds marked failed {stalled}".format(**counts)
    )


@jobs_group.command("failed")
def failed() -> None:
    """List the jobs that failed after their last retry (also at /admin/jobs)."""
    from marketplace import queue

    _require_queue()
    for job in queue.failed_jobs():
        click.echo(f"{job.id}  {job.name} {job.kwargs}  attempts {job.attempts}  {job.error}")


@jobs_group.command("periodic")
def periodic() -> None:
    """Print the table of periodic jobs the scheduler runs."""
    from marketplace.jobs.periodic import PERIODIC

    for entry in PERIODIC:
        when = f"every {entry.every_s} s" if entry.every_s else f"cron '{entry.cron}' (UTC)"
        click.echo(f"{entry.job:16} {when:24} {entry.command:22} {entry.why}")
