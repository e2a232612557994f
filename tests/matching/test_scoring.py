"""Match scores and their reasons, as an investor or an enterprise owner reads them.

The table is written from the rules in PRODUCT.md and the scoring module's docstring: each row
changes one thing (or two) from a perfect match of a food enterprise in Jawa Tengah with a bank
channelling KUR, and states the verdict and the reasons a user must see.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Iterable, Iterator

import pytest
from flask import Flask
from flask_babel import Babel
from hypothesis import example, given, settings
from hypothesis import strategies as st

from marketplace import vocab
from marketplace.matching import bulk_scoring, scoring, scoring_text
from marketplace.matching.scoring import EnterpriseCard, MandateSpec, Reason

pytestmark = pytest.mark.database_free

JT = 1_000_000

BASE_CARD = EnterpriseCard(
    id=1,
    name="Kopi Sari",
    sector="food",
    province_code="33",
    regency_code="3301",
    size_class="mikro",
    stage="bankable",
    ask_amount=50 * JT,
    instruments=frozenset({"kur"}),
    documents=frozenset({"nib", "npwp", "spp_irt", "halal"}),
    impact_themes=frozenset({"women_led"}),
    routes=frozenset({"kur_mikro", "equity"}),
    text_terms=frozenset({"kopi", "organik", "ekspor", "petani"}),
    as_of=dt.date(2026, 12, 6),
)
BASE_MANDATE = MandateSpec(
    organisation_id=10,
    name="KUR Jateng",
    kind="bank",
    sectors=frozenset({"food", "agriculture", "craft"}),
    provinces=frozenset({"33", "34"}),
    ticket_min=10 * JT,
    ticket_max=100 * JT,
    instruments=frozenset({"kur"}),
    sharia_only=False,
    impact_themes=frozenset({"women_led"}),
    min_stage="layak",
    thesis_terms=frozenset({"kopi", "organik", "ekspor"}),
)
SHARIA = {"kind": "sharia_financier", "sharia_only": True}
EXCLUDED = "excluded"


def card(**changes: object) -> EnterpriseCard:
    return dataclasses.replace(BASE_CARD, **changes)


def mandate(**changes: object) -> MandateSpec:
    return dataclasses.replace(BASE_MANDATE, **changes)


def fs(*codes: str) -> frozenset[str]:
    return frozenset(codes)


# (case, card changes, mandate changes, verdict: EXCLUDED or (lowest, highest) score, reason codes)
# fmt: off
CASES = [
    # --- a perfect match, and the arithmetic of every factor -------------------------------
    ("perfect match", {}, {}, (100, 100),
     ["sector_match", "province_match", "ticket_in_range", "instrument_match", "stage_bankable",
      "documents_held", "impact_match", "text_overlap"]),
    # --- sharia ------------------------------------------------------------------------------
    ("sharia-only investor, enterprise wants only a conventional loan",
     {"instruments": fs("loan")}, {**SHARIA, "instruments": fs("murabahah", "mudharabah")},
     EXCLUDED, ["sharia_conventional_only"]),
    # KUR syariah: a sharia financier offering murabahah channels KUR (issue 14).
    ("sharia-only murabahah financier serves a KUR ask as KUR syariah",
     {"instruments": fs("kur", "loan")}, {**SHARIA, "instruments": fs("murabahah")},
     (100, 100), ["instrument_match"]),
    ("sharia-only qard-only investor does not channel KUR",
     {"instruments": fs("kur")}, {**SHARIA, "instruments": fs("qard")},
     EXCLUDED, ["instrument_mismatch"]),
    ("sharia-only investor, enterprise also accepts murabahah",
     {"instruments": fs("loan", "murabahah")}, {**SHARIA, "instruments": fs("murabahah")},
     (100, 100), ["instrument_match"]),
    ("sharia-only musyarakah investor serves an equity ask",
     {"instruments": fs("equity")}, {**SHARIA, "instruments": fs("musyarakah")},
     (100, 100), ["instrument_match"]),
    ("sharia-only mudharabah investor serves a revenue-share ask",
     {"instruments": fs("revenue_share")}, {**SHARIA, "instruments": fs("mudharabah")},
     (100, 100), ["instrument_match"]),
    ("sharia-only grant maker serves a grant ask",
     {"instruments": fs("grant")}, {**SHARIA, "instruments": fs("grant", "qard")},
     (100, 100), ["instrument_match"]),
    ("sharia-only investor, enterprise chose no instrument yet",
     {"instruments": fs()}, {**SHARIA, "instruments": fs("qard")},
     (95, 95), ["instruments_unstated"]),
    ("sharia-only investor listing a loan still cannot serve a loan-only ask",
     {"instruments": fs("loan")}, {**SHARIA, "instruments": fs("loan", "qard")},
     EXCLUDED, ["sharia_conventional_only"]),
    ("sharia-only and below the minimum stage gives both exclusions",
     {"instruments": fs("loan"), "stage": "belum_layak"}, {**SHARIA, "instruments": fs("qard")},
     EXCLUDED, ["sharia_conventional_only", "stage_below_minimum"]),
    # --- instrument overlap ------------------------------------------------------------------
    ("equity investor and an enterprise that wants KUR do not meet",
     {"instruments": fs("kur")}, {"kind": "impact_fund", "instruments": fs("equity")},
     EXCLUDED, ["instrument_mismatch"]),
    ("a bank lending loans channels KUR",
     {"instruments": fs("kur")}, {"kind": "bank", "instruments": fs("loan")},
     (100, 100), ["instrument_match"]),
    ("an impact fund lending loans does not channel KUR",
     {"instruments": fs("kur")}, {"kind": "impact_fund", "instruments": fs("loan")},
     EXCLUDED, ["instrument_mismatch"]),
    ("a KUR channeller serves a plain loan ask",
     {"instruments": fs("loan")}, {"instruments": fs("kur")},
     (100, 100), ["instrument_match"]),
    ("an investor listing no instrument is open to all",
     {"instruments": fs("equity")}, {"kind": "angel", "instruments": fs()},
     (100, 100), ["instrument_match"]),
    # --- ticket range and its tolerance --------------------------------------------------------
    ("ask exactly at the ticket minimum is in range",
     {"ask_amount": 10 * JT}, {}, (100, 100), ["ticket_in_range"]),
    ("ask exactly at the ticket maximum is in range",
     {"ask_amount": 100 * JT}, {}, (100, 100), ["ticket_in_range"]),
    ("ask a little below the minimum keeps part of the ticket points",
     {"ask_amount": 6 * JT}, {}, (91, 91), ["ticket_below_range"]),
    ("ask at half the minimum is the edge of the tolerance",
     {"ask_amount": 5 * JT}, {}, (89, 89), ["ticket_below_range"]),
    ("ask below half the minimum is excluded",
     {"ask_amount": 4_900_000}, {}, EXCLUDED, ["ticket_far_below_range"]),
    ("ask at one and a half times the maximum is the edge of the tolerance",
     {"ask_amount": 150 * JT}, {}, (89, 89), ["ticket_above_range"]),
    ("ask above one and a half times the maximum is excluded",
     {"ask_amount": 151 * JT}, {}, EXCLUDED, ["ticket_far_above_range"]),
    ("no ask stated is not excluded but scores lower",
     {"ask_amount": None}, {}, (92, 92), ["ask_unstated"]),
    ("an investor with no ticket bounds accepts any ask",
     {"ask_amount": 2_000 * JT}, {"ticket_min": None, "ticket_max": None},
     (100, 100), ["ticket_open"]),
    ("an open maximum accepts a large ask",
     {"ask_amount": 1_000 * JT}, {"ticket_min": 50 * JT, "ticket_max": None},
     (100, 100), ["ticket_in_range"]),
    # --- readiness ---------------------------------------------------------------------------
    ("eligible enterprise below a bankable-only mandate is excluded",
     {"stage": "layak"}, {"min_stage": "bankable"}, EXCLUDED, ["stage_below_minimum"]),
    ("not-yet-eligible enterprise below an eligible-minimum mandate is excluded",
     {"stage": "belum_layak"}, {}, EXCLUDED, ["stage_below_minimum"]),
    ("eligible enterprise at the minimum passes with half the readiness points",
     {"stage": "layak"}, {}, (95, 95), ["stage_not_bankable"]),
    ("a mandate without minimum takes an early enterprise with no readiness points",
     {"stage": "belum_layak"}, {"min_stage": None}, (90, 90), ["stage_not_bankable"]),
    # --- sector and region (soft) -------------------------------------------------------------
    ("a retail enterprise outside the sectors is ranked low, not excluded",
     {"sector": "retail"}, {}, (75, 75), ["sector_outside"]),
    ("a sector-agnostic bank gives every sector full points",
     {"sector": "retail"}, {"sectors": fs()}, (100, 100), ["sector_open"]),
    ("a province outside the target costs the region points",
     {"province_code": "52"}, {}, (90, 90), ["province_outside"]),
    ("a national mandate is open to every province",
     {"province_code": "94"}, {"provinces": fs()}, (100, 100), ["province_open"]),
    # --- documents -----------------------------------------------------------------------------
    ("a food enterprise without SPP-IRT, BPOM or SLHS misses the permit points",
     {"documents": fs("nib", "npwp", "halal")}, {}, (98, 98), ["food_permit_missing"]),
    ("a halal certificate is not a food-safety permit",
     {"documents": fs("nib", "npwp", "halal")}, {}, (98, 98),
     ["documents_held", "food_permit_missing"]),
    ("BPOM MD earns the permit points",
     {"documents": fs("nib", "npwp", "bpom", "halal")}, {}, (100, 100), ["documents_held"]),
    ("SLHS (food keeping under 7 days) earns the permit points",
     {"documents": fs("nib", "npwp", "slhs", "halal")}, {}, (100, 100), ["documents_held"]),
    ("a micro food business without halal on 17 October 2026 is not yet overdue",
     {"documents": fs("nib", "npwp", "spp_irt"), "as_of": dt.date(2026, 10, 17)}, {},
     (100, 100), ["documents_held"]),
    ("a micro food business without halal on 18 October 2026 is overdue, points unchanged",
     {"documents": fs("nib", "npwp", "spp_irt"), "as_of": dt.date(2026, 10, 18)}, {},
     (100, 100), ["documents_held", "halal_overdue"]),
    ("a small food business without halal on 19 October 2026 is overdue",
     {"documents": fs("nib", "npwp", "spp_irt"), "size_class": "kecil",
      "as_of": dt.date(2026, 10, 19)}, {}, (100, 100), ["halal_overdue"]),
    ("a medium food business has owed halal since October 2024",
     {"documents": fs("nib", "npwp", "spp_irt"), "size_class": "menengah",
      "as_of": dt.date(2026, 10, 17)}, {}, (100, 100), ["halal_overdue"]),
    ("a food business without any food document misses the permit and is overdue on halal",
     {"documents": fs("nib", "npwp")}, {}, (98, 98), ["food_permit_missing", "halal_overdue"]),
    ("a craft enterprise needs no food permit",
     {"sector": "craft", "documents": fs("nib", "npwp")}, {}, (100, 100), ["documents_held"]),
    ("an SKU without NIB or NPWP earns part of the document points",
     {"sector": "craft", "documents": fs("sku")}, {}, (94, 94),
     ["documents_held", "documents_missing"]),
    ("an enterprise without any document is told which are missing",
     {"documents": fs()}, {}, (90, 90),
     ["documents_missing", "food_permit_missing", "halal_overdue"]),
    # --- impact themes ----------------------------------------------------------------------
    ("one of two impact themes earns half the impact points",
     {}, {"impact_themes": fs("women_led", "green")}, (94, 94), ["impact_match"]),
    ("no shared impact theme costs the impact points",
     {"impact_themes": fs()}, {}, (88, 88), ["impact_none"]),
    # --- text relevance ------------------------------------------------------------------------
    ("an enterprise without text gets no text points",
     {"text_terms": fs()}, {}, (92, 92), ["sector_match"]),
    ("one shared thesis term out of three earns a third of the text points",
     {"text_terms": fs("kopi", "batik")}, {}, (95, 95), ["text_overlap"]),
    # --- realistic mandates -------------------------------------------------------------------
    ("a CSR grant for early enterprises takes a not-yet-eligible warung",
     {"sector": "retail", "stage": "belum_layak", "instruments": fs("grant"),
      "ask_amount": 15 * JT, "documents": fs("sku"), "text_terms": fs()},
     {"kind": "csr_fund", "sectors": fs(), "instruments": fs("grant"), "min_stage": None,
      "ticket_min": 5 * JT, "ticket_max": 25 * JT, "thesis_terms": fs()},
     (84, 84), ["sector_open", "instrument_match", "stage_not_bankable", "documents_missing"]),
]
# fmt: on


@pytest.mark.parametrize(
    ("card_changes", "mandate_changes", "verdict", "codes"),
    [pytest.param(c, m, v, r, id=name) for name, c, m, v, r in CASES],
)
def test_match_verdict_and_reasons_follow_the_product_rules(
    card_changes: dict, mandate_changes: dict, verdict: object, codes: list[str]
) -> None:
    result = scoring.score(card(**card_changes), mandate(**mandate_changes))

    emitted = [reason.code for reason in result.reasons]
    assert set(codes) <= set(emitted), emitted
    assert set(emitted) <= scoring.REASON_CODES
    excluding = {code for code in emitted if code in scoring.EXCLUDING_CODES}
    if verdict == EXCLUDED:
        assert result.excluded and result.score is None
        assert excluding == {c for c in codes if c in scoring.EXCLUDING_CODES}
        # The reason that excludes is the first one a user reads.
        assert result.reasons[0].code in scoring.EXCLUDING_CODES
    else:
        low, high = verdict
        assert not result.excluded and not excluding
        assert low <= result.score <= high


def test_the_table_covers_at_least_thirty_pairs_and_every_hard_rule() -> None:
    assert len(CASES) >= 30
    covered = {code for *_, codes in CASES for code in codes}
    assert scoring.EXCLUDING_CODES <= covered


def test_weights_sum_to_one_hundred_and_documents_split_their_weight() -> None:
    assert sum(scoring.WEIGHTS.values()) == 100
    assert sum(scoring.DOCUMENT_POINTS.values()) == scoring.WEIGHTS["documents"]


def test_reasons_list_positives_before_negatives_and_carry_codes_not_words() -> None:
    result = scoring.score(card(province_code="52", documents=fs("nib", "halal")), mandate())

    positives = [r.positive for r in result.reasons]
    assert positives == sorted(positives, reverse=True)
    assert Reason("province_outside", {"province": "52"}, False) in result.reasons
    assert Reason("documents_held", {"documents": ["nib", "halal"]}) in result.reasons
    ticket = Reason("ticket_in_range", {"ask": 50 * JT, "min": 10 * JT, "max": 100 * JT})
    assert ticket in result.reasons


def test_sharia_only_investor_offers_only_its_sharia_compatible_instruments() -> None:
    result = scoring.score(
        card(instruments=fs("loan", "qard")), mandate(**SHARIA, instruments=fs("loan", "qard"))
    )

    assert Reason("instrument_match", {"instruments": ["qard"]}) in result.reasons


# --- ranking ------------------------------------------------------------------------------------
def test_rank_enterprises_orders_by_score_and_drops_the_excluded() -> None:
    cards = [
        card(id=1, sector="retail"),  # 75
        card(id=2),  # 100
        card(id=3, stage="belum_layak"),  # excluded
        card(id=4, province_code="52"),  # 90
    ]

    ranked = scoring.rank_enterprises(mandate(), cards)

    assert [(r.enterprise_id, r.score) for r in ranked] == [(2, 100), (4, 90), (1, 75)]


def test_rank_enterprises_breaks_ties_by_enterprise_id_whatever_the_input_order() -> None:
    cards = [card(id=i) for i in (42, 7, 19, 3, 88)]
    random.Random(1).shuffle(cards)

    ranked = scoring.rank_enterprises(mandate(), cards, limit=3)

    assert [r.enterprise_id for r in ranked] == [3, 7, 19]


def test_rank_columns_gives_the_same_list_as_scoring_every_card() -> None:
    cards = [
        card(id=i, province_code=str(30 + i % 5), ask_amount=(i % 40) * 4 * JT or None)
        for i in range(1, 200)
    ]

    expected = scoring.rank_enterprises(mandate(), cards, limit=20)
    got = bulk_scoring.rank_columns(mandate(), bulk_scoring.build_columns(cards), limit=20)

    assert got == expected
    assert len(got) == 20


def test_rank_mandates_shows_an_enterprise_the_lenders_that_fit_and_their_routes() -> None:
    bank = mandate(organisation_id=1, name="KUR", instruments=fs("loan"))
    fund = mandate(
        organisation_id=2, name="Impact", kind="impact_fund", instruments=fs("equity"),
        provinces=fs(),
    )  # fmt: skip
    sharia = mandate(organisation_id=3, name="Syariah", **SHARIA, instruments=fs("murabahah"))
    wanted = card(instruments=fs("kur", "equity"), province_code="52")

    ranked = scoring.rank_mandates(wanted, [bank, sharia, fund])

    # The sharia financier channels KUR syariah, so it serves the KUR ask too (issue 14).
    assert [(r.organisation_id, r.score) for r in ranked] == [(2, 100), (1, 90), (3, 90)]
    assert ranked[0].routes == ("equity",)
    assert ranked[1].routes == ("kur_mikro",) and not ranked[1].sharia_only
    assert ranked[2].routes == ("kur_mikro",) and ranked[2].sharia_only


def test_rank_mandates_breaks_ties_by_organisation_then_mandate_name() -> None:
    mandates = [
        mandate(organisation_id=5, name="b"),
        mandate(organisation_id=5, name="a"),
        mandate(organisation_id=2, name="z"),
    ]

    ranked = scoring.rank_mandates(card(), mandates)

    assert [(r.organisation_id, r.mandate_name) for r in ranked] == [(2, "z"), (5, "a"), (5, "b")]


def test_build_columns_refuses_an_instrument_code_missing_from_the_vocabulary() -> None:
    with pytest.raises(ValueError, match="crowdfunding"):
        bulk_scoring.build_columns([card(instruments=fs("crowdfunding"))])


# --- the bulk path agrees with the scalar path on any data ---------------------------------------
def subset(codes: Iterable[str]) -> st.SearchStrategy[frozenset[str]]:
    return st.frozensets(st.sampled_from(sorted(codes)))


amounts = st.one_of(st.none(), st.integers(0, 600).map(lambda n: n * JT // 2))
cards_strategy = st.builds(
    EnterpriseCard,
    id=st.integers(1, 60),
    name=st.just("x"),
    sector=st.sampled_from(sorted(vocab.SECTORS)),
    province_code=st.sampled_from(["31", "33", "52", "94"]),
    regency_code=st.just("0000"),
    size_class=st.sampled_from(["", *sorted(vocab.SIZE_CLASSES)]),
    stage=st.sampled_from(sorted(vocab.STAGES)),
    ask_amount=amounts,
    instruments=subset(vocab.INSTRUMENTS),
    documents=subset(vocab.DOCUMENT_KINDS),
    impact_themes=subset(vocab.IMPACT_THEMES),
    routes=subset(vocab.ROUTES),
    text_terms=subset(["kopi", "batik", "ikan", "organik", "ekspor"]),
    as_of=st.one_of(
        st.none(),
        st.sampled_from([dt.date(2026, 10, d) for d in (17, 18, 19)] + [dt.date(2024, 1, 1)]),
    ),
)
mandates_strategy = st.builds(
    MandateSpec,
    organisation_id=st.just(1),
    name=st.just("m"),
    kind=st.sampled_from(sorted(vocab.INVESTOR_KINDS)),
    sectors=subset(vocab.SECTORS),
    provinces=subset(["31", "33", "52", "11"]),
    ticket_min=amounts,
    ticket_max=amounts,
    instruments=subset(vocab.INSTRUMENTS),
    sharia_only=st.booleans(),
    impact_themes=subset(vocab.IMPACT_THEMES),
    min_stage=st.one_of(st.none(), st.sampled_from(sorted(vocab.STAGES))),
    thesis_terms=subset(["kopi", "batik", "ikan", "organik", "wisata"]),
)


@settings(max_examples=300, deadline=None)
# A minimum above the maximum (a data-entry slip) puts one ask both below and above the range.
@example(spec=mandate(ticket_min=100 * JT, ticket_max=80 * JT), cards=[card(ask_amount=90 * JT)])
@given(
    spec=mandates_strategy, cards=st.lists(cards_strategy, max_size=30, unique_by=lambda c: c.id)
)
def test_prefilter_and_bulk_scores_agree_with_score_for_every_card(
    spec: MandateSpec, cards: list[EnterpriseCard]
) -> None:
    columns = bulk_scoring.build_columns(cards)
    rows = bulk_scoring.prefilter(spec, columns)
    results = [scoring.score(c, spec) for c in cards]

    assert list(rows) == [i for i, r in enumerate(results) if not r.excluded]
    assert list(bulk_scoring.bulk_scores(spec, columns, rows)) == [results[i].score for i in rows]
    assert bulk_scoring.rank_columns(spec, columns, limit=7) == scoring.rank_enterprises(
        spec, cards, limit=7
    )


# --- reasons in words -------------------------------------------------------------------------
@pytest.fixture
def english() -> Iterator[None]:
    app = Flask(__name__)
    Babel(app, locale_selector=lambda: "en")
    with app.test_request_context():
        yield


@pytest.fixture
def province_names() -> Iterator[None]:
    scoring_text.set_province_namer({"52": "Nusa Tenggara Barat"}.get)
    yield
    scoring_text.set_province_namer(None)


SAMPLE_PARAMS = {
    "sector": "food",
    "province": "52",
    "ask": 50 * JT,
    "min": 10 * JT,
    "max": 100 * JT,
    "instruments": ["kur"],
    "wanted": ["loan"],
    "offered": ["murabahah"],
    "stage": "layak",
    "min_stage": "bankable",
    "documents": ["nib", "halal"],
    "themes": ["women_led"],
    "terms": ["kopi"],
    "since": dt.date(2026, 10, 18),
}


def test_every_reason_code_has_a_text_and_every_text_a_code() -> None:
    assert set(scoring_text.TEXTS) == scoring.REASON_CODES


@pytest.mark.parametrize("code", sorted(scoring.REASON_CODES))
def test_every_reason_renders_in_english_with_its_parameters_filled(
    english: None, code: str
) -> None:
    text = scoring_text.reason_text(Reason(code, SAMPLE_PARAMS))

    assert text and "%(" not in text
    msgid = str(scoring_text.TEXTS[code])  # English is the msgid language: no catalogue applies
    for placeholder, shown in (("%(sector)s", "Food and beverages"), ("%(range)s", "Rp10 million")):
        if placeholder in msgid:
            assert shown in text


def test_reasons_line_reads_like_the_product_example_in_english(english: None) -> None:
    result = scoring.score(
        card(province_code="52", documents=fs("nib", "halal"), impact_themes=fs(), text_terms=fs()),
        mandate(impact_themes=fs(), thesis_terms=fs()),
    )

    assert scoring_text.reasons_line(result.reasons) == (
        "sector fits (Food and beverages) · ticket Rp50 million within the range "
        "Rp10 million–Rp100 million · instrument fits (KUR (people's business credit)) · "
        "bankable · has NIB + halal · province outside the target area (52) · no NPWP yet · "
        "no food-safety permit (SPP-IRT, BPOM MD or SLHS) yet"
    )


def test_an_overdue_halal_certificate_reads_with_its_date_in_indonesian() -> None:
    result = scoring.score(card(documents=fs("nib", "npwp", "slhs")), mandate())

    overdue = [r for r in result.reasons if r.code == "halal_overdue"]
    assert overdue == [Reason("halal_overdue", {"since": dt.date(2026, 10, 18)}, False)]
    text = scoring_text.reason_text(overdue[0])
    assert "18 Oktober 2026" in text and "SIHALAL" in text


def test_slhs_is_named_by_its_acronym_among_held_documents(english: None) -> None:
    reason = Reason("documents_held", {"documents": ["nib", "slhs", "halal"]})

    assert scoring_text.reason_text(reason) == "has NIB + SLHS + halal"


def test_money_in_reasons_is_indonesian_outside_a_request() -> None:
    reason = Reason("ticket_below_range", {"ask": 8 * JT, "min": 10 * JT, "max": None})

    assert scoring_text.reason_text(reason) == "ticket Rp8 jt just below the range from Rp10 jt"


def test_a_province_namer_names_provinces_in_reasons(english: None, province_names: None) -> None:
    reason = Reason("province_outside", {"province": "52"}, False)

    assert scoring_text.reason_text(reason) == (
        "province outside the target area (Nusa Tenggara Barat)"
    )


# --- social-investment readiness (issue 14, SEDAYA) ---------------------------------------------
@pytest.mark.parametrize(
    ("kind", "stage", "social_ready", "named"),
    [
        ("impact_fund", "layak", True, True),
        ("csr_fund", "belum_layak", True, True),
        ("angel", "embrio", True, True),
        ("impact_fund", "layak", False, False),
        ("impact_fund", "bankable", True, False),  # bankable says enough
        ("bank", "layak", True, False),  # a bank reads the 5C, not this checklist
    ],
)
def test_impact_investors_are_told_a_pre_bankable_business_meets_the_social_checklist(
    kind, stage, social_ready, named
):
    result = scoring.score(
        card(stage=stage, social_ready=social_ready), mandate(kind=kind, min_stage=None)
    )
    assert ("social_ready" in [r.code for r in result.reasons]) is named
    # A reason, not points: the score is the same either way.
    other = scoring.score(
        card(stage=stage, social_ready=not social_ready), mandate(kind=kind, min_stage=None)
    )
    assert result.score == other.score
