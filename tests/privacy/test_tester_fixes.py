"""An outside tester's findings on the privacy pages (deletion form, consent history, the data
copy's README, answers shown in the reader's language)."""

from __future__ import annotations

import io
import json
import zipfile

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.extensions import db as _db
from marketplace.models import utcnow
from marketplace.privacy import consent, deletion_requests, export
from marketplace.profiles.models import Enterprise
from tests.factories import PASSWORD


def _unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_no_tick_and_a_wrong_password_are_both_reported_at_once(app, make, client, login):
    owner = make.owner()
    login(owner)
    response = client.post("/privacy/delete", data={"password": "wrong"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Centang kotak untuk mengonfirmasi." in page
    assert "Kata sandi salah." in page
    assert ".:" not in page
    _db.session.expire_all()
    assert _db.session.get(User, owner.id).active
    assert deletion_requests.pending_for_user(owner) is None
    # The right password without the tick: only the tick is asked for.
    page = client.post("/privacy/delete", data={"password": PASSWORD}).get_data(as_text=True)
    assert "Centang kotak untuk mengonfirmasi." in page
    assert "Kata sandi salah." not in page


# --- the reports consent's default is in the history ------------------------------------------
def _new_owner():
    from marketplace.accounts import registration

    user = registration.register_user(
        email="bu.sri@example.id",
        name="Bu Sri",
        password=PASSWORD,
        role="owner",
        organisation_name="Keripik Bu Sri",
    )
    enterprise = _db.session.scalar(
        select(Enterprise).where(Enterprise.organisation_id == user.organisation_id)
    )
    return user, enterprise


def test_a_new_enterprise_starts_its_history_with_the_default_reports_consent(app, db):
    user, enterprise = _new_owner()
    _db.session.commit()
    [row] = consent.history(enterprise)
    assert (row.purpose, row.granted, row.basis) == ("reports", True, "default")
    assert row.actor_id is None and not row.on_behalf and row.ip is None
    data = json.loads(_unzip(export.build_zip(_db.session, export.subject_of(user)))["data.json"])
    [exported] = data["consent_records"]
    assert (exported["purpose"], exported["basis"]) == ("reports", "default")


def test_a_profile_made_by_a_facilitator_starts_with_the_default_too(app, db, make):
    from marketplace.programmes import services as programme_services

    facilitator = make.facilitator()
    cohort = make.cohort(make.programme(facilitator))
    enterprise = programme_services.create_enterprise_on_behalf(
        facilitator=facilitator,
        cohort=cohort,
        name="Warung Bu Tini",
        owner_name="Bu Tini",
        owner_phone="081234567890",
    )
    [row] = consent.history(enterprise)
    assert (row.purpose, row.basis, row.on_behalf) == ("reports", "default", False)


def test_the_history_page_says_the_default_and_its_basis_in_both_languages(app, db, client, login):
    user, enterprise = _new_owner()
    user.email_confirmed_at = utcnow()
    _db.session.commit()
    login(user)
    page = client.get(f"/privacy/consents/enterprises/{enterprise.id}").get_data(as_text=True)
    assert "Belum ada perubahan yang dicatat." not in page
    assert "kepentingan yang sah dari program" in page
    client.post("/language", data={"locale": "en"})
    page = client.get(f"/privacy/consents/enterprises/{enterprise.id}").get_data(as_text=True)
    assert "the legitimate interest of the programme" in page and "withdraw it" in page


def test_withdrawing_after_the_default_adds_a_row_and_keeps_the_default(app, db):
    user, enterprise = _new_owner()
    consent.change_consent(actor=user, enterprise=enterprise, purpose="reports", granted=False)
    _db.session.commit()
    rows = consent.history(enterprise)
    assert [(r.granted, r.basis) for r in rows] == [(False, None), (True, "default")]


# --- texts in the reader's language --------------------------------------------------------
def test_a_cancelled_deletions_answer_is_shown_in_the_readers_language(
    app, make, client, login, outbox
):
    import re

    owner = make.owner()
    deletion_requests.request_deletion(user=owner, password=PASSWORD)
    _db.session.commit()
    [message] = [m for m in outbox if "/privacy/delete/cancel/" in m.body]
    token = re.search(r"/privacy/delete/cancel/([\w-]+)", message.body).group(1)
    assert client.post(f"/privacy/delete/cancel/{token}").status_code == 302
    admin = make.admin()
    for user, path in ((owner, "/data-saya"), (admin, "/admin/privacy")):
        login(user)
        client.post("/language", data={"locale": "en"})
        page = client.get(path).get_data(as_text=True)
        assert "Cancelled through the link in the e-mail." in page, path
        assert "Dibatalkan lewat tautan" not in page, path
        client.post("/language", data={"locale": "id"})
        assert "Dibatalkan lewat tautan di e-mail." in client.get(path).get_data(as_text=True)


def test_a_persons_answer_is_shown_as_written(app):
    from marketplace.privacy import requests
    from marketplace.privacy.models import RightsRequest

    with app.test_request_context():
        written = RightsRequest(answer="Nama usaha sudah saya betulkan.")
        assert requests.answer_text(written) == "Nama usaha sudah saya betulkan."
        coded = RightsRequest(answer="deletion_done")
        assert requests.answer_text(coded).startswith("Dihapus;")


def test_the_copys_readme_describes_each_table_in_the_requesters_language(app, make):
    owner = make.owner()
    subject = export.subject_of(owner)
    readme = _unzip(export.build_zip(_db.session, subject, locale="id"))["README.txt"].decode()
    assert "users: 1 — akun Anda" in readme
    assert "your account" not in readme and "record of processing" not in readme
    readme = _unzip(export.build_zip(_db.session, subject, locale="en"))["README.txt"].decode()
    assert "users: 1 — your account" in readme
