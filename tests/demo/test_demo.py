"""`flask seed-demo`: the demo world a first-time visitor logs into.

Seeding takes a few seconds, so one seeded database serves the whole module (read-only tests),
and a second database, seeded through the CLI, checks that the world is the same every time.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
from flask import Flask
from sqlalchemy import func, select

from marketplace import create_app, demo, vocab
from marketplace.accounts import services as account_services
from marketplace.accounts.models import Organisation, User
from marketplace.audit import AuditEvent
from marketplace.errors import Conflict
from marketplace.events import judging, schedules
from marketplace.events import registrations as event_registrations
from marketplace.events import services as event_services
from marketplace.events.models import Outcome, PitchEvent
from marketplace.extensions import db
from marketplace.matching.models import MeetingRequest, ShortlistEntry
from marketplace.pitches import permissions as pitch_permissions
from marketplace.pitches.models import AccessRequest, Deck, Document
from marketplace.profiles import crypto
from marketplace.profiles import enterprises as enterprise_services
from marketplace.profiles.models import Enterprise, LegalDocument, Mandate
from marketplace.programmes.models import Enrolment
from tests.demo import snapshot as demo_snapshot

# The demo is seeded into SQLite files of this module's own (`_app`), whatever the suite's
# database: the PostgreSQL pass would only repeat the SQLite pass's two seeds.
pytestmark = pytest.mark.skipif(
    bool(os.environ.get("TEST_DATABASE_URL")),
    reason="seeds its own SQLite files; the SQLite pass runs it",
)

FIVE_PLACES = {"31.75", "32.01", "34.71", "52.03", "73.71"}
JT = 1_000_000
# The world as `flask seed-demo` built it before the demo moved into data files and gained its
# showcase (decks, requests, shortlists, meetings, events): see tests/demo/snapshot.py.
BEFORE = Path(__file__).parent.parent / "fixtures" / "demo_world_before.json"
# Tables the showcase adds rows to although the original world had rows in them already.
# Tables the showcase adds rows to through the services (audit lines, in-app notices).
# legal_documents: halal certificates recorded after the original world (seed.certify_halal).
GROWN_TABLES = {"audit_events", "notifications", "legal_documents"}


def _app(folder: Path) -> Flask:
    """An app on an SQLite file in `folder`, its schema built by the migrations."""
    folder.mkdir(parents=True, exist_ok=True)
    app = create_app(
        {
            "ENV_NAME": "testing",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'demo.sqlite'}",
            "UPLOAD_FOLDER": str(folder / "uploads"),
            "SEARCH_INDEX_DIR": str(folder / "search-index"),
        }
    )
    with app.app_context():
        flask_migrate.upgrade()
    return app


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Iterator[dict[str, Any]]:
    """One database seeded by calling the service, as the CLI does, with progress recorded."""
    app = _app(tmp_path_factory.mktemp("demo-a"))
    calls: list[tuple[int, int, str]] = []
    with app.app_context():
        summary = demo.seed_demo(
            progress=lambda done, total, message: calls.append((done, total, message))
        )
        db.session.commit()
        yield {"app": app, "summary": summary, "progress": calls}
        db.session.remove()
        db.engine.dispose()


def _enterprises() -> list[Enterprise]:
    return list(db.session.scalars(select(Enterprise).order_by(Enterprise.id)))


def _snapshot() -> dict[str, list]:
    """Everything a visitor sees of the world, in a comparable form (NIK ciphertext aside:
    Fernet uses a random IV, so only the masked parts are compared)."""
    enterprises = []
    for e in _enterprises():
        enterprises.append(
            (
                e.name,
                e.legal_form,
                e.sector,
                e.regency_code,
                e.founded_on,
                e.employees,
                e.capital,
                e.annual_turnover,
                e.profit_last_year,
                e.ask_amount,
                e.ask_instruments,
                e.tenor_months,
                e.status,
                e.published_at,
                e.created_at,
                e.owner_name,
                e.owner_phone,
                e.owner_nik_prefix,
                e.owner_nik_last4,
                e.women_led,
                e.share_women_led,
                e.pkh_graduate,
                e.share_pkh_graduate,
                e.disability_inclusive,
                e.has_bank_account,
                e.bank_name,
                e.keeps_books,
                e.has_collateral,
                [(d.kind, d.number, d.issued_on, d.expires_on) for d in e.documents],
                [(r.month, r.amount) for r in e.revenues],
                [
                    (n.cohort.name, n.status, n.enrolled_on, n.completed_on, n.modules_completed)
                    for n in e.enrolments
                ],
                sorted((a.item_code, a.attested_by_name, a.attested_on) for a in e.attestations),
                [(m.programme_name, m.started_on) for m in e.mentoring],
            )
        )
    users = [
        (u.email, u.name, u.role, u.organisation.name, u.created_at)
        for u in db.session.scalars(select(User).order_by(User.id))
    ]
    organisations = [
        (o.name, o.kind, o.verified_at, o.created_at)
        for o in db.session.scalars(select(Organisation).order_by(Organisation.id))
    ]
    mandates = [
        (
            m.organisation.name,
            m.investor_kind,
            m.ticket_min,
            m.ticket_max,
            m.instruments,
            m.sharia_only,
            m.min_stage,
        )
        for m in db.session.scalars(select(Mandate).order_by(Mandate.id))
    ]
    audit_times = db.session.execute(
        select(
            AuditEvent.action,
            func.count(),
            func.min(AuditEvent.created_at),
            func.max(AuditEvent.created_at),
        )
        .group_by(AuditEvent.action)
        .order_by(AuditEvent.action)
    ).all()
    return {
        "enterprises": enterprises,
        "users": users,
        "organisations": organisations,
        "mandates": mandates,
        "audit": [tuple(row) for row in audit_times],
    }


# --- the world ----------------------------------------------------------------------------------
def test_the_original_world_is_row_for_row_what_it_was_before_the_showcase(world):
    before = json.loads(BEFORE.read_text())
    for name, recorded in before.items():
        table = db.metadata.tables[name]
        rows = demo_snapshot.table_rows(table, limit=recorded["count"])
        assert len(rows) == recorded["count"], name
        assert json.loads(json.dumps(rows[: demo_snapshot.SAMPLE])) == recorded["first"], name
        assert demo_snapshot.digest(rows) == recorded["digest"], name
        if recorded["count"] and name not in GROWN_TABLES:
            assert len(demo_snapshot.table_rows(table)) == recorded["count"], name


def test_seeding_an_empty_database_builds_200_enterprises_in_the_five_action_places(world):
    enterprises = _enterprises()
    assert len(enterprises) >= 200
    assert world["summary"].enterprises == len(enterprises)
    per_place = Counter(e.regency_code for e in enterprises)
    assert set(per_place) == FIVE_PLACES
    assert min(per_place.values()) >= 30
    assert all(e.province_code == e.regency_code.split(".")[0] for e in enterprises)
    assert len({e.sector for e in enterprises}) >= 8
    assert set(Counter(e.legal_form for e in enterprises)) == set(vocab.LEGAL_FORMS)
    assert Counter(e.legal_form for e in enterprises).most_common(1)[0][0] == "perorangan"
    assert len({e.name for e in enterprises}) == len(enterprises)


def test_every_enterprise_is_mentored_by_a_facilitator_of_the_programme_running_its_cohort(
    world,
):
    enrolments = list(db.session.scalars(select(Enrolment)))
    assert {n.enterprise_id for n in enrolments} == {e.id for e in _enterprises()}
    for enrolment in enrolments:
        assert enrolment.facilitator.role == "facilitator"
        assert enrolment.facilitator.organisation_id == enrolment.cohort.programme.organisation_id
        assert enrolment.cohort.regency_code == enrolment.enterprise.regency_code
        if enrolment.status == "completed":
            assert enrolment.completed_on <= demo.DEMO_TODAY
    statuses = Counter(n.status for n in enrolments)
    assert statuses["completed"] > 50 and statuses["active"] > 50
    programme_orgs = db.session.scalars(
        select(Organisation).where(Organisation.kind == "programme")
    ).all()
    assert len(programme_orgs) == 5
    for organisation in programme_orgs:
        facilitators = [u for u in organisation.members if u.role == "facilitator"]
        assert 1 <= len(facilitators) <= 3


def test_numbers_are_plausible_for_indonesian_micro_and_small_enterprises(world):
    enterprises = _enterprises()
    assert all(2 * JT <= e.capital <= 2000 * JT for e in enterprises if e.capital is not None)
    asks = [e.ask_amount for e in enterprises if e.ask_amount is not None]
    assert min(asks) >= 3 * JT and max(asks) <= 750 * JT
    profits = [e.profit_last_year for e in enterprises if e.profit_last_year is not None]
    assert any(p < 0 for p in profits) and sum(p > 0 for p in profits) > len(profits) / 2
    months = Counter(len(e.revenues) for e in enterprises)
    assert sum(count for n, count in months.items() if 6 <= n <= 12) > len(enterprises) / 2
    instruments = {code for e in enterprises for code in e.ask_instruments}
    assert instruments & vocab.SHARIA_INSTRUMENTS and "kur" in instruments
    for e in enterprises:
        assert e.women_employees is None or e.women_employees <= e.employees
        assert re.fullmatch(r"\+628\d{8,11}", e.owner_phone)
    assert any(e.women_led and not e.share_women_led for e in enterprises)
    assert any(e.women_led and e.share_women_led for e in enterprises)
    assert any(e.pkh_graduate for e in enterprises)
    assert any(e.disability_inclusive for e in enterprises)


def test_documents_have_their_real_formats_and_some_have_expired(world):
    documents = list(db.session.scalars(select(LegalDocument)))
    kinds = Counter(d.kind for d in documents)
    assert {"nib", "npwp", "spp_irt", "halal", "sku"} <= set(kinds)
    for document in documents:
        if document.kind == "nib":
            assert re.fullmatch(r"\d{13}", document.number)
        if document.kind == "npwp":
            assert re.fullmatch(r"\d{15}|\d{16}", document.number)
        if document.expires_on is not None:
            assert document.expires_on > document.issued_on
    assert any(d.expires_on is not None and d.expires_on < demo.DEMO_TODAY for d in documents)


def test_niks_are_stored_encrypted_and_start_with_the_enterprises_regency(world):
    with_nik = [e for e in _enterprises() if e.owner_nik_encrypted]
    assert len(with_nik) >= 0.7 * len(_enterprises())
    for enterprise in with_nik:
        nik = crypto.decrypt(enterprise.owner_nik_encrypted)
        assert re.fullmatch(r"\d{16}", nik)
        assert nik.startswith(enterprise.regency_code.replace(".", ""))
        assert nik not in enterprise.owner_nik_encrypted
        assert enterprise.nik_masked == f"{nik[:4]}********{nik[-4:]}"


def test_readiness_stages_spread_over_all_three_near_the_intended_shares(world):
    enterprises = _enterprises()
    stages = Counter(
        enterprise_services.assess(e, today=demo.DEMO_TODAY).stage for e in enterprises
    )
    assert dict(stages) == world["summary"].stages
    total = sum(demo.STAGE_TARGETS.values())
    for code, share in demo.STAGE_TARGETS.items():
        assert abs(stages[code] / len(enterprises) - share / total) < 0.08, stages


def test_about_three_quarters_of_profiles_are_published_and_each_is_complete(world):
    enterprises = _enterprises()
    published = [e for e in enterprises if e.is_published]
    assert 0.65 <= len(published) / len(enterprises) <= 0.85
    assert all(enterprise_services.missing_for_publication(e) == [] for e in published)
    assert all(e.published_at is not None for e in published)


def test_owners_with_accounts_and_profiles_created_on_behalf_by_facilitators(world):
    owners = list(db.session.scalars(select(User).where(User.role == "owner")))
    assert len(owners) >= 30
    for owner in owners:
        enterprise = enterprise_services.enterprise_of(owner)
        assert enterprise is not None and enterprise.created_by_id == owner.id
    owner_orgs = {owner.organisation_id for owner in owners}
    on_behalf = [e for e in _enterprises() if e.organisation_id not in owner_orgs]
    assert len(on_behalf) >= 100
    for enterprise in on_behalf:
        creator = db.session.get(User, enterprise.created_by_id)
        assert creator.role == "facilitator" and enterprise.owner_phone
    assert world["summary"].owner_accounts == len(owners)


def test_the_first_user_of_each_demo_organisation_is_its_admin(world):
    # Issue 13: the README says whoever registered an organisation administers it; the demo
    # had no organisation admin at all, so the members page could not be tried.
    users = db.session.scalars(select(User).order_by(User.id)).all()
    first_of: dict[int, int] = {}
    for user in users:
        first_of.setdefault(user.organisation_id, user.id)
    admins = {user.id for user in users if user.organisation_admin}
    assert admins == set(first_of.values())
    brn = db.session.scalar(select(User).where(User.email == "investor@brn-jatinegara.example.org"))
    assert brn.organisation_admin


def test_some_items_carry_a_facilitators_attestation_and_only_met_items(world):
    attested = [e for e in _enterprises() if e.attestations]
    assert 5 <= len(attested) <= len(_enterprises()) / 3
    for enterprise in attested:
        assessment = enterprise_services.assess(enterprise, today=demo.DEMO_TODAY)
        for attestation in enterprise.attestations:
            assert assessment.item(attestation.item_code).met
            assert attestation.attested_by_name in {
                n.facilitator.name for n in enterprise.enrolments
            }


def test_investor_organisations_of_every_kind_each_have_a_fitting_mandate(world):
    investors = db.session.scalars(
        select(Organisation).where(Organisation.kind == "investor")
    ).all()
    assert len(investors) >= 20
    mandates = {m.organisation_id: m for m in db.session.scalars(select(Mandate))}
    assert {o.id for o in investors} == set(mandates)
    assert len({m.investor_kind for m in mandates.values()}) >= 6
    for mandate in mandates.values():
        assert mandate.ticket_min <= mandate.ticket_max
        if mandate.investor_kind == "sharia_financier":
            assert mandate.sharia_only
            assert set(mandate.instruments) <= vocab.SHARIA_INSTRUMENTS
        if mandate.investor_kind == "bank":
            assert "kur" in mandate.instruments
    unverified = [o for o in investors if not o.is_verified]
    assert 2 <= len(unverified) <= 3
    assert all(1 <= len(o.members) <= 3 for o in investors)
    assert world["summary"].investor_kinds == dict(
        Counter(m.investor_kind for m in mandates.values())
    )


# --- demo logins --------------------------------------------------------------------------------
@pytest.mark.parametrize("login", demo.DEMO_LOGINS, ids=lambda login: login.email)
def test_every_demo_login_authenticates_in_its_role(world, login):
    user = account_services.authenticate(email=login.email, password=login.password)
    assert user is not None
    assert user.role == login.role
    assert user.totp_enabled is False
    db.session.rollback()


def test_demo_logins_cover_every_role_and_the_cases_their_hints_promise(world):
    assert {login.role for login in demo.DEMO_LOGINS} == set(vocab.ROLES)
    users = {
        login.email: account_services.find_user_by_email(login.email) for login in demo.DEMO_LOGINS
    }
    verified_investor, unverified_investor = (
        users[login.email] for login in demo.DEMO_LOGINS if login.role == "investor"
    )
    assert verified_investor.organisation.is_verified
    assert not unverified_investor.organisation.is_verified
    bankable_owner, draft_owner = (
        users[login.email] for login in demo.DEMO_LOGINS if login.role == "owner"
    )
    bankable = enterprise_services.enterprise_of(bankable_owner)
    assert bankable.is_published
    assert enterprise_services.assess(bankable, today=demo.DEMO_TODAY).stage == "bankable"
    assert len(bankable.revenues) == 12 and bankable.attestations
    draft = enterprise_services.enterprise_of(draft_owner)
    assert not draft.is_published and enterprise_services.missing_for_publication(draft)
    facilitator = next(users[x.email] for x in demo.DEMO_LOGINS if x.role == "facilitator")
    mentored = {
        n.enterprise_id
        for n in db.session.scalars(
            select(Enrolment).where(Enrolment.facilitator_id == facilitator.id)
        )
    }
    assert {bankable.id, draft.id} <= mentored
    table = demo.logins_table()
    assert all(login.email in table for login in demo.DEMO_LOGINS)
    assert demo.DEMO_PASSWORD in table


# --- running it -----------------------------------------------------------------------------------
def test_progress_counts_up_to_its_total(world):
    calls = world["progress"]
    done = [call[0] for call in calls]
    assert done == sorted(done) and done[-1] == calls[-1][1]
    assert len(calls) > len(_enterprises())


def test_seeding_a_database_with_users_is_refused_and_if_empty_makes_it_a_no_op(world):
    before = _snapshot()
    with pytest.raises(Conflict):
        demo.seed_demo()
    db.session.rollback()
    runner = world["app"].test_cli_runner()
    refused = runner.invoke(args=["seed-demo"])
    assert refused.exit_code != 0
    skipped = runner.invoke(args=["seed-demo", "--if-empty"])
    assert skipped.exit_code == 0, skipped.output
    assert demo.DEMO_LOGINS[0].email in skipped.output
    db.session.expire_all()
    assert _snapshot() == before


def test_the_world_is_the_same_in_every_database_and_never_dated_by_the_clock(
    world, tmp_path_factory
):
    first = _snapshot()
    other = _app(tmp_path_factory.mktemp("demo-b"))
    quiet_during_seed = [logging.getLogger(n) for n in ("temumodal.security", "marketplace.mail")]
    levels_before = [logger.level for logger in quiet_during_seed]
    with other.app_context():
        result = other.test_cli_runner().invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
        # The command quiets the audit and mail logs for its progress bar only.
        assert [logger.level for logger in quiet_during_seed] == levels_before
        assert "Bankable" in result.output and demo.DEMO_LOGINS[0].email in result.output
        second = _snapshot()
        db.session.remove()
        db.engine.dispose()
    assert second == first
    demo_now = demo.DEMO_NOW.replace(tzinfo=None)
    assert all(row[-1] == demo_now for row in first["audit"])
    assert all(e[14] <= demo_now for e in first["enterprises"])
    assert dt.date(2025, 1, 1) <= min(e[14] for e in first["enterprises"]).date()


# --- the showcase: every feature has something to look at ---------------------------------------
def _login_user(role: str, index: int = 0) -> User:
    email = [login.email for login in demo.DEMO_LOGINS if login.role == role][index]
    return account_services.find_user_by_email(email)


def test_a_share_of_published_enterprises_have_a_rendered_deck_and_documents(world):
    published = [e for e in _enterprises() if e.is_published]
    decks = list(db.session.scalars(select(Deck)))
    assert 0.05 <= len(decks) / len(published) <= 0.3
    assert {d.enterprise_id for d in decks} <= {e.id for e in published}
    for deck in decks:
        current = [v for v in deck.versions if v.is_current]
        assert len(current) == 1 and current[0].state == "ready"
        assert current[0].page_count == len(current[0].pages) >= 3
    documents = list(db.session.scalars(select(Document)))
    assert {d.enterprise_id for d in documents} == {d.enterprise_id for d in decks}
    assert all(d.mime == "application/pdf" and d.size < 100_000 for d in documents)
    assert world["summary"].showcase["decks"] == len(decks)


def test_the_demo_owner_has_data_room_requests_pending_accepted_and_declined(world):
    owner_enterprise = enterprise_services.enterprise_of(_login_user("owner"))
    statuses = Counter(
        r.status
        for r in db.session.scalars(
            select(AccessRequest).where(AccessRequest.enterprise_id == owner_enterprise.id)
        )
    )
    assert statuses["pending"] >= 1 and statuses["accepted"] >= 1 and statuses["declined"] >= 1
    investor = _login_user("investor")
    assert pitch_permissions.has_data_room_access(investor, owner_enterprise)


def test_the_demo_investor_has_a_shortlist_in_several_stages_with_notes(world):
    investor = _login_user("investor")
    entries = list(
        db.session.scalars(
            select(ShortlistEntry).where(ShortlistEntry.organisation_id == investor.organisation_id)
        )
    )
    stages = {e.stage for e in entries}
    assert len(stages) >= 5 and {"observing", "declined"} <= stages
    assert any(e.notes for e in entries)
    moved = [e for e in entries if e.stage == "committed"]
    assert [m.to_stage for m in moved[0].moves][-1] == "committed" and len(moved[0].moves) >= 4


def test_meeting_requests_wait_for_each_side_and_some_are_answered(world):
    investor = _login_user("investor")
    owner_enterprise = enterprise_services.enterprise_of(_login_user("owner"))
    meetings = list(db.session.scalars(select(MeetingRequest)))
    statuses = Counter(m.status for m in meetings)
    assert {"pending", "accepted", "countered", "declined"} <= set(statuses)
    assert any(
        m.status == "pending"
        and m.enterprise_id == owner_enterprise.id
        and m.organisation_id == investor.organisation_id
        for m in meetings
    )
    accepted = next(m for m in meetings if m.status == "accepted")
    assert accepted.chosen_start is not None


def test_three_events_past_upcoming_and_in_preparation(world):
    facilitator = _login_user("facilitator")
    investor = _login_user("investor")
    events = list(db.session.scalars(select(PitchEvent).order_by(PitchEvent.starts_on)))
    assert len(events) == 3
    past, upcoming, draft = events
    assert all(e.organisation_id == facilitator.organisation_id for e in events)

    assert past.starts_on < demo.DEMO_TODAY and past.status == "published"
    assert schedules.published_of(past).items
    assert judging.ranking(past)
    assert judging.feedback_for(past, enterprise_services.enterprise_of(_login_user("owner")).id)
    assert db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "judging.feedback_sent")
    )
    recorded = list(db.session.scalars(select(Outcome).where(Outcome.event_id == past.id)))
    assert {o.status for o in recorded} >= {"disbursed", "applied"}

    assert upcoming.starts_on > dt.date.today() and upcoming.status == "published"
    assert investor.id in {r.user_id for r in event_registrations.live_registrations(upcoming)}
    published = schedules.published_of(upcoming)
    assert any(investor.id in item.investor_ids for item in published.items)

    assert draft.starts_on > upcoming.starts_on and draft.status == "open"
    assert not event_services.has_schedule(draft)
    assert len(event_registrations.confirmed_invitations(draft)) >= 2
    assert event_registrations.live_registrations(draft)
    run = schedules.start_build(actor=facilitator, event=draft)
    assert run.status == "queued"
    db.session.rollback()


def test_the_logins_table_says_where_to_find_each_feature(world):
    table = demo.logins_table()
    for page in ("/shortlist", "/meetings", "/events"):
        assert page in table
    summary = demo.summary_text(world["summary"])
    assert "pitching events" in summary or "acara pitching" in summary


def _pages(world) -> dict[str, list[str]]:
    """The pages the logins table and the README send each demo login to."""
    events = list(db.session.scalars(select(PitchEvent).order_by(PitchEvent.starts_on)))
    past, upcoming, draft = (e.id for e in events)
    owner_enterprise = enterprise_services.enterprise_of(_login_user("owner")).id
    meeting = db.session.scalar(
        select(MeetingRequest.id).where(MeetingRequest.enterprise_id == owner_enterprise).limit(1)
    )
    return {
        "pendamping@ypuk.example.org": [
            "/events",
            f"/events/{past}",
            f"/events/{past}/ranking",
            f"/events/{past}/outcomes",
            f"/events/{upcoming}/schedule",
            f"/events/{draft}",
        ],
        "investor@brn-jatinegara.example.org": [
            "/shortlist",
            "/meetings",
            f"/meetings/{meeting}",
            f"/enterprises/{owner_enterprise}/deck",
            f"/enterprises/{owner_enterprise}/data-room",
            f"/events/{upcoming}/agenda",
        ],
        "pemilik@sarirasa.example.org": [
            f"/enterprises/{owner_enterprise}/data-room",
            f"/enterprises/{owner_enterprise}/activity",
            "/meetings",
            f"/meetings/{meeting}",
            f"/events/{past}/enterprises/{owner_enterprise}/feedback",
            f"/events/{upcoming}/enterprises/{owner_enterprise}/agenda",
        ],
    }


def test_every_page_the_tour_names_opens_for_its_login(world):
    app = world["app"]
    app.config["RATELIMIT_ENABLED"] = False
    client = app.test_client()
    for email, paths in _pages(world).items():
        response = client.post("/login", data={"email": email, "password": demo.DEMO_PASSWORD})
        assert response.status_code == 302, email
        for path in paths:
            assert client.get(path).status_code == 200, (email, path)
        client.post("/logout")
    db.session.rollback()
