"""E-mail against a real SMTP server (aiosmtpd) started on 127.0.0.1 by the tests: what
arrives, in whose language, and what happens when the server refuses or is not there."""

from __future__ import annotations

import datetime as dt
import email
import socket
import threading
from email import policy
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from marketplace import mail
from marketplace.mail import compose
from marketplace.mail.models import OutboundMail
from marketplace.models import as_utc, utcnow

SENDER = "TemuModal <kabar@temumodal.test>"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Sink:
    """Keeps every message it accepts; answers `refuse` to DATA when set."""

    def __init__(self):
        self.received: list[tuple[str, list[str], email.message.EmailMessage]] = []
        self.logins: list[tuple[str, str]] = []
        self.refuse: str | None = None
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return self.refuse
        parsed = email.message_from_bytes(envelope.original_content, policy=policy.default)
        with self.lock:
            self.received.append((envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        self.logins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=auth_data.password == b"rahasia")


@pytest.fixture
def sink():
    handler = Sink()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=handler.authenticate,
        auth_require_tls=False,  # the server is on this machine; the transport allows it
    )
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


@pytest.fixture
def app_config(sink):
    return {
        "MAIL_LOG_ONLY": False,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": sink.port,
        "MAIL_DEFAULT_SENDER": SENDER,
        "MAIL_TIMEOUT": 5.0,
        "MAIL_CONTACT": "admin@temumodal.test",
    }


def rows() -> list[OutboundMail]:
    from marketplace.extensions import db

    db.session.expire_all()
    return list(db.session.scalars(select(OutboundMail).order_by(OutboundMail.id)))


def reason(kind: str, locale: str) -> str:
    with force_locale(locale):
        return str(compose.REASONS[kind])


def parts(message) -> tuple[str, str]:
    return (
        message.get_body(preferencelist=("plain",)).get_content(),
        message.get_body(preferencelist=("html",)).get_content(),
    )


def _register(client, email_address):
    return client.post(
        "/register",
        data={
            "role": "owner",
            "name": "Sri Wahyuni",
            "organisation_name": "Keripik Tempe Sri",
            "email": email_address,
            "phone": "081234567890",
            "password": "kopi-tubruk-sore-hari",
        },
    )


@pytest.mark.parametrize(
    ("locale", "subject"),
    [
        ("id", "TemuModal: seseorang mencoba mendaftar dengan alamat Anda"),
        ("en", "TemuModal: someone tried to register with your address"),
    ],
)
def test_a_mail_from_a_web_request_arrives_in_the_recipients_language(
    client, make, db, sink, locale, subject
):
    owner = make.owner(locale=locale)
    db.session.commit()

    response = _register(client, owner.email)

    assert response.status_code == 302
    assert len(sink.received) == 1
    mail_from, rcpt_tos, message = sink.received[0]
    assert (mail_from, rcpt_tos) == ("kabar@temumodal.test", [owner.email])
    assert message["From"] == SENDER and message["To"] == owner.email
    assert message["Subject"] == subject
    assert message["Message-ID"] == rows()[0].message_id
    assert message["Date"] and message["Content-Language"] == locale
    text, html = parts(message)
    assert reason("account", locale) in text and reason("account", locale) in html
    assert "admin@temumodal.test" in text  # whom to write to
    assert "/notifications/settings" in text  # where the other notifications are chosen
    assert rows()[0].status == "sent" and rows()[0].attempts == 1


@pytest.mark.parametrize(
    ("chosen", "default", "expected"),
    [("en", "id", "en"), ("id", "en", "id"), (None, "id", "id"), (None, "en", "en")],
)
def test_send_to_writes_in_the_language_the_person_chose_else_the_platforms(
    app, db, sink, chosen, default, expected
):
    # Outside any request, as a worker sends: the lazily translated subject is rendered in the
    # person's language, and someone who chose none gets the platform's default language.
    app.config["BABEL_DEFAULT_LOCALE"] = default
    person = SimpleNamespace(email="sri@example.id", locale=chosen)
    subjects = {"id": "TemuModal: ringkasan harian Anda", "en": "TemuModal: your daily digest"}

    mail.send_to(person, lambda: (_l("TemuModal: your daily digest"), "-"), kind="notice")
    db.session.commit()

    message = sink.received[0][2]
    assert message["Subject"] == subjects[expected]
    assert message["Content-Language"] == expected and rows()[0].locale == expected


def test_the_html_part_escapes_the_text_and_links_the_urls(app, db, sink):
    body = "Produk <b>Kopi & Teh</b> siap.\n\nLihat: http://127.0.0.1:5000/meetings/7"
    mail.send("sri@example.id", "Halo", body, kind="meeting", locale="id")
    db.session.commit()

    text, html = parts(sink.received[0][2])
    assert "<b>Kopi & Teh</b>" in text
    assert "&lt;b&gt;Kopi &amp; Teh&lt;/b&gt;" in html and "<b>" not in html
    assert '<a href="http://127.0.0.1:5000/meetings/7">' in html
    assert "http://127.0.0.1:5000/notifications" in text
    assert reason("meeting", "id") != reason("meeting", "en")
    assert reason("meeting", "id") in text


def test_the_transport_logs_in_with_the_configured_user(app, db, sink):
    app.config.update(MAIL_USERNAME="temumodal", MAIL_PASSWORD="rahasia")
    mail.send("sri@example.id", "Halo", "Isi", locale="id")
    db.session.commit()
    assert sink.logins == [("temumodal", "rahasia")] and len(sink.received) == 1


def test_credentials_are_never_sent_in_clear_text_to_another_machine(app, db, sink):
    app.config.update(MAIL_SERVER="smtp.example.com", MAIL_USERNAME="u", MAIL_PASSWORD="p")
    mail.send("sri@example.id", "Halo", "Isi", locale="id")
    db.session.commit()
    [row] = rows()
    assert row.status == "queued" and "clear text" in row.last_error


def test_a_rolled_back_change_sends_nothing(app, db, sink):
    mail.send("sri@example.id", "Halo", "Isi", locale="id")
    db.session.rollback()
    db.session.commit()
    assert sink.received == [] and rows() == []


def test_a_refusing_server_leaves_the_mail_queued_and_the_sweep_sends_it_later(app, db, sink):
    sink.refuse = "550 5.7.1 Not today"
    mail.send("sri@example.id", "Halo", "Isi", locale="id")
    db.session.commit()

    [row] = rows()
    assert (row.status, row.attempts) == ("queued", 1)
    assert "550" in row.last_error
    assert as_utc(row.next_attempt_at) > as_utc(row.created_at)
    # Not due yet: the sweep leaves it alone.
    assert mail.send_pending()["sent"] == 0 and sink.received == []

    sink.refuse = None
    later = as_utc(row.next_attempt_at) + dt.timedelta(seconds=1)
    assert mail.send_pending(now=later)["sent"] == 1
    assert mail.send_pending(now=later + dt.timedelta(hours=1))["sent"] == 0
    assert len(sink.received) == 1 and rows()[0].status == "sent"


def test_an_unreachable_server_does_not_break_the_request_and_the_sweep_delivers_later(
    app, client, make, db, sink, runner
):
    owner = make.owner(locale="en")
    db.session.commit()
    app.config["MAIL_PORT"] = free_port()  # nobody listens there

    response = _register(client, owner.email)

    assert response.status_code == 302
    [row] = rows()
    assert (row.status, row.attempts, row.recipient) == ("queued", 1, owner.email)
    assert row.last_error

    app.config["MAIL_PORT"] = sink.port
    db.session.execute(
        update(OutboundMail).values(next_attempt_at=utcnow() - dt.timedelta(seconds=1))
    )
    db.session.commit()
    result = runner.invoke(args=["mail", "send-pending"])
    assert result.exit_code == 0 and "sent 1" in result.output
    assert [r for _, r, _ in sink.received] == [[owner.email]]


def test_backoff_doubles_and_the_mail_fails_after_the_last_attempt(app, db, sink):
    app.config.update(MAIL_MAX_ATTEMPTS=3, MAIL_RETRY_SECONDS=60)
    sink.refuse = "451 4.3.0 Try later"
    mail.send("sri@example.id", "Halo", "Isi", locale="id")
    db.session.commit()
    first = rows()[0]
    delay = as_utc(first.next_attempt_at) - as_utc(first.claimed_at or first.created_at)
    assert delay <= dt.timedelta(seconds=61)

    second_try = as_utc(first.next_attempt_at)
    assert mail.send_pending(now=second_try)["queued"] == 1
    assert as_utc(rows()[0].next_attempt_at) == second_try + dt.timedelta(seconds=120)
    assert mail.send_pending(now=second_try + dt.timedelta(seconds=120))["failed"] == 1
    assert mail.send_pending(now=second_try + dt.timedelta(days=1)) == {
        "requeued": 0,
        "sent": 0,
        "queued": 0,
        "failed": 0,
        "skipped": 0,
    }
    assert rows()[0].status == "failed" and sink.received == []
    assert mail.pending_count()["failed"] == 1


def test_the_sweep_requeues_a_mail_whose_deliverer_died_mid_send(app, db, sink):
    app.config["TASKS_MODE"] = "collect"  # the commit hands the delivery to nobody
    mail.send("sri@example.id", "Halo", "Isi", locale="id")
    db.session.commit()
    from marketplace import tasks

    tasks.clear_collected()
    an_hour_ago = utcnow() - dt.timedelta(hours=1)
    db.session.execute(update(OutboundMail).values(status="sending", claimed_at=an_hour_ago))
    db.session.commit()

    counts = mail.send_pending()
    assert (counts["requeued"], counts["sent"]) == (1, 1)
    assert len(sink.received) == 1


def test_concurrent_sweeps_send_each_mail_exactly_once(app, db, sink):
    from marketplace import tasks

    app.config["TASKS_MODE"] = "collect"
    for n in range(12):
        mail.send(f"pemilik{n}@example.id", f"Halo {n}", "Isi", locale="id")
    db.session.commit()
    tasks.clear_collected()
    start = threading.Barrier(3)
    results = []

    def sweep():
        with app.app_context():
            start.wait()
            results.append(mail.send_pending())

    threads = [threading.Thread(target=sweep) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    ids = [message["Message-ID"] for _, _, message in sink.received]
    assert len(ids) == 12 and len(set(ids)) == 12
    assert sum(r["sent"] for r in results) == 12
    assert {row.status for row in rows()} == {"sent"}


def test_the_same_key_queues_one_mail(app, db, sink):
    mail.send("sri@example.id", "Halo", "Isi", locale="id", key="events.schedule:1:2:3")
    mail.send("sri@example.id", "Halo", "Isi", locale="id", key="events.schedule:1:2:3")
    db.session.commit()
    count = db.session.scalar(select(func.count()).select_from(OutboundMail))
    assert count == 1 and len(sink.received) == 1


def test_log_only_mode_marks_the_mail_sent_without_a_server(app, db, sink):
    app.config["MAIL_LOG_ONLY"] = True
    mail.send("sri@example.id", "Halo", "Isi", locale="en")
    db.session.commit()
    assert sink.received == [] and rows()[0].status == "sent"
    assert [m.to for m in mail.outbox] == ["sri@example.id"]
    assert reason("account", "en") in mail.outbox[0].body


def test_the_old_mail_job_still_queues_and_delivers_its_mail(app, db, sink):
    from marketplace import tasks
    from marketplace.notifications import services as notifications

    tasks.run_job(notifications.MAIL_JOB, to="sri@example.id", subject="Halo", body="Isi")

    [row] = rows()
    assert row.status == "sent" and row.locale == "id"  # no request: the default language
    assert [r for _, r, _ in sink.received] == [["sri@example.id"]]


def test_after_an_unreachable_server_the_other_mails_of_the_commit_wait_for_the_sweep(
    app, db, sink
):
    app.config["MAIL_PORT"] = free_port()  # nobody listens there
    for n in range(3):
        mail.send(f"pemilik{n}@example.id", "Halo", "Isi", locale="id")
    db.session.commit()

    # One connection attempt, not one per mail; all three stay queued and due.
    assert [(row.status, row.attempts) for row in rows()] == [
        ("queued", 1),
        ("queued", 0),
        ("queued", 0),
    ]
    app.config["MAIL_PORT"] = sink.port
    later = as_utc(rows()[0].next_attempt_at)
    assert mail.send_pending(now=later)["sent"] == 3
    assert len(sink.received) == 3


@pytest.mark.parametrize(
    ("locale", "said"),
    [
        ("id", "E-mail tentang akun Anda, seperti yang ini, selalu dikirim."),
        ("en", "E-mails about your account, like this one, are always sent."),
    ],
)
def test_an_account_mail_links_the_notification_settings_in_its_language(app, locale, said):
    text = compose.footer("account", locale)
    assert said in text
    assert "/notifications/settings" in text
    assert "no page" not in text and "Belum ada halaman" not in text
