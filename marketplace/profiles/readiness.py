"""The readiness assessment of an enterprise: size class, bankability stage and financing routes.

Pure rules over an `EnterpriseFacts` snapshot and a `today` date: no database, no clock, no
labels. Everything returned is codes plus `Reason(code, params)`; `readiness_text` turns them into
sentences in the request's language.

Size class (PP 7/2021, art. 35). Mikro: capital <= Rp1 miliar or annual turnover <= Rp2 miliar;
kecil: <= Rp5 miliar / <= Rp15 miliar; menengah: <= Rp10 miliar / <= Rp50 miliar; above that the
business is *besar* (not an UMKM). Capital is modal usaha excluding land and buildings, as the
regulation defines it; the profile form asks for it that way. When both figures are known and give
different classes we CHOOSE, following art. 35 (capital classifies a business being set up, annual
sales classify an existing one): a business that has traded at least 12 calendar months and reports
a turnover is classed by turnover; otherwise by capital (an unknown founding date counts as "not
shown to have traded 12 months"). With only one figure known, that figure decides. `disagree` tells
the page to say that the two figures point to different classes.

Embryo stage (*embrio*). Kemensos' social-entrepreneurship programme for PKH graduates starts
from households with an *embrio usaha*: a business idea or a first try, with no sales yet. Before
"belum layak" comes the *usaha* level with one item, business_started: evidence of sales (a month
of recorded revenue, an annual turnover above zero or a profit last year; an owner who reports a
year's turnover has sold, even before entering month-by-month figures), or a valid business licence
(NIB or SKU). Without either the stage is `embrio`
and `embryo_steps` lists what the idea needs to become a business (first sales recorded, an NIB,
mentoring or training or a business group, the owner's NIK, and for a social-assistance graduate
the referral Kemensos gives graduates to KUR, Mekaar and UMi). A warung that sells without a
licence is a business (belum layak), not an embryo.

Bankability stage, from a checklist in the 5C credit framing (character, capacity, capital,
collateral, condition) built on what banks channelling KUR ask for:

- *layak* level (eligible): identity (owner's NIK, the e-KTP every KUR, UMi and Mekaar file starts
  with), trading_6_months (the KUR minimum; a young business stands in for it when it takes part in
  mentoring or training, belongs to a business group or has a family member with a business, as
  young KUR super-mikro applicants may), business_licence (a valid NIB or Surat Keterangan Usaha),
  revenue_recorded (at least one month with revenue: there is a business to finance).
- *bankable* level: mentoring, bookkeeping, bank_account, revenue_history (>= 6 months recorded,
  the cash-flow window a loan officer reads), profitable (last year's profit > 0), npwp (only for
  asks above Rp50 juta, the KUR NPWP threshold; for a sole proprietor the NPWP is the NIK activated
  as NPWP, PMK 112/2022), collateral (only for asks above Rp100 juta: KUR up to Rp100 juta needs no
  additional collateral), and for food sectors two separate obligations: food_permit (a
  food-safety permit: SPP-IRT, BPOM MD or SLHS) and halal (PP 42/2024 art. 160: mandatory from
  18 October 2026 for micro and small businesses, from 18 October 2024 for the others; before its
  date it does not apply yet and the next step names the deadline; from it on, a missing
  certificate is overdue).

Mentoring sits at the *bankable* level, under character. A three-year-old warung with an NIK, an
NIB and sales meets KUR's eligibility rules without ever joining a programme, so requiring
mentoring for *layak* would call an eligible business ineligible. What mentoring adds is what a
first-time borrower with no credit history (no SLIK record) lacks: a pendamping who vouches for the
owner and a business plan, which is the character evidence a lender looks for before calling a
file bankable.

An item that does not apply (npwp for small asks, collateral up to Rp100 juta, food_permit outside
food sectors) has `not_applicable=True` and is ignored by the stage; its `met` still says whether
the enterprise has the thing. When the ask is unknown we cannot tell the enterprise that the NPWP
or collateral is not needed, so both items apply. A facilitator's attestation never makes an item
met: it is shown beside a met item as a trust signal, and dropped on an unmet one.

Documents are valid through their expiry date (`expiry >= today`); an expired document counts as
not held. A document without an expiry date (NIB, NPWP) never expires.

Financing routes (one verdict per `vocab.ROUTES` code, in that order), each rule with its source
in the constants block. KUR (Permenko Perekonomian 1/2026): bands super-mikro ask <= Rp10 juta,
mikro Rp10 juta < ask <= Rp100 juta, kecil Rp100 juta < ask <= Rp500 juta; micro and small
businesses only (menengah and besar refused) with a turnover of at most Rp4,8 miliar; the NIK, a
valid NIB or SKU, and 6 months of trading, which young-business support (see above) replaces only
for super-mikro; no earlier commercial productive credit (Permenko 12/2025, kept as a documented
constant). An NPWP is needed above Rp50 juta, judged at the nearest ask the route accepts (the ask
clamped into its band, or the band's smallest ask when the ask is unknown): so KUR kecil always
needs it, KUR mikro needs it for asks above Rp50 juta, super-mikro never. A fitting KUR says that
the rate is a flat 6 % with no limit on repeat KUR, that KUR syariah exists, and what the bank will
ask that we cannot check (BPJS Ketenagakerjaan for KUR kecil; age 21 or married). UMi (PMK
130/2024 art. 5) is refused only while the business has a government programme credit recorded in
SIKP, and is channelled by non-bank lenders. Mekaar lends to women from low-income or PKH
households running micro businesses, in groups with joint liability, up to MEKAAR_MAX. UMi and
Mekaar also need the NIK. LPDB lends to a PT or CV with a positive profit, or a koperasi that held
its RAT with a positive SHU. Equity needs a PT (shares to sell) and stage *layak*; revenue share
needs books, 6 recorded months and stage *layak*; grants go to mikro and kecil businesses in or
through a mentoring programme. A fitting verdict has at least one reason saying why it fits; a
non-fitting one lists every reason why not. A household that graduated from social assistance
(PKH, BPNT, PENA; `graduated_from`, `graduated_on`) counts as low-income for Mekaar, and each
fitting KUR, UMi and Mekaar route says that graduation links the owner to it (Kemensos refers
graduates to KUR, Mekaar and UMi); that reason is sensitive (social-assistance status). Members
of a business group a facilitator registered (`group_kinds`) count as in a business group; a
Mekaar group's member is told Mekaar lends through it, and a cooperative's member that is not an
LPDB borrower itself is told LPDB lends to it through the cooperative.

Social-investment readiness (`social_checklist`): SEDAYA (Sentra Pemberdayaan Masyarakat, Dinas
Sosial DKI Jakarta with UNDP Indonesia's Accelerator Lab, Kemensos and Bappenas, November 2024)
assessed pre-bankable enterprises for social investors rather than against a bank's 5C. No public
standard for that assessment exists that we could find, so the checklist is ours, documented
here: impact (an impact theme the viewer may see: women-led, disability-inclusive, a PKH graduate,
green), team (a named owner with mentoring, training, a business group or at least one employee),
use of funds (an ask with its use written out, at least USE_OF_FUNDS_MIN_CHARS characters), and
governance (books kept, money in a bank account or run through a group). All four met: an impact
or CSR fund may fit the business even while a bank would call it "belum bankable".
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


# LPDB-KUMKM (Permenkop 4/2020 and LPDB's published criteria): a business "berbadan hukum atau
# berbadan usaha" with a positive profit; a koperasi that held its RAT with a positive SHU.
LPDB_FORMS = ("pt", "cv", "koperasi")
# Routes a social-assistance graduate is linked to (Kemensos, socio-entrepreneurship for PKH
# graduates: "KUR, Mekaar, UMi").
GRADUATION_ROUTES = ("kur_super_mikro", "kur_mikro", "kur_kecil", "umi", "mekaar")
# SEDAYA-style social-investment checklist (our documented constant, see the docstring): the
# shortest use of funds that says what the money buys ("gerobak dan etalase kaca baru").
USE_OF_FUNDS_MIN_CHARS = 20
SOCIAL_ITEMS = ("impact", "team", "use_of_funds", "governance")

# --- durations (calendar months) -------------------------------------------------------------
KUR_MIN_TRADING_MONTHS = 6
REVENUE_HISTORY_MONTHS = 6
# Art. 35 classes a business by annual sales once it has a year of sales to report.
TURNOVER_DECIDES_AFTER_MONTHS = 12

BUSINESS_LICENCES = ("nib", "sku")

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


# --- the public entry point -----------------------------------------------------------------
def assess(facts: EnterpriseFacts, *, today: dt.date) -> Assessment:
    """Assess `facts` as of `today`: size class, checklist and stage, and one verdict per route.

    Pure: no side effects, no clock, no database. Raises nothing for valid `EnterpriseFacts`
    (their constructor refuses invalid values with ValueError).
    """
    size = size_class(facts, today=today)
    checklist = _checklist(facts, today=today, size=size)
    stage = _stage(checklist)
    routes = _routes(facts, today=today, size=size, stage=stage)
    steps = embryo_steps(facts, today=today) if stage == "embrio" else ()
    return Assessment(
        size=size, stage=stage, checklist=checklist, routes=routes, embryo_steps=steps
    )


def has_sales(facts: EnterpriseFacts) -> bool:
    """Evidence of sales: a month with revenue, an annual turnover above zero, or a profit."""
    return (
        any(month > 0 for month in facts.monthly_revenues)
        or (facts.annual_turnover is not None and facts.annual_turnover > 0)
        or (facts.profit_last_year is not None and facts.profit_last_year > 0)
    )


def business_started(facts: EnterpriseFacts, *, today: dt.date) -> bool:
    """A business, not an idea: evidence of sales (`has_sales`), or a valid NIB or SKU."""
    return has_sales(facts) or _has_licence(facts, today)


def embryo_steps(facts: EnterpriseFacts, *, today: dt.date) -> tuple[Reason, ...]:
    """What a business idea or embryo still needs to become a business, in order. Pure."""
    steps: list[Reason] = []
    if not has_sales(facts):
        steps.append(Reason("embryo_first_sales"))
    if not _has_licence(facts, today):
        steps.append(Reason("embryo_register_nib"))
    if not young_business_support(facts):
        steps.append(Reason("embryo_join_training"))
    if not facts.has_nik:
        steps.append(Reason("record_nik"))
    if facts.graduated_from is not None:
        steps.append(Reason("embryo_graduate_referral", {"programme": facts.graduated_from}))
    return tuple(steps)


@dataclass(frozen=True)
class SocialItem:
    """One item of the social-investment readiness checklist (SOCIAL_ITEMS)."""

    code: str
    met: bool
    next_step: Reason


@dataclass(frozen=True)
class SocialReadiness:
    """The social-investment checklist; `fits` when every item is met."""

    items: tuple[SocialItem, ...]

    @property
    def fits(self) -> bool:
        return all(item.met for item in self.items)

    def item(self, code: str) -> SocialItem:
        """The item `code`; raises KeyError for a code not in SOCIAL_ITEMS."""
        for item in self.items:
            if item.code == code:
                return item
        raise KeyError(code)


def social_checklist(facts: EnterpriseFacts, *, themes: frozenset[str]) -> SocialReadiness:
    """The SEDAYA-style social-investment readiness of `facts` (see the module docstring).

    `themes` are the impact themes (vocab.IMPACT_THEMES) the viewer may see: the owner's own
    view passes all it declared, an investor's only the consented ones, so the impact item never
    rests on a fact the viewer may not know. Pure; raises ValueError for an unknown theme.
    """
    unknown = set(themes) - set(vocab.IMPACT_THEMES)
    if unknown:
        raise ValueError(f"unknown impact themes: {sorted(unknown)}")
    team = facts.owner_named and (young_business_support(facts) or (facts.employees or 0) >= 1)
    use_of_funds = (
        facts.ask_amount is not None
        and len((facts.use_of_funds or "").strip()) >= USE_OF_FUNDS_MIN_CHARS
    )
    governance = facts.keeps_books and (facts.has_bank_account or facts.in_business_group)
    return SocialReadiness(
        items=(
            SocialItem("impact", bool(themes), Reason("social_state_impact")),
            SocialItem("team", team, Reason("social_build_team")),
            SocialItem(
                "use_of_funds",
                use_of_funds,
                Reason("social_write_use_of_funds", {"chars": USE_OF_FUNDS_MIN_CHARS}),
            ),
            SocialItem("governance", governance, Reason("social_governance")),
        )
    )


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


def _valid(facts: EnterpriseFacts, kind: str, today: dt.date) -> bool:
    if kind not in facts.documents:
        return False
    if kind == "halal":
        return True  # no expiry while the composition is unchanged (UU 6/2023 on UU 33/2014)
    expiry = facts.documents[kind]
    return expiry is None or expiry >= today


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


def halal_mandatory_from(size: SizeCode | None) -> dt.date:
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


# --- checklist and stage --------------------------------------------------------------------
def _checklist(
    facts: EnterpriseFacts, *, today: dt.date, size: SizeClass
) -> tuple[ChecklistItem, ...]:
    ask = facts.ask_amount
    trading = _trading_at_least(facts.founded_on, KUR_MIN_TRADING_MONTHS, today)
    if facts.founded_on is None:
        trading_step = Reason("enter_founding_date")
    else:
        ready_on = months_after(facts.founded_on, KUR_MIN_TRADING_MONTHS)
        trading_step = Reason(
            "keep_trading_or_complete_mentoring",
            {"months": KUR_MIN_TRADING_MONTHS, "ready_on": ready_on},
        )
    if facts.profit_last_year is None:
        profit_step = Reason("enter_profit")
    else:
        profit_step = Reason("reach_profit", {"profit": facts.profit_last_year})
    recorded = len(facts.monthly_revenues)
    food = facts.sector in vocab.FOOD_SECTORS
    halal_from = halal_mandatory_from(size.code)
    # PMK 112/2022: an individual's NPWP is the NIK, activated as NPWP; others register.
    npwp_missing = (
        Reason("activate_nik_as_npwp", {"threshold": KUR_NPWP_ABOVE})
        if facts.legal_form == "perorangan"
        else Reason("register_npwp", {"threshold": KUR_NPWP_ABOVE})
    )

    # (code, dimension, level, met, not_applicable, next step)
    rows: list[tuple[str, Dimension, Level, bool, bool, Reason]] = [
        (
            "business_started",
            "capacity",
            "usaha",
            business_started(facts, today=today),
            False,
            Reason("start_business"),
        ),
        ("identity", "character", "layak", facts.has_nik, False, Reason("record_nik")),
        (
            "trading_6_months",
            "capacity",
            "layak",
            trading or young_business_support(facts),
            False,
            trading_step,
        ),
        (
            "business_licence",
            "condition",
            "layak",
            _has_licence(facts, today),
            False,
            _document_step(facts, BUSINESS_LICENCES, today, missing=Reason("register_nib")),
        ),
        (
            "revenue_recorded",
            "capacity",
            "layak",
            any(month > 0 for month in facts.monthly_revenues),
            False,
            Reason("record_monthly_revenue"),
        ),
        (
            "mentoring",
            "character",
            "bankable",
            facts.mentoring_completed or facts.in_programme,
            False,
            Reason("join_programme"),
        ),
        ("bookkeeping", "capacity", "bankable", facts.keeps_books, False, Reason("keep_books")),
        (
            "bank_account",
            "character",
            "bankable",
            facts.has_bank_account,
            False,
            Reason("open_bank_account"),
        ),
        (
            "revenue_history",
            "capacity",
            "bankable",
            recorded >= REVENUE_HISTORY_MONTHS,
            False,
            Reason(
                "record_revenue_history",
                {"months": REVENUE_HISTORY_MONTHS, "recorded": recorded},
            ),
        ),
        (
            "profitable",
            "capital",
            "bankable",
            facts.profit_last_year is not None and facts.profit_last_year > 0,
            False,
            profit_step,
        ),
        (
            "npwp",
            "condition",
            "bankable",
            _valid(facts, "npwp", today),
            ask is not None and ask <= KUR_NPWP_ABOVE,
            _document_step(facts, ("npwp",), today, missing=npwp_missing),
        ),
        (
            "collateral",
            "collateral",
            "bankable",
            facts.has_collateral,
            ask is not None and ask <= COLLATERAL_ABOVE,
            Reason("prepare_collateral", {"threshold": COLLATERAL_ABOVE}),
        ),
        (
            "food_permit",
            "condition",
            "bankable",
            any(_valid(facts, kind, today) for kind in FOOD_SAFETY_PERMITS),
            not food,
            _document_step(
                facts, FOOD_SAFETY_PERMITS, today, missing=Reason("get_food_safety_permit")
            ),
        ),
        (
            "halal",
            "condition",
            "bankable",
            _valid(facts, "halal", today),
            not food or today < halal_from,
            Reason("halal_food_only")
            if not food
            else Reason("halal_overdue", {"since": halal_from})
            if today >= halal_from
            else Reason("get_halal_before", {"deadline": halal_from}),
        ),
    ]
    return tuple(
        ChecklistItem(
            code=code,
            dimension=dimension,
            level=level,
            met=met,
            not_applicable=not_applicable,
            # A trust signal only beside a met item: an attestation never stands in for the fact.
            attested=facts.attestations.get(code) if met and not not_applicable else None,
            next_step=step,
        )
        for code, dimension, level, met, not_applicable, step in rows
    )


def _stage(checklist: tuple[ChecklistItem, ...]) -> Stage:
    def all_met(level: Level) -> bool:
        return all(item.met for item in checklist if item.level == level and item.counts)

    if not all_met("usaha"):
        return "embrio"
    if not all_met("layak"):
        return "belum_layak"
    if not all_met("bankable"):
        return "layak"
    return "bankable"


# --- financing routes -----------------------------------------------------------------------
def _routes(
    facts: EnterpriseFacts, *, today: dt.date, size: SizeClass, stage: Stage
) -> tuple[RouteVerdict, ...]:
    verdicts: dict[str, RouteVerdict] = {
        code: _kur(facts, code=code, today=today, size=size) for code in KUR_ROUTES
    }
    verdicts["umi"] = _umi(facts, size=size)
    verdicts["mekaar"] = _mekaar(facts, size=size)
    verdicts["lpdb"] = _lpdb(facts)
    verdicts["equity"] = _equity(facts, stage=stage)
    verdicts["revenue_share"] = _revenue_share(facts, stage=stage)
    verdicts["grant"] = _grant(facts, size=size)
    if facts.graduated_from is not None:
        # Kemensos refers graduates to these routes; say so where the route fits.
        opens = Reason("graduation_opens", {"programme": facts.graduated_from})
        for code in GRADUATION_ROUTES:
            verdict = verdicts[code]
            if verdict.fits:
                verdicts[code] = RouteVerdict(code, True, (*verdict.reasons, opens))
    return tuple(verdicts[code] for code in vocab.ROUTES)


def _verdict(code: str, why_not: list[Reason], why: list[Reason]) -> RouteVerdict:
    if why_not:
        return RouteVerdict(code=code, fits=False, reasons=tuple(why_not))
    return RouteVerdict(code=code, fits=True, reasons=tuple(why))


def _size_reasons(size: SizeClass, allowed: tuple[str, ...]) -> list[Reason]:
    if size.code is None:
        return [Reason("size_unknown")]
    if size.code not in allowed:
        return [Reason("size_not_allowed", {"size": size.code})]
    return []


def _stage_reasons(stage: Stage) -> list[Reason]:
    if vocab.STAGE_ORDER[stage] < vocab.STAGE_ORDER["layak"]:
        return [Reason("stage_below", {"stage": "layak"})]
    return []


def _kur(facts: EnterpriseFacts, *, code: str, today: dt.date, size: SizeClass) -> RouteVerdict:
    floor, ceiling = KUR_BANDS[code]
    ask = facts.ask_amount
    why_not: list[Reason] = []
    why: list[Reason] = []
    if ask is None:
        why_not.append(Reason("ask_missing"))
    elif ask > ceiling:
        why_not.append(Reason("ask_above_ceiling", {"ceiling": ceiling}))
    elif ask <= floor:
        why_not.append(Reason("ask_at_or_below_floor", {"floor": floor}))
    else:
        why.append(Reason("ask_within_ceiling", {"ask": ask, "ceiling": ceiling}))

    if not facts.has_nik:
        why_not.append(Reason("nik_missing"))
    if not _has_licence(facts, today):
        why_not.append(_licence_reason(facts, today))
    # Permenko 1/2026: micro and small businesses only, turnover at most Rp4,8 miliar.
    if size.code is not None and size.code not in KUR_SIZES:
        why_not.append(Reason("kur_micro_small_only", {"size": size.code}))
    if facts.annual_turnover is not None and facts.annual_turnover > KUR_MAX_TURNOVER:
        why_not.append(Reason("kur_turnover_above", {"threshold": KUR_MAX_TURNOVER}))
    if KUR_REFUSES_PRIOR_COMMERCIAL_CREDIT and facts.prior_commercial_credit:
        why_not.append(Reason("kur_prior_commercial_credit"))

    # Judge the NPWP at the nearest ask this route accepts, so that a route the enterprise
    # could reach by changing its ask names the NPWP only when that ask would need it.
    nearest = floor + 1 if ask is None else min(max(ask, floor + 1), ceiling)
    if nearest > KUR_NPWP_ABOVE and not _valid(facts, "npwp", today):
        why_not.append(Reason("npwp_required_above", {"threshold": KUR_NPWP_ABOVE}))

    trading = _trading_at_least(facts.founded_on, KUR_MIN_TRADING_MONTHS, today)
    if not trading:
        supported = young_business_support(facts)
        if code == "kur_super_mikro" and supported:
            why.append(Reason("young_business_support_exception"))
        else:
            if facts.founded_on is None:
                why_not.append(Reason("founded_missing"))
            else:
                why_not.append(Reason("trading_under_months", {"months": KUR_MIN_TRADING_MONTHS}))
            if supported:
                # Say why the mentoring or group did not help, or the owner will think it should.
                why_not.append(Reason("young_business_exception_super_mikro_only"))
    if code == "kur_kecil" and not facts.has_collateral:
        why.append(Reason("collateral_may_be_asked"))
    why.append(Reason("kur_flat_rate_repeatable", {"rate": KUR_RATE_PERCENT}))
    why.append(Reason("kur_syariah_too"))
    # What the bank will ask that the app cannot check (Permenko 1/2026).
    if code == "kur_kecil":
        why.append(Reason("bank_asks_bpjs_ketenagakerjaan"))
    why.append(Reason("bank_asks_age_or_married"))
    return _verdict(code, why_not, why)


def _umi(facts: EnterpriseFacts, *, size: SizeClass) -> RouteVerdict:
    why_not = _size_reasons(size, ("mikro",))
    ask = facts.ask_amount
    if ask is None:
        why_not.append(Reason("ask_missing"))
    elif ask > UMI_MAX:
        why_not.append(Reason("ask_above_ceiling", {"ceiling": UMI_MAX}))
    if not facts.has_nik:
        why_not.append(Reason("nik_missing"))
    # PMK 130/2024 art. 5(2)a: not while financed by a government programme credit in SIKP.
    if facts.current_programme_credit:
        why_not.append(Reason("umi_current_programme_credit"))
    return _verdict("umi", why_not, [Reason("umi_non_bank_lenders", {"ceiling": UMI_MAX})])


def _mekaar(facts: EnterpriseFacts, *, size: SizeClass) -> RouteVerdict:
    why_not: list[Reason] = []
    if not facts.women_led:
        why_not.append(Reason("not_women_led"))
    if not (facts.low_income_household or facts.pkh_graduate or facts.graduated_from is not None):
        why_not.append(Reason("not_low_income"))
    why_not.extend(_size_reasons(size, ("mikro",)))
    if facts.ask_amount is not None and facts.ask_amount > MEKAAR_MAX:
        why_not.append(Reason("mekaar_ask_above_range", {"ceiling": MEKAAR_MAX}))
    if not facts.has_nik:
        why_not.append(Reason("nik_missing"))
    why = [Reason("mekaar_group_lending")]
    if "kelompok_mekaar" in facts.group_kinds:
        why.append(Reason("mekaar_group_member"))
    return _verdict("mekaar", why_not, why)


def _lpdb(facts: EnterpriseFacts) -> RouteVerdict:
    if "koperasi" in facts.group_kinds and facts.legal_form not in LPDB_FORMS:
        # LPDB finances cooperatives first; a member borrows through its koperasi, which needs
        # its own RAT and SHU (facts of the cooperative, not of the member).
        return _verdict(
            "lpdb", [], [Reason("lpdb_through_koperasi"), Reason("lpdb_cooperatives_first")]
        )
    why_not: list[Reason] = []
    why: list[Reason] = []
    if facts.legal_form is None:
        why_not.append(Reason("legal_form_missing"))
    elif facts.legal_form not in LPDB_FORMS:
        why_not.append(Reason("lpdb_not_business_entity", {"legal_form": facts.legal_form}))
    if facts.legal_form == "koperasi":
        if not facts.koperasi_rat_held:
            why_not.append(Reason("koperasi_rat_not_held"))
        if not facts.koperasi_shu_positive:
            why_not.append(Reason("koperasi_shu_not_positive"))
        why.append(Reason("lpdb_koperasi_rat_shu"))
    else:
        profit = facts.profit_last_year
        if profit is None:
            why_not.append(Reason("profit_unknown"))
        elif profit <= 0:
            why_not.append(Reason("not_profitable", {"profit": profit}))
        why.append(Reason("lpdb_business_entity_profitable", {"legal_form": facts.legal_form}))
    why.append(Reason("lpdb_cooperatives_first"))
    return _verdict("lpdb", why_not, why)


def _equity(facts: EnterpriseFacts, *, stage: Stage) -> RouteVerdict:
    why_not: list[Reason] = []
    if facts.legal_form is None:
        why_not.append(Reason("legal_form_missing"))
    elif facts.legal_form != "pt":
        why_not.append(Reason("equity_needs_pt", {"legal_form": facts.legal_form}))
    why_not.extend(_stage_reasons(stage))
    return _verdict("equity", why_not, [Reason("equity_pt_shares")])


def _revenue_share(facts: EnterpriseFacts, *, stage: Stage) -> RouteVerdict:
    why_not: list[Reason] = []
    if not facts.keeps_books:
        why_not.append(Reason("no_bookkeeping"))
    recorded = len(facts.monthly_revenues)
    if recorded < REVENUE_HISTORY_MONTHS:
        why_not.append(
            Reason(
                "revenue_history_short",
                {"months": REVENUE_HISTORY_MONTHS, "recorded": recorded},
            )
        )
    why_not.extend(_stage_reasons(stage))
    return _verdict(
        "revenue_share", why_not, [Reason("revenue_share_books_history", {"recorded": recorded})]
    )


def _grant(facts: EnterpriseFacts, *, size: SizeClass) -> RouteVerdict:
    why_not: list[Reason] = []
    if not (facts.in_programme or facts.mentoring_completed):
        why_not.append(Reason("not_in_programme"))
    why_not.extend(_size_reasons(size, ("mikro", "kecil")))
    return _verdict("grant", why_not, [Reason("grant_through_programme")])
