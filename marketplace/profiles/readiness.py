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
- *bankable* level: mentoring, bookkeeping, bank_account, revenue_history (>= 6 months recorded, the
  cash-flow window a loan officer reads), profitable (last year's profit > 0), npwp (only for asks
  above Rp50 juta, the KUR NPWP threshold; for a sole proprietor the NPWP is the NIK activated as
  NPWP, PMK 112/2022), collateral (only for asks above Rp100 juta: KUR up to Rp100 juta needs no
  additional collateral), and for food sectors two separate obligations: food_permit (a food-safety
  permit under PP 5/2021's risk-based licensing: SPP-IRT via OSS at the kabupaten/kota PTSP, BPOM
  MD, or SLHS for food keeping under 7 days) and halal (PP 42/2024 art. 160: mandatory from 18
  October 2026 for micro and small businesses, from 18 October 2024 for the others; before its date
  it does not apply yet and the next step names the deadline; from it on, a missing certificate is
  overdue).

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

Financing routes (one verdict per `vocab.ROUTES` code, in that order), each rule with its source in
the constants block. KUR (Permenko Perekonomian 1/2026; we could read only public summaries, so no
articles are named): bands super-mikro ask <= Rp10 juta, mikro Rp10 juta < ask <= Rp100 juta, kecil
Rp100 juta < ask <= Rp500 juta; micro and small businesses only (menengah and besar refused) with a
turnover of at most Rp4,8 miliar; the NIK, a valid NIB or SKU, and 6 months of trading, which
young-business support (see above) replaces only for super-mikro; no earlier commercial productive
credit (Permenko 12/2025, kept as a documented constant). An NPWP is needed above Rp50 juta, judged
at the nearest ask the route accepts (the ask clamped into its band, or the band's smallest ask when
the ask is unknown): so KUR kecil always needs it, KUR mikro needs it for asks above Rp50 juta,
super-mikro never. A fitting KUR says that the rate is a flat 6 % with no limit on repeat KUR, that
KUR syariah exists, and what the bank will ask that we cannot check (BPJS Ketenagakerjaan for KUR
kecil; age 21 or married). UMi (PMK 130/2024 art. 5) is refused only while the business has a
government programme credit recorded in SIKP, and is channelled by non-bank lenders. Mekaar lends to
women from low-income or PKH households running micro businesses, in groups with joint liability, up
to MEKAAR_MAX. UMi and Mekaar also need the NIK. LPDB lends to a PT or CV with a positive profit, or
a koperasi that held its RAT with a positive SHU (Permenkop UKM 4/2020), and says LPDB now finances
cooperatives first (Kemenkop's stated direction). Our own rules, with no public source (named
constants, and the page says so): equity needs a PT (EQUITY_FORMS: shares to sell) and stage *layak*
(INVESTOR_ROUTES_MIN_STAGE); revenue share needs books, REVENUE_HISTORY_MONTHS recorded months and
stage *layak*; grants go to GRANT_SIZES businesses in or through a mentoring programme. A fitting
verdict has at least one reason saying why it fits; a non-fitting one lists every reason why not. A
household that graduated from social assistance (PKH, BPNT, PENA; `graduated_from`, `graduated_on`)
counts as low-income for Mekaar, and each fitting KUR, UMi and Mekaar route says that graduation
links the owner to it (Kemensos refers graduates to KUR, Mekaar and UMi); that reason is sensitive
(social-assistance status). Members of a business group a facilitator registered (`group_kinds`)
count as in a business group; a Mekaar group's member is told Mekaar lends through it, and a
cooperative's member that is not an LPDB borrower itself is told LPDB lends to it through the
cooperative.

Social-investment readiness (`social_checklist`): SEDAYA (Sentra Pemberdayaan Masyarakat, Dinas
Sosial DKI Jakarta with UNDP Indonesia's Accelerator Lab, Kemensos and Bappenas, November 2024)
assessed pre-bankable enterprises for social investors rather than against a bank's 5C. No public
standard for that assessment exists that we could find, so the checklist is ours, documented
here: impact (an impact theme the viewer may see: women-led, disability-inclusive, a PKH graduate,
green), team (a named owner with mentoring, training, a business group or at least one employee),
use of funds (an ask with its use written out, at least USE_OF_FUNDS_MIN_CHARS characters), and
governance (books kept, money in a bank account or run through a group). All four met: an impact
or CSR fund may fit the business even while a bank would call it "belum bankable".

The rules live in four modules: this one (the entry point, the embryo steps, the bank checklist
and the stage), ``readiness_facts`` (thresholds, the facts and result types, size class and the
shared date and document helpers), ``readiness_routes`` (one verdict per financing route) and
``readiness_social`` (the social-investment checklist).
"""

from __future__ import annotations

import datetime as dt

from marketplace import vocab
from marketplace.profiles.readiness_facts import (
    BUSINESS_LICENCES,
    COLLATERAL_ABOVE,
    FOOD_SAFETY_PERMITS,
    KUR_MIN_TRADING_MONTHS,
    KUR_NPWP_ABOVE,
    MENTORING_LEVEL,
    REVENUE_HISTORY_MONTHS,
    Assessment,
    ChecklistItem,
    Dimension,
    EnterpriseFacts,
    Level,
    Reason,
    SizeClass,
    Stage,
    _document_step,
    _has_licence,
    _trading_at_least,
    _valid,
    halal_mandatory_from,
    halal_overdue,
    months_after,
    size_class,
    young_business_support,
)
from marketplace.profiles.readiness_routes import _routes


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
    # The obligation applies (matching's halal_overdue reason uses the same function).
    halal_due = halal_overdue(sector=facts.sector, size=size.code, holds_halal=False, today=today)
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
            MENTORING_LEVEL,
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
            not halal_due,
            Reason("halal_food_only")
            if not food
            else Reason("halal_overdue", {"since": halal_from})
            if halal_due
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
