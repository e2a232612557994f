"""Thresholds, facts and result types of the readiness rules; size class and shared helpers.

See :mod:`marketplace.profiles.readiness` for the rules and their sources.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from marketplace import vocab

# --- thresholds (rupiah, inclusive upper bounds) --------------------------------------------
# PP 7/2021 art. 35: modal usaha (excluding land and buildings) and annual sales.
MIKRO_MAX_CAPITAL = 1_000_000_000
KECIL_MAX_CAPITAL = 5_000_000_000
MENENGAH_MAX_CAPITAL = 10_000_000_000
MIKRO_MAX_TURNOVER = 2_000_000_000
KECIL_MAX_TURNOVER = 15_000_000_000
MENENGAH_MAX_TURNOVER = 50_000_000_000

# KUR (Permenko Perekonomian 1/2026 on the KUR guidelines, set 5 January 2026): bands per akad,
# each ceiling inclusive and each floor exclusive; NPWP above Rp50 juta; KUR kecil above Rp100 juta.
# We could not read the regulation's own text, only public summaries of it (e.g. DDTC News,
# 2 February 2026), so no article numbers are given for the KUR constants below; the page says
# so. Add them when the text can be read.
KUR_SUPER_MIKRO_MAX = 10_000_000
KUR_MIKRO_MAX = 100_000_000
KUR_KECIL_MAX = 500_000_000
KUR_NPWP_ABOVE = 50_000_000
# Permenko 1/2026: recipients are micro and small businesses, by last year's (or this year's
# estimated) turnover of at most Rp4,8 miliar; menengah and besar are refused.
KUR_MAX_TURNOVER = 4_800_000_000
KUR_SIZES = ("mikro", "kecil")
# Since January 2026 every KUR costs a flat 6 % a year and repeat KUR is no longer limited.
KUR_RATE_PERCENT = 6
# Permenko 12/2025 (arts. 19(3)c, 23(4a), 27(3a), relaxed by art. 38A) refused applicants who had
# had commercial productive credit (household consumer, ultra-micro up to Rp20 juta and P2P loans
# excepted). We could not find the text of Permenko 1/2026 to confirm it keeps this rule, so we keep
# it as a documented constant and say so on the page; set it to False once a source says otherwise.
KUR_REFUSES_PRIOR_COMMERCIAL_CREDIT = True
# KUR up to Rp100 juta needs no additional collateral beyond the financed business.
COLLATERAL_ABOVE = 100_000_000
# UMi (PMK 130/2024 art. 5: not while financed by a government programme credit recorded in SIKP;
# channelled by non-bank lenders). The ceiling is not in the PMK text we found (PMK 193/2020 set
# Rp20 juta per debtor): a documented constant.
UMI_MAX = 20_000_000
# PNM Mekaar: no regulation; PNM's published criteria and press reports give Rp2-15 juta for
# members and up to Rp25 juta: asks above this constant are far above its range.
MEKAAR_MAX = 25_000_000
# Halal certification (UU 33/2014 as amended by UU 6/2023; PP 42/2024 art. 160): mandatory for
# food and beverages of micro and small businesses from 18 October 2026, of medium and large ones
# from 18 October 2024. A certificate has no expiry while the composition is unchanged.
HALAL_MANDATORY_FROM_UMK = dt.date(2026, 10, 18)
HALAL_MANDATORY_FROM_MB = dt.date(2024, 10, 18)
# Food-safety permits, an obligation separate from halal (risk-based licensing via OSS, PP 5/2021):
# SPP-IRT for home industry, BPOM MD for registered processed food, SLHS (sertifikat laik higiene
# sanitasi) for food that keeps under 7 days.
FOOD_SAFETY_PERMITS = ("spp_irt", "bpom", "slhs")
# A halal certificate or food-safety permit is a numbered certificate with an issue date; one
# recorded without both is a box ticked, not evidence a bank or buyer can check, so it is not
# held (`counts_as_held`).
CERTIFICATES_NEEDING_NUMBER_AND_DATE = frozenset({"halal", *FOOD_SAFETY_PERMITS})


def counts_as_held(kind: str, number: str | None, issued_on: dt.date | None) -> bool:
    """Whether a recorded document counts as held for readiness: halal certificates and
    food-safety permits only with their number and issue date."""
    if kind in CERTIFICATES_NEEDING_NUMBER_AND_DATE:
        return bool(number) and issued_on is not None
    return True


# LPDB-KUMKM (Permenkop UKM 4/2020 on the revolving funds LPDB-KUMKM lends, and LPDB's published
# criteria; we name no article): a business "berbadan hukum atau berbadan usaha" with a positive
# profit; a koperasi that held its RAT with a positive SHU. LPDB now finances cooperatives first:
# Kemenkop's stated direction (its secretary at LPDB's 19th anniversary, August 2025: LPDB exists
# to finance cooperatives, in the real sector), not a regulation's article; routes say so.
LPDB_FORMS = ("pt", "cv", "koperasi")
# Routes a social-assistance graduate is linked to (Kemensos, socio-entrepreneurship for PKH
# graduates: "KUR, Mekaar, UMi").
GRADUATION_ROUTES = ("kur_super_mikro", "kur_mikro", "kur_kecil", "umi", "mekaar")
# SEDAYA-style social-investment checklist (our documented constant, see the docstring): the
# shortest use of funds that says what the money buys ("gerobak dan etalase kaca baru").
USE_OF_FUNDS_MIN_CHARS = 20
SOCIAL_ITEMS = ("impact", "team", "use_of_funds", "governance")

# --- durations (calendar months) -------------------------------------------------------------
# KUR's minimum of six months of trading (Permenko 1/2026, as publicly summarised).
KUR_MIN_TRADING_MONTHS = 6
# Our rule: the cash-flow window a loan officer or revenue-share investor reads (bankable level,
# revenue share). No regulation sets it.
REVENUE_HISTORY_MONTHS = 6
# Art. 35 classes a business by annual sales once it has a year of sales to report.
TURNOVER_DECIDES_AFTER_MONTHS = 12

BUSINESS_LICENCES = ("nib", "sku")

# --- our rules (no public source sets them; the page says so) -------------------------------
# Equity: only a PT has shares to sell an investor (a CV, sole proprietor or koperasi has none),
# and an investor buying in wants at least an eligible (layak) business.
EQUITY_FORMS = ("pt",)
# Equity and revenue share need at least this stage.
INVESTOR_ROUTES_MIN_STAGE: Stage = "layak"
# Grants (hibah, CSR and programme grants) go to micro and small businesses in or through a
# mentoring programme: the programme is what hands them out and follows them up.
GRANT_SIZES = ("mikro", "kecil")
# Mentoring sits at the bankable level, not the eligible one: KUR's eligibility does not ask for a
# programme, but a pendamping's word is the character evidence a first-time borrower lacks.
MENTORING_LEVEL: Level = "bankable"

SizeCode = Literal["mikro", "kecil", "menengah", "besar"]
Dimension = Literal["character", "capacity", "capital", "collateral", "condition"]
Level = Literal["usaha", "layak", "bankable"]
Stage = Literal["embrio", "belum_layak", "layak", "bankable"]

KUR_ROUTES = ("kur_super_mikro", "kur_mikro", "kur_kecil")
# Each KUR route's band as (exclusive floor, inclusive ceiling).
KUR_BANDS: dict[str, tuple[int, int]] = {
    "kur_super_mikro": (0, KUR_SUPER_MIKRO_MAX),
    "kur_mikro": (KUR_SUPER_MIKRO_MAX, KUR_MIKRO_MAX),
    "kur_kecil": (KUR_MIKRO_MAX, KUR_KECIL_MAX),
}


@dataclass(frozen=True)
class EnterpriseFacts:
    """What the assessment needs to know about an enterprise; None means "not filled in".

    `documents` maps each document kind HELD (vocab.DOCUMENT_KINDS) to its expiry date, or None
    when it does not expire. `attestations` maps a checklist item code to the facilitator's name
    and the date of attestation. Raises ValueError for a negative capital, turnover or monthly
    revenue, a non-positive ask, or an unknown legal form, document kind or instrument code.
    """

    legal_form: str | None = None
    sector: str | None = None
    founded_on: dt.date | None = None
    capital: int | None = None
    annual_turnover: int | None = None
    profit_last_year: int | None = None
    monthly_revenues: tuple[int, ...] = ()
    ask_amount: int | None = None
    ask_instruments: frozenset[str] = frozenset()
    has_nik: bool = False
    documents: Mapping[str, dt.date | None] = field(default_factory=dict)
    has_bank_account: bool = False
    keeps_books: bool = False
    has_collateral: bool = False
    women_led: bool = False
    low_income_household: bool = False
    pkh_graduate: bool = False
    disability_inclusive: bool = False
    mentoring_completed: bool = False
    in_programme: bool = False
    # Young-business facts for KUR super-mikro (taking part in mentoring or entrepreneurship
    # training outside TemuModal, member of a business group, a family member with a business).
    in_training: bool = False
    in_business_group: bool = False
    family_member_business: bool = False
    # Credit history the owner declares (banks check it in SLIK and SIKP).
    prior_commercial_credit: bool = False
    current_programme_credit: bool = False
    # A koperasi's last annual members' meeting (RAT) held and its SHU positive.
    koperasi_rat_held: bool = False
    koperasi_shu_positive: bool = False
    # Graduation from social assistance (vocab.ASSISTANCE_PROGRAMMES) and its date.
    graduated_from: str | None = None
    graduated_on: dt.date | None = None
    # Kinds (vocab.GROUP_KINDS) of the business groups the enterprise is a member of.
    group_kinds: frozenset[str] = frozenset()
    # For the social-investment checklist.
    owner_named: bool = False
    employees: int | None = None
    use_of_funds: str | None = None
    attestations: Mapping[str, tuple[str, dt.date]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Bad data here would silently produce a wrong class or route, so refuse it early.
        for name in ("capital", "annual_turnover"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"{name} cannot be negative: {value}")
        if any(month < 0 for month in self.monthly_revenues):
            raise ValueError("monthly revenues cannot be negative")
        if self.ask_amount is not None and self.ask_amount <= 0:
            raise ValueError(f"ask_amount must be positive or None: {self.ask_amount}")
        if self.legal_form is not None and self.legal_form not in vocab.LEGAL_FORMS:
            raise ValueError(f"unknown legal form: {self.legal_form}")
        unknown_documents = set(self.documents) - set(vocab.DOCUMENT_KINDS)
        if unknown_documents:
            raise ValueError(f"unknown document kinds: {sorted(unknown_documents)}")
        if (
            self.graduated_from is not None
            and self.graduated_from not in vocab.ASSISTANCE_PROGRAMMES
        ):
            raise ValueError(f"unknown assistance programme: {self.graduated_from}")
        unknown_instruments = set(self.ask_instruments) - set(vocab.INSTRUMENTS)
        if unknown_instruments:
            raise ValueError(f"unknown instruments: {sorted(unknown_instruments)}")


@dataclass(frozen=True)
class Reason:
    """A code from `readiness_text.MESSAGES` with its parameters (money in rupiah, dates)."""

    code: str
    params: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class SizeClass:
    """The PP 7/2021 class, which figure decided it, and what each figure alone would give."""

    code: SizeCode | None
    decided_by: Literal["turnover", "capital"] | None
    by_capital: SizeCode | None
    by_turnover: SizeCode | None
    disagree: bool


@dataclass(frozen=True)
class ChecklistItem:
    """One 5C checklist item; `next_step` says what to do while it is not met."""

    code: str
    dimension: Dimension
    level: Level
    met: bool
    not_applicable: bool
    attested: tuple[str, dt.date] | None
    next_step: Reason

    @property
    def counts(self) -> bool:
        """True when the item is applicable and so counts towards the stage."""
        return not self.not_applicable


@dataclass(frozen=True)
class RouteVerdict:
    """Whether a financing route (vocab.ROUTES) fits, with every reason for the verdict."""

    code: str
    fits: bool
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class Assessment:
    """The whole readiness assessment of one enterprise on one day."""

    size: SizeClass
    stage: Stage
    checklist: tuple[ChecklistItem, ...]
    routes: tuple[RouteVerdict, ...]
    # What a business idea needs to become a business (only at stage "embrio").
    embryo_steps: tuple[Reason, ...] = ()

    def route(self, code: str) -> RouteVerdict:
        """The verdict for route `code`; raises KeyError for a code not in vocab.ROUTES."""
        for verdict in self.routes:
            if verdict.code == code:
                return verdict
        raise KeyError(code)

    def item(self, code: str) -> ChecklistItem:
        """The checklist item `code`; raises KeyError for an unknown item code."""
        for item in self.checklist:
            if item.code == code:
                return item
        raise KeyError(code)


def size_class(facts: EnterpriseFacts, *, today: dt.date) -> SizeClass:
    """The PP 7/2021 size class of `facts` as of `today` (see the module docstring for the rule).

    No side effects; raises nothing.
    """
    by_capital = _class_by(
        facts.capital, (MIKRO_MAX_CAPITAL, KECIL_MAX_CAPITAL, MENENGAH_MAX_CAPITAL)
    )
    by_turnover = _class_by(
        facts.annual_turnover, (MIKRO_MAX_TURNOVER, KECIL_MAX_TURNOVER, MENENGAH_MAX_TURNOVER)
    )
    decided_by: Literal["turnover", "capital"] | None
    if by_capital is not None and by_turnover is not None:
        established = _trading_at_least(facts.founded_on, TURNOVER_DECIDES_AFTER_MONTHS, today)
        decided_by = "turnover" if established else "capital"
    elif by_turnover is not None:
        decided_by = "turnover"
    elif by_capital is not None:
        decided_by = "capital"
    else:
        decided_by = None
    code = {"turnover": by_turnover, "capital": by_capital, None: None}[decided_by]
    return SizeClass(
        code=code,
        decided_by=decided_by,
        by_capital=by_capital,
        by_turnover=by_turnover,
        disagree=by_capital is not None and by_turnover is not None and by_capital != by_turnover,
    )


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day of the month `months` calendar months before `day`, clamped to month end.

    31 August minus 6 months is 28 (or 29) February. No side effects; raises nothing.
    """
    month_index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(month_index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last_day))


def months_after(day: dt.date, months: int) -> dt.date:
    """The same day of the month `months` calendar months after `day`, clamped to month end."""
    return months_before(day, -months)


# --- helpers --------------------------------------------------------------------------------
def _class_by(amount: int | None, ceilings: tuple[int, int, int]) -> SizeCode | None:
    if amount is None:
        return None
    mikro, kecil, menengah = ceilings
    if amount <= mikro:
        return "mikro"
    if amount <= kecil:
        return "kecil"
    if amount <= menengah:
        return "menengah"
    return "besar"


def _trading_at_least(founded_on: dt.date | None, months: int, today: dt.date) -> bool:
    # Exactly `months` calendar months counts: founded 28 Feb, today 28 Aug is six months.
    return founded_on is not None and founded_on <= months_before(today, months)


def still_valid(kind: str, expires_on: dt.date | None, today: dt.date) -> bool:
    """Whether a held document of `kind` is valid on `today`: through its expiry date (none: never
    expires); a halal certificate does not expire while the composition is unchanged (UU 6/2023 on
    UU 33/2014), whatever date was entered. Readiness and the match cards both decide with it."""
    return kind == "halal" or expires_on is None or expires_on >= today


def halal_overdue(
    *, sector: str | None, size: str | None, holds_halal: bool, today: dt.date
) -> bool:
    """Whether a food business (vocab.FOOD_SECTORS) lacks the halal certificate it must have on
    `today` (PP 42/2024 art. 160, `halal_mandatory_from` its size). Readiness and matching both
    decide with it."""
    return sector in vocab.FOOD_SECTORS and not holds_halal and today >= halal_mandatory_from(size)


def _valid(facts: EnterpriseFacts, kind: str, today: dt.date) -> bool:
    return kind in facts.documents and still_valid(kind, facts.documents[kind], today)


def _expired_on(facts: EnterpriseFacts, kinds: tuple[str, ...], today: dt.date) -> dt.date | None:
    """The latest expiry among held-but-expired documents of `kinds`, if any."""
    dates = [
        expiry
        for kind in kinds
        if kind in facts.documents
        and kind != "halal"
        and (expiry := facts.documents[kind]) is not None
        and expiry < today
    ]
    return max(dates) if dates else None


def young_business_support(facts: EnterpriseFacts) -> bool:
    """Permenko 1/2026 on KUR super-mikro: a business trading under six months qualifies when it
    takes part in (or completed) mentoring or entrepreneurship training, belongs to a business
    group, or has a family member with a business."""
    return (
        facts.mentoring_completed
        or facts.in_programme
        or facts.in_training
        or facts.in_business_group
        or facts.family_member_business
    )


def halal_mandatory_from(size: str | None) -> dt.date:
    """The day halal certification became mandatory for food of a business of `size` (PP 42/2024
    art. 160): micro and small (or unknown size) from 18 October 2026, others from 2024."""
    if size in ("menengah", "besar"):
        return HALAL_MANDATORY_FROM_MB
    return HALAL_MANDATORY_FROM_UMK


def _has_licence(facts: EnterpriseFacts, today: dt.date) -> bool:
    return any(_valid(facts, kind, today) for kind in BUSINESS_LICENCES)


def _licence_reason(facts: EnterpriseFacts, today: dt.date) -> Reason:
    """Why there is no business licence: an expired one to renew, or none at all."""
    for kind in BUSINESS_LICENCES:
        expired = _expired_on(facts, (kind,), today)
        if expired is not None:
            return Reason("licence_expired", {"document": kind, "expired_on": expired})
    return Reason("licence_missing")


def _document_step(
    facts: EnterpriseFacts, kinds: tuple[str, ...], today: dt.date, *, missing: Reason
) -> Reason:
    """Renew the document that expired, or the `missing` step when none was ever held."""
    for kind in kinds:
        expired = _expired_on(facts, (kind,), today)
        if expired is not None:
            return Reason("renew_document", {"document": kind, "expired_on": expired})
    return missing
