"""`flask notifications digest`: the daily digest, for cron where no job scheduler runs."""

from __future__ import annotations

import click


@click.group("notifications")
def notifications_group() -> None:
    """In-app notifications and their e-mails."""


@notifications_group.command("digest")
def digest() -> None:
    """Mail each digest reader what came since their last digest (run once a day)."""
    from marketplace.notifications import services

    click.echo(f"digests queued: {services.digest_job()}")
