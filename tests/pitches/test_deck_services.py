"""Deck, document and data-room services, called directly (no HTTP)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from marketplace import storage, tasks, uploads
from marketplace.audit import AuditEvent
from marketplace.errors import Conflict, PermissionDenied, ValidationError
from marketplace.pitches import data_room, permissions, services
from marketplace.pitches.models import AccessRequest, DeckPage, DeckVersion, Document
from tests.uploads import corpus

DECK_TEXTS = ["Keripik Tempe Bu Sari", "Pasar dan pelanggan", "Rencana dana", "Tim kami"]


def deck_pdf(texts: list[str] | None = None) -> bytes:
    return corpus.build_pdf(texts or DECK_TEXTS)


def photo(colour: tuple[int, int, int] = (200, 120, 40), *, gps: bool = False) -> bytes:
    image = Image.new("RGB", (640, 480), colour)
    buffer = io.BytesIO()
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "KameraHP"  # Make
        gps_ifd = exif.get_ifd(0x8825)
        gps_ifd[1] = "S"
        gps_ifd[2] = (6.0, 12.0, 30.0)
        image.save(buffer, "JPEG", exif=exif.tobytes(), comment=b"lokasi rumah")
    else:
        image.save(buffer, "JPEG")
    return buffer.getvalue()


@dataclass
class People:
    owner: object
    enterprise: object
    facilitator: object
    other_facilitator: object
    investor: object
    other_investor: object
    unverified_investor: object
    admin: object


def make_people(make, *, published: bool = True) -> People:
    """An owner with a published enterprise, its facilitator, one of another programme, two
    verified investors of different organisations, an unverified one and an admin."""
    owner = make.user("owner")
    enterprise = make.enterprise(
        organisation=owner.organisation, published=published, created_by_id=owner.id
    )
    facilitator = make.facilitator()
    make.enrol(facilitator, enterprise)
    other_facilitator = make.facilitator()
    make.enrol(other_facilitator, make.enterprise())
    return People(
        owner=owner,
        enterprise=enterprise,
        facilitator=facilitator,
        other_facilitator=other_facilitator,
        investor=make.investor(),
        other_investor=make.investor(),
        unverified_investor=make.investor(verified=False),
        admin=make.admin(),
    )


def upload(db, people: People, files: list[tuple[str, bytes]] | None = None) -> DeckVersion:
    """Upload a deck as the owner and commit, which runs the processing job inline."""
    version = services.upload_deck(
        actor=people.owner,
        enterprise=people.enterprise,
        files=files or [("Deck Bu Sari.pdf", deck_pdf())],
    )
    db.session.commit()
    db.session.refresh(version)
    return version


def files_on_disk(app) -> list[Path]:
    root = Path(app.config["UPLOAD_FOLDER"])
    return sorted(path for path in root.rglob("*") if path.is_file())


@pytest.fixture
def people(make, db) -> People:
    result = make_people(make)
    db.session.commit()
    return result


@pytest.fixture
def collect_jobs(app):
    """Hold after-commit jobs instead of running them, so a test sees the 'processing' state."""
    app.config["TASKS_MODE"] = "collect"
    tasks.clear_collected()
    yield tasks
    tasks.clear_collected()


# --- decks -----------------------------------------------------------------------------------
def test_a_pdf_deck_becomes_current_with_pages_previews_and_text_after_commit(app, db, people):
    version = upload(db, people)

    assert version.state == "ready"
    assert version.is_current and version.number == 1
    assert version.page_count == 4
    assert [page.number for page in version.pages] == [1, 2, 3, 4]
    assert version.text.split("\n") == DECK_TEXTS
    small = storage.read(version.pages[0].small_key)
    assert len(small) == version.pages[0].small_size <= 15_000
    assert Image.open(io.BytesIO(small)).format == "WEBP"
    assert storage.read(version.original_key) == deck_pdf()
    assert services.current_deck_text(people.enterprise.id) == "\n".join(DECK_TEXTS)


def test_the_upload_request_leaves_the_version_processing_until_the_job_runs(
    app, db, people, collect_jobs
):
    version = upload(db, people)

    assert version.state == "processing" and not version.is_current
    assert version.page_count == 4  # counted by the fast checks, before rendering
    assert version.pages == []
    assert collect_jobs.collected() == [(services.PROCESS_JOB, {"version_id": version.id})]

    collect_jobs.run_collected()
    db.session.expire_all()
    version = db.session.get(DeckVersion, version.id)
    assert version.state == "ready" and version.is_current and len(version.pages) == 4


def test_a_job_delivered_twice_processes_the_version_once(app, db, people, collect_jobs):
    upload(db, people)
    name, kwargs = collect_jobs.collected()[0]

    collect_jobs.run_job(name, **kwargs)
    collect_jobs.run_job(name, **kwargs)

    db.session.expire_all()
    assert len(db.session.scalars(select(DeckPage)).all()) == 4


def test_a_new_version_keeps_the_earlier_one_and_takes_over_once_ready(app, db, people):
    first = upload(db, people)
    second = upload(db, people, [("v2.pdf", deck_pdf(["Versi kedua", "Dana"]))])

    db.session.expire_all()
    versions = services.deck_of(people.enterprise).versions
    assert [(v.number, v.is_current, v.state) for v in versions] == [
        (2, True, "ready"),
        (1, False, "ready"),
    ]
    assert services.current_deck_text(people.enterprise.id) == "Versi kedua\nDana"
    # The earlier version's files are still there.
    assert storage.read(db.session.get(DeckVersion, first.id).pages[0].large_key)
    assert second.id != first.id


def test_a_version_that_fails_in_processing_is_recorded_with_a_message_and_the_old_one_stays(
    app, db, people, collect_jobs
):
    first = upload(db, people)
    collect_jobs.run_collected()
    second = upload(db, people, [("v2.pdf", deck_pdf(["Versi kedua"]))])
    # The stored original is damaged between the upload and the job (a disk error, say).
    storage.open_path(second.original_key).write_bytes(b"<html>bukan pdf</html>")

    collect_jobs.run_collected()

    db.session.expire_all()
    second = db.session.get(DeckVersion, second.id)
    assert second.state == "failed" and second.error_code == "not_allowed_type"
    assert not second.is_current and second.pages == []
    assert db.session.get(DeckVersion, first.id).is_current
    with app.test_request_context():
        assert "PDF" in services.failure_message(second)


def test_a_photo_deck_keeps_the_order_and_deletes_the_raw_photos_after_processing(app, db, people):
    colours = [(250, 0, 0), (0, 250, 0), (0, 0, 250)]
    version = upload(db, people, [(f"hal{i}.jpg", photo(c)) for i, c in enumerate(colours)])

    assert version.state == "ready" and version.source_kind == "images"
    assert version.original_keys == [] and version.original_key is None
    assert version.text == ""
    for page, colour in zip(version.pages, colours, strict=True):
        large = Image.open(io.BytesIO(storage.read(page.large_key))).convert("RGB")
        red, green, blue = large.getpixel((10, 10))
        assert (red > 200, green > 200, blue > 200) == tuple(c > 200 for c in colour)
    # Only the previews remain: the raw photos (which may carry GPS) are gone.
    assert len(files_on_disk(app)) == 2 * len(colours)


@pytest.mark.parametrize(
    ("files", "code"),
    [
        ([("deck.pdf", b"<html><script>alert(1)</script></html>")], "not_allowed_type"),
        ([("deck.pdf", corpus.pdf_encrypted("rahasia"))], "encrypted"),
        ([("deck.pdf", corpus.pdf_with_blank_pages(61))], "too_many_pages"),
        ([("a.jpg", photo()), ("b.pdf", deck_pdf())], "not_allowed_type"),
        ([("a.jpg", photo()), ("b.jpg", photo()[:300])], "truncated"),
    ],
    ids=["html", "encrypted", "61_pages", "pdf_among_photos", "truncated_photo"],
)
def test_a_refused_deck_stores_nothing(app, db, people, files, code):
    with pytest.raises(uploads.UploadRejected) as refused:
        services.upload_deck(actor=people.owner, enterprise=people.enterprise, files=files)
    db.session.rollback()

    assert refused.value.code == code
    assert db.session.scalars(select(DeckVersion)).all() == []
    assert files_on_disk(app) == []


def test_only_the_owner_and_their_facilitator_upload_decks(app, db, people):
    for outsider in (people.other_facilitator, people.investor, people.admin):
        with pytest.raises(PermissionDenied):
            services.upload_deck(
                actor=outsider, enterprise=people.enterprise, files=[("d.pdf", deck_pdf())]
            )
    services.upload_deck(
        actor=people.facilitator, enterprise=people.enterprise, files=[("d.pdf", deck_pdf())]
    )


def test_versions_beyond_the_limit_are_deleted_oldest_first_but_never_the_current_one(
    app, db, people
):
    app.config["DECK_VERSIONS_KEPT"] = 2
    first = upload(db, people)
    services.set_current_version(
        actor=people.owner, enterprise=people.enterprise, version_id=first.id
    )
    db.session.commit()
    for number in (2, 3, 4):
        version = services.upload_deck(
            actor=people.owner,
            enterprise=people.enterprise,
            files=[("d.pdf", deck_pdf([f"Versi {number}"]))],
        )
        db.session.commit()
        # Keep version 1 current by choice, so pruning has to skip it.
        services.set_current_version(
            actor=people.owner, enterprise=people.enterprise, version_id=first.id
        )
        db.session.commit()

    db.session.expire_all()
    numbers = [v.number for v in services.deck_of(people.enterprise).versions]
    assert numbers == [4, 1]
    assert version.number == 4
    referenced = set(services._file_keys(db.session))
    assert {path.name for path in files_on_disk(app)} == referenced


def test_an_earlier_ready_version_can_be_shown_again(app, db, people):
    first = upload(db, people)
    upload(db, people, [("v2.pdf", deck_pdf(["Versi kedua"]))])

    services.set_current_version(
        actor=people.facilitator, enterprise=people.enterprise, version_id=first.id
    )
    db.session.commit()

    assert services.current_deck_text(people.enterprise.id) == "\n".join(DECK_TEXTS)


def test_current_deck_text_is_empty_without_a_deck(app, db, people):
    assert services.current_deck_text(people.enterprise.id) == ""
    assert services.current_deck_text(999_999) == ""


def test_files_cleanup_keeps_deck_and_document_files_and_removes_orphans(app, db, people):
    upload(db, people)
    data_room.add_document(
        actor=people.owner,
        enterprise=people.enterprise,
        kind="nib",
        filename="nib.pdf",
        data=deck_pdf(["NIB 1234567890123"]),
    )
    db.session.commit()
    orphan = Path(app.config["UPLOAD_FOLDER"]) / "ab" / "ab0000orphan.pdf"
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"%PDF-1.7")
    kept = {path.name for path in files_on_disk(app)} - {orphan.name}

    report = storage.cleanup()

    assert report["orphans"] == [orphan.name]
    assert {path.name for path in files_on_disk(app)} == kept


# --- documents -------------------------------------------------------------------------------
def test_documents_are_private_by_default(app, db, people):
    document = data_room.add_document(
        actor=people.owner,
        enterprise=people.enterprise,
        kind="financial_statement",
        filename="Laporan Keuangan 2025.pdf",
        data=deck_pdf(["Neraca"]),
    )
    db.session.commit()

    allowed = {
        name: permissions.can_view_document(getattr(people, name), document)
        for name in (
            "owner",
            "facilitator",
            "other_facilitator",
            "investor",
            "unverified_investor",
            "admin",
        )
    }
    assert allowed == {
        "owner": True,
        "facilitator": True,
        "other_facilitator": False,
        "investor": False,
        "unverified_investor": False,
        "admin": False,
    }
    assert document.filename == "Laporan_Keuangan_2025.pdf"
    assert document.mime == "application/pdf"


def test_a_document_photo_is_stored_without_its_gps_position_or_comment(app, db, people):
    data = photo(gps=True)
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # the upload has GPS

    document = data_room.add_document(
        actor=people.owner,
        enterprise=people.enterprise,
        kind="npwp",
        filename="npwp.jpg",
        data=data,
    )
    db.session.commit()

    stored = Image.open(io.BytesIO(storage.read(document.file_key)))
    assert stored.format == "WEBP" and document.mime == "image/webp"
    assert not stored.getexif() and "exif" not in stored.info and "comment" not in stored.info
    assert document.filename == "npwp.webp"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (corpus.pdf_with_names_javascript(), "active_content"),
        (corpus.pdf_with_attachment(), "active_content"),
        (b"MZ\x90\x00" + b"\x00" * 64, "not_allowed_type"),
        (b"", "empty"),
    ],
    ids=["javascript", "attachment", "executable", "empty"],
)
def test_a_hostile_document_is_refused(app, db, people, data, code):
    with pytest.raises(uploads.UploadRejected) as refused:
        data_room.add_document(
            actor=people.owner,
            enterprise=people.enterprise,
            kind="other",
            filename="x.pdf",
            data=data,
        )
    assert refused.value.code == code


def test_a_data_room_holds_at_most_the_configured_number_of_documents(app, db, people):
    app.config["DOCUMENTS_PER_ENTERPRISE"] = 1
    data_room.add_document(
        actor=people.owner,
        enterprise=people.enterprise,
        kind="nib",
        filename="a.pdf",
        data=deck_pdf(),
    )
    with pytest.raises(ValidationError):
        data_room.add_document(
            actor=people.owner,
            enterprise=people.enterprise,
            kind="npwp",
            filename="b.pdf",
            data=deck_pdf(),
        )


def test_an_unknown_document_kind_is_refused_next_to_its_field(app, db, people):
    with pytest.raises(ValidationError) as refused:
        data_room.add_document(
            actor=people.owner,
            enterprise=people.enterprise,
            kind="ktp",
            filename="a.pdf",
            data=deck_pdf(),
        )
    assert refused.value.field == "kind"


def test_every_document_view_and_download_is_written_to_the_audit_log(app, db, people):
    document = data_room.add_document(
        actor=people.owner,
        enterprise=people.enterprise,
        kind="nib",
        filename="nib.pdf",
        data=deck_pdf(),
    )
    access = data_room.request_access(
        investor=people.investor, enterprise=people.enterprise, message="Kami dana KUR."
    )
    data_room.decide_access(actor=people.owner, access_request=access, decision="accept")
    db.session.commit()

    data_room.record_document_access(viewer=people.investor, document=document, download=False)
    data_room.record_document_access(viewer=people.investor, document=document, download=True)
    data_room.record_document_access(viewer=people.owner, document=document, download=True)
    with pytest.raises(PermissionDenied):
        data_room.record_document_access(
            viewer=people.other_investor, document=document, download=True
        )
    db.session.commit()

    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.like("document.%")).order_by(AuditEvent.id)
    ).all()
    assert [(e.action, e.actor_id, e.details.get("document")) for e in events] == [
        ("document.uploaded", people.owner.id, document.id),
        ("document.viewed", people.investor.id, document.id),
        ("document.downloaded", people.investor.id, document.id),
        ("document.downloaded", people.owner.id, document.id),
    ]
    activity = services.activity(people.enterprise)
    assert activity[0].action == "document.downloaded"
    assert activity[1].actor_name == people.investor.name
    assert activity[1].organisation_name == people.investor.organisation.name


# --- access requests -------------------------------------------------------------------------
def _request(db, people: People, investor=None) -> AccessRequest:
    access = data_room.request_access(
        investor=investor or people.investor,
        enterprise=people.enterprise,
        message="Kami menyalurkan KUR mikro di Jawa Barat.",
    )
    db.session.commit()
    return access


@pytest.mark.parametrize(
    ("decisions", "final_status", "has_access"),
    [
        ([], "pending", False),
        (["accept"], "accepted", True),
        (["decline"], "declined", False),
        (["accept", "revoke"], "revoked", False),
    ],
)
def test_an_access_request_moves_through_its_lifecycle(
    app, db, people, decisions, final_status, has_access
):
    access = _request(db, people)
    for decision in decisions:
        data_room.decide_access(actor=people.owner, access_request=access, decision=decision)
        db.session.commit()

    assert access.status == final_status
    assert permissions.has_data_room_access(people.investor, people.enterprise) is has_access
    assert permissions.can_view_documents(people.investor, people.enterprise) is has_access
    # Access belongs to the organisation that asked, no one else.
    assert not permissions.can_view_documents(people.other_investor, people.enterprise)


@pytest.mark.parametrize(
    ("before", "decision"),
    [
        ([], "revoke"),
        (["accept"], "accept"),
        (["accept"], "decline"),
        (["decline"], "accept"),
        (["accept", "revoke"], "accept"),
    ],
)
def test_a_decision_that_does_not_fit_the_state_is_refused(app, db, people, before, decision):
    access = _request(db, people)
    for earlier in before:
        data_room.decide_access(actor=people.owner, access_request=access, decision=earlier)
    status = access.status

    with pytest.raises(Conflict):
        data_room.decide_access(actor=people.owner, access_request=access, decision=decision)
    assert access.status == status


def test_the_facilitator_may_decide_but_not_an_outsider(app, db, people):
    access = _request(db, people)
    for outsider in (people.other_facilitator, people.investor, people.admin):
        with pytest.raises(PermissionDenied):
            data_room.decide_access(actor=outsider, access_request=access, decision="accept")

    data_room.decide_access(actor=people.facilitator, access_request=access, decision="accept")

    assert access.decided_by_id == people.facilitator.id and access.decided_at is not None


def test_an_organisation_has_one_open_request_and_may_ask_again_after_revocation(app, db, people):
    access = _request(db, people)
    with pytest.raises(Conflict):
        _request(db, people)
    data_room.decide_access(actor=people.owner, access_request=access, decision="accept")
    data_room.decide_access(actor=people.owner, access_request=access, decision="revoke")
    db.session.commit()

    again = _request(db, people)

    assert again.status == "pending" and again.id != access.id


@pytest.mark.parametrize("who", ["unverified_investor", "owner", "facilitator", "admin"])
def test_only_verified_investors_may_ask_for_access(app, db, people, who):
    with pytest.raises(PermissionDenied):
        _request(db, people, investor=getattr(people, who))


def test_a_draft_profile_cannot_be_asked_for_access(app, db, make):
    people = make_people(make, published=False)
    with pytest.raises(PermissionDenied):
        _request(db, people)


@pytest.mark.parametrize("message", ["", "   ", "x" * 1001])
def test_a_request_needs_a_message_of_reasonable_length(app, db, people, message):
    with pytest.raises(ValidationError) as refused:
        data_room.request_access(
            investor=people.investor, enterprise=people.enterprise, message=message
        )
    assert refused.value.field == "message"


def test_after_revocation_the_full_deck_closes_again(app, db, people):
    version = upload(db, people)
    page_three = version.pages[2]
    access = _request(db, people)
    data_room.decide_access(actor=people.owner, access_request=access, decision="accept")
    db.session.commit()
    assert permissions.can_view_deck_page(people.investor, page_three)

    data_room.decide_access(actor=people.owner, access_request=access, decision="revoke")
    db.session.commit()

    assert not permissions.can_view_deck_page(people.investor, page_three)
    assert permissions.can_view_deck_page(people.investor, version.pages[0])  # public page
    assert [p.number for p in services.visible_pages(people.investor, version)] == [1, 2]


def test_documents_are_removed_with_their_file(app, db, people):
    document = data_room.add_document(
        actor=people.owner,
        enterprise=people.enterprise,
        kind="nib",
        filename="a.pdf",
        data=deck_pdf(),
    )
    db.session.commit()
    path = storage.open_path(document.file_key)

    data_room.remove_document(
        actor=people.facilitator, enterprise=people.enterprise, document_id=document.id
    )
    db.session.commit()

    assert db.session.scalars(select(Document)).all() == []
    assert not path.exists()


def test_two_uploads_taking_the_same_version_number_give_a_conflict_not_an_error(
    app, db, people, monkeypatch
):
    import types

    from sqlalchemy import literal

    upload(db, people)
    # The second upload read the version count before the first one committed: it takes the
    # same number, which the unique (deck, number) constraint refuses.
    monkeypatch.setattr(services, "func", types.SimpleNamespace(max=lambda _column: literal(0)))
    with pytest.raises(Conflict):
        services.upload_deck(
            actor=people.owner, enterprise=people.enterprise, files=[("b.pdf", deck_pdf())]
        )
    db.session.rollback()
    assert db.session.scalars(select(DeckVersion.number)).all() == [1]
    assert not [p for p in files_on_disk(app) if p.name.endswith(".tmp")]
