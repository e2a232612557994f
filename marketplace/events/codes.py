"""The codes of the events domain and their labels (codes in data, labels only when rendering)."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l

from marketplace import vocab

MODES = {
    "panel": _l("Panel pitching: each enterprise pitches once to a panel"),
    "meetings": _l("1:1 meetings: investors and enterprises meet at tables"),
}

# The three Indonesian time zones, with the abbreviation people say.
ZONES = {
    "Asia/Jakarta": _l("WIB (Western Indonesia, Jakarta)"),
    "Asia/Makassar": _l("WITA (Central Indonesia, Makassar)"),
    "Asia/Jayapura": _l("WIT (Eastern Indonesia, Jayapura)"),
}

EVENT_STATUSES = {
    "open": _l("Open for registration"),
    "published": _l("Schedule published"),
    "cancelled": _l("Cancelled"),
}

INVITATION_STATUSES = {
    "invited": _l("Invited, no answer yet"),
    "confirmed": _l("Attendance confirmed"),
    "declined": _l("Will not attend"),
}

REGISTRATION_STATUSES = {"registered": _l("Registered"), "cancelled": _l("Cancelled")}

# 'pending' only on seats registered under the old per-event price, before tickets existed.
PAYMENT_STATES = {
    "not_required": _l("Free"),
    "pending": _l("Registered before tickets, unpaid"),
    "paid": _l("Paid"),
    "refunded": _l("Refunded"),
}

RUN_STATUSES = {
    "queued": _l("Waiting to start"),
    "running": _l("Building"),
    "done": _l("Ready"),
    "failed": _l("Failed"),
}

# A failed run's `error` is the solver's message, or one of these codes (shown translated).
RUN_STOPPED = "worker_stopped"
RUN_ERRORS = {
    RUN_STOPPED: _l(
        "the build stopped without finishing (the process running it ended). Nothing was"
        " changed: build the schedule again."
    ),
}

# Friday prayer (sholat Jumat) is blocked by default on Fridays, in the event's own zone.
FRIDAY_PRAYER = (dt.time(11, 30), dt.time(13, 0))

# The standard score sheet; a facilitator may change the weights or add criteria of their own.
STANDARD_CRITERIA = {
    "business_model": _l("Business model"),
    "market": _l("Market"),
    "finance": _l("Finance"),
    "team": _l("Team"),
    "impact": _l("Impact"),
    "readiness": _l("Readiness"),
}
SCORE_MIN, SCORE_MAX = 1, 10

CONFLICTS_OF_INTEREST = {
    "mentors": _l("The judge's organisation mentors this enterprise"),
    "funded": _l("The judge's organisation has funded this enterprise"),
    "own": _l("The judge belongs to this enterprise"),
}

# Outcomes: investment deals follow the deal ladder (vocab.DEAL_STAGES); loan routes this one.
OUTCOME_TRACKS = {
    "investment": _l("Investment"),
    "kur": _l("KUR"),
    "umi": _l("UMi"),
    "mekaar": _l("PNM Mekaar"),
    "lpdb": _l("LPDB"),
}
LOAN_TRACKS = frozenset(OUTCOME_TRACKS) - {"investment"}
LOAN_STATUSES = {
    "applied": _l("Applied"),
    "approved": _l("Approved"),
    "disbursed": _l("Disbursed"),
    "declined": _l("Declined"),
}
OUTCOME_STATUSES = {**vocab.DEAL_STAGES, **LOAN_STATUSES}
# Statuses that mean money reached the enterprise (used by conflict-of-interest detection).
FUNDED_STATUSES = frozenset({"funded", "disbursed"})


def statuses_for(track: str) -> dict:
    """The status ladder of an outcome track (investment or a loan route)."""
    return LOAN_STATUSES if track in LOAN_TRACKS else vocab.DEAL_STAGES
