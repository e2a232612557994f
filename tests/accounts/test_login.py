"""Login, registration and two-factor login as users meet them (QUALITY.md, "Login",
"Redirects", "Secrets in logs")."""

from __future__ import annotations

import datetime as dt
import logging
import re
from urllib.parse import quote, urlsplit

import pyotp
import pytest
from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.audit import AuditEvent
from tests.factories import PASSWORD

WRONG_PASSWORD = "salah-Sandi-Tebak-777"
GOOD_PASSWORD = "nasi-uduk-sambal-kacang"
FAILED_LOGIN_MESSAGE = "The e-mail address or the password is not correct."


def english(client):
    """Switch the client's pages to English, so messages can be compared with their msgids."""
    client.post("/language", data={"locale": "en"})
    return client


def form_login(
    client, email: str, password: str = PASSWORD, *, ip: str = "127.0.0.1", next_: str | None = None
):
    data = {"email": email, "password": password}
    url = "/login"
    if next_ is not None:
        # The login page posts back to its own URL, ?next= included, with next in a hidden field.
        data["next"] = next_
        url = f"/login?next={quote(next_, safe='')}"
    return client.post(url, data=data, environ_base={"REMOTE_ADDR": ip})


def same_page(first: str, second: str) -> bool:
    def without_tokens(html: str) -> str:
        return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token"', html)

    return without_tokens(first) == without_tokens(second)


def is_logged_in(client) -> bool:
    return client.get("/dashboard").status_code == 200


@pytest.fixture
def owner(db, make):
    user = make.owner()
    db.session.commit()
    return user


# --- logging in ------------------------------------------------------------------------------
def test_the_right_password_logs_in_and_goes_to_the_dashboard(app, owner):
    client = app.test_client()

    response = form_login(client, owner.email)

    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"
    assert is_logged_in(client)


def test_the_email_address_is_matched_whatever_its_case_and_spaces(app, owner):
    client = app.test_client()

    assert form_login(client, f"  {owner.email.upper()} ").status_code == 302


def test_a_failed_login_does_not_tell_whether_the_account_exists(app, owner):
    unknown = english(app.test_client())
    wrong = english(app.test_client())

    no_account = form_login(unknown, "nobody-here@example.id", WRONG_PASSWORD)
    bad_password = form_login(wrong, owner.email, WRONG_PASSWORD)

    assert no_account.status_code == bad_password.status_code == 422
    assert FAILED_LOGIN_MESSAGE in bad_password.get_data(as_text=True)
    # The two pages are the same apart from the address typed and each session's CSRF token.
    assert same_page(
        no_account.get_data(as_text=True).replace("nobody-here@example.id", "E"),
        bad_password.get_data(as_text=True).replace(owner.email, "E"),
    )
    assert not is_logged_in(unknown) and not is_logged_in(wrong)


def test_a_deactivated_account_with_the_right_password_is_told_whom_to_contact(app, db, owner):
    app.config["MAIL_CONTACT"] = "bantuan@temumodal.id"
    owner.active = False
    db.session.commit()
    client = english(app.test_client())

    response = form_login(client, owner.email)

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Your account was deactivated" in page
    assert "bantuan@temumodal.id" in page
    assert FAILED_LOGIN_MESSAGE not in page
    assert not is_logged_in(client)


def test_a_deactivated_account_with_a_wrong_password_gets_the_usual_neutral_message(app, db, owner):
    owner.active = False
    db.session.commit()
    client = english(app.test_client())

    response = form_login(client, owner.email, WRONG_PASSWORD)

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert FAILED_LOGIN_MESSAGE in page
    assert "deactivated" not in page


def test_a_deactivated_account_is_told_in_indonesian_by_default(app, db, owner):
    owner.active = False
    db.session.commit()

    page = form_login(app.test_client(), owner.email).get_data(as_text=True)

    assert "dinonaktifkan" in page


# --- throttling ------------------------------------------------------------------------------
def test_the_11th_failed_login_for_one_account_in_5_minutes_gets_429(app, owner):
    client = app.test_client()
    # Each attempt from its own address: only the per-account limit can stop the 11th.
    for attempt in range(10):
        response = form_login(client, owner.email, WRONG_PASSWORD, ip=f"10.0.0.{attempt + 1}")
        assert response.status_code == 422, f"attempt {attempt + 1}"

    eleventh = form_login(client, owner.email, PASSWORD, ip="10.0.0.99")

    assert eleventh.status_code == 429
    assert not is_logged_in(client)


def test_the_11th_failed_login_from_one_address_gets_429_whatever_the_account(app, owner):
    client = app.test_client()
    for attempt in range(10):
        response = form_login(client, f"guess{attempt}@example.id", WRONG_PASSWORD, ip="10.1.1.1")
        assert response.status_code == 422, f"attempt {attempt + 1}"

    assert form_login(client, owner.email, PASSWORD, ip="10.1.1.1").status_code == 429
    # The limit is on that address, not on the account or everyone.
    assert form_login(client, owner.email, PASSWORD, ip="10.2.2.2").status_code == 302


def test_successful_logins_do_not_count_towards_the_limit(app, owner):
    client = app.test_client()
    for attempt in range(12):
        response = form_login(client, owner.email)
        assert response.status_code == 302, f"login {attempt + 1}"
        client.post("/logout")


# --- registration ----------------------------------------------------------------------------
def _register(client, **fields):
    data = {
        "role": "owner",
        "name": "Sri Wahyuni",
        "organisation_name": "Keripik Tempe Sri",
        "email": "sri@example.id",
        "phone": "081234567890",
        "password": GOOD_PASSWORD,
    }
    data.update(fields)
    return client.post("/register", data=data)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("kopi123", "Use at least 8 characters."),
        ("password", "This password is too common."),
        ("12345678", "This password is too common."),
        ("bismillah", "This password is too common."),
        ("BISMILLAH", "This password is too common."),
        ("Sri Wahyuni", "Do not use your name or e-mail address in your password."),
        (GOOD_PASSWORD, None),
    ],
)
def test_registration_password_rules(app, db, password, message):
    client = english(app.test_client())

    response = _register(client, password=password)

    created = db.session.scalar(
        select(func.count()).select_from(User).where(User.email == "sri@example.id")
    )
    if message is None:
        assert response.status_code == 302
        assert response.headers["Location"] == "/register/check-email"
        assert created == 1
        assert not is_logged_in(client)  # not before the address is confirmed
    else:
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
        assert created == 0


def test_one_submit_shows_the_password_rule_beside_the_forms_own_errors(app):
    # A too-short password used to show only after the e-mail and the name were put right.
    client = english(app.test_client())

    response = _register(
        client, password="123", email="bukan-alamat", name="", organisation_name=""
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for field_id in ("email", "name", "password", "organisation_name"):
        assert f'id="{field_id}-error"' in html, field_id
    assert "Use at least 8 characters." in html
    # Which of the two names is missing, said in words.
    assert "Fill in the name of your enterprise or organisation." in html


@pytest.mark.parametrize("phone", ["abc!!", "+1 202 555 0100", "0812"])
def test_a_phone_number_that_is_not_one_is_refused_on_its_field_with_the_other_errors(
    app, db, phone
):
    client = english(app.test_client())

    response = _register(client, phone=phone, name="")

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for field_id in ("name", "phone"):
        assert f'id="{field_id}-error"' in html, field_id
    assert f'value="{phone}"' in html  # kept to be put right
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_a_phone_number_is_stored_as_plus_62(app, db):
    client = app.test_client()

    response = _register(client, phone="0812-3456-7890")

    assert response.status_code == 302
    assert db.session.scalar(select(User.phone)) == "+6281234567890"


def test_registration_keeps_what_was_typed_after_an_error(app):
    client = english(app.test_client())

    response = _register(client, password="kopi123")

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for typed in ("Sri Wahyuni", "Keripik Tempe Sri", "sri@example.id", "081234567890"):
        assert f'value="{typed}"' in html, typed
    assert "kopi123" not in html  # passwords are never echoed back


@pytest.mark.parametrize(
    ("next_", "landing"),
    [
        ("/dashboard", "/dashboard"),
        ("/enterprises?sector=food", "/enterprises?sector=food"),
        ("//evil.example", "/dashboard"),
        ("https://evil.example", "/dashboard"),
        ("\\\\evil.example", "/dashboard"),
        ("/\\evil.example", "/dashboard"),
        ("javascript:alert(1)", "/dashboard"),
        ("/\r\nLocation: https://evil.example", "/dashboard"),
    ],
)
def test_login_follows_next_only_to_a_local_path(app, owner, next_, landing):
    response = form_login(app.test_client(), owner.email, next_=next_)

    assert response.status_code == 302
    location = response.headers["Location"]
    parts = urlsplit(location)
    assert parts.netloc in ("", "localhost") and parts.scheme in ("", "http", "https")
    assert location == landing


@pytest.mark.parametrize("next_", ["//evil.example", "https://evil.example", "/\\evil.example"])
def test_the_language_switch_stays_on_site(app, next_):
    response = app.test_client().post("/language", data={"locale": "en", "next": next_})

    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).netloc in ("", "localhost")


# --- two-factor login ------------------------------------------------------------------------
def _code(secret: str, *, steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30 * steps))


def _wrong_code(secret: str) -> str:
    window = {_code(secret, steps=s) for s in (-1, 0, 1)}
    return next(c for c in (f"{n:06d}" for n in range(0, 999_999, 7919)) if c not in window)


def test_a_facilitator_turns_on_two_factor_login_and_then_needs_the_code(app, db, make):
    facilitator = make.facilitator()
    db.session.commit()
    client = app.test_client()
    form_login(client, facilitator.email)

    assert client.get("/account/two-factor").status_code == 200
    db.session.expire_all()
    assert db.session.get(User, facilitator.id).totp_secret is None  # a GET writes nothing
    assert client.post("/account/two-factor", data={"begin": "1"}).status_code == 302
    db.session.expire_all()
    secret = db.session.get(User, facilitator.id).totp_secret
    assert secret
    assert secret in client.get("/account/two-factor").get_data(as_text=True)
    # Enable with the previous step's code, so the current one is still unused for the login.
    response = client.post("/account/two-factor", data={"code": _code(secret, steps=-1)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, facilitator.id).totp_enabled
    client.post("/logout")

    # The password alone leads to the code page, not into the site.
    response = form_login(client, facilitator.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login/code"
    assert not is_logged_in(client)

    form_login(client, facilitator.email)
    assert client.post("/login/code", data={"code": _wrong_code(secret)}).status_code == 422
    assert not is_logged_in(client)

    code = _code(secret)
    response = client.post("/login/code", data={"code": code})
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"
    assert is_logged_in(client)

    # The same code cannot be used a second time.
    client.post("/logout")
    form_login(client, facilitator.email)
    assert client.post("/login/code", data={"code": code}).status_code == 422
    assert not is_logged_in(client)


def test_the_code_page_without_a_password_step_sends_back_to_login(app):
    response = app.test_client().post("/login/code", data={"code": "123456"})

    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"


@pytest.mark.parametrize("role", ["owner", "investor"])
def test_owners_and_investors_cannot_open_two_factor_setup(app, db, make, login, role):
    user = make.user(role)
    db.session.commit()
    client = login(user)

    assert client.get("/account/two-factor").status_code == 403
    assert client.post("/account/two-factor", data={"code": "123456"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(User, user.id).totp_secret is None


def test_turning_two_factor_off_needs_the_password_and_says_what_is_wrong_on_the_page(
    app, db, make, login
):
    facilitator = make.facilitator()
    facilitator.totp_secret = pyotp.random_base32()
    facilitator.totp_enabled = True
    db.session.commit()
    client = english(login(facilitator))

    for password, message in (
        ("", "Fill in your password."),
        (WRONG_PASSWORD, "The password is not correct."),
    ):
        response = client.post("/account/two-factor/off", data={"password": password})
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
        db.session.expire_all()
        assert db.session.get(User, facilitator.id).totp_enabled

    response = client.post("/account/two-factor/off", data={"password": PASSWORD})

    assert response.status_code == 302
    assert response.headers["Location"] == "/account"
    db.session.expire_all()
    user = db.session.get(User, facilitator.id)
    assert (user.totp_enabled, user.totp_secret) == (False, None)
    assert "Two-factor login is off." in client.get("/account").get_data(as_text=True)


# --- security events -------------------------------------------------------------------------
def test_a_failed_login_is_audited_and_logged_without_the_password(app, db, owner, caplog):
    caplog.set_level(logging.DEBUG)

    form_login(app.test_client(), owner.email, WRONG_PASSWORD)

    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "login.failed"))
    assert event is not None
    assert event.actor_id == owner.id
    assert event.route == "POST /login"
    assert event.ip == "127.0.0.1"
    assert event.created_at is not None
    lines = [r for r in caplog.records if r.name == "temumodal.security"]
    assert any("login.failed" in r.getMessage() for r in lines)
    assert WRONG_PASSWORD not in caplog.text
    assert WRONG_PASSWORD not in repr(event.details)


def test_a_successful_login_is_audited_and_logged_without_the_password(app, db, owner, caplog):
    caplog.set_level(logging.DEBUG)

    form_login(app.test_client(), owner.email)

    assert db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "login.ok", AuditEvent.actor_id == owner.id)
    )
    assert any(
        "login.ok" in r.getMessage() for r in caplog.records if r.name == "temumodal.security"
    )
    assert PASSWORD not in caplog.text
