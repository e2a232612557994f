"""Every file route of the deck and the data room, asked by every role: a policy table.

Roles: anonymous, the owner, the owner's facilitator, a facilitator of another programme,
another enterprise's owner, an investor whose organisation was let in, one whose access was
revoked, a verified investor who never asked, an investor of an unverified organisation, and
the admin (who sees that documents exist, never their content).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from marketplace.audit import AuditEvent
from marketplace.extensions import db
from marketplace.pitches import data_room, services
from marketplace.profiles.models import Enterprise
from tests.pitches.test_deck_services import deck_pdf, make_people, photo
from tests.uploads import corpus

ROLES = (
    "anonymous",
    "owner",
    "facilitator",
    "other_facilitator",
    "other_owner",
    "investor_granted",
    "investor_revoked",
    "investor_not_asked",
    "investor_unverified",
    "admin",
)
EVERYONE = frozenset(ROLES)
FULL = frozenset({"owner", "facilitator", "investor_granted"})
EDITORS = frozenset({"owner", "facilitator"})


@dataclass(frozen=True)
class Route:
    name: str
    path: str  # placeholders filled from the world's ids
    allow: frozenset[str]
    # What an anonymous caller gets when not allowed: "login" (sent to log in), "hidden" (404:
    # not told the file exists) or "locked" (403: the locked page that says how to get in).
    # A signed-in caller who is not allowed gets 403.
    anonymous: str = "login"
    audited: str | None = None  # the audit action each allowed request adds


ROUTES = (
    Route("public_small_preview", "/deck-pages/{p1}/small", EVERYONE),
    Route("public_large_preview", "/deck-pages/{p2}/large", EVERYONE),
    Route("private_large_preview", "/deck-pages/{p3}/large", FULL, anonymous="hidden"),
    Route("private_small_preview", "/deck-pages/{p4}/small", FULL, anonymous="hidden"),
    Route("earlier_version_preview", "/deck-pages/{old_p1}/small", FULL, anonymous="hidden"),
    Route("public_page_view", "/enterprises/{E}/deck/pages/1", EVERYONE),
    Route("private_page_view", "/enterprises/{E}/deck/pages/3", FULL, anonymous="locked"),
    Route("deck_page", "/enterprises/{E}/deck", EVERYONE),
    Route(
        "original_pdf",
        "/deck-versions/{v2}/original",
        FULL,
        audited="deck.original_downloaded",
    ),
    Route("pdf_document", "/documents/{doc_pdf}/file", FULL, audited="document.downloaded"),
    Route("photo_document", "/documents/{doc_photo}/file", FULL, audited="document.viewed"),
    Route(
        "photo_document_download",
        "/documents/{doc_photo}/file?download=1",
        FULL,
        audited="document.downloaded",
    ),
    Route(
        "data_room",
        "/enterprises/{E}/data-room",
        FULL | {"investor_revoked", "investor_not_asked", "admin"},
    ),
    Route("activity", "/enterprises/{E}/activity", EDITORS),
)


def build_world(make) -> tuple[dict[str, object], dict[str, int]]:
    """The people of ROLES and the ids of a published enterprise's deck and documents."""
    people = make_people(make)
    users = {
        "owner": people.owner,
        "facilitator": people.facilitator,
        "other_facilitator": people.other_facilitator,
        "other_owner": make.owner(),
        "investor_granted": people.investor,
        "investor_revoked": people.other_investor,
        "investor_not_asked": make.investor(),
        "investor_unverified": people.unverified_investor,
        "admin": people.admin,
    }
    owner, enterprise = people.owner, people.enterprise
    first = services.upload_deck(actor=owner, enterprise=enterprise, files=[("v1.pdf", deck_pdf())])
    db.session.commit()
    second = services.upload_deck(
        actor=owner, enterprise=enterprise, files=[("v2.pdf", deck_pdf(["a", "b", "c", "d"]))]
    )
    db.session.commit()
    doc_pdf = data_room.add_document(
        actor=owner,
        enterprise=enterprise,
        kind="financial_statement",
        filename="lk.pdf",
        data=deck_pdf(["Neraca"]),
    )
    doc_photo = data_room.add_document(
        actor=owner, enterprise=enterprise, kind="npwp", filename="npwp.jpg", data=photo()
    )
    granted = data_room.request_access(
        investor=users["investor_granted"], enterprise=enterprise, message="KUR mikro"
    )
    data_room.decide_access(actor=owner, access_request=granted, decision="accept")
    revoked = data_room.request_access(
        investor=users["investor_revoked"], enterprise=enterprise, message="Dana hibah"
    )
    data_room.decide_access(actor=owner, access_request=revoked, decision="accept")
    data_room.decide_access(actor=people.facilitator, access_request=revoked, decision="revoke")
    db.session.commit()
    db.session.refresh(first)
    db.session.refresh(second)
    ids = {
        "E": enterprise.id,
        "v2": second.id,
        "doc_pdf": doc_pdf.id,
        "doc_photo": doc_photo.id,
        "old_p1": first.pages[0].id,
        **{f"p{page.number}": page.id for page in second.pages},
    }
    return users, ids


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/login"


def _audit_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.name)
def test_each_file_route_answers_each_role_as_the_policy_says(app, make, login, route):
    users, ids = build_world(make)
    url = route.path.format(**ids)
    wrong = []
    for role in ROLES:
        client = app.test_client()
        if role != "anonymous":
            login(users[role], on=client)
        before = _audit_count()
        response = client.get(url)
        body = response.get_data()
        response.close()
        status = response.status_code
        if role in route.allow:
            if status != 200 or not body:
                wrong.append((role, "expected 200", status))
            elif route.audited and _audit_count() != before + 1:
                wrong.append((role, f"expected one {route.audited} entry", _audit_count() - before))
        elif role == "anonymous" and route.anonymous == "login":
            if not _is_login_redirect(response):
                wrong.append((role, "expected the login page", status))
        elif status != (404 if role == "anonymous" and route.anonymous == "hidden" else 403):
            wrong.append((role, "expected 404 if hidden from anonymous, else 403", status))
    assert wrong == []


def test_allowed_document_views_are_audited_with_the_viewer(app, make, login):
    users, ids = build_world(make)
    client = login(users["investor_granted"], on=app.test_client())

    client.get(f"/documents/{ids['doc_pdf']}/file").close()

    event = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
    assert event.action == "document.downloaded"
    assert event.actor_id == users["investor_granted"].id
    assert event.details["document"] == ids["doc_pdf"]
    assert event.route == f"GET /documents/{ids['doc_pdf']}/file"


def test_the_admin_sees_which_documents_exist_but_gets_no_link_to_open_them(app, make, login):
    users, ids = build_world(make)
    client = login(users["admin"], on=app.test_client())

    page = client.get(f"/enterprises/{ids['E']}/data-room").get_data(as_text=True)

    assert "/documents/" not in page
    assert page.count("<tr>") == 2 and page.count('<tr class="head">') == 1  # two documents


def test_a_verified_investor_without_access_sees_no_document_links(app, make, login):
    users, ids = build_world(make)
    for role in ("investor_not_asked", "investor_revoked"):
        client = login(users[role], on=app.test_client())
        page = client.get(f"/enterprises/{ids['E']}/data-room").get_data(as_text=True)
        assert "/documents/" not in page
        assert f'action="/enterprises/{ids["E"]}/data-room/request"' in page


def test_when_the_profile_is_unpublished_only_its_editors_see_the_deck(app, make, login):
    users, ids = build_world(make)
    db.session.get(Enterprise, ids["E"]).status = "draft"
    db.session.commit()

    for role in ROLES:
        client = app.test_client()
        if role != "anonymous":
            login(users[role], on=client)
        for path in (
            "/deck-pages/{p1}/small",
            "/deck-pages/{p3}/large",
            "/documents/{doc_pdf}/file",
        ):
            response = client.get(path.format(**ids))
            response.close()
            if role in EDITORS:
                assert response.status_code == 200, (role, path)
            elif role == "anonymous" and path.startswith("/documents/"):
                assert _is_login_redirect(response), (role, path)
            elif role == "admin":
                # The admin sees draft profiles exist, never their files.
                assert response.status_code == 403, (role, path)
            else:
                assert response.status_code == 404, (role, path)


def test_an_original_with_scripts_is_served_only_to_the_enterprise(app, make, login):
    users, ids = build_world(make)

    version = services.upload_deck(
        actor=users["owner"],
        enterprise=db.session.get(Enterprise, ids["E"]),
        files=[("js.pdf", corpus.pdf_with_names_javascript())],
    )
    db.session.commit()
    db.session.refresh(version)
    assert version.has_javascript and version.is_current

    for role, expected in (("owner", 200), ("facilitator", 200), ("investor_granted", 403)):
        client = login(users[role], on=app.test_client())
        response = client.get(f"/deck-versions/{version.id}/original")
        response.close()
        assert response.status_code == expected, role
