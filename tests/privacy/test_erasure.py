"""The right to erasure (issue 16): the registry covers every table, a request blocks the
account at once and can be cancelled for 72 hours, and the erasure leaves no personal value
anywhere while others' pages still render."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import JSON, String, Text, select

from marketplace.accounts.models import User
from marketplace.audit import AuditEvent
from marketplace.extensions import db as _db
from marketplace.models import utcnow
from marketplace.privacy import deletion_requests, erasure, erasure_registry
from marketplace.privacy.erasure_models import AccountDeletion
from marketplace.profiles import crypto
from marketplace.profiles.models import Enterprise
from tests.factories import PASSWORD

DATABASE_RULE = "a column naming a user or an enterprise"


def referring_columns(table) -> list[str]:
    return [c.name for c in table.columns if erasure_registry.ref_target(c) is not None]


def test_every_table_naming_a_user_or_an_enterprise_says_how_it_is_erased(app):
    missing = []
    for table in _db.Model.metadata.sorted_tables:
        columns = referring_columns(table)
        if not columns:
            continue
        handling = erasure_registry.REGISTRY.get(table.name)
        if handling is None:
            missing.append(f"{table.name} (every column: {', '.join(columns)})")
            continue
        missing += [f"{table.name}.{c}" for c in columns if c not in handling.refs]
    assert missing == [], (
        "add these to marketplace.privacy.erasure_registry.REGISTRY, saying whether erasure"
        " deletes the rows, keeps them against the tombstone or redacts fields: {missing}"
    )


def test_the_registry_names_only_real_tables_columns_and_rules(app):
    tables = _db.Model.metadata.tables
    registry = erasure_registry
    for name, handling in registry.REGISTRY.items():
        assert name in tables, name
        assert handling.why
        for column, how in handling.refs.items():
            assert column in tables[name].c, f"{name}.{column}"
            assert registry.ref_target(tables[name].c[column]) is not None, f"{name}.{column}"
            assert how in (registry.DELETE, registry.KEEP, registry.REDACT)
        assert set(handling.redact) <= set(tables[name].c.keys()), name
        assert set(handling.scrub) <= set(tables[name].c.keys()), name
        if handling.redact:
            assert erasure_registry.REDACT in handling.refs.values(), name


# --- requests, the pending period, cancelling --------------------------------------------------
def _cancel_token(outbox) -> str:
    (message,) = [m for m in outbox if "/privacy/delete/cancel/" in m.body]
    return re.search(r"/privacy/delete/cancel/([\w-]+)", message.body).group(1)


def test_a_request_blocks_the_account_and_hides_the_profile_at_once(app, make, client, login):
    owner = make.user("owner")
    enterprise = make.enterprise(organisation=owner.organisation, published=True)
    login(owner)
    response = client.post("/privacy/delete", data={"confirm": "y", "password": PASSWORD})
    assert response.status_code == 302
    _db.session.expire_all()
    assert not _db.session.get(User, owner.id).active
    assert _db.session.get(Enterprise, enterprise.id).status == "draft"
    deletion = deletion_requests.pending_for_user(owner)
    assert deletion.enterprise_id == enterprise.id and not deletion.on_behalf
    assert deletion_requests.PENDING_PERIOD == dt.timedelta(hours=72)
    assert client.get("/account").status_code == 302  # the session ended
    login_page = client.post("/login", data={"email": owner.email, "password": PASSWORD})
    assert login_page.status_code == 422
    assert "buka tautan di e-mail" in login_page.get_data(as_text=True)
    client.post("/language", data={"locale": "en"})
    login_page = client.post("/login", data={"email": owner.email, "password": PASSWORD})
    assert "open the link in the e-mail" in login_page.get_data(as_text=True)


def test_a_wrong_password_or_no_tick_changes_nothing_and_keeps_the_form(app, make, client, login):
    owner = make.owner()
    login(owner)
    for data in ({"confirm": "y", "password": "wrong"}, {"password": PASSWORD}):
        response = client.post("/privacy/delete", data=data)
        assert response.status_code == 422
    _db.session.expire_all()
    assert _db.session.get(User, owner.id).active
    assert deletion_requests.pending_for_user(owner) is None


def test_the_mailed_link_cancels_and_publishes_the_profile_again(app, make, client, outbox):
    owner = make.user("owner")
    enterprise = make.enterprise(organisation=owner.organisation, published=True)
    deletion_requests.request_deletion(user=owner, password=PASSWORD)
    _db.session.commit()
    token = _cancel_token(outbox)
    assert client.get(f"/privacy/delete/cancel/{token}").status_code == 200
    assert client.post(f"/privacy/delete/cancel/{token}").status_code == 302
    _db.session.expire_all()
    assert _db.session.get(User, owner.id).active
    assert _db.session.get(Enterprise, enterprise.id).status == "published"
    assert client.post(f"/privacy/delete/cancel/{token}").status_code == 404  # used


def test_a_request_is_pending_until_cancelled_or_done_in_python_and_in_sql(app, make):
    # `is_pending` is one rule: the property on a row and the filter the queries use.
    waiting, cancelled, done = (
        deletion_requests.request_deletion(user=make.owner(), password=PASSWORD) for _ in range(3)
    )
    cancelled.cancelled_at = done.done_at = utcnow()
    for deletion in (waiting, cancelled, done):
        deletion.due_at = utcnow() - dt.timedelta(minutes=1)
    _db.session.commit()
    assert [d.is_pending for d in (waiting, cancelled, done)] == [True, False, False]
    assert erasure.due_deletions() == [waiting.id]
    owners = [_db.session.get(User, d.user_id) for d in (waiting, cancelled, done)]
    assert [deletion_requests.pending_for_user(o) for o in owners] == [waiting, None, None]


def test_the_job_erases_only_after_72_hours_and_a_late_link_no_longer_cancels(
    app, make, client, outbox, runner
):
    owner = make.owner()
    deletion = deletion_requests.request_deletion(user=owner, password=PASSWORD)
    _db.session.commit()
    token = _cancel_token(outbox)
    assert erasure.erase_due(now=utcnow() + dt.timedelta(hours=71)) == 0
    deletion.due_at = utcnow() - dt.timedelta(minutes=1)
    _db.session.commit()
    assert client.get(f"/privacy/delete/cancel/{token}").status_code == 404
    result = runner.invoke(args=["privacy", "erase-due"])
    assert result.exit_code == 0 and "1 deletion" in result.output
    _db.session.expire_all()
    user = _db.session.get(User, owner.id)
    assert user.name == f"Pengguna terhapus #{owner.id}" and user.email.endswith(".invalid")
    assert _db.session.get(AccountDeletion, deletion.id).done_at is not None


def test_each_deletion_is_in_the_admin_queue_until_it_is_done_or_cancelled(
    app, make, client, login, outbox
):
    from marketplace.privacy.models import RightsRequest

    def entries():
        _db.session.expire_all()
        return _db.session.scalars(
            select(RightsRequest).where(RightsRequest.kind == "deletion").order_by(RightsRequest.id)
        ).all()

    kept, gone = make.owner(), make.owner()
    first = deletion_requests.request_deletion(user=kept, password=PASSWORD)
    second = deletion_requests.request_deletion(user=gone, password=PASSWORD)
    _db.session.commit()
    assert [(e.status, e.subject_user_id) for e in entries()] == [
        ("open", kept.id),
        ("open", gone.id),
    ]
    assert entries()[0].due_at == first.due_at  # the 72-hour legal deadline
    login(make.admin())
    assert client.get("/admin/privacy").status_code == 200

    client.post(f"/privacy/delete/cancel/{_cancel_token(outbox[:1])}")
    erasure.erase(second)
    _db.session.commit()

    assert [e.status for e in entries()] == ["cancelled", "done"]
    assert all(e.answered_at is not None for e in entries())


def test_the_job_is_in_the_scheduler_table(app):
    from marketplace import tasks
    from marketplace.jobs.periodic import PERIODIC

    entry = next(p for p in PERIODIC if p.job == erasure.JOB)
    assert entry.command == "flask privacy erase-due"
    assert erasure.JOB in tasks.job_names()


def test_admins_are_not_offered_self_deletion(app, make, client, login):
    login(make.admin())
    assert client.get("/privacy/delete").status_code == 403


def _phone_only(make):
    from marketplace.programmes import services as programmes

    facilitator = make.facilitator()
    cohort = make.cohort(make.programme(facilitator))
    enterprise = programmes.create_enterprise_on_behalf(
        facilitator=facilitator,
        cohort=cohort,
        name="Warung Bu Tini",
        owner_name="Tini Suryani",
        owner_phone="081234500077",
    )
    _db.session.commit()
    return facilitator, enterprise


def test_a_facilitator_deletes_a_phone_only_owners_profile_on_their_behalf(
    app, make, client, login, outbox
):
    facilitator, enterprise = _phone_only(make)
    login(facilitator)
    page = client.get("/privacy/delete")
    assert f"/privacy/delete/enterprises/{enterprise.id}" in page.get_data(as_text=True)
    response = client.post(
        f"/privacy/delete/enterprises/{enterprise.id}",
        data={"confirm": "y", "password": PASSWORD},
    )
    assert response.status_code == 302
    deletion = deletion_requests.pending_for_enterprise(enterprise)
    assert deletion.on_behalf and deletion.requested_by_id == facilitator.id
    assert deletion.user_id is None
    assert _cancel_token(outbox)  # mailed to the facilitator
    erasure.erase(deletion)
    _db.session.commit()
    _db.session.expire_all()
    erased = _db.session.get(Enterprise, enterprise.id)
    assert erased.name == f"Usaha terhapus #{enterprise.id}"
    assert erased.owner_name is None and erased.owner_phone is None
    assert client.get(f"/privacy/delete/enterprises/{enterprise.id}").status_code == 403


def test_a_facilitator_cannot_delete_a_profile_whose_owner_has_an_account(app, make, client, login):
    owner = make.owner()
    enterprise = make.enterprise_of(owner)
    facilitator = make.facilitator()
    make.enrol(facilitator, enterprise)
    _db.session.commit()
    login(facilitator)
    assert client.get(f"/privacy/delete/enterprises/{enterprise.id}").status_code == 403


# --- the erasure of a rich owner ---------------------------------------------------------------
NAME = "Sri Wahyuningsih Lestari"
BUSINESS = "Keripik Sri Mantap"
PHONE = "081298765432"
NIK = "3201234567890123"


def _text_columns(table):
    return [c for c in table.columns if isinstance(c.type, String | Text | JSON)]


def personal_values_left(values: list[str]) -> list[str]:
    """Every (table.column, value) where one of `values` still appears as a whole word (as
    JSON stores it, too), in any row of any table."""
    patterns = {
        v: re.compile(rf"(?<!\w)({re.escape(v)}|{re.escape(json.dumps(v)[1:-1])})(?!\w)", re.I)
        for v in values
    }
    found = []
    with _db.engine.connect() as conn:
        for table in _db.Model.metadata.sorted_tables:
            columns = _text_columns(table)
            if not columns:
                continue
            for row in conn.execute(select(*columns)):
                for column, cell in zip(columns, row, strict=True):
                    text = str(cell) if cell is not None else ""
                    found += [
                        f"{table.name}.{column.name}: {v}"
                        for v, pattern in patterns.items()
                        if pattern.search(text)
                    ]
    return found


@pytest.fixture
def world(app):
    """The access matrix's world (owner A with a published enterprise, photos, deck, data
    room, mentoring, enrolment, group, event with schedule and judging, shortlist, meetings,
    introduction, ticket order, notifications), owner A given a name others wrote down."""
    from tests.test_access_matrix import build_world

    built = build_world(_db, Path(app.config["UPLOAD_FOLDER"]))
    ids = built.ids
    owner = _db.session.get(User, ids["user_owner"])
    enterprise = _db.session.get(Enterprise, ids["A"])
    owner.name, owner.phone = NAME, PHONE
    enterprise.name = enterprise.organisation.name = BUSINESS
    enterprise.owner_name, enterprise.owner_phone = NAME, PHONE
    enterprise.owner_nik_encrypted = crypto.encrypt(NIK)
    enterprise.owner_nik_prefix, enterprise.owner_nik_last4 = NIK[:4], NIK[-4:]
    _db.session.commit()
    return built


def _others_write_about_them(ids):
    """Rows other people wrote that name owner A or their business."""
    from marketplace import mail
    from marketplace.events.models import PitchEvent, Review
    from marketplace.matching.models import MeetingRequest, ShortlistEntry, ShortlistNote
    from marketplace.notifications.models import Notification

    investor = _db.session.get(User, ids["user_investor"])
    entry = _db.session.get(ShortlistEntry, ids["entry_I"])
    _db.session.add(
        ShortlistNote(
            entry_id=entry.id,
            author_id=investor.id,
            author_name=investor.name,
            body=f"Bu {NAME} ramah; {BUSINESS} butuh modal kerja. Telp {PHONE}.",
        )
    )
    _db.session.get(MeetingRequest, ids["meeting_ok"]).message = f"Ketemu {NAME} di pasar"
    event = _db.session.get(PitchEvent, ids["ev"])
    _db.session.add(
        Review(
            event_id=event.id,
            judge_id=investor.id,
            enterprise_id=ids["A"],
            comment=f"{BUSINESS} presentasi bagus",
        )
    )
    _db.session.add(
        Notification(
            user_id=investor.id,
            kind="meeting_accepted",
            params={"enterprise": BUSINESS, "by": NAME},
            link=f"/meetings/{ids['meeting_ok']}",
        )
    )
    _db.session.add(
        AuditEvent(
            action="profile.updated",
            actor_id=ids["user_owner"],
            object_type="enterprise",
            object_id=ids["A"],
            ip="10.1.2.3",
            details={"owner_name": NAME, "phone": PHONE},
            created_at=utcnow(),
        )
    )
    owner = _db.session.get(User, ids["user_owner"])
    mail.send(owner.email, "Halo", f"Halo {NAME}", kind="account")
    mail.send(investor.email, "Pertemuan", f"{NAME} dari {BUSINESS} menerima", kind="account")
    _db.session.commit()


def _files_of(enterprise_id: int) -> set[str]:
    from marketplace.pitches.models import Deck, DeckPage, DeckVersion, Document
    from marketplace.profiles.models import ProductPhoto

    keys: set[str] = set()
    for photo in _db.session.scalars(
        select(ProductPhoto).where(ProductPhoto.enterprise_id == enterprise_id)
    ):
        keys |= {photo.large_key, photo.small_key}
    for document in _db.session.scalars(
        select(Document).where(Document.enterprise_id == enterprise_id)
    ):
        keys.add(document.file_key)
    versions = _db.session.scalars(
        select(DeckVersion).join(Deck).where(Deck.enterprise_id == enterprise_id)
    ).all()
    for version in versions:
        keys |= set(version.original_keys or [])
        for page in _db.session.scalars(select(DeckPage).where(DeckPage.version_id == version.id)):
            keys |= {k for k in (page.small_key, page.large_key) if k}
    # The copies of their data the enterprise's people asked for (Data Saya).
    from marketplace.accounts.models import User
    from marketplace.privacy.models import RightsRequest

    people = select(User.id).join(Enterprise, Enterprise.organisation_id == User.organisation_id)
    keys |= set(
        _db.session.scalars(
            select(RightsRequest.export_key).where(
                RightsRequest.export_key.is_not(None),
                (RightsRequest.subject_enterprise_id == enterprise_id)
                | RightsRequest.subject_user_id.in_(people.where(Enterprise.id == enterprise_id)),
            )
        )
    )
    return keys


def test_erasing_a_rich_owner_leaves_no_personal_value_file_or_index_entry(world, client, login):
    from marketplace import storage
    from marketplace.matching import search
    from marketplace.payments.models import TicketOrder

    ids = world.ids
    _others_write_about_them(ids)
    owner = _db.session.get(User, ids["user_owner"])
    email = owner.email
    files = _files_of(ids["A"])
    assert files and all(storage.open_path(k) for k in files)
    assert ids["A"] in search.indexed_ids()
    orders_before = [
        (o.id, o.amount, o.receipt_number) for o in _db.session.scalars(select(TicketOrder))
    ]

    deletion = deletion_requests.request_deletion(user=owner, password=PASSWORD)
    _db.session.commit()
    outcome = erasure.erase(deletion)
    _db.session.commit()
    _db.session.expire_all()

    assert personal_values_left([NAME, BUSINESS, PHONE, NIK, email]) == []
    for key in files:
        with pytest.raises(FileNotFoundError):
            storage.open_path(key)
    assert ids["A"] not in search.indexed_ids()
    assert outcome["files"] == len(files)
    # Records others depend on are kept, against the tombstone.
    enterprise = _db.session.get(Enterprise, ids["A"])
    assert enterprise.name == f"Usaha terhapus #{ids['A']}"
    assert enterprise.sector and enterprise.province_code  # still counted in M&E totals
    redacted = _db.session.scalars(select(AuditEvent).where(AuditEvent.actor_id == owner.id)).all()
    assert redacted and all(e.ip is None for e in redacted)
    assert [
        (o.id, o.amount, o.receipt_number) for o in _db.session.scalars(select(TicketOrder))
    ] == orders_before

    pages = {
        "investor": [
            "/shortlist",
            f"/shortlist/{ids['entry_I']}",
            f"/meetings/{ids['meeting_I']}",
            f"/events/{ids['ev']}",
        ],
        "facilitator": [
            f"/events/{ids['ev']}/ranking",
            f"/events/{ids['ev']}/schedule",
            f"/programmes/{ids['prog_F']}",
            f"/events/{ids['ev']}",
        ],
    }
    for role, paths in pages.items():
        login(_db.session.get(User, ids[f"user_{role}"]))
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (role, path)
            assert f"Usaha terhapus #{ids['A']}" in response.get_data(as_text=True) or path in (
                f"/programmes/{ids['prog_F']}",
                f"/events/{ids['ev']}",
            ), path


def test_erasing_an_investor_keeps_the_payment_and_the_judges_panel(world, client, login):
    from marketplace.events.models import EventJudge
    from marketplace.payments.models import TicketOrder

    ids = world.ids
    investor = _db.session.get(User, ids["user_investor"])
    name, email = investor.name, investor.email
    order = _db.session.get(TicketOrder, ids["order"])
    kept = (order.amount, order.receipt_number, order.created_at)
    deletion = deletion_requests.request_deletion(user=investor, password=PASSWORD)
    _db.session.commit()
    erasure.erase(deletion)
    _db.session.commit()
    _db.session.expire_all()
    assert personal_values_left([email, name]) == []
    order = _db.session.get(TicketOrder, ids["order"])
    assert (order.amount, order.receipt_number, order.created_at) == kept
    assert order.user_id == investor.id  # the buyer is now the tombstone
    assert _db.session.get(EventJudge, ids["judge"]) is not None
    login(_db.session.get(User, ids["user_facilitator"]))
    for path in (f"/events/{ids['ev']}", f"/events/{ids['ev']}/ranking"):
        assert client.get(path).status_code == 200, path


# --- the erasure of a facilitator --------------------------------------------------------------
FACILITATOR = "Dewi Kartikasari Pendamping"
FACILITATOR_PHONE = "081355566677"


def test_erasing_a_facilitator_keeps_their_programme_and_records_but_not_their_name(
    world, client, login
):
    from marketplace import mail
    from marketplace.events.models import PitchEvent
    from marketplace.notifications.models import Notification
    from marketplace.programmes import services as programmes
    from marketplace.programmes.models import Attestation, Cohort, Enrolment, GroupMember, Programme

    ids = world.ids

    def members_of_group_f() -> list[int]:
        return sorted(
            _db.session.scalars(
                select(GroupMember.enterprise_id).where(GroupMember.group_id == ids["group_F"])
            )
        )

    facilitator = _db.session.get(User, ids["user_facilitator"])
    facilitator.name, facilitator.phone = FACILITATOR, FACILITATOR_PHONE
    email = facilitator.email
    enterprise = _db.session.get(Enterprise, ids["A"])
    attestation = programmes.attest_item(
        facilitator=facilitator,
        enterprise=enterprise,
        item_code="identity",
        note=f"KTP dicek oleh {FACILITATOR}, telp {FACILITATOR_PHONE}",
    )
    attested_on = attestation.attested_on
    owner = _db.session.get(User, ids["user_owner"])
    _db.session.add(
        Notification(
            user_id=owner.id, kind="programme_accepted", params={"by": FACILITATOR}, link="/"
        )
    )
    mail.send(
        owner.email, "Pendamping", f"Pendamping Anda: {FACILITATOR} ({email})", kind="account"
    )
    _db.session.commit()
    kept_before = {
        "programme": _db.session.get(Programme, ids["prog_F"]).name,
        "cohort": _db.session.get(Cohort, ids["cohort_F"]).name,
        "enrolment": _db.session.get(Enrolment, ids["enrol_F"]).enterprise_id,
        "group": members_of_group_f(),
        "event": _db.session.get(PitchEvent, ids["ev"]).title,
        "behalf": _db.session.get(Enterprise, ids["behalf"]).name,
    }

    assert kept_before["group"] == [ids["A"]]
    deletion = deletion_requests.request_deletion(user=facilitator, password=PASSWORD)
    _db.session.commit()
    assert deletion.enterprise_id is None  # a facilitator has no enterprise of their own
    erasure.erase(deletion)
    _db.session.commit()
    _db.session.expire_all()

    # Nothing of the person in any text or JSON column.
    assert personal_values_left([FACILITATOR, FACILITATOR_PHONE, email]) == []
    label = f"Pengguna terhapus #{facilitator.id}"
    assert _db.session.get(User, facilitator.id).name == label
    # Their programme and what it holds stay, naming the tombstone.
    enrolment = _db.session.get(Enrolment, ids["enrol_F"])
    assert enrolment.facilitator_id == facilitator.id and enrolment.enterprise_id == ids["A"]
    assert {
        "programme": _db.session.get(Programme, ids["prog_F"]).name,
        "cohort": _db.session.get(Cohort, ids["cohort_F"]).name,
        "enrolment": enrolment.enterprise_id,
        "group": members_of_group_f(),
        "event": _db.session.get(PitchEvent, ids["ev"]).title,
        "behalf": _db.session.get(Enterprise, ids["behalf"]).name,
    } == kept_before
    # The attestation keeps its item and date, not the person's name.
    attestation = _db.session.scalar(
        select(Attestation).where(
            Attestation.enterprise_id == ids["A"], Attestation.item_code == "identity"
        )
    )
    assert attestation.attested_by_name == label and attestation.attested_on == attested_on
    assert attestation.attested_by_id == facilitator.id
    # The enterprise they worked with is untouched, and its pages still render.
    assert _db.session.get(Enterprise, ids["A"]).name == enterprise.name
    login(owner)
    page = client.get(f"/enterprises/{ids['A']}/readiness")
    assert page.status_code == 200 and label in page.get_data(as_text=True)
    login(_db.session.get(User, ids["user_investor"]))
    assert client.get(f"/events/{ids['ev']}").status_code == 200
