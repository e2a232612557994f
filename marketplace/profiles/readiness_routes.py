"""One verdict per financing route (see :mod:`marketplace.profiles.readiness`)."""

from __future__ import annotations

import datetime as dt

from marketplace import vocab
from marketplace.profiles.readiness_facts import (
    EQUITY_FORMS,
    GRADUATION_ROUTES,
    GRANT_SIZES,
    INVESTOR_ROUTES_MIN_STAGE,
    KUR_BANDS,
    KUR_MAX_TURNOVER,
    KUR_MIN_TRADING_MONTHS,
    KUR_NPWP_ABOVE,
    KUR_RATE_PERCENT,
    KUR_REFUSES_PRIOR_COMMERCIAL_CREDIT,
    KUR_ROUTES,
    KUR_SIZES,
    LPDB_FORMS,
    MEKAAR_MAX,
    REVENUE_HISTORY_MONTHS,
    UMI_MAX,
    EnterpriseFacts,
    Reason,
    RouteVerdict,
    SizeClass,
    Stage,
    _has_licence,
    _licence_reason,
    _trading_at_least,
    _valid,
    young_business_support,
)


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
    if vocab.STAGE_ORDER[stage] < vocab.STAGE_ORDER[INVESTOR_ROUTES_MIN_STAGE]:
        return [Reason("stage_below", {"stage": INVESTOR_ROUTES_MIN_STAGE})]
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
    elif facts.legal_form not in EQUITY_FORMS:
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
    why_not.extend(_size_reasons(size, GRANT_SIZES))
    return _verdict("grant", why_not, [Reason("grant_through_programme")])
