"""Data Saya: a copy of one's data on request, corrections answered by the facilitator or an
admin, and the admin queue with its legal deadlines (issue 16)."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from sqlalchemy import select

from marketplace.errors import Conflict
from marketplace.models import utcnow
from marketplace.notifications.models import Notification
from marketplace.privacy import requests as services
from marketplace.privacy.models import RightsRequest


def _kinds(db, user) -> list[str]:
    return list(
        db.session.scalars(select(Notification.kind).where(Notification.user_id == user.id))
    )


def test_an_owner_gets_a_copy_of_their_data_through_a_link_only_they_can_open(
    db, make, client, login, outbox
):
    owner = make.owner(name="Sari Wulandari")
    other = make.owner(name="Budi Santoso")
    login(owner)

    response = client.post("/data-saya/copy")

    assert response.status_code == 302
    request = db.session.scalar(select(RightsRequest).where(RightsRequest.requester_id == owner.id))
    db.session.refresh(request)
    assert request.status == "done" and request.export_available()
    assert request.due_at - request.created_at == dt.timedelta(hours=72)
    assert "privacy_copy_ready" in _kinds(db, owner)
    page = client.get("/data-saya").get_data(as_text=True)
    link = page.split('href="/data-saya/copy/')[1].split('"')[0]
    download = client.get(f"/data-saya/copy/{link}")
    body = download.get_data()
    download.close()
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        data = json.loads(archive.read("data.json"))
        text = b"".join(archive.read(name) for name in archive.namelist())
    assert data["users"][0]["email"] == owner.email
    assert b"Budi Santoso" not in text and other.email.encode() not in text

    login(other)
    denied = client.get(f"/data-saya/copy/{link}")
    denied.close()
    assert denied.status_code == 404


def test_the_link_expires_after_48_hours(db, make, client, login):
    owner = make.owner()
    login(owner)
    client.post("/data-saya/copy")
    page = client.get("/data-saya").get_data(as_text=True)
    link = page.split('href="/data-saya/copy/')[1].split('"')[0]
    request = db.session.scalar(select(RightsRequest))
    request.export_expires_at = utcnow() - dt.timedelta(minutes=1)
    db.session.commit()

    assert client.get(f"/data-saya/copy/{link}").status_code == 410
    assert 'href="/data-saya/copy/' not in client.get("/data-saya").get_data(as_text=True)


@pytest.mark.parametrize("app_config", [{"TASKS_MODE": "collect"}])
def test_one_copy_request_at_a_time(db, make, app_config):
    owner = make.owner()
    services.request_copy(requester=owner)
    db.session.commit()

    with pytest.raises(Conflict):
        services.request_copy(requester=owner)


def test_a_facilitator_answers_a_correction_of_an_attestation(db, make, client, login):
    owner = make.owner()
    enterprise = make.enterprise_of(owner)
    facilitator = make.facilitator()
    make.enrol(facilitator, enterprise)
    db.session.commit()
    login(owner)

    response = client.post(
        "/data-saya/correction",
        data={
            "enterprise": str(enterprise.id),
            "topic": "attestation",
            "details": "Tanggal salah.",
        },
    )
    assert response.status_code == 302
    request = db.session.scalar(select(RightsRequest))
    assert "privacy_correction_requested" in _kinds(db, facilitator)

    login(facilitator)
    empty = client.post(f"/data-saya/requests/{request.id}", data={"decision": "reject"})
    assert empty.status_code == 422
    assert "Jelaskan apa yang Anda ubah" in empty.get_data(as_text=True)

    done = client.post(
        f"/data-saya/requests/{request.id}",
        data={"decision": "reject", "answer": "Tanggal sesuai berita acara."},
    )
    assert done.status_code == 302
    db.session.refresh(request)
    assert request.status == "rejected"
    assert request.answered_by_id == facilitator.id
    assert request.answer == "Tanggal sesuai berita acara."
    assert "privacy_request_answered" in _kinds(db, owner)


def test_a_correction_without_details_keeps_what_was_typed(db, make, client, login):
    owner = make.owner()
    login(owner)

    response = client.post("/data-saya/correction", data={"topic": "", "details": ""})

    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Pilih apa yang perlu diperbaiki." in body
    assert "Jelaskan apa yang salah" in body
    assert db.session.scalar(select(RightsRequest)) is None


def test_the_admin_queue_flags_overdue_requests(db, make, client, login):
    owner = make.owner()
    admin = make.admin()
    late = services.request_correction(
        requester=owner, enterprise=None, topic="other", details="Nama saya salah eja."
    )
    late.due_at = utcnow() - dt.timedelta(hours=1)
    db.session.commit()
    login(admin)

    page = client.get("/admin/privacy").get_data(as_text=True)

    assert "overdue" in page
    assert "lewat tenggat" in page


def test_a_facilitator_asks_for_the_copy_of_a_phone_only_owner_on_their_behalf(db, make):
    from marketplace.errors import PermissionDenied

    facilitator = make.facilitator()
    phone_only = make.enterprise(
        organisation=make.organisation("enterprise"), owner_name="Ibu Warsini"
    )
    make.enrol(facilitator, phone_only)
    owned = make.enterprise_of(make.owner())
    make.enrol(facilitator, owned)
    db.session.commit()

    request = services.request_copy(requester=facilitator, enterprise=phone_only)
    db.session.commit()

    db.session.refresh(request)
    assert request.on_behalf and request.subject_enterprise_id == phone_only.id
    assert request.status == "done"
    with pytest.raises(PermissionDenied):
        services.request_copy(requester=facilitator, enterprise=owned)
