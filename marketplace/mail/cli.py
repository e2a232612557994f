"""`flask mail …`: the periodic sweep and a status line for operators."""

from __future__ import annotations

import click


@click.group("mail")
def mail_group() -> None:
    """Outgoing e-mail."""


@mail_group.command("send-pending")
@click.option("--limit", type=int, default=None, help="Deliver at most this many mails.")
def send_pending(limit: int | None) -> None:
    """Deliver every queued mail that is due (retries, and what a crash left behind)."""
    from marketplace import mail

    counts = mail.send_pending(limit=limit)
    click.echo(
        "sent {sent}, to retry {queued}, failed {failed}, taken by another sweep {skipped},"
        " re-queued after a dead delivery {requeued}".format(**counts)
    )


@mail_group.command("status")
def status() -> None:
    """How many mails wait, are being sent, or failed for good."""
    from marketplace import mail

    counts = mail.pending_count()
    click.echo("queued {queued}, sending {sending}, failed {failed}".format(**counts))
