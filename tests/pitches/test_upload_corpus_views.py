"""The hostile corpus through the real upload routes: a 4xx with a message, never a 5xx, and
nothing left behind (no row, no file, not even a temporary one).

Deck cases go through the deck upload; photo cases through the deck upload as a one-photo deck
and through the data-room document upload. Cases the corpus accepts are uploaded too: they
must end as a ready deck version.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.pitches.models import DeckVersion, Document
from tests.pitches.test_deck_services import make_people
from tests.uploads import corpus

DECK_CASES = [case for case in corpus.CASES if case.target == "deck"]
PHOTO_REFUSALS = [
    case for case in corpus.CASES if case.target == "photo" and case.expected != corpus.ACCEPTED
]
ERROR = re.compile(r'<div class="error" id="(files|file)-error"><p>([^<]+)</p>')


@pytest.fixture
def owner_client(app, make, login):
    people = make_people(make)
    db.session.commit()
    return login(people.owner, on=app.test_client()), people.enterprise.id


def _apply_limits(app, case: corpus.Case) -> None:
    app.config["UPLOAD_MAX_BYTES"] = case.limits.max_bytes
    app.config["UPLOAD_MAX_PAGES"] = case.limits.max_pages
    app.config["UPLOAD_MAX_PIXELS"] = case.limits.max_pixels


def _files(case: corpus.Case) -> list[tuple[io.BytesIO, str]]:
    data = case.build()
    items = data if isinstance(data, list) else [data]
    # Names that lie, traverse, or carry markup: they must never matter.
    names = ["../../etc/passwd.pdf", "deck<script>.pdf", "CON.jpg", "nama\u202egpj.pdf"]
    return [(io.BytesIO(item), names[i % len(names)]) for i, item in enumerate(items)]


def _leftovers(app) -> list[str]:
    root = Path(app.config["UPLOAD_FOLDER"])
    return sorted(p.name for p in root.rglob("*") if p.is_file())


def _assert_refused(app, response, case: corpus.Case) -> None:
    page = response.get_data(as_text=True)
    assert response.status_code == 422, (case.name, response.status_code)
    match = ERROR.search(page)
    assert match and match.group(2).strip(), f"{case.name}: no message next to the field"
    assert _leftovers(app) == [], f"{case.name} left files behind"


@pytest.mark.parametrize("case", DECK_CASES, ids=lambda case: case.name)
def test_each_deck_case_through_the_deck_upload_route(app, owner_client, case):
    client, enterprise_id = owner_client
    _apply_limits(app, case)

    response = client.post(
        f"/enterprises/{enterprise_id}/deck/upload",
        data={"files": _files(case)},
        content_type="multipart/form-data",
    )

    if case.expected == corpus.ACCEPTED:
        assert response.status_code == 302, case.name
        version = db.session.scalar(select(DeckVersion))
        assert (version.state, version.error_code, version.is_current) == ("ready", None, True)
        return
    _assert_refused(app, response, case)
    assert db.session.scalars(select(DeckVersion)).all() == []


@pytest.mark.parametrize("case", PHOTO_REFUSALS, ids=lambda case: case.name)
def test_each_bad_photo_through_the_deck_upload_route(app, owner_client, case):
    client, enterprise_id = owner_client
    _apply_limits(app, case)

    response = client.post(
        f"/enterprises/{enterprise_id}/deck/upload",
        data={"files": _files(case)},
        content_type="multipart/form-data",
    )

    if case.name == "pdf_as_product_photo":
        # One PDF is a deck, whatever the photo door says about it.
        assert response.status_code == 302
        return
    _assert_refused(app, response, case)
    assert db.session.scalars(select(DeckVersion)).all() == []


@pytest.mark.parametrize("case", PHOTO_REFUSALS, ids=lambda case: case.name)
def test_each_bad_photo_through_the_document_upload_route(app, owner_client, case):
    client, enterprise_id = owner_client
    _apply_limits(app, case)
    (data, name), *_rest = _files(case)

    response = client.post(
        f"/enterprises/{enterprise_id}/data-room/documents",
        data={"kind": "npwp", "file": (data, name)},
        content_type="multipart/form-data",
    )

    if case.name == "pdf_as_product_photo":
        # A PDF is a fine document, whatever the photo door says about it.
        assert response.status_code == 302
        return
    _assert_refused(app, response, case)
    assert db.session.scalars(select(Document)).all() == []
