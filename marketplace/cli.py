"""`flask` commands: every one calls the same services the web pages use."""

from __future__ import annotations

import json
import os

import click
from flask import Flask
from sqlalchemy import func, select

from marketplace.backups import cli as backups_cli
from marketplace.extensions import db
from marketplace.logging_filters import quieted


def register(app: Flask) -> None:
    app.cli.add_command(stats)
    app.cli.add_command(seed_demo)
    app.cli.add_command(files)
    app.cli.add_command(backups_cli.backup)

    from marketplace.jobs import cli as jobs_cli
    from marketplace.mail.cli import mail_group
    from marketplace.notifications.cli import notifications_group

    app.cli.add_command(mail_group)
    app.cli.add_command(notifications_group)
    app.cli.add_command(jobs_cli.worker)
    app.cli.add_command(jobs_cli.scheduler)
    app.cli.add_command(jobs_cli.jobs_group)

    from marketplace.events.cli import events_group
    from marketplace.payments.cli import payments_group

    app.cli.add_command(events_group)

    app.cli.add_command(payments_group)

    from marketplace.privacy.retention_cli import privacy_group

    app.cli.add_command(privacy_group)

    from marketplace.monitoring.cli import monitoring_group

    app.cli.add_command(monitoring_group)


def collect_stats() -> dict:
    """The counts `flask stats` prints: the same service feeds the admin statistics page."""
    from marketplace.admin import services as admin_services

    return admin_services.collect_stats()


@click.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def stats(as_json: bool) -> None:
    """Counts of enterprises, organisations and users."""
    data = collect_stats()
    if as_json:
        click.echo(json.dumps(data, sort_keys=True))
        return
    for key, value in data.items():
        click.echo(f"{key}: {value}")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has users.")
def seed_demo(if_empty: bool) -> None:
    """Load the deterministic demo world and print the demo logins."""
    from marketplace import demo
    from marketplace.accounts.models import User

    if db.session.scalar(select(func.count()).select_from(User)):
        if if_empty:
            click.echo("The database has data already; demo not loaded.")
            print_logins()
            return
        raise click.ClickException("The database is not empty; seed-demo needs an empty one.")
    # Every service writes its audit line (1,000 of them would bury the progress bar), and the
    # showcase's invitations and schedules send (log-only) mails: 70 lines of them too.
    with (
        quieted("temumodal.security", "marketplace.mail"),
        click.progressbar(length=100, label="Loading demo data") as bar,
    ):
        state = {"done": 0}

        def progress(done: int, total: int, message: str = "") -> None:
            target = int(done * 100 / max(total, 1))
            bar.update(target - state["done"])
            state["done"] = target

        summary = demo.seed_demo(progress=progress)
    db.session.commit()
    click.echo(demo.summary_text(summary))
    print_logins()


def print_logins() -> None:
    from marketplace import demo

    port = os.environ.get("PORT", "5000")
    click.echo(f"\nDemo logins (http://127.0.0.1:{port}/login):")
    click.echo(demo.logins_table())


@click.group("files")
def files() -> None:
    """Uploaded files."""


@files.command("cleanup")
@click.option("--dry-run", is_flag=True, help="Only list what would be removed.")
def files_cleanup(dry_run: bool) -> None:
    """Remove files no database row references, and stale temporary files."""
    from marketplace import storage

    report = storage.cleanup(dry_run=dry_run)
    verb = "would remove" if dry_run else "removed"
    click.echo(
        f"{verb} {len(report['orphans'])} orphan file(s) and "
        f"{len(report['stale_tmp'])} stale temporary file(s)"
    )
    for name in report["orphans"] + report["stale_tmp"]:
        click.echo(f"  {name}")
