"""The owner's consents per purpose (UU PDP 27/2022): what each one is, and who may read them.

Each consent is a column of the enterprise that the packages reading it already use: the
profile's publication (visible to investors and searchable), `share_<attribute>` for each
sensitive attribute shown to investors, and `share_in_reports` for programme and donor reports
(aggregate figures). They sit here, in profiles, because matching (search, match cards) and the
M&E reports, which sit above profiles, must read them without importing the privacy pages. The
history of every change (who, when, for what, from where) is kept by `marketplace.privacy`,
which listens to `signals.consent_changed`. No database access and no side effects here except
`announce`, which sends that signal.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_

from marketplace.profiles import signals
from marketplace.profiles.models import Enterprise

# Sensitive attributes shown to investors only with their own consent
# (enterprises.SENSITIVE_THEMES).
SENSITIVE_ATTRIBUTES = ("women_led", "disability_inclusive", "pkh_graduate")
# Sensitive attributes never shown to investors, counted in reports only with their own consent
# (`share_<attribute>`) besides the reports consent: the owner's age band (owner_birth_year).
REPORT_ONLY_ATTRIBUTES = ("owner_age",)
_OWN_CONSENT = (*SENSITIVE_ATTRIBUTES, *REPORT_ONLY_ATTRIBUTES)

VISIBLE = "visible_to_investors"
REPORTS = "reports"
# Every purpose of an enterprise's consent, in the page's order.
PURPOSES = (VISIBLE, *(f"share_{a}" for a in _OWN_CONSENT), REPORTS)

PURPOSE_LABELS = {
    VISIBLE: _l("Profile visible to investors and in search"),
    "share_women_led": _l("Investors may see: led by a woman"),
    "share_disability_inclusive": _l("Investors may see: disability-inclusive"),
    "share_pkh_graduate": _l("Investors may see: PKH graduate (social assistance)"),
    "share_owner_age": _l("Reports may count: the owner's age band (from the year of birth)"),
    REPORTS: _l("Counted in programme and donor reports (totals only, never your name)"),
}


def current(enterprise: Enterprise) -> dict[str, bool]:
    """Each purpose's consent as it stands now."""
    states = {VISIBLE: enterprise.is_published, REPORTS: bool(enterprise.share_in_reports)}
    for attribute in _OWN_CONSENT:
        states[f"share_{attribute}"] = bool(getattr(enterprise, f"share_{attribute}"))
    return {purpose: states[purpose] for purpose in PURPOSES}


def may_count_in_reports(enterprise: Enterprise, attribute: str | None = None) -> bool:
    """Whether programme and donor reports (M&E) may count `enterprise` at all
    (`attribute=None`), or count it under the sensitive `attribute` (women_led,
    disability_inclusive, pkh_graduate, owner_age): both the reports consent and that
    attribute's own consent. Another attribute (sector, province …) needs the reports consent
    only. A withdrawal applies to every report made after it."""
    if not enterprise.share_in_reports:
        return False
    if attribute in _OWN_CONSENT:
        return bool(getattr(enterprise, f"share_{attribute}"))
    return True


def reportable(attribute: str | None = None):
    """`may_count_in_reports` as a SQL condition on Enterprise, for counting in one query:
    `select(func.count()).where(consents.reportable("women_led"), ...)`."""
    condition = Enterprise.share_in_reports.is_(True)
    if attribute in _OWN_CONSENT:
        condition = and_(condition, getattr(Enterprise, f"share_{attribute}").is_(True))
    return condition


# The basis of a consent that applies by default (`announce_defaults`): counting in programme
# and donor reports is the programme's legitimate interest (totals only), withdrawable.
DEFAULT_BASIS = "default"


def announce_defaults(*, enterprise: Enterprise) -> None:
    """Send `signals.consent_changed` for each consent a new enterprise has by default (the
    reports consent, when on), with no actor and `basis=DEFAULT_BASIS`, so its history starts
    with it. Call once, when the enterprise is created, after its row is flushed."""
    if enterprise.share_in_reports is not False:
        signals.consent_changed.send(
            None, enterprise=enterprise, purpose=REPORTS, granted=True, basis=DEFAULT_BASIS
        )


def announce(*, actor, enterprise: Enterprise, before: dict[str, bool]) -> None:
    """Send `signals.consent_changed` once for each purpose whose consent differs from
    `before` (a `current()` taken before the change). Side effects: the receivers' (privacy
    records the history in the caller's transaction)."""
    after = current(enterprise)
    for purpose, granted in after.items():
        if before.get(purpose) != granted:
            signals.consent_changed.send(
                actor, enterprise=enterprise, purpose=purpose, granted=granted
            )
