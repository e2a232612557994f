"""The readiness assessment: size class, checklist and stage, financing routes, and their texts.

Cases sit at and around every threshold; each table row is one thing an enterprise owner or an
investor would read on the readiness page.
"""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import inspect
from collections.abc import Iterator

import pytest
from flask import Flask
from flask_babel import Babel
from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace import vocab
from marketplace.profiles import (
    readiness,
    readiness_facts,
    readiness_routes,
    readiness_social,
    readiness_text,
)
from marketplace.profiles.readiness import assess
from marketplace.profiles.readiness_facts import EnterpriseFacts, Reason

TODAY = dt.date(2026, 8, 17)
YESTERDAY = TODAY - dt.timedelta(days=1)
SIX_MONTHS_AGO = dt.date(2026, 2, 17)
TWELVE_MONTHS_AGO = dt.date(2025, 8, 17)
LONG_AGO = dt.date(2021, 3, 1)


def bankable(**changes: object) -> EnterpriseFacts:
    """A bankable retail warung asking Rp30 juta (no NPWP or collateral needed), then `changes`."""
    base = EnterpriseFacts(
        legal_form="perorangan",
        sector="retail",
        founded_on=LONG_AGO,
        capital=200_000_000,
        annual_turnover=700_000_000,
        profit_last_year=60_000_000,
        monthly_revenues=(55_000_000,) * 12,
        ask_amount=30_000_000,
        ask_instruments=frozenset({"kur"}),
        has_nik=True,
        documents={"nib": None},
        has_bank_account=True,
        keeps_books=True,
        mentoring_completed=True,
        in_programme=True,
    )
    return dataclasses.replace(base, **changes)


def reason_codes(reasons: tuple[Reason, ...]) -> list[str]:
    return [reason.code for reason in reasons]


# --- size class -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("capital", "expected"),
    [
        (0, "mikro"),
        (1_000_000_000, "mikro"),
        (1_000_000_001, "kecil"),
        (5_000_000_000, "kecil"),
        (5_000_000_001, "menengah"),
        (10_000_000_000, "menengah"),
        (10_000_000_001, "besar"),
    ],
)
def test_capital_alone_decides_the_size_class_at_the_pp_7_2021_bounds(capital, expected):
    size = assess(bankable(capital=capital, annual_turnover=None), today=TODAY).size
    assert (size.code, size.decided_by, size.disagree) == (expected, "capital", False)


@pytest.mark.parametrize(
    ("turnover", "expected"),
    [
        (2_000_000_000, "mikro"),
        (2_000_000_001, "kecil"),
        (15_000_000_000, "kecil"),
        (15_000_000_001, "menengah"),
        (50_000_000_000, "menengah"),
        (50_000_000_001, "besar"),
    ],
)
def test_turnover_alone_decides_the_size_class_at_the_pp_7_2021_bounds(turnover, expected):
    size = assess(bankable(capital=None, annual_turnover=turnover), today=TODAY).size
    assert (size.code, size.decided_by, size.disagree) == (expected, "turnover", False)


@pytest.mark.parametrize(
    ("capital", "turnover", "founded_on", "expected"),
    [
        # Capital says kecil, turnover says mikro.
        (2_000_000_000, 1_000_000_000, TWELVE_MONTHS_AGO, ("mikro", "turnover", True)),
        (
            2_000_000_000,
            1_000_000_000,
            TWELVE_MONTHS_AGO + dt.timedelta(days=1),
            ("kecil", "capital", True),
        ),
        (2_000_000_000, 1_000_000_000, None, ("kecil", "capital", True)),
        # Capital says mikro, turnover says menengah: an established business is classed by sales.
        (500_000_000, 20_000_000_000, LONG_AGO, ("menengah", "turnover", True)),
        (500_000_000, 20_000_000_000, SIX_MONTHS_AGO, ("mikro", "capital", True)),
        # Agreeing figures: no warning on the page.
        (500_000_000, 1_000_000_000, LONG_AGO, ("mikro", "turnover", False)),
        (500_000_000, 1_000_000_000, SIX_MONTHS_AGO, ("mikro", "capital", False)),
        # A young business with only a turnover is still classed by it.
        (None, 3_000_000_000, SIX_MONTHS_AGO, ("kecil", "turnover", False)),
        (None, None, LONG_AGO, (None, None, False)),
    ],
)
def test_when_capital_and_turnover_disagree_turnover_decides_after_12_months_of_trading(
    capital, turnover, founded_on, expected
):
    facts = bankable(capital=capital, annual_turnover=turnover, founded_on=founded_on)
    size = assess(facts, today=TODAY).size
    assert (size.code, size.decided_by, size.disagree) == expected


def test_size_class_keeps_what_each_figure_alone_would_say():
    facts = bankable(capital=2_000_000_000, annual_turnover=1_000_000_000)
    size = assess(facts, today=TODAY).size
    assert (size.by_capital, size.by_turnover) == ("kecil", "mikro")


# --- KUR bands and NPWP ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("ask", "fitting_kur"),
    [
        (1, ["kur_super_mikro"]),
        (10_000_000, ["kur_super_mikro"]),
        (10_000_001, ["kur_mikro"]),
        (100_000_000, ["kur_mikro"]),
        (100_000_001, ["kur_kecil"]),
        (500_000_000, ["kur_kecil"]),
        (500_000_001, []),
    ],
)
def test_the_ask_amount_picks_exactly_one_kur_band_up_to_500_million(ask, fitting_kur):
    facts = bankable(ask_amount=ask, documents={"nib": None, "npwp": None})
    verdicts = assess(facts, today=TODAY).routes
    assert [
        v.code for v in verdicts if v.code in readiness_facts.KUR_ROUTES and v.fits
    ] == fitting_kur


@pytest.mark.parametrize(
    ("ask", "documents", "route", "fits"),
    [
        (50_000_000, {"nib": None}, "kur_mikro", True),
        (50_000_001, {"nib": None}, "kur_mikro", False),
        (50_000_001, {"nib": None, "npwp": None}, "kur_mikro", True),
        (50_000_001, {"nib": None, "npwp": TODAY}, "kur_mikro", True),
        (50_000_001, {"nib": None, "npwp": YESTERDAY}, "kur_mikro", False),
        (100_000_001, {"nib": None}, "kur_kecil", False),
        (10_000_000, {"nib": None}, "kur_super_mikro", True),
    ],
)
def test_kur_above_50_million_needs_a_valid_npwp(ask, documents, route, fits):
    verdict = assess(bankable(ask_amount=ask, documents=documents), today=TODAY).route(route)
    assert verdict.fits is fits
    needs_npwp = Reason("npwp_required_above", {"threshold": 50_000_000})
    assert (needs_npwp in verdict.reasons) is (not fits)


def test_kur_kecil_names_the_npwp_even_when_the_ask_is_above_its_ceiling():
    verdict = assess(bankable(ask_amount=600_000_000), today=TODAY).route("kur_kecil")
    assert reason_codes(verdict.reasons) == ["ask_above_ceiling", "npwp_required_above"]


def test_kur_super_mikro_refusing_a_large_ask_does_not_mention_the_npwp():
    verdict = assess(bankable(ask_amount=60_000_000), today=TODAY).route("kur_super_mikro")
    assert reason_codes(verdict.reasons) == ["ask_above_ceiling"]
    assert verdict.reasons[0].params == {"ceiling": 10_000_000}


@pytest.mark.parametrize("route", readiness_facts.KUR_ROUTES)
def test_no_kur_route_fits_without_an_ask_amount(route):
    verdict = assess(bankable(ask_amount=None), today=TODAY).route(route)
    assert not verdict.fits
    assert "ask_missing" in reason_codes(verdict.reasons)


def test_a_large_business_is_refused_kur():
    facts = bankable(capital=None, annual_turnover=60_000_000_000)
    verdict = assess(facts, today=TODAY).route("kur_mikro")
    assert reason_codes(verdict.reasons) == ["kur_micro_small_only", "kur_turnover_above"]


def test_a_refused_kur_lists_every_reason_not_only_the_first():
    facts = EnterpriseFacts(mentoring_completed=True)
    verdict = assess(facts, today=TODAY).route("kur_mikro")
    assert reason_codes(verdict.reasons) == [
        "ask_missing",
        "nik_missing",
        "licence_missing",
        "founded_missing",
        "young_business_exception_super_mikro_only",
    ]


# --- six months of trading and the mentoring exception ---------------------------------------
@pytest.mark.parametrize(
    ("founded_on", "today", "trading"),
    [
        (SIX_MONTHS_AGO, TODAY, True),
        (SIX_MONTHS_AGO + dt.timedelta(days=1), TODAY, False),
        # Month ends clamp: 31 August minus six months is the last day of February.
        (dt.date(2026, 2, 28), dt.date(2026, 8, 31), True),
        (dt.date(2026, 3, 1), dt.date(2026, 8, 31), False),
        (dt.date(2024, 2, 29), dt.date(2024, 8, 31), True),
        (TODAY, TODAY, False),
    ],
)
def test_exactly_six_calendar_months_of_trading_counts_and_one_day_less_does_not(
    founded_on, today, trading
):
    facts = bankable(founded_on=founded_on, mentoring_completed=False, in_programme=False)
    result = assess(facts, today=today)
    assert result.route("kur_mikro").fits is trading
    assert result.item("trading_6_months").met is trading


YOUNG = SIX_MONTHS_AGO + dt.timedelta(days=1)


SUPPORT_FACTS = (
    "mentoring_completed",
    "in_programme",
    "in_training",
    "in_business_group",
    "family_member_business",
)


@pytest.mark.parametrize("support", [*SUPPORT_FACTS, None])
@pytest.mark.parametrize(
    ("route", "ask"),
    [("kur_super_mikro", 8_000_000), ("kur_mikro", 30_000_000), ("kur_kecil", 200_000_000)],
)
def test_young_business_support_lets_only_a_super_mikro_applicant_in(route, ask, support):
    """Permenko 1/2026: under 6 months of trading, KUR super-mikro takes a business that takes
    part in mentoring or training, belongs to a group or has a family member with a business."""
    facts = bankable(
        founded_on=YOUNG,
        ask_amount=ask,
        documents={"nib": None, "npwp": None},
        has_collateral=True,
        **{name: name == support for name in SUPPORT_FACTS},
    )
    verdict = assess(facts, today=TODAY).route(route)
    trading_codes = {
        "young_business_support_exception",
        "trading_under_months",
        "young_business_exception_super_mikro_only",
    }
    codes = [code for code in reason_codes(verdict.reasons) if code in trading_codes]
    if support is None:
        assert not verdict.fits
        assert codes == ["trading_under_months"]
    elif route == "kur_super_mikro":
        assert verdict.fits
        assert codes == ["young_business_support_exception"]
    else:
        assert not verdict.fits
        assert codes == ["trading_under_months", "young_business_exception_super_mikro_only"]


# --- UMi (PMK 130/2024) -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("changes", "fits", "why_not"),
    [
        # A fitting KUR no longer shuts UMi out: only a current programme credit does.
        ({"ask_amount": 5_000_000}, True, []),
        (
            {"ask_amount": 5_000_000, "current_programme_credit": True},
            False,
            ["umi_current_programme_credit"],
        ),
        ({"ask_amount": 20_000_000}, True, []),
        ({"ask_amount": 20_000_001}, False, ["ask_above_ceiling"]),
        ({"ask_amount": 5_000_000, "annual_turnover": 3_000_000_000}, False, ["size_not_allowed"]),
        ({"ask_amount": None}, False, ["ask_missing"]),
        ({"ask_amount": 5_000_000, "has_nik": False}, False, ["nik_missing"]),
        # Earlier commercial credit is a KUR rule, not a UMi one.
        ({"ask_amount": 5_000_000, "prior_commercial_credit": True}, True, []),
    ],
)
def test_umi_is_refused_only_while_on_a_government_programme_credit(changes, fits, why_not):
    verdict = assess(bankable(**changes), today=TODAY).route("umi")
    assert verdict.fits is fits
    if fits:
        assert reason_codes(verdict.reasons) == ["umi_non_bank_lenders"]
    else:
        assert reason_codes(verdict.reasons) == why_not


# --- Mekaar ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("women_led", "low_income", "pkh", "capital", "fits"),
    [
        (True, True, False, 50_000_000, True),
        (True, False, True, 50_000_000, True),
        (True, True, True, 50_000_000, True),
        (True, False, False, 50_000_000, False),
        (False, True, True, 50_000_000, False),
        (True, True, False, 1_000_000_001, False),
        (True, True, False, None, False),
        (False, False, False, 50_000_000, False),
    ],
)
def test_mekaar_is_for_women_led_micro_businesses_from_low_income_or_pkh_households(
    women_led, low_income, pkh, capital, fits
):
    facts = bankable(
        women_led=women_led,
        low_income_household=low_income,
        pkh_graduate=pkh,
        capital=capital,
        annual_turnover=None,
        ask_amount=5_000_000,
    )
    verdict = assess(facts, today=TODAY).route("mekaar")
    assert verdict.fits is fits
    assert ("mekaar_group_lending" in reason_codes(verdict.reasons)) is fits


def test_mekaar_refusal_lists_both_the_gender_and_the_income_reason():
    verdict = assess(bankable(), today=TODAY).route("mekaar")
    assert reason_codes(verdict.reasons) == [
        "not_women_led",
        "not_low_income",
        "mekaar_ask_above_range",
    ]


@pytest.mark.parametrize(
    ("ask", "fits"),
    [(2_000_000, True), (15_000_000, True), (25_000_000, True), (25_000_001, False), (None, True)],
)
def test_mekaar_refuses_asks_above_its_range(ask, fits):
    facts = bankable(women_led=True, low_income_household=True, ask_amount=ask)
    verdict = assess(facts, today=TODAY).route("mekaar")
    assert verdict.fits is fits
    assert ("mekaar_ask_above_range" in reason_codes(verdict.reasons)) is (not fits)


# --- LPDB -----------------------------------------------------------------------------------
@pytest.mark.parametrize("profit", [-1, 0, 1, None])
@pytest.mark.parametrize("legal_form", ["cv", "pt", "perorangan", "kube"])
def test_lpdb_fits_a_profitable_pt_or_cv(legal_form, profit):
    """LPDB: "berbadan hukum atau berbadan usaha" with a positive profit; a CV qualifies."""
    verdict = assess(bankable(legal_form=legal_form, profit_last_year=profit), today=TODAY).route(
        "lpdb"
    )
    entity = legal_form in {"pt", "cv"}
    assert verdict.fits is (entity and profit == 1)
    codes = reason_codes(verdict.reasons)
    assert ("lpdb_not_business_entity" in codes) is (not entity)
    assert ("profit_unknown" in codes) is (profit is None)
    assert ("not_profitable" in codes) is (profit is not None and profit <= 0)
    if verdict.fits:
        assert codes == ["lpdb_business_entity_profitable", "lpdb_cooperatives_first"]


@pytest.mark.parametrize(
    ("rat", "shu", "why_not"),
    [
        (True, True, []),
        (False, True, ["koperasi_rat_not_held"]),
        (True, False, ["koperasi_shu_not_positive"]),
        (False, False, ["koperasi_rat_not_held", "koperasi_shu_not_positive"]),
    ],
)
def test_lpdb_takes_a_koperasi_with_its_rat_held_and_a_positive_shu(rat, shu, why_not):
    # The cooperative's SHU decides, not the profit field.
    facts = bankable(
        legal_form="koperasi",
        profit_last_year=None,
        koperasi_rat_held=rat,
        koperasi_shu_positive=shu,
    )
    verdict = assess(facts, today=TODAY).route("lpdb")
    assert verdict.fits is (not why_not)
    if why_not:
        assert reason_codes(verdict.reasons) == why_not
    else:
        assert reason_codes(verdict.reasons) == ["lpdb_koperasi_rat_shu", "lpdb_cooperatives_first"]


# --- equity, revenue share, grant -------------------------------------------------------------
@pytest.mark.parametrize(
    ("changes", "fits", "why_not"),
    [
        ({"legal_form": "pt"}, True, []),
        ({"legal_form": "cv"}, False, ["equity_needs_pt"]),
        ({"legal_form": None}, False, ["legal_form_missing"]),
        ({"legal_form": "pt", "has_nik": False}, False, ["stage_below"]),
        ({"legal_form": "koperasi", "has_nik": False}, False, ["equity_needs_pt", "stage_below"]),
        # Layak but not bankable is enough for equity.
        ({"legal_form": "pt", "keeps_books": False}, True, []),
    ],
)
def test_equity_needs_a_pt_at_least_at_stage_layak(changes, fits, why_not):
    verdict = assess(bankable(**changes), today=TODAY).route("equity")
    assert verdict.fits is fits
    if not fits:
        assert reason_codes(verdict.reasons) == why_not


@pytest.mark.parametrize(
    ("changes", "fits", "why_not"),
    [
        ({}, True, []),
        ({"monthly_revenues": (1,) * 6}, True, []),
        ({"monthly_revenues": (1,) * 5}, False, ["revenue_history_short"]),
        ({"keeps_books": False}, False, ["no_bookkeeping"]),
        (
            {"keeps_books": False, "monthly_revenues": (), "has_nik": False},
            False,
            ["no_bookkeeping", "revenue_history_short", "stage_below"],
        ),
    ],
)
def test_revenue_share_needs_books_and_six_months_of_revenue(changes, fits, why_not):
    verdict = assess(bankable(**changes), today=TODAY).route("revenue_share")
    assert verdict.fits is fits
    if not fits:
        assert reason_codes(verdict.reasons) == why_not


@pytest.mark.parametrize(
    ("changes", "fits"),
    [
        ({}, True),
        ({"in_programme": False}, True),
        ({"mentoring_completed": False}, True),
        ({"in_programme": False, "mentoring_completed": False}, False),
        ({"capital": 5_000_000_000, "annual_turnover": None}, True),
        ({"capital": 5_000_000_001, "annual_turnover": None}, False),
        ({"capital": None, "annual_turnover": None}, False),
    ],
)
def test_grants_go_to_micro_and_small_businesses_in_a_programme(changes, fits):
    assert assess(bankable(**changes), today=TODAY).route("grant").fits is fits


# --- checklist and stage --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("changes", "stage"),
    [
        ({}, "bankable"),
        ({"has_nik": False}, "belum_layak"),
        ({"documents": {}}, "belum_layak"),
        ({"documents": {"sku": TODAY}}, "bankable"),
        ({"documents": {"sku": YESTERDAY}}, "belum_layak"),
        ({"monthly_revenues": (0, 0, 0)}, "belum_layak"),
        ({"founded_on": YOUNG, "mentoring_completed": False, "in_programme": False}, "belum_layak"),
        ({"founded_on": YOUNG, "mentoring_completed": False}, "bankable"),
        ({"founded_on": YOUNG}, "bankable"),
        ({"in_programme": False, "mentoring_completed": False}, "layak"),
        ({"mentoring_completed": False}, "bankable"),
        ({"keeps_books": False}, "layak"),
        ({"has_bank_account": False}, "layak"),
        ({"monthly_revenues": (1,) * 6}, "bankable"),
        ({"monthly_revenues": (1,) * 5}, "layak"),
        ({"profit_last_year": 0}, "layak"),
        ({"profit_last_year": None}, "layak"),
        ({"ask_amount": 50_000_001}, "layak"),
        ({"ask_amount": 50_000_001, "documents": {"nib": None, "npwp": None}}, "bankable"),
        ({"ask_amount": 150_000_000, "documents": {"nib": None, "npwp": None}}, "layak"),
        (
            {
                "ask_amount": 150_000_000,
                "documents": {"nib": None, "npwp": None},
                "has_collateral": True,
            },
            "bankable",
        ),
        ({"ask_amount": None}, "layak"),
        ({"sector": "food"}, "layak"),
        ({"sector": "food", "documents": {"nib": None, "spp_irt": None}}, "bankable"),
        ({"sector": "food", "documents": {"nib": None, "halal": None}}, "layak"),
        ({"sector": "food", "documents": {"nib": None, "spp_irt": YESTERDAY}}, "layak"),
        ({"has_nik": False, "keeps_books": False}, "belum_layak"),
    ],
)
def test_the_stage_is_the_lowest_level_with_an_unmet_applicable_item(changes, stage):
    assert assess(bankable(**changes), today=TODAY).stage == stage


@pytest.mark.parametrize(
    ("item", "ask", "not_applicable"),
    [
        ("npwp", 50_000_000, True),
        ("npwp", 50_000_001, False),
        ("npwp", None, False),
        ("collateral", 100_000_000, True),
        ("collateral", 100_000_001, False),
        ("collateral", None, False),
    ],
)
def test_npwp_and_collateral_apply_only_above_their_ask_thresholds(item, ask, not_applicable):
    assert assess(bankable(ask_amount=ask), today=TODAY).item(item).not_applicable is (
        not_applicable
    )


def test_the_food_permit_applies_only_in_food_sectors():
    assert assess(bankable(sector="retail"), today=TODAY).item("food_permit").not_applicable
    assert assess(bankable(sector=None), today=TODAY).item("food_permit").not_applicable
    assert not assess(bankable(sector="food"), today=TODAY).item("food_permit").not_applicable


def test_every_checklist_item_has_a_5c_dimension_and_a_level():
    checklist = assess(bankable(), today=TODAY).checklist
    assert {item.dimension for item in checklist} == {
        "character",
        "capacity",
        "capital",
        "collateral",
        "condition",
    }
    assert {item.level for item in checklist} == {"usaha", "layak", "bankable"}
    assert len({item.code for item in checklist}) == len(checklist)


@pytest.mark.parametrize(
    ("documents", "met", "next_step"),
    [
        ({"nib": None}, True, Reason("register_nib")),
        ({"sku": TODAY}, True, Reason("register_nib")),
        (
            {"sku": YESTERDAY},
            False,
            Reason("renew_document", {"document": "sku", "expired_on": YESTERDAY}),
        ),
        ({"sku": YESTERDAY, "nib": None}, True, None),
        ({}, False, Reason("register_nib")),
    ],
)
def test_an_expired_licence_counts_as_not_held_and_the_next_step_is_to_renew_it(
    documents, met, next_step
):
    item = assess(bankable(documents=documents), today=TODAY).item("business_licence")
    assert item.met is met
    if not met:
        assert item.next_step == next_step


def test_an_expired_sku_is_named_in_the_kur_refusal():
    verdict = assess(bankable(documents={"sku": YESTERDAY}), today=TODAY).route("kur_mikro")
    assert verdict.reasons == (
        Reason("licence_expired", {"document": "sku", "expired_on": YESTERDAY}),
    )


def test_a_young_business_is_told_the_date_it_reaches_six_months():
    founded = dt.date(2026, 3, 31)
    item = assess(bankable(founded_on=founded, mentoring_completed=False), today=TODAY).item(
        "trading_6_months"
    )
    assert item.next_step.params["ready_on"] == dt.date(2026, 9, 30)


def test_an_attestation_is_shown_beside_a_met_item_but_never_makes_an_item_met():
    attestation = ("Ibu Sari (pendamping)", dt.date(2026, 7, 1))
    facts = bankable(
        keeps_books=False,
        attestations={"bookkeeping": attestation, "bank_account": attestation},
    )
    result = assess(facts, today=TODAY)
    assert result.item("bank_account").attested == attestation
    assert result.item("bookkeeping").met is False
    assert result.item("bookkeeping").attested is None
    assert result.stage == "layak"


@pytest.mark.parametrize(
    "changes",
    [
        {"capital": -1},
        {"annual_turnover": -1},
        {"monthly_revenues": (10, -1)},
        {"ask_amount": 0},
        {"legal_form": "firma"},
        {"documents": {"passport": None}},
        {"ask_instruments": frozenset({"bitcoin"})},
    ],
)
def test_facts_that_cannot_be_true_are_refused_before_assessment(changes):
    with pytest.raises(ValueError):
        bankable(**changes)


# --- verdict shape --------------------------------------------------------------------------
def test_there_is_one_verdict_per_route_in_vocabulary_order_each_with_a_reason():
    for facts in SAMPLE_FACTS:
        routes = assess(facts, today=TODAY).routes
        assert [verdict.code for verdict in routes] == list(vocab.ROUTES)
        assert all(verdict.reasons for verdict in routes)


# --- texts ----------------------------------------------------------------------------------
SAMPLE_FACTS = [
    EnterpriseFacts(),
    EnterpriseFacts(mentoring_completed=True, sector="food", legal_form="cv", profit_last_year=-5),
    bankable(),
    bankable(ask_amount=5_000_000, documents={"sku": YESTERDAY}, women_led=True, pkh_graduate=True),
    bankable(ask_amount=200_000_000, legal_form="pt", founded_on=YOUNG),
    bankable(ask_amount=600_000_000, capital=None, annual_turnover=60_000_000_000),
    bankable(ask_amount=15_000_000, legal_form="koperasi", sector="food"),
    bankable(
        ask_amount=60_000_000,
        documents={"nib": None, "npwp": YESTERDAY, "bpom": YESTERDAY},
        sector="food",
        monthly_revenues=(0,),
        founded_on=YOUNG,
        mentoring_completed=False,
        profit_last_year=None,
        legal_form=None,
    ),
]


@pytest.fixture
def english() -> Iterator[None]:
    app = Flask(__name__)
    Babel(app, default_locale="en")
    with app.test_request_context():
        yield


def _produced_reasons(facts: EnterpriseFacts) -> Iterator[Reason]:
    result = assess(facts, today=TODAY)
    for verdict in result.routes:
        yield from verdict.reasons
    for item in result.checklist:
        yield item.next_step
    yield from result.embryo_steps
    for social_item in readiness_social.social_checklist(facts, themes=frozenset()).items:
        yield social_item.next_step


def _reason_codes_in_source() -> set[str]:
    """Every literal code passed to Reason(...) in the readiness rules' modules."""
    modules = (readiness, readiness_facts, readiness_routes, readiness_social)
    trees = [ast.parse(inspect.getsource(module)) for module in modules]
    return {
        node.args[0].value
        for tree in trees
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "Reason"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }


def test_every_reason_code_in_the_rules_has_a_sentence():
    codes = _reason_codes_in_source()
    assert len(codes) > 40
    assert codes - set(readiness_text.MESSAGES) == set()
    # And no sentence is left over from a code the rules no longer produce.
    assert set(readiness_text.MESSAGES) - codes == set()


@pytest.mark.usefixtures("english")
def test_every_produced_reason_renders_as_a_full_english_sentence():
    rendered: set[str] = set()
    for facts in SAMPLE_FACTS:
        for reason in _produced_reasons(facts):
            text = readiness_text.reason_text(reason)
            assert text and "%(" not in text and "None" not in text
            rendered.add(reason.code)
    # The samples reach most codes; the AST test above covers the rest.
    assert len(rendered) >= 35


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(
    ("reason", "text"),
    [
        (
            Reason("npwp_required_above", {"threshold": 50_000_000}),
            "KUR above Rp50 million needs an NPWP",
        ),
        (
            Reason("ask_within_ceiling", {"ask": 30_000_000, "ceiling": 100_000_000}),
            "Your ask of Rp30,000,000 is within the Rp100 million limit",
        ),
        (
            Reason("renew_document", {"document": "sku", "expired_on": dt.date(2026, 8, 16)}),
            "Renew your Surat Keterangan Usaha (business letter): it expired on 16 August 2026",
        ),
        (
            Reason("kur_turnover_above", {"threshold": 4_800_000_000}),
            "KUR is for businesses with an annual turnover of at most Rp4.8 billion "
            "(Permenko Perekonomian 1/2026)",
        ),
        (
            Reason("halal_overdue", {"since": dt.date(2026, 10, 18)}),
            "Overdue: halal certification has been mandatory for food and drink since "
            "18 October 2026. Apply via SIHALAL (ptsp.halal.go.id); eligible micro businesses "
            "can self-declare for free",
        ),
        (
            Reason("not_profitable", {"profit": -1_500_000}),
            "LPDB needs a profit; last year's result was -Rp1,500,000",
        ),
        (Reason("register_nib"), "Register your business for an NIB at oss.go.id"),
    ],
)
def test_reasons_render_money_dates_and_codes_in_the_users_words(reason, text):
    assert readiness_text.reason_text(reason) == text


@pytest.mark.usefixtures("english")
def test_every_unmet_item_says_what_to_do_and_a_met_item_says_nothing():
    for item in assess(EnterpriseFacts(sector="food", ask_amount=1), today=TODAY).checklist:
        text = readiness_text.next_step_text(item)
        assert bool(text) is (not item.met and not item.not_applicable)
    for item in assess(bankable(), today=TODAY).checklist:
        assert readiness_text.next_step_text(item) == ""


@pytest.mark.usefixtures("english")
def test_every_item_route_and_dimension_has_a_label():
    for item in assess(bankable(), today=TODAY).checklist:
        assert readiness_text.item_label(item.code) != item.code
        assert readiness_text.dimension_label(item.dimension) != item.dimension
    assert set(readiness_text.ITEM_LABELS) == {
        item.code for item in assess(bankable(), today=TODAY).checklist
    }
    for code in vocab.ROUTES:
        assert readiness_text.route_label(code) != code


# --- properties over arbitrary facts -----------------------------------------------------------
money = st.one_of(st.none(), st.integers(min_value=0, max_value=60_000_000_000))
facts_strategy = st.builds(
    EnterpriseFacts,
    legal_form=st.one_of(st.none(), st.sampled_from(sorted(vocab.LEGAL_FORMS))),
    sector=st.one_of(st.none(), st.sampled_from(sorted(vocab.SECTORS))),
    founded_on=st.one_of(st.none(), st.dates(min_value=dt.date(2000, 1, 1), max_value=TODAY)),
    capital=money,
    annual_turnover=money,
    profit_last_year=st.one_of(st.none(), st.integers(-(10**9), 10**9)),
    monthly_revenues=st.lists(st.integers(0, 10**9), max_size=14).map(tuple),
    ask_amount=st.one_of(st.none(), st.integers(min_value=1, max_value=700_000_000)),
    has_nik=st.booleans(),
    documents=st.dictionaries(
        st.sampled_from(sorted(vocab.DOCUMENT_KINDS)),
        st.one_of(st.none(), st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 31))),
    ),
    has_bank_account=st.booleans(),
    keeps_books=st.booleans(),
    has_collateral=st.booleans(),
    women_led=st.booleans(),
    low_income_household=st.booleans(),
    pkh_graduate=st.booleans(),
    mentoring_completed=st.booleans(),
    in_programme=st.booleans(),
    in_training=st.booleans(),
    in_business_group=st.booleans(),
    family_member_business=st.booleans(),
    prior_commercial_credit=st.booleans(),
    current_programme_credit=st.booleans(),
    koperasi_rat_held=st.booleans(),
    koperasi_shu_positive=st.booleans(),
    graduated_from=st.one_of(st.none(), st.sampled_from(sorted(vocab.ASSISTANCE_PROGRAMMES))),
)


@settings(max_examples=300, database=None, deadline=None)
@given(facts=facts_strategy)
def test_any_enterprise_gets_explained_verdicts_and_a_stage_its_checklist_supports(facts):
    result = assess(facts, today=TODAY)
    assert all(verdict.reasons for verdict in result.routes)
    fitting_kur = [v for v in result.routes if v.code in readiness_facts.KUR_ROUTES and v.fits]
    assert len(fitting_kur) <= 1
    assert not (facts.current_programme_credit and result.route("umi").fits)
    if fitting_kur:
        assert result.size.code in (None, "mikro", "kecil")
        assert (facts.annual_turnover or 0) <= readiness_facts.KUR_MAX_TURNOVER
        assert not facts.prior_commercial_credit
    unmet = {item.level for item in result.checklist if item.counts and not item.met}
    expected = (
        "embrio"
        if "usaha" in unmet
        else "belum_layak"
        if "layak" in unmet
        else "layak"
        if unmet
        else "bankable"
    )
    assert bool(result.embryo_steps) is (result.stage == "embrio")
    assert result.stage == expected
    app = Flask(__name__)
    Babel(app, default_locale="en")
    with app.test_request_context():
        for reason in _produced_reasons(facts):
            assert "%(" not in readiness_text.reason_text(reason)


# --- 2026 rules (issue 14) ---------------------------------------------------------------------
HALAL_DAY = dt.date(2026, 10, 18)


def food(**changes: object) -> EnterpriseFacts:
    """A bankable micro food business with its SPP-IRT, then `changes`."""
    return bankable(sector="food", documents={"nib": None, "spp_irt": None}, **changes)


@pytest.mark.parametrize(
    ("today", "halal_held", "applies", "step", "stage"),
    [
        # PP 42/2024 art. 160: mandatory for micro and small food businesses from 18 October 2026.
        (HALAL_DAY - dt.timedelta(days=1), False, False, "get_halal_before", "bankable"),
        (HALAL_DAY, False, True, "halal_overdue", "layak"),
        (HALAL_DAY + dt.timedelta(days=1), False, True, "halal_overdue", "layak"),
        (dt.date(2026, 12, 5), False, True, "halal_overdue", "layak"),
        (HALAL_DAY, True, True, "halal_overdue", "bankable"),
    ],
)
def test_halal_is_overdue_for_a_food_business_from_18_october_2026(
    today, halal_held, applies, step, stage
):
    documents = {"nib": None, "spp_irt": None} | ({"halal": None} if halal_held else {})
    result = assess(bankable(sector="food", documents=documents), today=today)
    item = result.item("halal")
    assert item.not_applicable is (not applies)
    assert item.met is halal_held
    assert item.next_step.code == step
    assert result.stage == stage


def test_halal_was_mandatory_for_medium_food_businesses_from_2024():
    facts = food(capital=None, annual_turnover=20_000_000_000)
    item = assess(facts, today=dt.date(2026, 8, 17)).item("halal")
    assert not item.not_applicable
    assert item.next_step == Reason("halal_overdue", {"since": dt.date(2024, 10, 18)})


def test_a_halal_certificate_does_not_expire_while_the_composition_is_unchanged():
    facts = bankable(sector="food", documents={"nib": None, "spp_irt": None, "halal": YESTERDAY})
    assert assess(facts, today=dt.date(2026, 12, 5)).item("halal").met


@pytest.mark.parametrize(
    ("documents", "met"),
    [
        ({"nib": None, "spp_irt": None}, True),
        ({"nib": None, "bpom": None}, True),
        ({"nib": None, "slhs": None}, True),
        ({"nib": None, "halal": None}, False),  # halal is a separate obligation
        ({"nib": None}, False),
    ],
)
def test_the_food_safety_permit_is_spp_irt_bpom_or_slhs(documents, met):
    result = assess(bankable(sector="food", documents=documents), today=TODAY)
    assert result.item("food_permit").met is met
    if not met:
        assert result.item("food_permit").next_step.code == "get_food_safety_permit"


@pytest.mark.parametrize(
    ("turnover", "fits"),
    [(4_800_000_000, True), (4_800_000_001, False), (None, True)],
)
def test_kur_takes_a_turnover_up_to_4_8_miliar_exactly(turnover, fits):
    # Capital decides the size (mikro), so only the KUR turnover ceiling can refuse.
    facts = bankable(founded_on=YOUNG, annual_turnover=turnover, capital=500_000_000)
    facts = dataclasses.replace(facts, ask_amount=8_000_000)
    verdict = assess(facts, today=TODAY).route("kur_super_mikro")
    assert verdict.fits is fits
    assert ("kur_turnover_above" in reason_codes(verdict.reasons)) is (not fits)


@pytest.mark.parametrize(
    ("capital", "size", "fits"),
    [
        (1_000_000_000, "mikro", True),
        (5_000_000_000, "kecil", True),
        (5_000_000_001, "menengah", False),
        (10_000_000_001, "besar", False),
    ],
)
def test_kur_refuses_menengah_as_well_as_besar(capital, size, fits):
    facts = bankable(capital=capital, annual_turnover=None)
    result = assess(facts, today=TODAY)
    assert result.size.code == size
    verdict = result.route("kur_mikro")
    assert verdict.fits is fits
    if not fits:
        assert Reason("kur_micro_small_only", {"size": size}) in verdict.reasons


@pytest.mark.parametrize(("prior", "fits"), [(False, True), (True, False)])
def test_kur_refuses_an_applicant_with_earlier_commercial_productive_credit(prior, fits):
    verdict = assess(bankable(prior_commercial_credit=prior), today=TODAY).route("kur_mikro")
    assert verdict.fits is fits
    assert ("kur_prior_commercial_credit" in reason_codes(verdict.reasons)) is prior


@pytest.mark.parametrize(
    ("route", "ask", "bpjs"),
    [
        ("kur_super_mikro", 5_000_000, False),
        ("kur_mikro", 30_000_000, False),
        ("kur_kecil", 200_000_000, True),
    ],
)
def test_a_fitting_kur_names_its_cost_kur_syariah_and_what_the_bank_will_ask(route, ask, bpjs):
    facts = bankable(ask_amount=ask, documents={"nib": None, "npwp": None}, has_collateral=True)
    verdict = assess(facts, today=TODAY).route(route)
    assert verdict.fits
    codes = reason_codes(verdict.reasons)
    assert Reason("kur_flat_rate_repeatable", {"rate": 6}) in verdict.reasons
    assert "kur_syariah_too" in codes and "bank_asks_age_or_married" in codes
    assert ("bank_asks_bpjs_ketenagakerjaan" in codes) is bpjs


@pytest.mark.parametrize(
    ("legal_form", "code"),
    [
        ("perorangan", "activate_nik_as_npwp"),
        ("cv", "register_npwp"),
        ("pt", "register_npwp"),
    ],
)
def test_the_npwp_step_for_an_individual_is_activating_the_nik(legal_form, code):
    facts = bankable(legal_form=legal_form, ask_amount=60_000_000)
    assert assess(facts, today=TODAY).item("npwp").next_step.code == code


@pytest.mark.usefixtures("english")
def test_private_reasons_are_worded_neutrally_for_viewers_who_may_not_read_them():
    reason = Reason("umi_current_programme_credit")
    assert "SIKP" in readiness_text.visible_reason_text(reason, private_ok=True)
    hidden = readiness_text.visible_reason_text(reason, private_ok=False)
    assert "SIKP" not in hidden and "credit" not in hidden
