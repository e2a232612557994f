"""Login sessions: a server-side token per login, ended by logout, password change, deactivation
and timeouts, carried in a cookie with the right flags (QUALITY.md, "Sessions")."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from sqlalchemy import select

from marketplace import create_app
from marketplace.accounts.models import User, UserSession
from marketplace.accounts.sessions import SESSION_KEY
from marketplace.models import utcnow
from tests.factories import PASSWORD
from tests.test_access_matrix import table_rows

NEW_PASSWORD = "teh-manis-pakai-es-batu"


def form_login(client, email: str, password: str = PASSWORD):
    """Log in through the real login form."""
    return client.post("/login", data={"email": email, "password": password})


def session_token(client) -> str | None:
    with client.session_transaction() as session:
        return session.get(SESSION_KEY)


def copy_cookies(source, target) -> None:
    """Give `target` the session cookie of `source`, as a thief who copied it would."""
    cookie = source.get_cookie("session")
    assert cookie is not None, "the source client has no session cookie"
    target.set_cookie("session", cookie.value)


def is_logged_in(client) -> bool:
    response = client.get("/dashboard")
    if response.status_code == 302:
        assert "/login" in response.headers["Location"]
        return False
    assert response.status_code == 200
    return True


@pytest.fixture
def owner(db, make):
    user = make.owner()
    db.session.commit()
    return user


def test_login_starts_a_new_session_token_each_time(app, owner):
    client = app.test_client()
    client.post("/language", data={"locale": "en"})
    assert session_token(client) is None

    assert form_login(client, owner.email).status_code == 302
    first = session_token(client)
    client.post("/logout")
    form_login(client, owner.email)
    second = session_token(client)

    assert first and second and first != second


def test_a_copied_cookie_is_refused_after_logout(app, owner):
    victim, thief = app.test_client(), app.test_client()
    assert form_login(victim, owner.email).status_code == 302
    copy_cookies(victim, thief)
    assert is_logged_in(thief)  # the copy works while the session lives

    victim.post("/logout")

    assert not is_logged_in(thief)
    # Logging in again starts another session; the old copy stays dead.
    form_login(victim, owner.email)
    assert is_logged_in(victim)
    assert not is_logged_in(thief)


def test_a_copied_cookie_is_refused_after_a_password_change(app, owner):
    victim, thief = app.test_client(), app.test_client()
    form_login(victim, owner.email)
    copy_cookies(victim, thief)
    assert is_logged_in(thief)

    response = victim.post(
        "/account", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert is_logged_in(victim)  # the user who changed it stays logged in, on a new session
    assert not is_logged_in(thief)


def test_a_password_change_ends_the_users_other_sessions(app, owner):
    laptop, phone = app.test_client(), app.test_client()
    form_login(laptop, owner.email)
    form_login(phone, owner.email)

    laptop.post("/account", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD})

    assert is_logged_in(laptop)
    assert not is_logged_in(phone)


@pytest.mark.parametrize(
    ("typed", "errors"),
    [
        ({"current_password": "salah-sandi-lama", "new_password": "abc"}, 2),
        ({"current_password": PASSWORD, "new_password": "abc"}, 1),
        ({"current_password": "salah-sandi-lama", "new_password": ""}, 2),
    ],
)
def test_a_password_change_shows_every_mistake_beside_its_field_at_once(app, owner, typed, errors):
    client = app.test_client()
    form_login(client, owner.email)
    client.post("/language", data={"locale": "en"})

    response = client.post("/account", data=typed)

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="new_password-error"' in html
    assert ('id="current_password-error"' in html) == (errors == 2)
    assert is_logged_in(client)  # nothing changed, the session stays


def test_deactivation_by_an_admin_ends_the_users_sessions_at_once(app, db, make, owner, login):
    owner_client, admin_client = app.test_client(), app.test_client()
    form_login(owner_client, owner.email)
    assert is_logged_in(owner_client)
    login(make.admin(), on=admin_client)

    response = admin_client.post(f"/admin/users/{owner.id}/active", data={"active": "0"})

    assert response.status_code == 302
    assert not is_logged_in(owner_client)
    rows = db.session.scalars(select(UserSession).where(UserSession.user_id == owner.id)).all()
    assert rows == []
    # …and the account cannot log back in.
    assert form_login(owner_client, owner.email).status_code == 422
    assert not is_logged_in(owner_client)


def _age_session(db, user, **shift: dt.timedelta) -> None:
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
    for column, delta in shift.items():
        setattr(row, column, utcnow() - delta)
    db.session.commit()


@pytest.mark.parametrize(
    ("idle", "stays_logged_in"),
    [(dt.timedelta(minutes=29), True), (dt.timedelta(minutes=31), False)],
)
def test_an_idle_session_ends_after_30_minutes(app, db, owner, login, idle, stays_logged_in):
    client = login(owner, on=app.test_client())

    _age_session(db, owner, last_seen_at=idle, created_at=idle)

    assert is_logged_in(client) is stays_logged_in


@pytest.mark.parametrize(
    ("age", "stays_logged_in"),
    [(dt.timedelta(hours=11, minutes=50), True), (dt.timedelta(hours=12, minutes=1), False)],
)
def test_a_session_ends_12_hours_after_login_even_when_active(
    app, db, owner, login, age, stays_logged_in
):
    client = login(owner, on=app.test_client())

    _age_session(db, owner, created_at=age, last_seen_at=dt.timedelta(minutes=1))

    assert is_logged_in(client) is stays_logged_in


def test_an_ended_session_row_is_deleted(app, db, owner, login):
    client = login(owner, on=app.test_client())
    _age_session(db, owner, last_seen_at=dt.timedelta(hours=1), created_at=dt.timedelta(hours=1))

    is_logged_in(client)

    db.session.expire_all()
    assert db.session.scalars(select(UserSession)).all() == []


def _app(tmp_path, env_name: str):
    return create_app(
        {
            "ENV_NAME": env_name,
            "SECRET_KEY": "a-production-secret-for-the-test-only",
            "NIK_ENCRYPTION_KEY": "dGVzdC1vbmx5LW5pay1rZXktMzItYnl0ZXMtbG9uZyE=",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / f'{env_name}.sqlite'}",
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
            "SEARCH_INDEX_DIR": str(tmp_path / "search-index"),
        }
    )


def test_production_limits_sessions_to_30_idle_minutes_and_12_hours(tmp_path):
    config = _app(tmp_path, "production").config

    assert config["SESSION_IDLE_TIMEOUT"] <= dt.timedelta(minutes=30)
    assert config["SESSION_ABSOLUTE_TIMEOUT"] <= dt.timedelta(hours=12)
    assert config["PERMANENT_SESSION_LIFETIME"] <= dt.timedelta(hours=12)


@pytest.mark.parametrize(
    ("env_name", "secure"), [("production", True), ("development", False), ("testing", False)]
)
def test_the_session_cookie_flags(tmp_path, env_name, secure):
    app = _app(tmp_path, env_name)

    # The login page puts a CSRF token in the session, so it always sets the cookie.
    response = app.test_client().get("/login")

    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert len(cookies) == 1
    attributes = {
        part.strip().split("=")[0].lower(): part.strip() for part in cookies[0].split(";")[1:]
    }
    assert "httponly" in attributes
    assert attributes.get("samesite") == "SameSite=Lax"
    assert ("secure" in attributes) is secure


def test_the_session_token_is_stored_only_as_its_sha256(app, db, owner):
    client = app.test_client()
    form_login(client, owner.email)
    token = session_token(client)

    row = db.session.scalar(select(UserSession).where(UserSession.user_id == owner.id))

    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    everything = repr(table_rows(db))
    assert token not in everything


def test_a_forged_cookie_with_a_users_id_but_no_live_token_is_refused(app, db, owner):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(owner.id)
        session[SESSION_KEY] = "guessed-token"

    assert not is_logged_in(client)
    assert db.session.get(User, owner.id).last_login_at is None


def test_a_request_resolves_session_user_and_organisation_in_one_query(app, db, make, login):
    # Runs on every request of a logged-in user; its user's organisation is what the
    # permission checks read next.
    from sqlalchemy import event

    from marketplace.accounts import services

    investor = make.investor()
    db.session.commit()
    token = services.start_session(user=investor, ip="127.0.0.1", user_agent="pytest")
    db.session.commit()
    investor_id = investor.id
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            user = services.resolve_session(token)
            assert user is not None and user.id == investor_id
            assert user.organisation.is_verified
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 1, statements
