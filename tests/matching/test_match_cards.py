"""The match-card cache: one narrow row per published enterprise, kept by the outbox indexer,
read by the investor's match list instead of the profiles. Cards follow every change of a
profile, hold consented themes only, and rank exactly as the live cards would."""

from __future__ import annotations

import datetime as dt
import random

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.matching import card_store, decks, scoring, services
from marketplace.matching import cards as match_cards
from marketplace.matching.models import MatchCard
from marketplace.matching.search import indexing
from marketplace.profiles import enterprises as profile_services
from marketplace.profiles.models import Enterprise, LegalDocument, MentoringRecord, MonthlyRevenue
from tests.matching.helpers import published, published_ids

JT = 1_000_000


@pytest.fixture(params=[True, False], ids=["cached-columns", "sql-prefilter"])
def app_config(request):
    """Every test runs on both read paths of matches_for_mandate."""
    return {"MATCH_COLUMNS_CACHE": request.param}


def card_ids() -> set[int]:
    return set(db.session.scalars(sa.select(MatchCard.enterprise_id)))


def card_of(enterprise_id: int) -> MatchCard | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(MatchCard).where(MatchCard.enterprise_id == enterprise_id))


def live_ranking(spec: scoring.MandateSpec, limit: int = 20) -> list[scoring.MatchResult]:
    """The old path: every published profile loaded and its card computed now."""
    enterprises = db.session.scalars(
        sa.select(Enterprise).where(Enterprise.status == "published")
    ).all()
    texts = decks.deck_texts(session=db.session(), enterprise_ids=[e.id for e in enterprises])
    cards = [match_cards.enterprise_card(e, deck_text=texts.get(e.id, "")) for e in enterprises]
    return scoring.rank_enterprises(spec, cards, limit=limit)


# --- cards follow the profile ------------------------------------------------------------------
def test_cards_follow_publish_edit_unpublish_delete_and_reindex(make):
    owner_a, a = published(make, name="Keripik Bu Sri", ask_amount=20 * JT)
    owner_b, b = published(make, name="Batik Pak Joko", sector="fashion", products="Batik tulis")
    assert card_ids() == published_ids() == {a.id, b.id}
    card = card_of(a.id)
    assert (card.sector, card.ask_amount, card.instruments) == ("food", 20 * JT, ["kur"])
    assert card.computed_on == dt.date.today()
    assert "tempe" in card.text_terms

    profile_services.update_profile(
        actor=owner_a, enterprise=a, data={"products": "Sambal pedas", "ask_amount": 40 * JT}
    )
    db.session.commit()
    card = card_of(a.id)
    assert card.ask_amount == 40 * JT
    assert "sambal" in card.text_terms and "tempe" not in card.text_terms

    profile_services.unpublish_profile(actor=owner_b, enterprise=b)
    db.session.commit()
    assert card_ids() == published_ids() == {a.id}

    db.session.delete(a)
    db.session.commit()
    assert card_ids() == published_ids() == set()

    _, c = published(make, name="Warung Bu Tini", sector="retail")
    db.session.execute(sa.delete(MatchCard))  # cards lost, as after a restore from backup
    db.session.add(
        MatchCard(enterprise_id=make.enterprise().id, stage="bankable", computed_on=dt.date.today())
    )  # and a stale card of a draft
    db.session.commit()
    assert indexing.reindex() == 1
    assert card_ids() == published_ids() == {c.id}


def test_a_card_waits_for_the_indexer_and_never_shows_a_profile_unpublished_meanwhile(app, make):
    owner, first = published(make, name="Kopi Gayo", ask_amount=30 * JT)
    _, second = published(make, name="Kopi Toraja", ask_amount=30 * JT)
    mandate = make.mandate(make.investor(), instruments=["kur"], min_stage="belum_layak")
    db.session.commit()
    app.config["SEARCH_INDEXER"] = "worker"

    profile_services.unpublish_profile(actor=owner, enterprise=first)
    db.session.commit()

    assert card_ids() == {first.id, second.id}  # the outbox is not applied yet
    found = [m.enterprise.id for m in services.matches_for_mandate(mandate=mandate, limit=1)]
    assert found == [second.id]
    assert indexing.apply_outbox() == 1
    assert card_ids() == {second.id}


@pytest.mark.parametrize(
    ("attribute", "shared", "expected"),
    [
        ("women_led", False, []),
        ("women_led", True, ["women_led"]),
        ("pkh_graduate", False, []),
        ("pkh_graduate", True, ["pkh_graduate"]),
        ("disability_inclusive", False, []),
        ("disability_inclusive", True, ["disability_inclusive"]),
        ("green", False, ["green"]),  # not sensitive: no consent asked
    ],
)
def test_a_sensitive_theme_reaches_the_card_only_with_consent(make, attribute, shared, expected):
    fields = {attribute: True}
    if attribute != "green":
        fields[f"share_{attribute}"] = shared
    owner, enterprise = published(make, **fields)
    assert card_of(enterprise.id).impact_themes == expected

    if attribute != "green" and shared:  # withdrawing consent takes the theme off the card
        profile_services.update_profile(
            actor=owner, enterprise=enterprise, data={f"share_{attribute}": False}
        )
        db.session.commit()
        assert card_of(enterprise.id).impact_themes == []


def test_an_investor_looking_for_a_theme_never_learns_it_of_an_enterprise_that_did_not_consent(
    make,
):
    _, hidden = published(make, name="Usaha A", women_led=True, share_women_led=False)
    _, shown = published(make, name="Usaha B", women_led=True, share_women_led=True)
    mandate = make.mandate(
        make.investor(), instruments=["kur"], min_stage="belum_layak", impact_themes=["women_led"]
    )
    results = {m.enterprise.id: m.result for m in services.matches_for_mandate(mandate=mandate)}
    assert "impact_match" in {r.code for r in results[shown.id].reasons}
    assert "impact_match" not in {r.code for r in results[hidden.id].reasons}
    assert results[shown.id].score > results[hidden.id].score


# --- the same ranking as the live path ---------------------------------------------------------
SECTORS = ["food", "food", "craft", "fashion", "retail", "digital", "agriculture"]
PROVINCES = ["31", "32", "33", "52", "73"]
INSTRUMENT_SETS = [
    ["kur"],
    ["loan"],
    ["loan", "kur"],
    ["murabahah"],
    ["mudharabah", "loan"],
    ["equity"],
    ["revenue_share", "grant"],
    ["grant"],
]
WORDS = "keripik sambal kopi batik tenun organik ekspor digital aplikasi warung kue madu".split()


def seed_world(make, count: int = 50, seed: int = 4) -> None:
    """`count` enterprises published through the services, spread over every stage, ticket
    size, instrument mix, document set and theme (with and without consent). Commits."""
    rng = random.Random(seed)
    today = dt.date.today()
    for n in range(count):
        tier = n % 3  # 0 belum layak, 1 layak, 2 bankable (when the dice give what it needs)
        province = rng.choice(PROVINCES)
        fields = {
            "name": f"Usaha {n}",
            "sector": rng.choice(SECTORS),
            "legal_form": "perorangan",
            "province_code": province,
            "regency_code": f"{province}.01",
            "products": " ".join(rng.sample(WORDS, 3)),
            "ask_amount": rng.choice([3 * JT, 8 * JT, 25 * JT, 60 * JT, 140 * JT, 400 * JT]),
            "ask_instruments": rng.choice(INSTRUMENT_SETS),
            "women_led": rng.random() < 0.5,
            "share_women_led": rng.random() < 0.5,
            "pkh_graduate": rng.random() < 0.3,
            "share_pkh_graduate": rng.random() < 0.5,
            "green": rng.random() < 0.2,
        }
        documents: tuple[str, ...] = ()
        months = 0
        if tier >= 1:
            fields.update(
                owner_nik_encrypted="encrypted",
                founded_on=today - dt.timedelta(days=900),
                capital=50 * JT,
            )
            documents, months = ("nib",), 1
        if tier == 2:
            fields.update(
                keeps_books=True,
                has_bank_account=True,
                has_collateral=True,
                profit_last_year=12 * JT,
                annual_turnover=240 * JT,
            )
            documents, months = ("nib", "npwp", "spp_irt", "halal")[: rng.randint(2, 4)], 8
        owner = make.owner()
        enterprise = make.enterprise_of(owner)
        for name, value in fields.items():
            setattr(enterprise, name, value)
        for kind in documents:
            db.session.add(LegalDocument(enterprise=enterprise, kind=kind))
        month = today.replace(day=1)
        for _ in range(months):
            month = (month - dt.timedelta(days=1)).replace(day=1)
            db.session.add(MonthlyRevenue(enterprise=enterprise, month=month, amount=20 * JT))
        if tier == 2:
            db.session.add(
                MentoringRecord(
                    enterprise=enterprise,
                    programme_name="ACTION",
                    started_on=today - dt.timedelta(days=400),
                    completed_on=today - dt.timedelta(days=100),
                )
            )
        db.session.flush()
        profile_services.publish_profile(actor=owner, enterprise=enterprise)
        db.session.commit()


MANDATES = {
    "open": {"instruments": [], "ticket_min": None, "ticket_max": None, "min_stage": None},
    "kur bank in Java": {
        "investor_kind": "bank",
        "instruments": ["kur", "loan"],
        "provinces": ["31", "32", "33"],
        "ticket_min": 10 * JT,
        "ticket_max": 100 * JT,
        "min_stage": "layak",
    },
    "sharia food financier": {
        "investor_kind": "sharia_financier",
        "sharia_only": True,
        "instruments": ["murabahah", "mudharabah", "qard"],
        "sectors": ["food", "retail"],
        "ticket_min": 5 * JT,
        "ticket_max": 50 * JT,
        "min_stage": "belum_layak",
        "thesis": "keripik dan sambal halal",
    },
    "impact fund, bankable only": {
        "instruments": ["equity", "revenue_share"],
        "impact_themes": ["women_led", "green"],
        "ticket_min": 50 * JT,
        "ticket_max": 500 * JT,
        "min_stage": "bankable",
        "thesis": "organik ekspor",
    },
    "csr grants for pkh graduates": {
        "investor_kind": "csr_fund",
        "instruments": ["grant"],
        "impact_themes": ["pkh_graduate", "women_led"],
        "ticket_min": 2 * JT,
        "ticket_max": 30 * JT,
        "min_stage": None,
        "thesis": "warung kue",
    },
}


def test_the_match_list_ranks_exactly_as_live_cards_of_every_published_profile(make):
    seed_world(make)
    stages = {card.stage for card in db.session.scalars(sa.select(MatchCard))}
    # The world exercises bankable, layak and a stage below (a profile without sales or a
    # licence is a business idea, "embrio", since issue 14).
    assert {"layak", "bankable"} <= stages and stages & {"embrio", "belum_layak"}
    for name, fields in MANDATES.items():
        mandate = make.mandate(make.investor(), **fields)
        db.session.commit()
        expected = live_ranking(match_cards.mandate_spec(mandate), limit=20)

        got = services.matches_for_mandate(mandate=mandate, limit=20)

        assert expected, f"{name}: the mandate should match someone in the world"
        assert [m.result for m in got] == expected, name
        assert [m.enterprise.id for m in got] == [r.enterprise_id for r in expected], name


def test_the_list_follows_a_profile_change_made_after_it_was_first_read(make):
    owner, enterprise = published(make, name="Keripik Bu Sri", ask_amount=500 * JT)
    mandate = make.mandate(
        make.investor(), instruments=["kur"], ticket_max=100 * JT, min_stage="belum_layak"
    )
    db.session.commit()
    assert services.matches_for_mandate(mandate=mandate) == []  # far above the ticket range

    profile_services.update_profile(
        actor=owner, enterprise=enterprise, data={"ask_amount": 80 * JT}
    )
    db.session.commit()
    _, newcomer = published(make, name="Sambal Bu Ani", ask_amount=60 * JT)

    found = {m.enterprise.id for m in services.matches_for_mandate(mandate=mandate)}
    assert found == {enterprise.id, newcomer.id}

    profile_services.unpublish_profile(actor=owner, enterprise=enterprise)
    db.session.commit()
    found = {m.enterprise.id for m in services.matches_for_mandate(mandate=mandate)}
    assert found == {newcomer.id}


def test_cached_columns_refreshed_after_changes_equal_columns_read_afresh(app, make):
    people = [published(make, name=f"Usaha {n}", ask_amount=(n + 1) * 10 * JT) for n in range(6)]
    card_store.card_columns()  # cached from here on
    (owner_a, a), (owner_b, b), (_, c) = people[:3]
    profile_services.update_profile(actor=owner_a, enterprise=a, data={"ask_amount": 99 * JT})
    profile_services.unpublish_profile(actor=owner_b, enterprise=b)
    db.session.commit()
    db.session.delete(c)
    db.session.commit()
    _, d = published(make, name="Usaha Baru")

    refreshed = card_store.card_columns()
    app.extensions.pop(card_store._COLUMNS_KEY)  # forget the cache: read every card again
    afresh = card_store.card_columns()

    assert refreshed.cards == afresh.cards
    assert [card.id for card in refreshed.cards] == sorted(published_ids())
    assert {a.id, d.id} <= published_ids() and not {b.id, c.id} & published_ids()
    assert next(card for card in refreshed.cards if card.id == a.id).ask_amount == 99 * JT


# --- hard rules still exclude --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("enterprise_fields", "mandate_fields", "kept"),
    [
        # sharia-only: a conventional-only ask is out, one also taking a sharia contract is in
        (
            {"ask_instruments": ["loan", "kur"]},
            {"sharia_only": True, "instruments": ["qard"]},
            False,
        ),
        (
            {"ask_instruments": ["kur", "qard"]},
            {"sharia_only": True, "instruments": ["qard"]},
            True,
        ),
        # instrument offered or not
        ({"ask_instruments": ["equity"]}, {"instruments": ["grant"]}, False),
        ({"ask_instruments": ["equity"]}, {"instruments": ["musyarakah"]}, True),
        # ticket band: 0.5 x min .. 1.5 x max
        ({"ask_amount": 4 * JT}, {"ticket_min": 10 * JT, "ticket_max": 100 * JT}, False),
        ({"ask_amount": 5 * JT}, {"ticket_min": 10 * JT, "ticket_max": 100 * JT}, True),
        ({"ask_amount": 150 * JT}, {"ticket_min": 10 * JT, "ticket_max": 100 * JT}, True),
        ({"ask_amount": 151 * JT}, {"ticket_min": 10 * JT, "ticket_max": 100 * JT}, False),
        # readiness minimum: a fresh profile without NIK is belum layak
        ({}, {"min_stage": "layak"}, False),
        ({}, {"min_stage": "belum_layak"}, True),
    ],
)
def test_hard_rules_still_exclude(make, enterprise_fields, mandate_fields, kept):
    _, enterprise = published(make, **enterprise_fields)
    fields = {"instruments": ["kur", "qard", "equity"], "min_stage": None, **mandate_fields}
    mandate = make.mandate(make.investor(), **fields)
    db.session.commit()
    found = {m.enterprise.id for m in services.matches_for_mandate(mandate=mandate)}
    assert (enterprise.id in found) is kept


# --- documents held, as readiness decides ------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "number", "issued_on", "expires_on", "held"),
    [
        ("halal", "ID32110000012345", dt.date(2025, 3, 1), None, True),
        # A halal certificate has no expiry while the composition is unchanged.
        ("halal", "ID32110000012345", dt.date(2021, 3, 1), dt.date(2025, 3, 1), True),
        # A certificate recorded without number and issue date is a ticked box, not held.
        ("halal", None, None, None, False),
        ("spp_irt", "P-IRT 2063201010123-29", None, None, False),
        ("spp_irt", "P-IRT 2063201010123-29", dt.date(2024, 1, 5), dt.date(2029, 1, 5), True),
        ("spp_irt", "P-IRT 2063201010123-29", dt.date(2019, 1, 5), dt.date(2026, 12, 5), False),
        ("slhs", "SLHS 12/2026", dt.date(2026, 1, 5), dt.date(2029, 1, 5), True),
        ("nib", None, None, None, True),
    ],
)
def test_a_card_holds_the_documents_readiness_counts_as_held(
    make, kind, number, issued_on, expires_on, held
):
    today = dt.date(2026, 12, 6)
    _, enterprise = published(make)
    db.session.add(
        LegalDocument(
            enterprise=enterprise,
            kind=kind,
            number=number,
            issued_on=issued_on,
            expires_on=expires_on,
        )
    )
    db.session.commit()
    db.session.refresh(enterprise)

    card = match_cards.enterprise_card(enterprise, today=today)
    assessment = profile_services.assess(enterprise, today=today)

    assert (kind in card.documents) is held
    assert card.as_of == today
    if kind in ("halal", "spp_irt", "slhs"):
        item = assessment.item("halal" if kind == "halal" else "food_permit")
        assert item.met is held


def test_a_stored_card_keeps_the_day_it_is_true_of_for_the_halal_reason(make):
    _, enterprise = published(make, sector="food")
    indexing.reindex()
    spec = scoring.MandateSpec(
        organisation_id=1,
        name="m",
        kind="bank",
        sectors=frozenset(),
        provinces=frozenset(),
        ticket_min=None,
        ticket_max=None,
        instruments=frozenset(),
        sharia_only=False,
        impact_themes=frozenset(),
        min_stage=None,
    )

    stored = next(c for c in card_store.candidate_cards(spec=spec) if c.id == enterprise.id)

    assert stored.as_of == card_of(enterprise.id).computed_on
    live = match_cards.enterprise_card(enterprise, today=stored.as_of)
    assert scoring.score(stored, spec).reasons == scoring.score(live, spec).reasons


def test_a_web_worker_builds_its_columns_before_its_first_request(app, make):
    # deploy/gunicorn.conf.py calls warm() as each worker starts: the first /matches after a
    # worker is started or replaced finds the columns built.
    people = [published(make, name=f"Usaha {n}") for n in range(3)]
    app.extensions.pop(card_store._COLUMNS_KEY, None)
    assert card_store.warm(app) is True
    kept = app.extensions[card_store._COLUMNS_KEY]
    assert [card.id for card in kept.columns.cards] == sorted(e.id for _, e in people)
    assert card_store.card_columns() is kept.columns  # the first request reuses them


def test_a_worker_starting_before_the_database_is_migrated_still_starts(tmp_path, caplog):
    from marketplace import create_app

    empty = create_app(
        {
            "ENV_NAME": "testing",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.sqlite'}",
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
            "SEARCH_INDEX_DIR": str(tmp_path / "search-index"),
            "SEARCH_BACKEND": "whoosh",
        }
    )
    with caplog.at_level("WARNING", logger="marketplace.matching.card_store"):
        assert card_store.warm(empty) is False
    assert "match columns not built at start" in caplog.text
    assert card_store._COLUMNS_KEY not in empty.extensions
