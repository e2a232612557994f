"""Issue 14's routes: the business-idea stage (embrio usaha), graduation from social assistance,
and the social-investment readiness checklist (SEDAYA) beside the bank's checklist."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from flask import Flask
from flask_babel import Babel

from marketplace import vocab
from marketplace.profiles import readiness_facts, readiness_text
from marketplace.profiles.readiness import assess, embryo_steps
from marketplace.profiles.readiness_facts import EnterpriseFacts, Reason
from marketplace.profiles.readiness_social import social_checklist

TODAY = dt.date(2026, 12, 6)
LONG_AGO = dt.date(2021, 3, 1)


def idea(**changes: object) -> EnterpriseFacts:
    """A woman's snack idea: owner and NIK known, nothing sold and no licence yet."""
    base = EnterpriseFacts(
        legal_form="perorangan",
        sector="food",
        has_nik=True,
        women_led=True,
        capital=3_000_000,
        ask_amount=5_000_000,
    )
    return dataclasses.replace(base, **changes)


def social(**changes: object) -> EnterpriseFacts:
    """A pre-bankable business that meets every social-investment item, then `changes`."""
    base = EnterpriseFacts(
        legal_form="perorangan",
        sector="craft",
        founded_on=LONG_AGO,
        monthly_revenues=(3_000_000,) * 3,
        ask_amount=15_000_000,
        has_nik=True,
        documents={"nib": None},
        keeps_books=True,
        has_bank_account=True,
        owner_named=True,
        in_business_group=True,
        use_of_funds="Mesin jahit kedua dan kain untuk tiga bulan",
    )
    return dataclasses.replace(base, **changes)


@pytest.fixture
def english():
    app = Flask(__name__)
    Babel(app, default_locale="en")
    with app.test_request_context():
        yield


# --- the embryo stage ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("changes", "stage"),
    [
        ({}, "embrio"),
        ({"monthly_revenues": (0, 0)}, "embrio"),  # months entered, nothing sold yet
        ({"documents": {"sku": dt.date(2026, 12, 5)}}, "embrio"),  # an expired SKU: no licence
        ({"founded_on": LONG_AGO}, "embrio"),  # a date alone shows no business
        ({"monthly_revenues": (1,)}, "belum_layak"),  # one rupiah of sales: a business
        ({"documents": {"nib": None}}, "belum_layak"),  # an NIB: a business
        ({"documents": {"sku": TODAY}}, "belum_layak"),  # an SKU valid through today
        # Issue 13: a year's turnover (or a profit) is evidence of sales without monthly rows.
        ({"annual_turnover": 120_000_000}, "belum_layak"),
        ({"profit_last_year": 10_000_000}, "belum_layak"),
        ({"annual_turnover": 0}, "embrio"),  # a turnover of zero shows nothing sold
        ({"profit_last_year": -1_000_000}, "embrio"),  # a loss alone shows no sales
    ],
)
def test_an_idea_is_an_embryo_until_it_sells_or_holds_a_licence(changes, stage):
    assert assess(idea(**changes), today=TODAY).stage == stage


def test_an_owner_with_an_annual_turnover_is_not_told_nothing_was_sold():
    # The stranger test: Rp120 jt a year, founded 2021, 4 staff, no monthly rows, no licence.
    facts = idea(annual_turnover=120_000_000, founded_on=LONG_AGO, employees=4)
    result = assess(facts, today=TODAY)
    assert result.stage == "belum_layak"
    assert Reason("embryo_first_sales") not in embryo_steps(facts, today=TODAY)
    # Banks still want month-by-month figures: that item stays open at the layak level.
    revenue = next(item for item in result.checklist if item.code == "revenue_recorded")
    assert not revenue.met


def test_the_embryo_stage_comes_before_not_yet_eligible():
    assert list(vocab.STAGES)[0] == "embrio"
    assert vocab.STAGE_ORDER["embrio"] < vocab.STAGE_ORDER["belum_layak"]


@pytest.mark.parametrize(
    ("changes", "steps"),
    [
        ({}, ["embryo_first_sales", "embryo_register_nib", "embryo_join_training"]),
        ({"in_training": True}, ["embryo_first_sales", "embryo_register_nib"]),
        (
            {"in_business_group": True, "has_nik": False},
            ["embryo_first_sales", "embryo_register_nib", "record_nik"],
        ),
        (
            {"in_programme": True, "graduated_from": "pkh", "graduated_on": dt.date(2026, 3, 1)},
            ["embryo_first_sales", "embryo_register_nib", "embryo_graduate_referral"],
        ),
    ],
)
def test_an_embryo_is_told_what_it_needs_to_become_a_business(changes, steps):
    result = assess(idea(**changes), today=TODAY)
    assert [step.code for step in result.embryo_steps] == steps


def test_a_business_gets_no_embryo_steps():
    assert assess(idea(monthly_revenues=(500_000,)), today=TODAY).embryo_steps == ()


# --- graduation ------------------------------------------------------------------------------
@pytest.mark.parametrize("programme", sorted(vocab.ASSISTANCE_PROGRAMMES))
def test_a_graduate_counts_as_low_income_for_mekaar_and_is_told_what_graduation_opens(programme):
    facts = idea(monthly_revenues=(2_000_000,), graduated_from=programme)
    result = assess(facts, today=TODAY)
    mekaar = result.route("mekaar")
    assert mekaar.fits
    assert Reason("graduation_opens", {"programme": programme}) in mekaar.reasons
    # UMi fits too (micro, ask within Rp20 jt, NIK): it names graduation as well.
    assert Reason("graduation_opens", {"programme": programme}) in result.route("umi").reasons


def test_without_graduation_mekaar_still_needs_a_low_income_household():
    result = assess(idea(monthly_revenues=(2_000_000,)), today=TODAY)
    assert "not_low_income" in [r.code for r in result.route("mekaar").reasons]


def test_graduation_is_named_only_on_routes_kemensos_links_graduates_to_and_that_fit():
    facts = idea(monthly_revenues=(2_000_000,), graduated_from="pkh", legal_form="pt")
    result = assess(facts, today=TODAY)
    for verdict in result.routes:
        named = any(r.code == "graduation_opens" for r in verdict.reasons)
        assert named is (verdict.fits and verdict.code in readiness_facts.GRADUATION_ROUTES)


def test_an_unknown_assistance_programme_is_refused():
    with pytest.raises(ValueError, match="assistance programme"):
        EnterpriseFacts(graduated_from="bansos")


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(
    ("private_ok", "shared", "shown"),
    [
        (True, frozenset(), True),
        (False, frozenset({"pkh_graduate"}), True),
        (False, frozenset(), False),
        (False, frozenset({"women_led"}), False),
    ],
)
def test_graduation_reasons_show_only_to_viewers_who_may_see_social_assistance_status(
    private_ok, shared, shown
):
    reason = Reason("graduation_opens", {"programme": "pkh"})
    text = readiness_text.visible_reason_text(reason, private_ok=private_ok, shared=shared)
    assert ("PKH" in text) is shown
    if not shown:
        assert text == str(readiness_text.SENSITIVE_REASON_TEXT)


# --- social-investment readiness (SEDAYA) -----------------------------------------------------
@pytest.mark.parametrize(
    ("changes", "themes", "unmet"),
    [
        ({}, {"women_led"}, []),
        ({}, set(), ["impact"]),  # nothing the viewer may see: no impact claim
        ({"owner_named": False}, {"green"}, ["team"]),
        ({"in_business_group": False}, {"green"}, ["team"]),  # no support, no staff
        ({"in_business_group": False, "employees": 1, "has_bank_account": True}, {"green"}, []),
        ({"in_business_group": False, "in_training": True}, {"green"}, []),
        ({"use_of_funds": "x" * 19}, {"green"}, ["use_of_funds"]),
        ({"use_of_funds": "x" * 20}, {"green"}, []),
        ({"use_of_funds": " " * 30}, {"green"}, ["use_of_funds"]),
        ({"ask_amount": None}, {"green"}, ["use_of_funds"]),
        ({"keeps_books": False}, {"green"}, ["governance"]),
        ({"has_bank_account": False}, {"green"}, []),  # the group holds the money
        (
            {"has_bank_account": False, "in_business_group": False, "employees": 2},
            {"green"},
            ["governance"],
        ),
    ],
)
def test_social_checklist_items_at_their_edges(changes, themes, unmet):
    result = social_checklist(social(**changes), themes=frozenset(themes))
    assert [item.code for item in result.items] == list(readiness_facts.SOCIAL_ITEMS)
    assert [item.code for item in result.items if not item.met] == unmet
    assert result.fits is (not unmet)


def test_a_business_not_yet_bankable_can_be_ready_for_social_investors():
    facts = social()
    assert assess(facts, today=TODAY).stage in ("belum_layak", "layak")
    assert social_checklist(facts, themes=frozenset({"women_led"})).fits


def test_social_checklist_refuses_an_unknown_theme():
    with pytest.raises(ValueError):
        social_checklist(social(), themes=frozenset({"poor"}))


@pytest.mark.usefixtures("english")
def test_every_social_item_has_a_label_and_an_unmet_one_a_next_step():
    result = social_checklist(EnterpriseFacts(), themes=frozenset())
    for item in result.items:
        assert readiness_text.social_item_label(item.code) != item.code
        text = readiness_text.social_next_step_text(item)
        assert text and "%(" not in text
    for item in social_checklist(social(), themes=frozenset({"green"})).items:
        assert readiness_text.social_next_step_text(item) == ""


# --- routes that lend to groups -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("groups", "legal_form", "fits", "reason"),
    [
        (set(), "perorangan", False, "lpdb_not_business_entity"),
        ({"koperasi"}, "perorangan", True, "lpdb_through_koperasi"),
        ({"kube"}, "perorangan", False, "lpdb_not_business_entity"),
        ({"koperasi"}, "cv", False, "profit_unknown"),  # a CV borrows as itself
    ],
)
def test_a_cooperative_member_is_told_lpdb_lends_through_its_cooperative(
    groups, legal_form, fits, reason
):
    facts = idea(group_kinds=frozenset(groups), legal_form=legal_form)
    verdict = assess(facts, today=TODAY).route("lpdb")
    assert verdict.fits is fits
    assert reason in [r.code for r in verdict.reasons]


def test_a_mekaar_group_member_is_told_mekaar_lends_through_the_group():
    facts = idea(monthly_revenues=(1_000_000,), low_income_household=True)
    in_group = dataclasses.replace(facts, group_kinds=frozenset({"kelompok_mekaar"}))
    assert "mekaar_group_member" not in [
        r.code for r in assess(facts, today=TODAY).route("mekaar").reasons
    ]
    assert "mekaar_group_member" in [
        r.code for r in assess(in_group, today=TODAY).route("mekaar").reasons
    ]
