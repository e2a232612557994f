"""`flask backup create | verify | restore`: a world backed up, restored into a fresh instance
(new SQLite file and upload folder, or a second PostgreSQL database) and compared."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import create_engine, make_url, text

from marketplace import create_app
from marketplace.backups import services as backups
from marketplace.config import normalise_database_url
from marketplace.extensions import db as _db
from marketplace.pitches import data_room
from marketplace.pitches import services as pitch_services
from marketplace.profiles import enterprises as profile_services
from marketplace.profiles import photos as profile_photos
from tests.conftest import PG_URL, FreshContextClient, _config, _reset_schema
from tests.matching.helpers import published
from tests.uploads import corpus


@pytest.fixture
def app_config(tmp_path):
    return {"BACKUP_FOLDER": str(tmp_path / "backups")}


def _photo(colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), colour).save(buffer, "JPEG")
    return buffer.getvalue()


def _file_hashes(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _counts(db) -> dict[str, int]:
    with db.engine.connect() as conn:
        return backups.row_counts(conn)


@pytest.fixture
def world(db, make):
    """Users of every role, a published enterprise with two photos, a deck with its page
    previews and a data-room document, built through the services."""
    owner, enterprise = published(make, name="Keripik Bu Sari", products="Keripik tempe pedas")
    make.facilitator()
    make.investor()
    make.admin()
    profile_photos.add_photo(actor=owner, enterprise=enterprise, data=_photo((200, 120, 40)))
    profile_photos.add_photo(actor=owner, enterprise=enterprise, data=_photo((20, 120, 200)))
    pitch_services.upload_deck(
        actor=owner,
        enterprise=enterprise,
        files=[("deck.pdf", corpus.build_pdf(["Keripik Tempe Bu Sari", "Rencana dana"]))],
    )
    data_room.add_document(
        actor=owner,
        enterprise=enterprise,
        kind="nib",
        filename="nib.pdf",
        data=corpus.build_pdf(["NIB 1234567890123"]),
    )
    db.session.commit()
    return enterprise.id


@pytest.fixture
def second_database():
    """A database URL for the restored instance: a new SQLite file, or a second PostgreSQL
    database beside the test one (dropped afterwards)."""
    if not PG_URL:
        yield None
        return
    url = make_url(normalise_database_url(PG_URL))
    name = f"{url.database}_restore"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def fresh_app(tmp_path, second_database):
    """A second, empty instance: its own database (schema, no rows), uploads and index."""
    folder = tmp_path / "restored"
    folder.mkdir()
    config = _config(folder)
    config["SQLALCHEMY_DATABASE_URI"] = second_database or f"sqlite:///{folder / 'test.sqlite'}"
    app = create_app(config)
    app.test_client_class = FreshContextClient
    with app.app_context():
        _reset_schema(_db)
        _db.session.remove()
    yield app
    with app.app_context():
        _db.engine.dispose()


def test_a_restored_backup_has_the_same_rows_and_files_and_serves_pages_and_search(
    app, db, world, runner, tmp_path, fresh_app
):
    archive = tmp_path / "backup.tar"
    created = runner.invoke(args=["backup", "create", "--output", str(archive)])
    assert created.exit_code == 0, created.output
    counts = _counts(db)
    files = _file_hashes(Path(app.config["UPLOAD_FOLDER"]))
    assert counts["product_photos"] == 2 and counts["documents"] == 1
    assert len(files) >= 6  # 2 photos × 2 sizes, the deck's original and pages, the document
    assert runner.invoke(args=["backup", "verify", str(archive)]).exit_code == 0

    with fresh_app.app_context():
        restored = fresh_app.test_cli_runner().invoke(args=["backup", "restore", str(archive)])
        assert restored.exit_code == 0, restored.output
        assert "Search index rebuilt: 1 published profile(s)" in restored.output
        assert _counts(_db) == counts
        assert _file_hashes(Path(fresh_app.config["UPLOAD_FOLDER"])) == files

        client = fresh_app.test_client()
        profile = client.get(f"/enterprises/{world}")
        assert profile.status_code == 200
        assert "Keripik Bu Sari" in profile.get_data(as_text=True)
        photo = profile_services.get_enterprise(world).photos[0]
        stored = Path(fresh_app.config["UPLOAD_FOLDER"]) / photo.large_key[:2] / photo.large_key
        with client.get(f"/photos/{photo.id}/large") as served:
            assert served.status_code == 200
            assert served.data == stored.read_bytes()
        # The restored index finds it (the card's title marks the matched word).
        assert f'id="e-{world}"' in client.get("/search?q=keripik").get_data(as_text=True)


def test_the_manifest_lists_counts_and_every_file_with_its_hash(app, db, world, runner, tmp_path):
    archive = tmp_path / "backup.tar"
    assert runner.invoke(args=["backup", "create", "--output", str(archive)]).exit_code == 0

    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        names = set(tar.getnames())
    files = _file_hashes(Path(app.config["UPLOAD_FOLDER"]))
    assert {e["path"].removeprefix("uploads/"): e["sha256"] for e in manifest["files"]} == files
    assert manifest["row_counts"] == _counts(db)
    assert manifest["database"]["kind"] == db.engine.dialect.name
    assert manifest["database"]["path"] in names
    assert manifest["created_at"].endswith("Z")
    assert manifest["missing_files"] == []
    assert not any("search-index" in name for name in names)


def test_create_writes_into_the_backup_folder_by_default(app, db, world, runner):
    result = runner.invoke(args=["backup", "create"])

    assert result.exit_code == 0, result.output
    written = list(Path(app.config["BACKUP_FOLDER"]).glob("temumodal-*.tar"))
    assert len(written) == 1 and not list(Path(app.config["BACKUP_FOLDER"]).glob(".*partial"))


def _tamper(archive: Path, target: Path, *, member_prefix: str) -> None:
    """Copy `archive` to `target` with one byte changed in the first member named so."""
    with tarfile.open(archive) as source, tarfile.open(target, "w") as sink:
        changed = False
        for member in source:
            data = source.extractfile(member).read()
            if not changed and member.name.startswith(member_prefix):
                data = bytes([data[0] ^ 0xFF]) + data[1:]
                changed = True
            sink.addfile(member, io.BytesIO(data))
    assert changed


@pytest.mark.parametrize("member", ["uploads/", "database."])
def test_verify_and_restore_refuse_a_tampered_archive(
    app, db, world, runner, tmp_path, fresh_app, member
):
    archive = tmp_path / "backup.tar"
    assert runner.invoke(args=["backup", "create", "--output", str(archive)]).exit_code == 0
    tampered = tmp_path / "tampered.tar"
    _tamper(archive, tampered, member_prefix=member)

    result = runner.invoke(args=["backup", "verify", str(tampered)])

    assert result.exit_code == 1
    assert "does not match its hash" in result.output
    with fresh_app.app_context():
        refused = fresh_app.test_cli_runner().invoke(args=["backup", "restore", str(tampered)])
        assert refused.exit_code == 1
        assert "does not match its manifest" in refused.output
        assert sum(_counts(_db).values()) == 0
        assert not Path(fresh_app.config["UPLOAD_FOLDER"]).exists() or not any(
            Path(fresh_app.config["UPLOAD_FOLDER"]).rglob("*.*")
        )


def test_verify_refuses_a_file_that_is_not_a_backup(runner, tmp_path):
    junk = tmp_path / "junk.tar"
    junk.write_bytes(b"not a tar file at all" * 100)

    result = runner.invoke(args=["backup", "verify", str(junk)])

    assert result.exit_code == 1
    assert "Error:" in result.output


def test_restore_refuses_a_non_empty_instance_and_changes_nothing(app, db, world, runner, tmp_path):
    archive = tmp_path / "backup.tar"
    assert runner.invoke(args=["backup", "create", "--output", str(archive)]).exit_code == 0
    before = _counts(db)

    result = runner.invoke(args=["backup", "restore", str(archive)])

    assert result.exit_code == 1
    assert "restore needs an empty instance" in result.output
    assert "row(s) in users" in result.output
    assert _counts(db) == before


def test_restore_refuses_an_archive_made_with_another_nik_key(
    app, db, world, runner, tmp_path, fresh_app
):
    archive = tmp_path / "backup.tar"
    assert runner.invoke(args=["backup", "create", "--output", str(archive)]).exit_code == 0
    fresh_app.config["NIK_ENCRYPTION_KEY"] = "b3RoZXIta2V5LW90aGVyLWtleS1vdGhlci1rZXktMTI="

    with fresh_app.app_context():
        result = fresh_app.test_cli_runner().invoke(args=["backup", "restore", str(archive)])
        assert result.exit_code == 1
        assert "another NIK encryption key" in result.output
        assert sum(_counts(_db).values()) == 0


def test_a_file_deleted_after_the_snapshot_makes_the_backup_take_a_new_one(
    app, db, world, monkeypatch, tmp_path
):
    """A photo removed (row and file) between the snapshot and the file copy: the next attempt
    sees neither, so the archive stays consistent."""
    photo = profile_services.get_enterprise(world).photos[0]
    owner_id, photo_id = photo.enterprise.organisation_id, photo.id
    real = backups._files_to_copy
    calls = []

    def remove_photo_first(keys):
        if not calls:
            from marketplace.accounts.models import User

            owner = db.session.scalar(db.select(User).where(User.organisation_id == owner_id))
            profile_photos.remove_photo(
                actor=owner, enterprise=profile_services.get_enterprise(world), photo_id=photo_id
            )
            db.session.commit()
        calls.append(keys)
        return real(keys)

    monkeypatch.setattr(backups, "_files_to_copy", remove_photo_first)

    path, manifest = backups.create_backup(output=tmp_path / "backup.tar")

    assert len(calls) == 2
    assert manifest["missing_files"] == []
    assert manifest["row_counts"]["product_photos"] == 1
    assert len(manifest["files"]) == len(_file_hashes(Path(app.config["UPLOAD_FOLDER"])))


@pytest.mark.skipif(not PG_URL, reason="pg_dump is used on PostgreSQL only")
def test_a_pg_dump_older_than_the_server_is_refused_with_the_package_to_install(
    app, db, world, runner, tmp_path, monkeypatch
):
    monkeypatch.setattr(backups, "_tool_major", lambda tool: 9)
    archive = tmp_path / "backup.tar"

    result = runner.invoke(args=["backup", "create", "--output", str(archive)])

    assert result.exit_code == 1
    assert "pg_dump 9 is older than the server" in result.output
    assert "install postgresql-client-" in result.output
    assert not archive.exists() and not list(tmp_path.glob(".*partial"))


def test_an_archive_from_another_schema_revision_is_restored_and_the_upgrade_named(
    app, db, world, runner, tmp_path, fresh_app
):
    with db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
        conn.execute(text("INSERT INTO alembic_version VALUES ('0001_older')"))
    archive = tmp_path / "backup.tar"
    assert runner.invoke(args=["backup", "create", "--output", str(archive)]).exit_code == 0
    counts = _counts(db)

    with fresh_app.app_context():
        result = fresh_app.test_cli_runner().invoke(args=["backup", "restore", str(archive)])
        assert result.exit_code == 0, result.output
        assert "schema is at revision 0001_older" in result.output
        assert "Run `flask db upgrade`, then `flask search reindex`" in result.output
        assert "Search index rebuilt" not in result.output
        assert _counts(_db) == counts and counts["alembic_version"] == 1


def test_files_not_named_by_storage_are_left_out_and_the_archive_verifies(
    app, db, world, runner, tmp_path
):
    stray = Path(app.config["UPLOAD_FOLDER"]) / "ab" / "notes.txt"
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_text("not an upload")
    archive = tmp_path / "backup.tar"
    assert runner.invoke(args=["backup", "create", "--output", str(archive)]).exit_code == 0

    with tarfile.open(archive) as tar:
        assert not any(name.endswith("notes.txt") for name in tar.getnames())
    assert runner.invoke(args=["backup", "verify", str(archive)]).exit_code == 0
