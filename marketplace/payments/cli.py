"""`flask payments …`: the periodic check against Stripe, for cron or the job scheduler."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from marketplace.payments import services


@click.group("payments")
def payments_group() -> None:
    """Paid tickets."""


@payments_group.command("check-pending")
@with_appcontext
def check_pending() -> None:
    """Ask Stripe about every order still pending after its hold (or long processing) and
    settle it. Run every few minutes; prints the outcomes as JSON."""
    click.echo(json.dumps(services.check_pending_job(), sort_keys=True))
