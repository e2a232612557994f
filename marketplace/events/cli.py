"""`flask events …`: the reminders before an event, for cron or the job scheduler."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from marketplace.events import reminders


@click.group("events")
def events_group() -> None:
    """Pitching events."""


@events_group.command("remind")
@with_appcontext
def remind() -> None:
    """E-mail everyone expected at an event that starts within EVENT_REMINDER_HOURS (24) and
    was not reminded yet. Safe to run as often as you like (every 15 minutes): each person is
    reminded once per event."""
    click.echo(f"{reminders.send_reminders()} reminder(s) sent")
