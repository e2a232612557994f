"""Parsers run in a sandbox child: a crash, a hang or a memory hog costs the file, not the app.

The misbehaving children are in tests/uploads/sandbox_hooks.py; each test points one of the real
entry points at one of them, uploads through the web like an owner would, then checks that the
app keeps serving, that the owner is told what to do, and that the next normal upload works.
"""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from marketplace import uploads
from marketplace.extensions import db
from marketplace.pitches import isolated
from marketplace.pitches.models import DeckVersion
from marketplace.profiles import images
from marketplace.profiles.models import Enterprise
from tests.pitches.test_deck_services import deck_pdf, make_people, photo

HOOKS = "tests.uploads.sandbox_hooks"
MISBEHAVIOURS = [
    ("crash", "parser_crashed"),
    ("hang", "parser_timeout"),
    ("hang_on_a_page", "parser_timeout"),
    ("allocate", "parser_memory"),
]


@pytest.fixture
def people(make, app):
    # Short limits, so that the hanging children are killed quickly.
    app.config.update(
        UPLOAD_PARSE_FILE_SECONDS=3.0, UPLOAD_PARSE_PAGE_SECONDS=0.5, UPLOAD_PARSE_MEMORY_MB=768
    )
    result = make_people(make)
    db.session.commit()
    return result


def _owner(app, login, people):
    return login(people.owner, on=app.test_client())


def _upload(client, enterprise_id: int, data: bytes, name: str = "deck.pdf"):
    return client.post(
        f"/enterprises/{enterprise_id}/deck/upload",
        data={"files": [(io.BytesIO(data), name)]},
        content_type="multipart/form-data",
    )


def _message(app, code: str, **params: object) -> str:
    with app.test_request_context():
        return uploads.rejection_message(uploads.UploadRejected(code, **params))


def _latest() -> DeckVersion:
    db.session.expire_all()
    return db.session.scalars(select(DeckVersion).order_by(DeckVersion.id.desc())).first()


@pytest.mark.parametrize(("hook", "code"), MISBEHAVIOURS, ids=[h for h, _ in MISBEHAVIOURS])
def test_a_renderer_that_misbehaves_fails_the_version_with_advice_and_the_next_upload_works(
    app, login, people, monkeypatch, hook, code
):
    client = _owner(app, login, people)
    enterprise_id = people.enterprise.id
    monkeypatch.setattr(isolated, "PROCESS_TARGET", f"{HOOKS}:{hook}")

    response = _upload(client, enterprise_id, deck_pdf())

    assert response.status_code == 302  # accepted: validation ran in its own, healthy child
    failed = _latest()
    assert (failed.state, failed.error_code) == ("failed", code)
    page = client.get(f"/enterprises/{enterprise_id}/deck")  # the app keeps serving
    assert page.status_code == 200
    assert _message(app, code) in page.get_data(as_text=True)
    assert _message(app, code) != _message(app, "unreadable")  # advice of its own

    monkeypatch.undo()
    assert _upload(client, enterprise_id, deck_pdf()).status_code == 302
    ready = _latest()
    assert ready.state == "ready" and ready.is_current and len(ready.pages) == 4


@pytest.mark.parametrize(("hook", "code"), MISBEHAVIOURS, ids=[h for h, _ in MISBEHAVIOURS])
def test_a_validator_that_misbehaves_refuses_the_upload_with_a_4xx_and_the_next_upload_works(
    app, login, people, monkeypatch, hook, code
):
    client = _owner(app, login, people)
    enterprise_id = people.enterprise.id
    monkeypatch.setattr(isolated, "VALIDATE_TARGET", f"{HOOKS}:{hook}")

    response = _upload(client, enterprise_id, deck_pdf())

    assert response.status_code == 422
    assert _message(app, code) in response.get_data(as_text=True)
    assert _latest() is None  # nothing stored, nothing left "processing"
    monkeypatch.undo()
    assert _upload(client, enterprise_id, deck_pdf()).status_code == 302
    assert _latest().state == "ready"


def test_a_photo_decoder_that_crashes_refuses_the_photo_and_the_next_photo_is_added(
    app, login, people, monkeypatch
):
    client = _owner(app, login, people)
    enterprise_id = people.enterprise.id
    monkeypatch.setattr(images, "PHOTO_TARGET", f"{HOOKS}:crash")

    def post_photo():
        return client.post(
            f"/enterprises/{enterprise_id}/photos",
            data={"photo": (io.BytesIO(photo()), "produk.jpg"), "caption": "Kue"},
            content_type="multipart/form-data",
        )

    refused = post_photo()
    assert refused.status_code == 422
    message = _message(app, "parser_crashed", subject="photo")
    assert message != _message(app, "parser_crashed")  # about the photo, not a deck
    assert message in refused.get_data(as_text=True)
    monkeypatch.undo()
    assert post_photo().status_code == 302
    db.session.expire_all()
    assert len(db.session.get(Enterprise, enterprise_id).photos) == 1


def test_decks_of_several_threads_render_at_once_and_match_the_serial_result() -> None:
    from concurrent.futures import ThreadPoolExecutor

    limits = uploads.UploadLimits()
    serial = isolated.process_deck_upload([deck_pdf()], limits=limits)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(
            pool.map(lambda _: isolated.process_deck_upload([deck_pdf()], limits=limits), range(4))
        )
    assert all(result == serial for result in results)
