"""`flask privacy retention`: apply the retention periods (marketplace.privacy.retention)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

privacy_group = AppGroup("privacy", help="Personal data: retention periods and erasure (UU PDP).")


@privacy_group.command("retention")
@click.option("--dry-run", is_flag=True, help="Count what is due without deleting it.")
def retention(dry_run: bool) -> None:
    """Delete the personal data whose retention period is over (docs/privacy.md)."""
    from marketplace.extensions import db
    from marketplace.privacy import retention as rules

    counts = rules.apply(dry_run=dry_run)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    for rule in rules.RULES:
        verb = "due" if dry_run else rule.done
        click.echo(f"{rule.kind}: {counts[rule.kind]} {verb} (kept {rule.keep.days} days)")


@privacy_group.command("erase-due")
def erase_due() -> None:
    """Erase the accounts and profiles whose 72-hour deletion period is over."""
    from marketplace.extensions import db
    from marketplace.privacy import erasure

    count = erasure.erase_due(commit_each=True)
    db.session.commit()
    click.echo(f"{count} deletion(s) carried out")
