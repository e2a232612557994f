"""Sentences for the readiness assessment's codes, in the request's language.

`readiness.py` and its `readiness_*` modules speak only in codes and `Reason(code, params)`; this
module owns the words. Every code they can produce has one English msgid in `MESSAGES` (the
Indonesian catalogue is filled in from them), so a test can check that no code is left without a
sentence.

Parameters are rendered by name, so that a reason never carries a pre-formatted string:
`MONEY_SHORT_PARAMS` (round thresholds, `Rp50 jt`), `MONEY_PARAMS` (exact amounts, `Rp12.500.000`),
`DATE_PARAMS` (`17 Agustus 2026`) and `LABEL_PARAMS` (a vocabulary code shown as its label).
"""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l

from marketplace import formatting, vocab
from marketplace.profiles.readiness_facts import ChecklistItem, Reason
from marketplace.profiles.readiness_social import SocialItem

MONEY_SHORT_PARAMS = frozenset({"threshold", "ceiling", "floor"})
MONEY_PARAMS = frozenset({"ask", "profit"})
DATE_PARAMS = frozenset({"expired_on", "ready_on", "since", "deadline"})
LABEL_PARAMS = {
    "document": vocab.DOCUMENT_KINDS,
    "legal_form": vocab.LEGAL_FORMS,
    "route": vocab.ROUTES,
    "size": vocab.SIZE_CLASSES,
    "stage": vocab.STAGES,
    "programme": vocab.ASSISTANCE_PROGRAMMES,
}

ITEM_LABELS = {
    "business_started": _l("A business, not only an idea: first sales recorded, or an NIB or SKU"),
    "identity": _l("Owner's NIK recorded"),
    "trading_6_months": _l(
        "Trading for at least 6 months, or a young business with mentoring, training, a business "
        "group or a family business behind it"
    ),
    "business_licence": _l("Valid business licence (NIB or Surat Keterangan Usaha)"),
    "revenue_recorded": _l("Monthly revenue recorded"),
    "mentoring": _l("In a mentoring programme or mentoring completed"),
    "bookkeeping": _l("Keeps business books"),
    "bank_account": _l("Business bank account"),
    "revenue_history": _l("Six months of revenue recorded"),
    "profitable": _l("Profit last year"),
    "npwp": _l("Valid NPWP (tax number)"),
    "collateral": _l("Collateral available"),
    "food_permit": _l("Food-safety permit (SPP-IRT, BPOM MD or SLHS)"),
    "halal": _l("Halal certificate (mandatory for food and drink)"),
}

LEVEL_LABELS = {
    "usaha": _l("needed to count as a business"),
    "layak": _l("needed to be eligible"),
    "bankable": _l("needed to be bankable"),
}

SOCIAL_ITEM_LABELS = {
    "impact": _l("Impact: whom the business serves or employs (a theme investors may see)"),
    "team": _l("Team: a named owner with mentoring, training, a business group or staff"),
    "use_of_funds": _l("Use of funds: the ask and what the money will buy"),
    "governance": _l("Governance: books kept, money in a bank account or run through a group"),
}

DIMENSION_LABELS = {
    "character": _l("Character"),
    "capacity": _l("Capacity"),
    "capital": _l("Capital"),
    "collateral": _l("Collateral"),
    "condition": _l("Condition"),
}

MESSAGES = {
    # --- why a route fits ---
    "ask_within_ceiling": _l("Your ask of %(ask)s is within the %(ceiling)s limit"),
    "young_business_support_exception": _l(
        "Trading less than 6 months is accepted for KUR super-micro because the business takes "
        "part in mentoring or training, belongs to a business group or has a family member with a "
        "business (Permenko Perekonomian 1/2026)"
    ),
    "collateral_may_be_asked": _l(
        "The bank may ask for additional collateral for KUR small; you have none recorded"
    ),
    "kur_flat_rate_repeatable": _l(
        "Since 2026 every KUR costs a flat %(rate)s%% a year and there is no limit on repeat KUR"
    ),
    "kur_syariah_too": _l(
        "Also available as KUR syariah (murabahah or ijarah), for example at BSI or the sharia "
        "units of regional banks"
    ),
    "bank_asks_bpjs_ketenagakerjaan": _l(
        "The bank will ask for BPJS Ketenagakerjaan membership for KUR small (we cannot check it)"
    ),
    "bank_asks_age_or_married": _l(
        "The bank will ask that the borrower is at least 21 or married (we cannot check it)"
    ),
    "umi_non_bank_lenders": _l(
        "Ultra-micro financing up to %(ceiling)s, lent by non-bank lenders (Pegadaian, PNM, "
        "koperasi) (PMK 130/2024)"
    ),
    "mekaar_group_lending": _l(
        "Mekaar lends to women from low-income households in a group that meets weekly and shares "
        "responsibility for repayment (tanggung renteng)"
    ),
    "lpdb_business_entity_profitable": _l(
        "A business entity (%(legal_form)s) with a profit last year can borrow from LPDB"
    ),
    "lpdb_koperasi_rat_shu": _l(
        "A cooperative that held its annual members' meeting (RAT) with a positive SHU can borrow "
        "from LPDB"
    ),
    "lpdb_cooperatives_first": _l("LPDB now finances cooperatives first"),
    "lpdb_through_koperasi": _l(
        "As a member of a cooperative you can borrow LPDB funds through it (the cooperative "
        "needs its RAT held and a positive SHU)"
    ),
    "mekaar_group_member": _l("You are already in a Mekaar group, through which Mekaar lends"),
    "equity_pt_shares": _l("As a PT your business has shares an investor can buy"),
    "revenue_share_books_history": _l(
        "Your books and %(recorded)s months of recorded revenue let an investor share revenue"
    ),
    "grant_through_programme": _l("Grants reach small businesses through mentoring programmes"),
    "graduation_opens": _l(
        "Graduated from %(programme)s: Kemensos links graduates to KUR, Mekaar and UMi; ask your "
        "pendamping for the referral"
    ),
    # --- why a route does not fit ---
    "ask_missing": _l("Enter the amount you want to borrow"),
    "ask_above_ceiling": _l("Your ask is above this route's limit of %(ceiling)s"),
    "ask_at_or_below_floor": _l("Asks of %(floor)s or less go to a smaller route, not this one"),
    "nik_missing": _l("The owner's NIK is not recorded"),
    "licence_missing": _l("There is no valid NIB or Surat Keterangan Usaha"),
    "licence_expired": _l("Your %(document)s expired on %(expired_on)s"),
    "size_not_allowed": _l("Not open to businesses of this size: %(size)s"),
    "size_unknown": _l("Enter your business capital or annual turnover so we know its size"),
    "npwp_required_above": _l("KUR above %(threshold)s needs an NPWP"),
    "kur_micro_small_only": _l(
        "KUR is for micro and small businesses only; yours is %(size)s (Permenko Perekonomian "
        "1/2026)"
    ),
    "kur_turnover_above": _l(
        "KUR is for businesses with an annual turnover of at most %(threshold)s (Permenko "
        "Perekonomian 1/2026)"
    ),
    "kur_prior_commercial_credit": _l(
        "KUR is for applicants who have not had commercial productive credit before (consumer, "
        "ultra-micro and online P2P loans do not count)"
    ),
    "founded_missing": _l("Enter your founding date: KUR needs 6 months of trading"),
    "trading_under_months": _l("KUR needs at least %(months)s months of trading"),
    "young_business_exception_super_mikro_only": _l(
        "Mentoring, training, a business group or a family business replaces 6 months of trading "
        "only for KUR super-micro"
    ),
    "umi_current_programme_credit": _l(
        "UMi is not for a business that currently has a government programme credit (KUR or UMi "
        "recorded in SIKP)"
    ),
    "mekaar_ask_above_range": _l("Your ask is far above Mekaar's range (up to %(ceiling)s)"),
    "not_women_led": _l("Mekaar is for businesses led by women"),
    "not_low_income": _l("Mekaar is for women from low-income households or PKH graduates"),
    "legal_form_missing": _l("Enter your legal form"),
    "lpdb_not_business_entity": _l(
        "LPDB lends to a legal or business entity (PT, CV or cooperative); "
        "%(legal_form)s is not one"
    ),
    "koperasi_rat_not_held": _l("LPDB needs the cooperative's annual members' meeting (RAT) held"),
    "koperasi_shu_not_positive": _l("LPDB needs a positive SHU (the cooperative's net result)"),
    "profit_unknown": _l("Enter last year's profit: LPDB needs a profit"),
    "not_profitable": _l("LPDB needs a profit; last year's result was %(profit)s"),
    "equity_needs_pt": _l(
        "Equity needs shares to sell, which only a PT has; %(legal_form)s has none"
    ),
    "stage_below": _l("Reach at least the stage “%(stage)s” first"),
    "no_bookkeeping": _l("Revenue share needs business books"),
    "revenue_history_short": _l(
        "Revenue share needs %(months)s months of recorded revenue; you have %(recorded)s"
    ),
    "not_in_programme": _l("Grants go to businesses in or through a mentoring programme"),
    # --- next steps for unmet checklist items ---
    "start_business": _l(
        "Make your first sales and record them, or register an NIB: then the idea counts as a "
        "business"
    ),
    # --- what a business idea needs to become a business (stage embrio) ---
    "embryo_first_sales": _l(
        "Sell your first products and record each month's revenue here, even small amounts"
    ),
    "embryo_register_nib": _l(
        "Register an NIB at oss.go.id (free for micro businesses), or ask the village office for a "
        "Surat Keterangan Usaha"
    ),
    "embryo_join_training": _l(
        "Join mentoring, entrepreneurship training or a business group (KUBE, kelompok Mekaar, "
        "koperasi): a young business with this support can apply for KUR super-micro"
    ),
    "embryo_graduate_referral": _l(
        "As a %(programme)s graduate, ask your pendamping for the Kemensos referral to KUR, "
        "Mekaar or UMi once the business sells"
    ),
    # --- social-investment checklist (SEDAYA) ---
    "social_state_impact": _l(
        "Say whom the business serves or employs (women-led, disability-inclusive, PKH graduate, "
        "green) and let investors see it"
    ),
    "social_build_team": _l(
        "Record the owner's name and join mentoring, training or a business group, or record "
        "your employees"
    ),
    "social_write_use_of_funds": _l(
        "Enter your ask and write what the money will buy (at least %(chars)s characters)"
    ),
    "social_governance": _l(
        "Keep business books, and hold the money in a bank account or through your group"
    ),
    "record_nik": _l("Record the owner's NIK from the e-KTP"),
    "enter_founding_date": _l("Enter the date your business started"),
    "keep_trading_or_complete_mentoring": _l(
        "Keep trading until %(ready_on)s, or join mentoring or entrepreneurship training or a "
        "business group"
    ),
    "register_nib": _l("Register your business for an NIB at oss.go.id"),
    "renew_document": _l("Renew your %(document)s: it expired on %(expired_on)s"),
    "record_monthly_revenue": _l("Record your revenue for the last month"),
    "join_programme": _l("Join a mentoring programme (ask a pendamping near you)"),
    "keep_books": _l("Start keeping business books: record every sale and expense"),
    "open_bank_account": _l("Open a business bank account"),
    "record_revenue_history": _l(
        "Record your revenue for %(months)s months; %(recorded)s recorded so far"
    ),
    "enter_profit": _l("Enter last year's profit or loss"),
    "reach_profit": _l("Make a profit: last year's result was %(profit)s"),
    "register_npwp": _l(
        "Register for an NPWP at your tax office or pajak.go.id (needed above %(threshold)s)"
    ),
    "prepare_collateral": _l(
        "Prepare collateral such as a land certificate or vehicle BPKB (asks above %(threshold)s)"
    ),
    "activate_nik_as_npwp": _l(
        "Activate your NIK as NPWP at pajak.go.id or your tax office (needed above %(threshold)s)"
    ),
    "get_food_safety_permit": _l(
        "Get a food-safety permit: SPP-IRT via OSS (PTSP kabupaten/kota), BPOM MD, or SLHS for "
        "food that keeps under 7 days"
    ),
    "halal_overdue": _l(
        "Overdue: halal certification has been mandatory for food and drink since %(since)s. "
        "Apply via SIHALAL (ptsp.halal.go.id); eligible micro businesses can self-declare for free"
    ),
    "halal_food_only": _l("Halal certification is mandatory for food and drink businesses"),
    "get_halal_before": _l(
        "Get halal certification before %(deadline)s, when it becomes mandatory: apply via "
        "SIHALAL (ptsp.halal.go.id); eligible micro businesses can self-declare for free"
    ),
}


# "Aturan yang kami pakai": each rule the assessment applies, with its source, shown on the page.
# A rule whose current source we could not read says so.
RULES = (
    _l(
        "Size class: PP 7/2021 art. 35 (capital excludes land and buildings; annual sales decide "
        "for a business trading 12 months or more)."
    ),
    _l(
        "KUR: Permenko Perekonomian 1/2026 (micro and small businesses, turnover up to Rp4,8 "
        "miliar; super-micro up to Rp10 jt, micro up to Rp100 jt, small up to Rp500 jt; NPWP above "
        "Rp50 jt; no extra collateral up to Rp100 jt; a flat 6 percent, no limit on repeat KUR; "
        "KUR syariah too). We could read only public summaries of this regulation, not its text, "
        "so we cannot name its articles."
    ),
    _l(
        "No earlier commercial productive credit for KUR: Permenko Perekonomian 12/2025 (arts. 19, "
        "23, 27, 38A). We could not read whether Permenko 1/2026 keeps it, so we keep it; the bank "
        "checks SLIK."
    ),
    _l(
        "Young businesses and KUR super-micro: Permenko Perekonomian 1/2026 (from public "
        "summaries): under 6 months of trading with mentoring or training, a business group or a "
        "family member with a business."
    ),
    _l(
        "UMi: PMK 130/2024 art. 5 (not while on a government programme credit recorded in SIKP); "
        "ceiling Rp20 jt is our documented constant (PMK 193/2020)."
    ),
    _l(
        "Mekaar: PNM's published criteria (women from low-income households, groups with joint "
        "liability); the Rp25 jt ceiling is our documented constant from public reports."
    ),
    _l(
        "LPDB: Permenkop UKM 4/2020 on LPDB-KUMKM revolving funds and LPDB-KUMKM's published "
        "criteria (a legal or business entity, PT or CV, with a positive profit; a cooperative "
        "with its RAT held and a positive SHU). LPDB now finances cooperatives first (Kemenkop's "
        "stated direction, 2025): a member can borrow through its cooperative."
    ),
    _l(
        "Food-safety permit, an obligation separate from halal: PP 5/2021 on risk-based business "
        "licensing (SPP-IRT through OSS at the kabupaten/kota PTSP; BPOM MD for registered "
        "processed food; SLHS for food that keeps under 7 days)."
    ),
    _l(
        "Halal: PP 42/2024 art. 160 (mandatory for micro and small food and drink businesses from "
        "18 October 2026); a certificate does not expire while the composition is unchanged."
    ),
    _l("NPWP: PMK 112/2022 (16 digits since 2024; for individuals the NIK is the NPWP)."),
    _l(
        "Equity: our own rule, no regulation sets it: only a PT has shares to sell, and the "
        "business must be at least eligible (layak)."
    ),
    _l(
        "Revenue share: our own rule, no regulation sets it: books kept, 6 months of revenue "
        "recorded and at least eligible (layak)."
    ),
    _l(
        "Grants: our own rule, no regulation sets it: micro and small businesses in or through a "
        "mentoring programme."
    ),
    _l(
        "6 months of recorded revenue for bankable: our own rule, the cash-flow window a loan "
        "officer reads; no regulation sets it."
    ),
    _l(
        "Mentoring is needed for bankable, not for eligible: our own rule. KUR's eligibility does "
        "not ask for a programme, but a mentor's word is what a first-time borrower lacks."
    ),
    _l(
        "Business idea or embryo (embrio usaha): no recorded sales and no NIB or SKU yet. "
        "Graduates of PKH and other social assistance are linked by Kemensos to KUR, Mekaar and "
        "UMi."
    ),
    _l(
        "Social-investment readiness: our own checklist after SEDAYA (Dinas Sosial DKI Jakarta "
        "with UNDP Indonesia, 2024), which assessed enterprises for social investors; no public "
        "standard exists that we could find. It is not a bank's 5C."
    ),
)

# Reasons that reveal a fact the owner keeps private (credit history): only editors read them.
PRIVATE_REASONS = frozenset({"kur_prior_commercial_credit", "umi_current_programme_credit"})
PRIVATE_REASON_TEXT = _l("A condition based on information only the owner and facilitator see")
# Reasons that reveal a sensitive owner attribute: shown only to viewers who may see it
# (`permissions.can_see_sensitive`, i.e. editors, or investors with the owner's consent).
SENSITIVE_REASONS = {
    "graduation_opens": "pkh_graduate",
    "embryo_graduate_referral": "pkh_graduate",
}
SENSITIVE_REASON_TEXT = _l("A condition based on information the owner has not shared")


def _render_param(name: str, value: object) -> object:
    if isinstance(value, int) and name in MONEY_SHORT_PARAMS:
        return formatting.rupiah_short(value)
    if isinstance(value, int) and name in MONEY_PARAMS:
        return formatting.rupiah(value)
    if isinstance(value, dt.date) and name in DATE_PARAMS:
        return formatting.date(value)
    if isinstance(value, str) and name in LABEL_PARAMS:
        return vocab.label(LABEL_PARAMS[name], value)
    return "" if value is None else value


def reason_text(reason: Reason) -> str:
    """`reason` as a sentence in the request's language, with money and dates formatted.

    No side effects. Raises KeyError for a code missing from MESSAGES, so a new code without a
    sentence fails its test instead of showing a raw code to a user.
    """
    template = str(MESSAGES[reason.code])
    params = {name: _render_param(name, value) for name, value in reason.params.items()}
    return template % params


def visible_reason_text(
    reason: Reason, *, private_ok: bool, shared: frozenset[str] = frozenset()
) -> str:
    """`reason_text`, or a neutral sentence for a private reason the viewer may not read, or for
    a sensitive one whose attribute is not in `shared` (the attributes the viewer may see)."""
    if reason.code in PRIVATE_REASONS and not private_ok:
        return str(PRIVATE_REASON_TEXT)
    attribute = SENSITIVE_REASONS.get(reason.code)
    if attribute is not None and not private_ok and attribute not in shared:
        return str(SENSITIVE_REASON_TEXT)
    return reason_text(reason)


def upcoming_text(item: ChecklistItem) -> str:
    """For an obligation that does not apply yet (halal before its date), what to do before it
    does; '' otherwise. No side effects."""
    if item.not_applicable and not item.met and item.next_step.code == "get_halal_before":
        return reason_text(item.next_step)
    return ""


def next_step_text(item: ChecklistItem) -> str:
    """What to do about `item`, or '' when it is met or does not apply. No side effects."""
    if item.met or item.not_applicable:
        return ""
    return reason_text(item.next_step)


def route_label(code: str) -> str:
    """The label of a financing route (vocab.ROUTES) in the request's language."""
    return vocab.label(vocab.ROUTES, code)


def item_label(code: str) -> str:
    """The label of a checklist item in the request's language; the code when unknown."""
    return vocab.label(ITEM_LABELS, code)


def level_label(code: str) -> str:
    """What a checklist level means ("needed to be eligible" …) in the request's language."""
    return vocab.label(LEVEL_LABELS, code)


def social_item_label(code: str) -> str:
    """The label of a social-investment checklist item in the request's language."""
    return vocab.label(SOCIAL_ITEM_LABELS, code)


def social_next_step_text(item: SocialItem) -> str:
    """What to do about an unmet social-investment item; '' when met. No side effects."""
    return "" if item.met else reason_text(item.next_step)


def dimension_label(code: str) -> str:
    """The label of a 5C dimension in the request's language; the code when unknown."""
    return vocab.label(DIMENSION_LABELS, code)
