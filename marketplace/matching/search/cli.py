"""`flask search reindex` and `flask search apply-outbox`: the same services the app uses."""

from __future__ import annotations

import click
from flask import Blueprint

from marketplace.logging_filters import quieted
from marketplace.matching.search import indexing


def register(bp: Blueprint) -> None:
    """Attach the search commands to the blueprint's CLI group (`flask search …`)."""
    bp.cli.add_command(reindex)
    bp.cli.add_command(apply_outbox)
    bp.cli.add_command(status)


@click.command("reindex")
def reindex() -> None:
    """Rebuild the search index from the published profiles (new directory, then swap)."""
    # Every indexed profile logs nothing, but readiness may: keep the bar readable.
    with (
        quieted("temumodal.security"),
        click.progressbar(length=1, label="Indexing published profiles") as bar,
    ):
        state = {"done": 0}

        def progress(done: int, total: int) -> None:
            bar.length = max(total, 1)
            bar.update(done - state["done"])
            state["done"] = done

        try:
            count = indexing.reindex(progress=progress)
        except RuntimeError as error:
            raise click.ClickException(str(error)) from error
    click.echo(f"Indexed {count} published profile(s).")


@click.command("apply-outbox")
@click.option("--batch-size", default=indexing.BATCH_SIZE, show_default=True)
def apply_outbox(batch_size: int) -> None:
    """Apply the pending index changes (run by a worker when SEARCH_INDEXER=worker)."""
    applied = indexing.apply_outbox(batch_size=batch_size)
    click.echo(f"Applied {applied} index change(s); {indexing.pending_outbox()} pending.")


@click.command("status")
def status() -> None:
    """Compare the indexed ids with the published profiles."""
    report = indexing.index_report()
    click.echo(
        f"published: {report['published']}  indexed: {report['indexed']}  "
        f"missing: {len(report['missing'])}  extra: {len(report['extra'])}  "
        f"outbox: {report['pending']}"
    )
