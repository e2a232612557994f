"""Security headers, error pages, health check and what reaches the logs (QUALITY.md,
"Headers", "Errors", "Health", "Secrets in logs", "Bombs and limits")."""

from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy.exc import OperationalError

from marketplace import permissions as shared_permissions
from marketplace.profiles import enterprises as enterprise_services
from marketplace.profiles import permissions
from marketplace.programmes import permissions as programme_permissions
from tests.test_access_matrix import table_rows

NIK = "3201234507890123"
SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d{16}(?!\d)")


@pytest.fixture
def owner(db, make):
    user = make.user("owner")
    make.enterprise(organisation=user.organisation, published=True, created_by_id=user.id)
    db.session.commit()
    return user


@pytest.fixture
def enterprise(make, owner):
    return make.enterprise_of(owner)


def directives(response) -> set[str]:
    return {part.strip() for part in response.headers["Content-Security-Policy"].split(";")}


# --- headers ---------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/", "/login", "/enterprises", "/healthz", "/no-such-page"])
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)

    assert {"object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"} <= directives(
        response
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in (
        "no-referrer",
        "same-origin",
        "strict-origin",
        "strict-origin-when-cross-origin",
    )


def test_a_page_with_personal_data_is_not_stored_by_the_browser(client, login, owner, enterprise):
    login(owner)

    response = client.get(f"/enterprises/{enterprise.id}/edit")

    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]


def test_pages_of_a_logged_in_user_are_not_stored_either(client, login, owner):
    login(owner)

    assert "no-store" in client.get("/dashboard").headers["Cache-Control"]


# --- error pages -----------------------------------------------------------------------------
def test_the_404_page_is_in_indonesian_by_default_and_english_on_request(client):
    indonesian = client.get("/no-such-page")
    client.post("/language", data={"locale": "en"})
    english = client.get("/no-such-page")

    assert indonesian.status_code == english.status_code == 404
    html = indonesian.get_data(as_text=True)
    assert 'lang="id"' in html and "Kesalahan 404" in html and "Beranda" in html
    assert "Error 404" not in html
    html = english.get_data(as_text=True)
    assert 'lang="en"' in html and "Error 404" in html and "Page not found" in html


@pytest.mark.parametrize("accept", ["text/html", "application/json"])
def test_an_unexpected_error_gives_500_without_a_stack_trace_or_sql(app, client, accept):
    def broken_view():
        raise OperationalError(
            "SELECT owner_nik_encrypted FROM enterprises WHERE id = ?",
            (7,),
            Exception("database disk image is malformed"),
        )

    app.add_url_rule("/test-only/broken", "test_only_broken", broken_view)
    assert not app.debug

    response = client.get("/test-only/broken", headers={"Accept": accept})

    body = response.get_data(as_text=True)
    assert response.status_code == 500
    for leak in (
        "Traceback",
        "SELECT",
        "owner_nik_encrypted",
        "malformed",
        "OperationalError",
        'File "',
        ".py",
    ):
        assert leak not in body, leak


def test_an_error_inside_an_existing_view_gives_the_500_page(app, client, monkeypatch):
    def broken_browse():
        raise RuntimeError("secret detail from the view")

    monkeypatch.setitem(app.view_functions, "profiles.browse", broken_browse)

    response = client.get("/enterprises")

    assert response.status_code == 500
    assert "secret detail" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("path", "role"),
    [
        ("/enterprises/{id}/edit", "owner"),
        ("/enterprises/{id}/readiness", "owner"),
        ("/enterprises/{id}/documents", "owner"),
        ("/admin/users", "admin"),
    ],
)
def test_an_exception_inside_a_permission_check_denies(
    client, login, make, monkeypatch, owner, enterprise, path, role
):
    def broken(user):
        raise RuntimeError("permission lookup failed")

    user = owner if role == "owner" else make.admin()
    login(user)
    url = path.format(id=enterprise.id)
    assert client.get(url).status_code == 200  # allowed while the check works
    # Every predicate starts from "is this an active user?": break that check everywhere.
    monkeypatch.setattr(permissions, "_active", broken)
    monkeypatch.setattr(programme_permissions, "_active", broken)
    monkeypatch.setattr(shared_permissions, "is_active", broken)

    response = client.get(url)

    assert response.status_code == 403


def test_a_request_over_the_size_limit_gets_a_friendly_413_page_in_indonesian(
    app, client, login, owner, enterprise
):
    login(owner)
    too_big = app.config["MAX_CONTENT_LENGTH"] + 1024

    # The multipart body is built in memory: the test client would spool a large one to an
    # unclosed temporary file.
    body = (
        b"--boundary\r\n"
        b'Content-Disposition: form-data; name="photo"; filename="foto-produk.jpg"\r\n'
        b"Content-Type: image/jpeg\r\n\r\n" + b"\xff" * too_big + b"\r\n--boundary--\r\n"
    )

    response = client.post(
        f"/enterprises/{enterprise.id}/photos",
        data=body,
        content_type="multipart/form-data; boundary=boundary",
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 413
    assert 'lang="id"' in html and "Kesalahan 413" in html
    # The page says how large a file may be, in MB.
    assert str(app.config["UPLOAD_MAX_BYTES"] // (1024 * 1024)) in html


# --- health ----------------------------------------------------------------------------------
def test_healthz_answers_200_json_without_secrets(app, client):
    response = client.get("/healthz")

    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"
    assert set(response.get_json()["checks"]) >= {"database", "uploads", "search"}
    for secret in (
        app.config["SECRET_KEY"],
        app.config["NIK_ENCRYPTION_KEY"],
        app.config["SQLALCHEMY_DATABASE_URI"],
        app.config["UPLOAD_FOLDER"],
    ):
        assert secret not in body


def test_healthz_answers_503_naming_an_unusable_upload_folder(app, client, tmp_path):
    # A folder under a regular file cannot be made, even by root.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    app.config["UPLOAD_FOLDER"] = str(blocker / "uploads")

    response = client.get("/healthz")

    body = response.get_json()
    assert response.status_code == 503
    assert body["status"] == "failing"
    assert body["failing"] == ["uploads"]
    assert body["checks"]["database"] == "ok"
    assert str(tmp_path) not in response.get_data(as_text=True)


def test_healthz_opens_the_search_index_without_running_a_query_or_counting_rows(
    app, db, client, make, monkeypatch
):
    from sqlalchemy import event

    from marketplace.matching import search

    make.enterprise(published=True)
    db.session.commit()
    backend = search.current_backend()

    def no_query(_query):
        raise AssertionError("/healthz ran a search")

    monkeypatch.setattr(backend, "search", no_query)
    statements: list[str] = []

    def remember(_conn, _cursor, statement, *_args):
        statements.append(statement.lower())

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        response = client.get("/healthz")
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    assert response.status_code == 200 and response.get_json()["checks"]["search"] == "ok"
    assert statements and not [s for s in statements if "count(" in s]


def test_healthz_answers_503_naming_an_unreadable_search_index(app, client, monkeypatch):
    from marketplace.matching import search

    def broken():
        raise OSError("the index is gone")

    monkeypatch.setattr(search.current_backend(), "ping", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["failing"] == ["search"]
    assert "the index is gone" not in response.get_data(as_text=True)


# --- logs ------------------------------------------------------------------------------------
def test_saving_and_viewing_a_nik_never_writes_it_to_the_logs(
    app, db, client, login, owner, enterprise, caplog
):
    caplog.set_level(logging.DEBUG)

    enterprise_services.update_profile(actor=owner, enterprise=enterprise, data={}, nik=NIK)
    db.session.commit()
    login(owner)
    page = client.get(f"/enterprises/{enterprise.id}")

    assert NIK in page.get_data(as_text=True)  # the owner sees it, so it was really handled
    assert SIXTEEN_DIGITS.search(caplog.text) is None
    # Nor is it anywhere in the database in clear (audit details included).
    assert NIK not in repr(table_rows(db))


def test_a_nik_typed_into_the_profile_form_stays_out_of_the_logs(
    app, db, client, login, owner, enterprise, caplog
):
    caplog.set_level(logging.DEBUG)
    login(owner)

    response = client.post(
        f"/enterprises/{enterprise.id}/edit",
        data={"name": enterprise.name, "nik": "3201 2345 0789 0123"},
    )

    assert response.status_code == 302
    db.session.expire_all()
    assert enterprise.owner_nik_last4 == "0123"
    assert SIXTEEN_DIGITS.search(caplog.text) is None


# --- paging ------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/enterprises", "/admin/users", "/admin/audit", "/search"])
@pytest.mark.parametrize("page", ["99999999999999999999", "-3", "0", "dua", "9" * 400])
def test_any_page_number_answers_a_page_not_a_server_error(client, login, make, owner, path, page):
    login(make.admin())

    response = client.get(f"{path}?page={page}")

    assert response.status_code == 200


def test_a_page_past_the_end_shows_the_last_page(client, make, owner, enterprise):
    response = client.get("/enterprises?page=99999999999999999999")

    assert response.status_code == 200
    assert enterprise.name in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/enterprises/9223372036854775808",
        "/enterprises/99999999999999999999999",
        "/photos/99999999999999999999/small",
        "/deck-pages/99999999999999999999/small",
    ],
)
def test_an_id_too_large_for_the_database_is_not_found_not_a_server_error(client, path):
    assert client.get(path).status_code == 404
