"""Deck and data-room pages through HTTP: uploads, previews, processing state, 413, requests."""

from __future__ import annotations

import io
import re

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from marketplace import tasks, uploads
from marketplace.audit import AuditEvent
from marketplace.extensions import db
from marketplace.pitches import services
from marketplace.pitches.models import AccessRequest, DeckVersion, Document
from tests.pitches.test_deck_services import deck_pdf, make_people, photo


@pytest.fixture
def people(make):
    result = make_people(make)
    db.session.commit()
    return result


def _client(app, login, user):
    return login(user, on=app.test_client())


def _upload(client, enterprise_id: int, *files: tuple[bytes, str]):
    return client.post(
        f"/enterprises/{enterprise_id}/deck/upload",
        data={"files": [(io.BytesIO(data), name) for data, name in files]},
        content_type="multipart/form-data",
    )


def _in_indonesian(app, message_factory) -> str:
    with app.test_request_context(), force_locale("id"):
        return str(message_factory())


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_owner_uploads_a_pdf_deck_and_sees_lazy_loaded_previews(app, login, people):
    client = _client(app, login, people.owner)
    enterprise_id = people.enterprise.id

    response = _upload(client, enterprise_id, (deck_pdf(), "Deck Bu Sari.pdf"))

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/enterprises/{enterprise_id}/deck")
    page = _text(client.get(f"/enterprises/{enterprise_id}/deck"))
    images = re.findall(r'<img src="(/deck-pages/\d+/small)"[^>]*>', page)
    assert len(images) == 4
    tags = re.findall(r"<img [^>]*>", page)
    assert all('loading="lazy"' in tag and 'width="' in tag and 'height="' in tag for tag in tags)
    served = client.get(images[0])
    assert served.status_code == 200 and served.mimetype == "image/webp"
    assert len(served.get_data()) <= 15_000
    served.close()


def test_owner_uploads_phone_photos_in_order_as_a_deck(app, login, people):
    client = _client(app, login, people.owner)

    response = _upload(
        client,
        people.enterprise.id,
        (photo((250, 0, 0)), "halaman1.jpg"),
        (photo((0, 0, 250)), "halaman2.jpg"),
    )

    assert response.status_code == 302
    db.session.expire_all()
    version = db.session.scalar(select(DeckVersion))
    assert version.source_kind == "images" and version.page_count == 2
    assert (version.state, version.error_code) == ("ready", None)


def test_a_bad_upload_is_refused_with_a_message_in_indonesian_by_default(app, login, people):
    client = _client(app, login, people.owner)

    response = _upload(client, people.enterprise.id, (b"<html><body>x</body></html>", "d.pdf"))

    assert response.status_code == 422
    expected = _in_indonesian(
        app,
        lambda: uploads.rejection_message(
            uploads.UploadRejected("not_allowed_type", detected="html", allowed=uploads.DECK_KINDS)
        ),
    )
    with app.test_request_context(), force_locale("en"):
        english = uploads.rejection_message(
            uploads.UploadRejected("not_allowed_type", detected="html", allowed=uploads.DECK_KINDS)
        )
    assert expected != english
    assert 'id="files-error"' in _text(response) and expected in _text(response)
    assert db.session.scalars(select(DeckVersion)).all() == []


def test_a_bad_photo_among_several_names_its_position(app, login, people):
    client = _client(app, login, people.owner)

    response = _upload(client, people.enterprise.id, (photo(), "1.jpg"), (photo()[:200], "2.jpg"))

    assert response.status_code == 422
    with app.test_request_context(), force_locale("id"):
        from flask_babel import gettext

        prefix = gettext("Photo %(number)s: %(message)s", number=2, message="")
    assert prefix in _text(response)


def test_an_upload_without_a_file_asks_for_one(app, login, people):
    client = _client(app, login, people.owner)

    response = client.post(
        f"/enterprises/{people.enterprise.id}/deck/upload",
        data={},
        content_type="multipart/form-data",
    )

    assert response.status_code == 422 and 'id="files-error"' in _text(response)


def test_an_oversized_deck_gets_the_friendly_413_page(app, login, people):
    client = _client(app, login, people.owner)
    app.config["MAX_CONTENT_LENGTH"] = 2048

    response = _upload(client, people.enterprise.id, (b"%PDF-1.7\n" + b"x" * 8192, "big.pdf"))

    assert response.status_code == 413
    assert "MB" in _text(response)
    assert db.session.scalars(select(DeckVersion)).all() == []


def test_the_upload_page_explains_that_the_back_button_keeps_the_form(app, login, people):
    client = _client(app, login, people.owner)
    with app.test_request_context(), force_locale("id"):
        from flask_babel import gettext

        sentence = gettext(
            "On a slow connection the upload can take a few minutes: keep this page open. If "
            "the file is too large you will see a page saying so; press your browser's Back "
            "button to return here with everything else still filled in, then choose a smaller "
            "file."
        )

    page = _text(client.get(f"/enterprises/{people.enterprise.id}/deck/upload"))

    assert sentence in page
    assert 'accept="application/pdf,image/jpeg,image/png,image/webp"' in page
    assert "multiple" in page


def test_while_processing_the_deck_page_shows_progress_and_reloads_itself(app, login, people):
    client = _client(app, login, people.owner)
    app.config["TASKS_MODE"] = "collect"
    tasks.clear_collected()
    try:
        _upload(client, people.enterprise.id, (deck_pdf(), "deck.pdf"))

        waiting = client.get(f"/enterprises/{people.enterprise.id}/deck")
        assert waiting.headers.get("Refresh") == "3"
        assert "deck-processing" in _text(waiting)

        tasks.run_collected()
        done = client.get(f"/enterprises/{people.enterprise.id}/deck")
        assert "Refresh" not in done.headers
        assert len(re.findall(r"/deck-pages/\d+/small", _text(done))) == 4
    finally:
        tasks.clear_collected()


def test_a_failed_version_shows_what_to_do(app, login, people):
    client = _client(app, login, people.owner)
    app.config["TASKS_MODE"] = "collect"
    tasks.clear_collected()
    try:
        _upload(client, people.enterprise.id, (deck_pdf(), "deck.pdf"))
        version = db.session.scalar(select(DeckVersion))
        from marketplace import storage

        storage.open_path(version.original_key).write_bytes(b"rusak")
        tasks.run_collected()
    finally:
        tasks.clear_collected()

    page = _text(client.get(f"/enterprises/{people.enterprise.id}/deck"))

    assert "deck-failed" in page
    expected = _in_indonesian(
        app, lambda: uploads.rejection_message(uploads.UploadRejected("not_allowed_type"))
    )
    assert expected in page


def test_anonymous_visitors_see_the_first_two_pages_and_an_invitation_to_ask(
    app, login, people, client
):
    _upload(_client(app, login, people.owner), people.enterprise.id, (deck_pdf(), "d.pdf"))

    page = _text(client.get(f"/enterprises/{people.enterprise.id}/deck"))

    assert len(re.findall(r"/deck-pages/\d+/small", page)) == 2
    assert "deck-locked" in page
    assert "/original" not in page
    locked = client.get(f"/enterprises/{people.enterprise.id}/deck/pages/3")
    assert locked.status_code == 403
    opened = client.get(f"/enterprises/{people.enterprise.id}/deck/pages/2")
    assert opened.status_code == 200 and "/deck-pages/" in _text(opened)


def test_public_previews_are_revalidated_and_private_ones_never_stored(app, login, people, client):
    _upload(_client(app, login, people.owner), people.enterprise.id, (deck_pdf(), "d.pdf"))
    version = db.session.scalar(select(DeckVersion))

    public = client.get(f"/deck-pages/{version.pages[0].id}/small")
    private = _client(app, login, people.owner).get(f"/deck-pages/{version.pages[3].id}/large")

    assert public.headers["Cache-Control"] == "public, no-cache"
    assert public.headers["ETag"] and public.headers["Last-Modified"]
    assert private.headers["Cache-Control"] == "no-store"
    for response in (public, private):
        assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Disposition"].startswith("inline;")
        response.close()


def test_a_cached_public_preview_stops_showing_as_soon_as_the_profile_is_unpublished(
    app, login, people, client
):
    _upload(_client(app, login, people.owner), people.enterprise.id, (deck_pdf(), "d.pdf"))
    url = f"/deck-pages/{db.session.scalar(select(DeckVersion)).pages[0].id}/small"
    first = client.get(url)
    etag = first.headers["ETag"]
    first.close()
    revalidated = client.get(url, headers={"If-None-Match": etag})
    revalidated.close()
    assert revalidated.status_code == 304  # what a cache does with a no-cache copy

    people.enterprise.status = "draft"
    db.session.commit()

    after = client.get(url, headers={"If-None-Match": etag})
    assert after.status_code == 404


def test_investor_asks_the_owner_accepts_and_the_investor_opens_page_three(app, login, people):
    owner = _client(app, login, people.owner)
    investor = _client(app, login, people.investor)
    enterprise_id = people.enterprise.id
    _upload(owner, enterprise_id, (deck_pdf(), "d.pdf"))
    assert investor.get(f"/enterprises/{enterprise_id}/deck/pages/3").status_code == 403

    asked = investor.post(
        f"/enterprises/{enterprise_id}/data-room/request",
        data={"message": "Kami menyalurkan KUR mikro."},
    )
    assert asked.status_code == 302
    access = db.session.scalar(select(AccessRequest))
    assert f">{people.investor.organisation.name}<" in _text(
        owner.get(f"/enterprises/{enterprise_id}/data-room")
    )
    accepted = owner.post(f"/enterprises/{enterprise_id}/data-room/requests/{access.id}/accept")
    assert accepted.status_code == 302

    page_three = investor.get(f"/enterprises/{enterprise_id}/deck/pages/3")
    assert page_three.status_code == 200
    large = re.search(r'<img src="(/deck-pages/\d+/large)"', _text(page_three)).group(1)
    image = investor.get(large)
    assert image.status_code == 200 and image.headers["Cache-Control"] == "no-store"
    image.close()
    activity = _text(owner.get(f"/enterprises/{enterprise_id}/activity"))
    assert people.investor.name in activity
    assert db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "deck.page_viewed")
    ).details == {"version": 1, "page": 3}


def test_ending_an_investors_access_asks_for_the_ticked_box(app, login, people):
    owner = _client(app, login, people.owner)
    investor = _client(app, login, people.investor)
    enterprise_id = people.enterprise.id
    investor.post(f"/enterprises/{enterprise_id}/data-room/request", data={"message": "Halo"})
    access = db.session.scalar(select(AccessRequest))
    owner.post(f"/enterprises/{enterprise_id}/data-room/requests/{access.id}/accept")
    url = f"/enterprises/{enterprise_id}/data-room/requests/{access.id}/revoke"
    assert f'action="{url}"' in _text(owner.get(f"/enterprises/{enterprise_id}/data-room"))

    owner.post(url)  # the box not ticked: nothing changes, and the owner is told why
    db.session.expire_all()
    assert db.session.get(AccessRequest, access.id).status == "accepted"
    assert "centang" in _text(owner.get(f"/enterprises/{enterprise_id}/data-room"))

    owner.post(url, data={"confirm": "y"})
    db.session.expire_all()
    assert db.session.get(AccessRequest, access.id).status == "revoked"


def test_a_request_without_a_message_is_refused_and_nothing_is_saved(app, login, people):
    investor = _client(app, login, people.investor)

    response = investor.post(
        f"/enterprises/{people.enterprise.id}/data-room/request", data={"message": "  "}
    )

    assert response.status_code == 422 and 'id="message-error"' in _text(response)
    assert db.session.scalars(select(AccessRequest)).all() == []


def test_a_second_request_while_one_is_open_is_explained(app, login, people):
    investor = _client(app, login, people.investor)
    url = f"/enterprises/{people.enterprise.id}/data-room/request"
    investor.post(url, data={"message": "Pertama"})

    response = investor.post(url, data={"message": "Kedua"})

    assert response.status_code == 422
    assert len(db.session.scalars(select(AccessRequest)).all()) == 1


def test_a_document_is_downloaded_with_safe_headers_and_logged(app, login, people):
    owner = _client(app, login, people.owner)
    uploaded = owner.post(
        f"/enterprises/{people.enterprise.id}/data-room/documents",
        data={
            "kind": "nib",
            "file": (io.BytesIO(deck_pdf(["NIB"])), "../../Surat NIB Bu Sari.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 302
    document = db.session.scalar(select(Document))

    response = owner.get(f"/documents/{document.id}/file")

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == "attachment; filename=Surat_NIB_Bu_Sari.pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["document.uploaded", "document.downloaded"]


def test_a_photo_document_opens_in_the_browser_and_downloads_on_request(app, login, people):
    owner = _client(app, login, people.owner)
    owner.post(
        f"/enterprises/{people.enterprise.id}/data-room/documents",
        data={"kind": "npwp", "file": (io.BytesIO(photo(gps=True)), "npwp.jpg")},
        content_type="multipart/form-data",
    )
    document = db.session.scalar(select(Document))

    viewed = owner.get(f"/documents/{document.id}/file")
    downloaded = owner.get(f"/documents/{document.id}/file?download=1")

    assert viewed.headers["Content-Disposition"] == "inline; filename=npwp.webp"
    assert downloaded.headers["Content-Disposition"] == "attachment; filename=npwp.webp"
    viewed.close()
    downloaded.close()
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["document.viewed", "document.downloaded"]


def test_a_bad_document_is_refused_next_to_the_file_field(app, login, people):
    owner = _client(app, login, people.owner)

    response = owner.post(
        f"/enterprises/{people.enterprise.id}/data-room/documents",
        data={"kind": "nib", "file": (io.BytesIO(b"\x7fELF\x02\x01"), "nib.pdf")},
        content_type="multipart/form-data",
    )

    assert response.status_code == 422 and 'id="file-error"' in _text(response)
    assert re.search(r'<option selected value="nib">', _text(response))


def test_the_owner_can_show_an_earlier_version_again(app, login, people):
    owner = _client(app, login, people.owner)
    _upload(owner, people.enterprise.id, (deck_pdf(), "v1.pdf"))
    _upload(owner, people.enterprise.id, (deck_pdf(["Versi dua"]), "v2.pdf"))
    first = db.session.scalar(select(DeckVersion).where(DeckVersion.number == 1))

    response = owner.post(f"/enterprises/{people.enterprise.id}/deck/versions/{first.id}/current")

    assert response.status_code == 302
    db.session.expire_all()
    assert services.current_deck_text(people.enterprise.id) == "\n".join(
        ["Keripik Tempe Bu Sari", "Pasar dan pelanggan", "Rencana dana", "Tim kami"]
    )


def test_the_profile_links_to_the_deck_once_there_is_one(app, client, login, people):
    link = f'href="/enterprises/{people.enterprise.id}/deck"'
    assert link not in _text(client.get(f"/enterprises/{people.enterprise.id}"))
    _upload(_client(app, login, people.owner), people.enterprise.id, (deck_pdf(), "Deck.pdf"))
    assert link in _text(client.get(f"/enterprises/{people.enterprise.id}"))


def test_each_page_preview_carries_its_text_as_alternative(app, login, people):
    """Issue 13: a screen reader (or a slow connection) gets the page's extracted text, not
    only "Halaman 3"; a page without text is named by its number and the deck."""
    client = _client(app, login, people.owner)
    enterprise_id = people.enterprise.id
    _upload(client, enterprise_id, (deck_pdf(["Masalah: pasar sulit dijangkau", ""]), "d.pdf"))

    grid = _text(client.get(f"/enterprises/{enterprise_id}/deck"))
    alts = re.findall(r'<img src="/deck-pages/\d+/small" alt="([^"]*)"', grid)
    assert alts[0] == "Masalah: pasar sulit dijangkau"
    assert alts[1] == f"Slide 2 dari pitch deck {people.enterprise.name}"

    first = _text(client.get(f"/enterprises/{enterprise_id}/deck/pages/1"))
    assert 'alt="Masalah: pasar sulit dijangkau"' in first
    assert "Teks halaman ini" in first


PUBLIC_PAGES_SENTENCE = (
    "The first %(count)s pages of the current version are public: anyone who can open your "
    "published profile sees them, including visitors who are not logged in. The other pages "
    "stay in the data room for the investors you accept."
)


@pytest.mark.parametrize("locale", ["id", "en"])
def test_the_owner_is_told_plainly_that_the_first_pages_are_public(app, login, people, locale):
    # Issue 13: the upload page did not say that anyone, even logged out, sees pages 1 and 2.
    owner = _client(app, login, people.owner)
    owner.post("/language", data={"locale": locale, "next": "/"})
    with app.test_request_context(), force_locale(locale):
        from flask_babel import gettext

        sentence = gettext(PUBLIC_PAGES_SENTENCE, count=2)
    upload_page = _text(owner.get(f"/enterprises/{people.enterprise.id}/deck/upload"))
    deck_page = _text(owner.get(f"/enterprises/{people.enterprise.id}/deck"))

    assert sentence in upload_page
    assert sentence in deck_page
    assert ("belum masuk" in sentence) is (locale == "id")


def test_the_versions_list_separates_the_status_from_the_current_marker(app, login, people):
    owner = _client(app, login, people.owner)
    owner.post("/language", data={"locale": "en", "next": "/"})
    _upload(owner, people.enterprise.id, (deck_pdf(), "v1.pdf"))

    page = _text(owner.get(f"/enterprises/{people.enterprise.id}/deck"))

    versions = page.split('class="deck-versions"')[1].split("</ul>")[0]
    flat = " ".join(re.sub(r"<[^>]+>", " ", versions).split())
    assert "Status: ready. Current version Investors see this version." in flat
    assert "ready current" not in flat


def test_a_visitor_is_not_shown_the_owners_notice_about_public_pages(app, client, login, people):
    _upload(_client(app, login, people.owner), people.enterprise.id, (deck_pdf(), "Deck.pdf"))
    assert "deck-public-pages" not in _text(client.get(f"/enterprises/{people.enterprise.id}/deck"))
