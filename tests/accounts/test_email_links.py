"""E-mail confirmation at registration and password reset by e-mail (issue 10, "E-mail";
QUALITY.md "Rights by consent": forms never reveal whether an e-mail has an account)."""

from __future__ import annotations

import datetime as dt
import logging
import re

import pytest
from sqlalchemy import func, select

from marketplace import mail
from marketplace.accounts import services
from marketplace.accounts.models import EmailToken, User, UserSession
from marketplace.models import utcnow
from tests.factories import PASSWORD

GOOD_PASSWORD = "nasi-uduk-sambal-kacang"
NEW_PASSWORD = "es-cendol-gula-aren-99"


def in_language(client, locale: str):
    client.post("/language", data={"locale": locale})
    return client


def register(client, **fields):
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


def link_in(message, kind: str) -> str:
    """The path of the `kind` ("confirm", "password/reset") link in a mail."""
    found = re.search(rf"https?://[^/\s]+(/{kind}/[^\s]+)", message.body)
    assert found, message.body
    return found.group(1)


def mails_to(address: str) -> list:
    return [m for m in mail.outbox if m.to == address]


def is_logged_in(client) -> bool:
    return client.get("/dashboard").status_code == 200


# The rate limit's clock headers count seconds: two requests a tick apart may differ by one.
CLOCK_HEADERS = {"retry-after", "x-ratelimit-reset"}


def comparable_headers(response) -> dict:
    return {
        k: v
        for k, v in response.headers.items()
        if k.lower() != "set-cookie" and k.lower() not in CLOCK_HEADERS
    }


def clock_headers(response) -> dict:
    return {k.lower(): int(v) for k, v in response.headers.items() if k.lower() in CLOCK_HEADERS}


def without_tokens(html: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token"', html)


@pytest.fixture
def owner(db, make):
    user = make.owner(email="wati@example.id", locale="id")
    db.session.commit()
    return user


# --- registration: the same journey for a new and a taken address ------------------------------
@pytest.mark.parametrize("locale", ["id", "en"])
def test_registering_a_new_or_a_taken_address_looks_exactly_the_same(app, db, owner, locale):
    new_client = in_language(app.test_client(), locale)
    taken_client = in_language(app.test_client(), locale)

    new = register(new_client, email="someone.new@example.id")
    taken = register(taken_client, email=owner.email.upper())

    assert new.status_code == taken.status_code == 302
    assert comparable_headers(new) == comparable_headers(taken)
    assert new.get_data() == taken.get_data()
    new_page = new_client.get(new.headers["Location"])
    taken_page = taken_client.get(taken.headers["Location"])
    assert new_page.status_code == taken_page.status_code == 200
    assert comparable_headers(new_page) == comparable_headers(taken_page)
    assert without_tokens(new_page.get_data(as_text=True)) == without_tokens(
        taken_page.get_data(as_text=True)
    )
    assert ("Check your e-mail" if locale == "en" else "Periksa e-mail Anda") in new_page.text
    # Neither is logged in: the next page does not tell them apart either.
    assert not is_logged_in(new_client) and not is_logged_in(taken_client)


def test_registering_one_address_again_and_again_is_rate_limited_for_new_and_taken_alike(
    app, owner
):
    # Every registration mails the address: without a limit anyone could flood an account
    # holder with "someone tried to register" mails, or a stranger with confirmation links.
    from marketplace.extensions import limiter

    limiter.reset()
    app.config["REGISTER_RATE_LIMIT"] = "3 per hour"
    client = app.test_client()

    taken = [register(client, email=owner.email).status_code for _ in range(4)]
    new = [register(client, email="baru@example.id").status_code for _ in range(4)]
    typo = register(client, email="baru@example.id", password="x").status_code

    assert taken == new == [302, 302, 302, 429]
    assert typo == 429  # the address's budget is spent; a refused form would not have cost any
    assert len(mails_to(owner.email)) == 3
    assert len(mails_to("baru@example.id")) == 3  # a confirmation link, then "someone tried"


def test_a_refused_registration_form_does_not_count_towards_the_limit(app):
    from marketplace.extensions import limiter

    limiter.reset()
    app.config["REGISTER_RATE_LIMIT"] = "1 per hour"
    client = app.test_client()

    refused = [register(client, email="sri@example.id", password="x").status_code for _ in range(3)]

    assert refused == [422, 422, 422]
    assert register(client, email="sri@example.id").status_code == 302


def test_a_taken_address_creates_nothing_and_its_holder_is_told_in_their_language(db, owner, app):
    register(in_language(app.test_client(), "en"), email=owner.email)

    assert db.session.scalar(select(func.count()).select_from(User)) == 1
    (message,) = mails_to(owner.email)
    assert "sudah punya akun" in message.body  # the holder's language, not the visitor's
    assert "/login" in message.body and "/password/forgot" in message.body
    assert db.session.scalar(select(func.count()).select_from(EmailToken)) == 0


def test_a_new_account_is_unconfirmed_and_gets_a_confirmation_link_stored_hashed(app, db):
    register(in_language(app.test_client(), "en"))

    user = services.find_user_by_email("sri@example.id")
    assert user is not None and user.email_confirmed_at is None
    (message,) = mails_to("sri@example.id")
    assert "confirm your e-mail address" in message.subject
    token = link_in(message, "confirm").rsplit("/", 1)[1]
    stored = db.session.scalar(select(EmailToken))
    assert stored.purpose == "confirm" and stored.token_hash != token
    assert token not in stored.token_hash
    assert dt.timedelta(hours=47) < stored.expires_at - stored.created_at <= dt.timedelta(hours=48)


def test_an_owner_who_registers_gets_a_draft_profile_from_the_enterprises_side(app, db, make):
    from marketplace.profiles.models import Enterprise

    register(app.test_client())

    user = services.find_user_by_email("sri@example.id")
    enterprise = db.session.scalar(
        select(Enterprise).where(Enterprise.organisation_id == user.organisation_id)
    )
    assert enterprise.name == "Keripik Tempe Sri" and enterprise.status == "draft"


# --- the confirmation link --------------------------------------------------------------------
@pytest.mark.parametrize("locale", ["id", "en"])
def test_the_confirmation_link_confirms_and_logs_in_once(app, db, locale):
    client = in_language(app.test_client(), locale)
    register(client)
    path = link_in(mails_to("sri@example.id")[0], "confirm")

    shown = client.get(path)
    assert shown.status_code == 200
    # Opening the link (a mail scanner does) changes nothing: the button does.
    assert services.find_user_by_email("sri@example.id").email_confirmed_at is None
    assert not is_logged_in(client)

    confirmed = client.post(path)
    assert confirmed.status_code == 302
    assert services.find_user_by_email("sri@example.id").email_confirmed_at is not None
    assert is_logged_in(client)

    again = app.test_client()
    in_language(again, locale)
    used = again.get(path)
    assert used.status_code == 404
    assert ("was used already" if locale == "en" else "sudah dipakai") in used.text
    assert 'href="/login"' in used.text  # the way to a new link
    assert again.post(path).status_code == 404
    assert not is_logged_in(again)


def test_an_expired_confirmation_link_is_refused_with_a_way_to_get_a_new_one(app, db):
    client = in_language(app.test_client(), "en")
    register(client)
    path = link_in(mails_to("sri@example.id")[0], "confirm")
    row = db.session.scalar(select(EmailToken))
    row.expires_at = utcnow() - dt.timedelta(seconds=1)
    db.session.commit()

    response = client.post(path)

    assert response.status_code == 404
    assert "has expired or was used already" in response.text
    assert "Send the link again" in response.text
    assert services.find_user_by_email("sri@example.id").email_confirmed_at is None
    assert not is_logged_in(client)


def test_an_unknown_confirmation_link_is_refused(client):
    response = client.get("/confirm/not-a-real-token")
    assert response.status_code == 404


def test_an_unconfirmed_account_can_log_in_sees_the_banner_and_gets_a_new_link(app, db):
    client = in_language(app.test_client(), "en")
    register(client)
    first = link_in(mails_to("sri@example.id")[0], "confirm")

    client.post("/login", data={"email": "sri@example.id", "password": GOOD_PASSWORD})
    page = client.get("/dashboard")
    assert page.status_code == 200
    assert "Please confirm your e-mail address" in page.text
    assert "Send the link again" in page.text

    resent = client.post("/account/confirm/resend", data={"next": "/dashboard"})
    assert resent.status_code == 302 and resent.headers["Location"] == "/dashboard"
    second = link_in(mails_to("sri@example.id")[-1], "confirm")
    assert second != first
    assert client.get(first).status_code == 404  # a new link ends the older ones
    client.post(second)
    page = client.get("/dashboard")
    assert "Please confirm your e-mail address" not in page.text


def test_a_confirmed_account_sees_no_banner_and_gets_no_new_link(db, make, login, client):
    user = make.owner()
    db.session.commit()
    login(user)

    assert "/account/confirm/resend" not in client.get("/dashboard").text
    client.post("/account/confirm/resend")
    assert mail.outbox == []


def test_asking_for_a_new_confirmation_link_is_rate_limited(app, db, make, login, client):
    user = make.owner(email_confirmed_at=None)
    db.session.commit()
    login(user)

    answers = [client.post("/account/confirm/resend").status_code for _ in range(4)]

    assert answers == [302, 302, 302, 429]
    assert len(mails_to(user.email)) == 3


def test_the_check_email_page_points_to_the_console_only_in_development_with_log_only_mail(
    app, client
):
    english = in_language(client, "en")
    note = "printed in the console"
    assert note not in english.get("/register/check-email").text  # tests, like production
    app.config["ENV_NAME"] = "development"
    assert note in english.get("/register/check-email").text
    app.config["MAIL_LOG_ONLY"] = False  # development with a real transport
    assert note not in english.get("/register/check-email").text
    app.config["ENV_NAME"] = "production"
    app.config["MAIL_LOG_ONLY"] = True
    assert note not in english.get("/register/check-email").text


# --- password reset ---------------------------------------------------------------------------
def ask_reset(client, email: str, ip: str = "127.0.0.1"):
    return client.post("/password/forgot", data={"email": email}, environ_base={"REMOTE_ADDR": ip})


def test_the_login_page_links_to_the_forgotten_password_form(client):
    page = in_language(client, "en").get("/login")
    assert 'href="/password/forgot"' in page.text
    form = client.get("/password/forgot")
    assert form.status_code == 200
    assert "pendamping" in form.text  # owners with only a phone number are sent to them


@pytest.mark.parametrize("locale", ["id", "en"])
def test_the_reset_form_answers_the_same_for_a_known_and_an_unknown_address(app, owner, locale):
    known_client = in_language(app.test_client(), locale)
    unknown_client = in_language(app.test_client(), locale)

    known = ask_reset(known_client, owner.email)
    unknown = ask_reset(unknown_client, "nobody@example.id")

    assert known.status_code == unknown.status_code == 302
    assert comparable_headers(known) == comparable_headers(unknown)
    known_clock, unknown_clock = clock_headers(known), clock_headers(unknown)
    assert known_clock.keys() == unknown_clock.keys()
    assert all(abs(known_clock[k] - unknown_clock[k]) <= 1 for k in known_clock)
    known_page = known_client.get(known.headers["Location"])
    unknown_page = unknown_client.get(unknown.headers["Location"])
    assert without_tokens(known_page.text) == without_tokens(unknown_page.text)
    assert ("If an account has this address" if locale == "en" else "Jika ada akun") in (
        known_page.text
    )
    assert [m.to for m in mail.outbox] == [owner.email]


def test_a_bad_address_on_the_reset_form_gets_a_message_and_keeps_what_was_typed(client):
    response = ask_reset(in_language(client, "en"), "not-an-address")
    assert response.status_code == 422
    assert "This does not look like an e-mail address." in response.text
    assert 'value="not-an-address"' in response.text


def test_resetting_the_password_ends_every_session_and_the_new_one_works(app, db, owner, login):
    elsewhere = login(owner, on=app.test_client())  # a phone left logged in
    assert is_logged_in(elsewhere)
    client = in_language(app.test_client(), "en")
    ask_reset(client, owner.email)
    path = link_in(mails_to(owner.email)[0], "password/reset")
    stored = db.session.scalar(select(EmailToken))
    assert stored.purpose == "reset" and path.rsplit("/", 1)[1] != stored.token_hash
    assert stored.expires_at - stored.created_at <= dt.timedelta(hours=1)

    weak = client.post(path, data={"password": "12345678"})
    assert weak.status_code == 422 and "This password is too common." in weak.text
    assert is_logged_in(elsewhere)  # nothing changed yet; the link still works
    done = client.post(path, data={"password": NEW_PASSWORD})

    assert done.status_code == 302 and done.headers["Location"] == "/login"
    assert not is_logged_in(elsewhere)
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0
    old = client.post("/login", data={"email": owner.email, "password": PASSWORD})
    assert old.status_code == 422
    new = client.post("/login", data={"email": owner.email, "password": NEW_PASSWORD})
    assert new.status_code == 302 and is_logged_in(client)
    # Used once: the same link does not work again.
    reused = app.test_client().post(path, data={"password": "another-Long-pass-1"})
    assert reused.status_code == 404


@pytest.mark.parametrize("locale", ["id", "en"])
def test_an_expired_reset_link_is_refused_with_a_way_to_ask_again(app, db, owner, locale):
    client = in_language(app.test_client(), locale)
    ask_reset(client, owner.email)
    path = link_in(mails_to(owner.email)[0], "password/reset")
    row = db.session.scalar(select(EmailToken))
    row.expires_at = utcnow() - dt.timedelta(seconds=1)
    db.session.commit()

    for response in (client.get(path), client.post(path, data={"password": NEW_PASSWORD})):
        assert response.status_code == 404
        assert ("has expired" if locale == "en" else "sudah kedaluwarsa") in response.text
        assert 'href="/password/forgot"' in response.text
    db.session.expire_all()
    assert services.authenticate(email=owner.email, password=PASSWORD) is not None


def test_a_reset_link_also_confirms_the_address(app, db, make):
    user = make.owner(email_confirmed_at=None)
    db.session.commit()
    client = app.test_client()
    ask_reset(client, user.email)
    client.post(link_in(mails_to(user.email)[0], "password/reset"), data={"password": NEW_PASSWORD})

    db.session.expire_all()
    assert db.session.get(User, user.id).email_confirmed_at is not None


def test_reset_requests_are_rate_limited_per_address_and_per_ip(app, owner):
    client = app.test_client()
    per_address = [ask_reset(client, owner.email, ip=f"10.0.0.{i}").status_code for i in range(6)]
    per_ip = [ask_reset(client, f"x{i}@example.id", ip="10.0.1.1").status_code for i in range(6)]

    assert per_address == [302] * 5 + [429]
    assert per_ip == [302] * 5 + [429]
    assert len(mails_to(owner.email)) == 5


def test_a_deactivated_account_gets_no_reset_link(db, owner, client):
    owner.active = False
    db.session.commit()
    assert ask_reset(client, owner.email).status_code == 302
    assert mail.outbox == []


# --- architecture -----------------------------------------------------------------------------
def test_accounts_imports_no_business_domain():
    import ast
    from pathlib import Path

    business = ("profiles", "programmes", "pitches", "matching", "events", "search")
    folder = Path(services.__file__).parent
    found = []
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            for name in names:
                parts = name.split(".")
                if parts[0] == "marketplace" and len(parts) > 1 and parts[1] in business:
                    found.append(f"{path.name}: {name}")
    assert found == []


def test_the_token_of_a_confirmation_link_reaches_neither_the_audit_trail_nor_its_log(
    app, db, caplog
):
    caplog.set_level(logging.INFO)
    client = app.test_client()
    register(client)
    path = link_in(mails_to("sri@example.id")[0], "confirm")
    token = path.rsplit("/", 1)[1]
    assert client.post(path).status_code == 302

    from marketplace.audit import AuditEvent

    confirmed = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "email.confirmed"))
    assert confirmed.route == "POST /confirm/[token]"
    routes = db.session.scalars(select(AuditEvent.route)).all()
    assert routes and not any(token in (route or "") for route in routes)
    assert "route=POST /confirm/[token]" in caplog.text
    assert token not in caplog.text


@pytest.mark.parametrize("kind", ["confirm", "password/reset", "invitation"])
def test_a_server_error_on_an_emailed_link_logs_the_route_not_the_token(
    app, client, monkeypatch, caplog, kind
):
    from marketplace.accounts import registration as account_registration
    from marketplace.programmes import handover

    def broken(*_args, **_kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(account_registration, "check_confirmation_link", broken)
    monkeypatch.setattr(account_registration, "check_reset_link", broken)
    monkeypatch.setattr(handover, "find_invitation", broken)
    caplog.set_level(logging.INFO)
    token = "Zq3-secret_token_Zq3xYwVuTsRqPoNmLkJiH"
    response = client.get(f"/{kind}/{token}")
    assert response.status_code == 500
    assert f"unhandled error on GET /{kind}/[token]" in caplog.text
    assert token not in caplog.text


def test_a_path_no_route_matches_has_its_token_like_segments_masked(app):
    from marketplace.logging_filters import loggable_path

    with app.test_request_context("/confirm/Zq3secrettokenZq3xYwVuTsRq/extra"):
        assert loggable_path() == "/confirm/[token]/extra"
    with app.test_request_context("/enterprises/42"):
        assert loggable_path() == "/enterprises/42"
