"""The scheduler ranks a pair exactly as `/matches` does: for random enterprises and mandates,
built in the database, the match quality of the event's problem equals the score the investor's
match list shows (expired documents, the lowest stage as no minimum and the text terms
included)."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from marketplace import vocab
from marketplace.events import schedules, services
from marketplace.extensions import db
from marketplace.matching import services as matching_services
from marketplace.profiles import enterprises as enterprise_services
from marketplace.profiles.models import LegalDocument, MonthlyRevenue
from tests.events.conftest import event_data
from tests.matching.helpers import published

JT = 1_000_000
WORDS = ("keripik", "tempe", "batik", "kopi", "sambal", "rotan", "madu", "ikan", "tenun", "gula")
PROVINCES = ("32", "33", "73")


def random_enterprise(rng: random.Random, make, today: dt.date):
    """A published enterprise with random codes, documents (some expired), themes and text."""
    fields = {
        "sector": rng.choice(("food", "craft", "fashion")),
        "province_code": (province := rng.choice(PROVINCES)),
        "regency_code": f"{province}.01",
        "products": " ".join(rng.sample(WORDS, 2)),
        "description": " ".join(rng.sample(WORDS, 2)),
        "ask_amount": rng.choice((5 * JT, 25 * JT, 80 * JT, 400 * JT)),
        "ask_instruments": rng.sample(sorted(vocab.INSTRUMENTS), rng.randint(1, 3)),
        "founded_on": today - dt.timedelta(days=rng.choice((100, 800, 3000))),
        "employees": rng.choice((None, 2, 8, 30)),
        "keeps_books": rng.random() < 0.5,
        "has_bank_account": rng.random() < 0.5,
        "green": rng.random() < 0.3,
    }
    for theme in ("women_led", "disability_inclusive", "pkh_graduate"):
        fields[theme] = rng.random() < 0.5
        fields[f"share_{theme}"] = rng.random() < 0.5
    owner, enterprise = published(make, **fields)
    for kind in rng.sample(sorted(vocab.DOCUMENT_KINDS), rng.randint(0, 4)):
        # Expired documents count for nothing; scoring must agree on that everywhere.
        expires = rng.choice((None, today - dt.timedelta(days=30), today + dt.timedelta(days=90)))
        db.session.add(LegalDocument(enterprise=enterprise, kind=kind, expires_on=expires))
    for months_ago in range(rng.choice((0, 3, 12))):
        month = (today.replace(day=1) - dt.timedelta(days=31 * (months_ago + 1))).replace(day=1)
        db.session.add(
            MonthlyRevenue(enterprise=enterprise, month=month, amount=rng.randint(5, 60) * JT)
        )
    db.session.flush()
    # Publish again so the stored match card sees the documents and revenues.
    enterprise_services.publish_profile(actor=owner, enterprise=enterprise)
    db.session.commit()
    return enterprise


def random_investor(rng: random.Random, make):
    investor = make.investor()
    low = rng.choice((None, 10 * JT, 50 * JT))
    make.mandate(
        investor,
        investor_kind=rng.choice(sorted(vocab.INVESTOR_KINDS)),
        sectors=rng.sample(("food", "craft", "fashion"), rng.randint(0, 2)),
        provinces=rng.sample(PROVINCES, rng.randint(0, 2)),
        ticket_min=low,
        ticket_max=None if low is None else low * rng.choice((2, 10)),
        instruments=rng.sample(sorted(vocab.INSTRUMENTS), rng.randint(0, 4)),
        sharia_only=rng.random() < 0.2,
        impact_themes=rng.sample(sorted(vocab.IMPACT_THEMES), rng.randint(0, 2)),
        min_stage=rng.choice(sorted(vocab.STAGES)),
        thesis=" ".join(rng.sample(WORDS, 3)),
    )
    return investor


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_events_match_quality_equals_the_matches_score_for_random_pairs(db, make, seed):
    rng = random.Random(seed)
    today = dt.date.today()
    facilitator = make.facilitator()
    cohort = make.cohort(make.programme(facilitator))
    enterprises = [random_enterprise(rng, make, today) for _ in range(8)]
    for enterprise in enterprises:
        make.enrol(facilitator, enterprise, cohort=cohort)
    investors = [random_investor(rng, make) for _ in range(5)]
    db.session.commit()

    event = services.save_event(actor=facilitator, data=event_data(capacity=len(investors)))
    services.invite_cohort(actor=facilitator, event=event, cohort=cohort)
    for invitation in event.invitations:
        services.answer_invitation(
            actor=facilitator, invitation=invitation, attending=True, available_slots=None
        )
    for investor in investors:
        services.register_investor(actor=investor, event=event)
    db.session.commit()

    quality = schedules.build_problem(event).score
    compared = 0
    for investor in investors:
        mandate = matching_services.mandate_of(investor.organisation_id)
        listed = {
            m.enterprise.id: m.result.score
            for m in matching_services.matches_for_mandate(mandate=mandate, limit=100)
        }
        for enterprise in enterprises:
            # A pair the match list leaves out (a hard rule excludes it) has no match quality.
            assert quality.get((enterprise.id, investor.id), 0) == (listed.get(enterprise.id) or 0)
            compared += 1
    assert compared == len(enterprises) * len(investors)
    assert any(quality.values()), "the random world should hold some pairs that match"
