"""`flask monitoring snapshot`: store the public page's month-end figures (issue 15)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

monitoring_group = AppGroup("monitoring", help="Monitoring and evaluation (issue 15).")


@monitoring_group.command("snapshot")
def snapshot() -> None:
    """Store the public /monitoring figures at the end of the last complete month, if not yet."""
    from marketplace.extensions import db
    from marketplace.monitoring import snapshots

    stored = snapshots.store_public_snapshot()
    db.session.commit()
    day = snapshots.snapshot_day()
    click.echo(f"{day.isoformat()}: {'stored' if stored else 'already stored'}")
