"""`flask backup create | verify | restore`: the operator's side of marketplace/backups."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from marketplace.backups import restore as restoring
from marketplace.backups import services


@click.group("backup")
def backup() -> None:
    """Back up the database and uploaded files; check and restore backups."""


@contextmanager
def _as_click_error() -> Iterator[None]:
    """A BackupError ends the command with its operator-readable message (exit status 1)."""
    try:
        yield
    except services.BackupError as error:
        raise click.ClickException(str(error)) from error


def _summary(manifest: dict) -> str:
    database = manifest["database"]
    rows = sum(manifest["row_counts"].values())
    size = sum(entry["size"] for entry in manifest["files"])
    return (
        f"created {manifest['created_at']}, {database['kind']} database "
        f"(revision {database['alembic_revision'] or 'unknown'}), "
        f"{len(manifest['row_counts'])} tables, {rows} rows, "
        f"{len(manifest['files'])} uploaded files ({size / 1e6:.1f} MB)"
    )


@backup.command("create")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Archive path (default: BACKUP_FOLDER/temumodal-<UTC time>.tar).",
)
def create(output: Path | None) -> None:
    """Write a consistent snapshot of the database plus the uploaded files, with a manifest."""
    with _as_click_error():
        path, manifest = services.create_backup(output=output)
    click.echo(f"{path}: {_summary(manifest)}")
    if manifest["missing_files"]:
        # The archive is kept (it holds everything else) but the operator must look.
        raise click.ClickException(
            f"{len(manifest['missing_files'])} file(s) the database references were not on "
            "disk; the archive lacks them: " + ", ".join(manifest["missing_files"])
        )


@backup.command("verify")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def verify(archive: Path) -> None:
    """Check an archive against its manifest (hashes, database readable) without restoring."""
    with _as_click_error():
        report = services.verify_backup(archive)
    if not report.ok:
        raise click.ClickException(f"{archive} is damaged:\n  " + "\n  ".join(report.problems))
    click.echo(f"{archive}: OK, {_summary(report.manifest)}")


@backup.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore(archive: Path) -> None:
    """Bring a backup back into an empty instance, check it, and rebuild the search index."""
    from marketplace.matching.search import indexing

    with _as_click_error():
        manifest = restoring.restore_backup(archive)
    click.echo(f"Restored {_summary(manifest)}; row counts and file hashes match.")
    revision = manifest["database"]["alembic_revision"]
    if revision is not None and {revision} != restoring.code_revisions():
        click.echo(
            f"The backup's schema is at revision {revision}; this code expects "
            f"{', '.join(sorted(restoring.code_revisions()))}. Run `flask db upgrade`, "
            "then `flask search reindex`."
        )
        return
    # The search index and match cards are derived data, never in the archive.
    try:
        count = indexing.reindex()
    except RuntimeError as error:
        raise click.ClickException(f"search index not rebuilt: {error}") from error
    click.echo(f"Search index rebuilt: {count} published profile(s).")
