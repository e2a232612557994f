"""Match reasons in the user's language: 'sector fits (Food) · ticket Rp50 jt within Rp10 jt–…'.

`scoring` produces `Reason(code, params)` with codes and rupiah integers only; this module turns
them into words at render time, in the request's locale (Indonesian outside a request). Money goes
through `formatting.rupiah_short`, vocabulary codes through their `vocab` labels, provinces
through a namer that the regions module can install with `set_province_namer` (until then the
Kemendagri code is shown).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from marketplace import formatting, vocab
from marketplace.matching.scoring import Reason

# The catalogue read once per request (security.request_translations), as vocab's labels: a
# page of matches renders a hundred reasons.
from marketplace.security import gettext
from marketplace.security import lazy_gettext as _l

SEPARATOR = " · "

TEXTS = {
    "sector_open": _l("open to every sector"),
    "sector_match": _l("sector fits (%(sector)s)"),
    "sector_outside": _l("sector outside the mandate (%(sector)s)"),
    "province_open": _l("open to every province"),
    "province_match": _l("province in the target area (%(province)s)"),
    "province_outside": _l("province outside the target area (%(province)s)"),
    "ticket_in_range": _l("ticket %(ask)s within the range %(range)s"),
    "ticket_open": _l("ticket %(ask)s, any size accepted"),
    "ticket_below_range": _l("ticket %(ask)s just below the range %(range)s"),
    "ticket_above_range": _l("ticket %(ask)s just above the range %(range)s"),
    "ticket_far_below_range": _l("ticket %(ask)s far below the range %(range)s"),
    "ticket_far_above_range": _l("ticket %(ask)s far above the range %(range)s"),
    "ask_unstated": _l("no funding amount stated yet"),
    "instrument_match": _l("instrument fits (%(instruments)s)"),
    "instruments_unstated": _l("no financing instrument chosen yet"),
    "instrument_mismatch": _l("wants %(wanted)s, offers %(offered)s"),
    "sharia_conventional_only": _l(
        "wants only conventional financing (%(wanted)s), the investor is sharia-only"
    ),
    "stage_bankable": _l("bankable"),
    "stage_not_bankable": _l("readiness: %(stage)s"),
    "social_ready": _l(
        "meets the social-investment checklist (impact, team, use of funds, governance; "
        "SEDAYA): may fit an impact or CSR fund before it is bankable"
    ),
    "stage_below_minimum": _l("readiness %(stage)s is below the minimum (%(min_stage)s)"),
    "documents_held": _l("has %(documents)s"),
    "documents_missing": _l("no %(documents)s yet"),
    "food_permit_missing": _l("no food-safety permit (SPP-IRT, BPOM MD or SLHS) yet"),
    "halal_overdue": _l(
        "no halal certificate: overdue, mandatory for food and drink since %(since)s "
        "(micro businesses may self-declare via SIHALAL)"
    ),
    "impact_match": _l("impact: %(themes)s"),
    "impact_none": _l("none of the impact themes (%(themes)s)"),
    "text_overlap": _l("thesis and profile share: %(terms)s"),
}

# Documents are named by the acronyms owners and banks use in both languages ("sudah NIB + halal").
DOCUMENT_SHORT_NAMES = {
    "nib": "NIB",
    "npwp": "NPWP",
    "spp_irt": "SPP-IRT",
    "halal": "halal",
    "bpom": "BPOM",
    "slhs": "SLHS",
    "sku": "SKU",
}

_province_namer: Callable[[str], str] | None = None


def set_province_namer(namer: Callable[[str], str] | None) -> None:
    """Install the function that names a province code (None: show the code).

    Side effect: changes how every later reason with a province is rendered, process-wide.
    """
    global _province_namer
    _province_namer = namer


def _province(code: Any) -> str:
    return _province_namer(str(code)) if _province_namer else str(code)


def _labels(mapping: Mapping[str, object], codes: Iterable[str], joiner: str = ", ") -> str:
    return joiner.join(vocab.label(mapping, code) for code in codes)


def _range(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f"{formatting.rupiah_short(low)}–{formatting.rupiah_short(high)}"
    if high is not None:
        return gettext("up to %(max)s", max=formatting.rupiah_short(high))
    return gettext("from %(min)s", min=formatting.rupiah_short(low or 0))


# How each parameter name is put into words.
_RENDER_PARAM: Mapping[str, Callable[[Any], str]] = {
    "sector": lambda v: vocab.label(vocab.SECTORS, v),
    "province": _province,
    "ask": formatting.rupiah_short,
    "stage": lambda v: vocab.label(vocab.STAGES, v),
    "min_stage": lambda v: vocab.label(vocab.STAGES, v),
    "instruments": lambda v: _labels(vocab.INSTRUMENTS, v),
    "wanted": lambda v: _labels(vocab.INSTRUMENTS, v),
    "offered": lambda v: _labels(vocab.INSTRUMENTS, v),
    "themes": lambda v: _labels(vocab.IMPACT_THEMES, v),
    "documents": lambda v: _labels(DOCUMENT_SHORT_NAMES, v, " + "),
    "terms": lambda v: ", ".join(str(term) for term in v),
    "since": formatting.date,
}


def reason_text(reason: Reason) -> str:
    """One reason in the current request's language (Indonesian outside a request).

    Raises KeyError for a code without a text (a test keeps TEXTS complete).
    """
    params = {
        name: _RENDER_PARAM.get(name, str)(value)
        for name, value in reason.params.items()
        if name not in ("min", "max")
    }
    if "min" in reason.params or "max" in reason.params:
        params["range"] = _range(reason.params.get("min"), reason.params.get("max"))
    return str(TEXTS[reason.code]) % params


def reasons_line(reasons: Iterable[Reason]) -> str:
    """The reasons joined with ' · ' in the request's language, in the order given."""
    return SEPARATOR.join(reason_text(reason) for reason in reasons)
