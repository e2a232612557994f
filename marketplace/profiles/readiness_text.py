"""Sentences for the readiness assessment's codes, in the request's language.

`readiness.py` speaks only in codes and `Reason(code, params)`; this module owns the words. Every
code it can produce has one English msgid in `MESSAGES` (the Indonesian catalogue is filled in from
them), so a test can check that no code is left without a sentence.

Parameters are rendered by name, so that a reason never carries a pre-formatted string:
`MONEY_SHORT_PARAMS` (round thresholds, `Rp50 jt`), `MONEY_PARAMS` (exact amounts, `Rp12.500.000`),
`DATE_PARAMS` (`17 Agustus 2026`) and `LABEL_PARAMS` (a vocabulary code shown as its label).
"""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l

from marketplace import formatting, vocab
from marketplace.profiles.readiness import ChecklistItem, Reason

MONEY_SHORT_PARAMS = frozenset({"threshold", "ceiling", "floor"})
MONEY_PARAMS = frozenset({"ask", "profit"})
DATE_PARAMS = frozenset({"expired_on", "ready_on"})
LABEL_PARAMS = {
    "document": vocab.DOCUMENT_KINDS,
    "legal_form": vocab.LEGAL_FORMS,
    "route": vocab.ROUTES,
    "size": vocab.SIZE_CLASSES,
    "stage": vocab.STAGES,
}

ITEM_LABELS = {
    "identity": _l("Owner's NIK recorded"),
    "trading_6_months": _l("Trading for at least 6 months, or mentoring completed"),
    "business_licence": _l("Valid business licence (NIB or Surat Keterangan Usaha)"),
    "revenue_recorded": _l("Monthly revenue recorded"),
    "mentoring": _l("In a mentoring programme or mentoring completed"),
    "bookkeeping": _l("Keeps business books"),
    "bank_account": _l("Business bank account"),
    "revenue_history": _l("Six months of revenue recorded"),
    "profitable": _l("Profit last year"),
    "npwp": _l("Valid NPWP (tax number)"),
    "collateral": _l("Collateral available"),
    "food_permit": _l("Food permit (SPP-IRT, BPOM or halal)"),
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
    "young_business_mentoring_exception": _l(
        "Trading less than 6 months is accepted for KUR super-micro after completed mentoring"
    ),
    "collateral_may_be_asked": _l(
        "The bank may ask for additional collateral for KUR small; you have none recorded"
    ),
    "umi_not_reached_by_kur": _l(
        "Ultra-micro financing up to %(ceiling)s for micro businesses that KUR does not reach"
    ),
    "mekaar_group_lending": _l(
        "Mekaar lends to groups of women: you join a group that meets weekly and shares "
        "responsibility for repayment"
    ),
    "lpdb_legal_entity_profitable": _l(
        "A legal entity (%(legal_form)s) with a profit last year can borrow from LPDB"
    ),
    "equity_pt_shares": _l("As a PT your business has shares an investor can buy"),
    "revenue_share_books_history": _l(
        "Your books and %(recorded)s months of recorded revenue let an investor share revenue"
    ),
    "grant_through_programme": _l("Grants reach small businesses through mentoring programmes"),
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
    "founded_missing": _l("Enter your founding date: KUR needs 6 months of trading"),
    "trading_under_months": _l("KUR needs at least %(months)s months of trading"),
    "mentoring_exception_super_mikro_only": _l(
        "Completed mentoring replaces 6 months of trading only for KUR super-micro"
    ),
    "reached_by_kur": _l("UMi is for businesses KUR does not reach, and %(route)s fits you"),
    "not_women_led": _l("Mekaar is for businesses led by women"),
    "not_low_income": _l("Mekaar is for women from low-income households or PKH graduates"),
    "legal_form_missing": _l("Enter your legal form"),
    "not_legal_entity": _l(
        "LPDB lends to legal entities (PT or cooperative); %(legal_form)s is not one"
    ),
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
    "record_nik": _l("Record the owner's NIK from the e-KTP"),
    "enter_founding_date": _l("Enter the date your business started"),
    "keep_trading_or_complete_mentoring": _l(
        "Keep trading until %(ready_on)s, or complete a mentoring programme"
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
    "get_food_permit": _l("Get an SPP-IRT from your Dinas Kesehatan, a halal certificate or BPOM"),
}


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


def dimension_label(code: str) -> str:
    """The label of a 5C dimension in the request's language; the code when unknown."""
    return vocab.label(DIMENSION_LABELS, code)
