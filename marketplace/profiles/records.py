"""An enterprise's track record on its profile: legal documents (NIB, NPWP …), monthly revenue
and mentoring received outside TemuModal's cohorts. Investors and the readiness assessment read
them; the search index is refreshed after a document changes.

Services flush, never commit; they raise `marketplace.errors` domain errors and take
keyword-only arguments.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l

from marketplace import audit, vocab
from marketplace.accounts.models import User
from marketplace.errors import Problems, ValidationError
from marketplace.extensions import db
from marketplace.models import latest_today, row_or_new, utcnow
from marketplace.profiles import validators
from marketplace.profiles.enterprises import (  # noqa: F401 (month helpers re-exported)
    month_start,
    recent_months,
    reindex_later,
    require_editor,
    revenue_field,
    row_of,
)
from marketplace.profiles.models import Enterprise, LegalDocument, MentoringRecord, MonthlyRevenue
from marketplace.profiles.validators import check_amount, check_code

_NUMBER_RULES = {
    "nib": validators.normalise_nib,
    "npwp": validators.normalise_npwp,
}


def document_problems(
    enterprise: Enterprise,
    *,
    kind: str | None,
    number: str | None,
    issued_on: dt.date | None,
    expires_on: dt.date | None,
) -> tuple[Problems, str | None]:
    """Every rule a document breaks, each on its field (also run on a form that failed its own
    checks, so one submit shows every error), and its number normalised. Reads only."""
    problems = Problems()
    with problems.check():
        check_code(kind, vocab.DOCUMENT_KINDS, "kind")
    if not kind:
        problems.add(_l("Choose the kind of document."), field="kind")
    number = (number or "").strip() or None
    readable = True
    if kind in _NUMBER_RULES:
        if not number:
            problems.add(_l("Enter the number printed on the document."), field="number")
        else:
            try:
                number = _NUMBER_RULES[kind](number)
            except ValidationError as error:
                problems.add(error.message, field="number")
                readable = False
    if kind == "npwp" and number and readable and not _npwp_matches_nik(enterprise, number):
        problems.add(
            _l(
                "For an individual business the NPWP is the owner's NIK (PMK 112/2022); this "
                "number differs from the NIK recorded. Check both, or activate the NIK as NPWP."
            ),
            field="number",
        )
    if issued_on and issued_on > latest_today():
        problems.add(_l("The issue date is after today: check it."), field="issued_on")
    if issued_on and expires_on and expires_on < issued_on:
        problems.add(_l("The expiry date is before the issue date."), field="expires_on")
    return problems, number


def set_document(
    *,
    actor: User,
    enterprise: Enterprise,
    kind: str,
    number: str | None,
    issued_on: dt.date | None,
    expires_on: dt.date | None,
) -> LegalDocument:
    """Record (or replace) a legal document the enterprise holds.

    NIB and NPWP numbers are checked and normalised. Raises PermissionDenied, ValidationError.
    Side effects: audit `document.recorded`.
    """
    require_editor(actor, enterprise)
    problems, number = document_problems(
        enterprise, kind=kind, number=number, issued_on=issued_on, expires_on=expires_on
    )
    problems.raise_any()
    document = row_or_new(LegalDocument, enterprise=enterprise, kind=kind)
    document.number, document.issued_on, document.expires_on = number, issued_on, expires_on
    audit.on_enterprise("document.recorded", enterprise.id, by=actor.id, kind=kind)
    db.session.flush()
    reindex_later(enterprise)
    return document


def _npwp_matches_nik(enterprise: Enterprise, npwp: str) -> bool:
    """A sole proprietor's 16-digit NPWP is the owner's NIK (an old number converted with a
    leading 0 is not an NIK and passes); compared on the stored prefix and last four digits."""
    if enterprise.legal_form != "perorangan" or npwp.startswith("0"):
        return True
    if not enterprise.owner_nik_last4:
        return True
    return npwp[:4] == enterprise.owner_nik_prefix and npwp[-4:] == enterprise.owner_nik_last4


def remove_document(*, actor: User, enterprise: Enterprise, document_id: int) -> None:
    require_editor(actor, enterprise)
    document = row_of(
        LegalDocument, document_id, enterprise, _l("That document is not on this profile.")
    )
    db.session.delete(document)
    audit.on_enterprise("document.removed", enterprise.id, by=actor.id, kind=document.kind)
    db.session.flush()
    reindex_later(enterprise)


def set_revenues(
    *, actor: User, enterprise: Enterprise, revenues: dict[dt.date, int | None]
) -> None:
    """Record monthly revenue per month (None removes a month). Raises ValidationError.

    A change raises the profile's version (`marketplace.editing`): the revenue rows are part of
    the profile form, so a form opened before this save sees them as changed by someone else."""
    require_editor(actor, enterprise)
    existing = {r.month: r for r in enterprise.revenues}
    changed = False
    for month, amount in revenues.items():
        month = month_start(month)
        if amount is None:
            if month in existing:
                db.session.delete(existing[month])
                changed = True
            continue
        check_amount(amount, revenue_field(month))
        if month in existing:
            if existing[month].amount != amount:
                existing[month].amount = amount
                changed = True
        else:
            db.session.add(MonthlyRevenue(enterprise=enterprise, month=month, amount=amount))
            changed = True
    if changed:
        enterprise.updated_at = utcnow()  # an UPDATE of the profile row: its version goes up
    db.session.flush()
    db.session.expire(enterprise, ["revenues"])


def mentoring_problems(
    *, programme_name: str | None, started_on: dt.date | None, completed_on: dt.date | None
) -> Problems:
    """Every rule a mentoring record breaks, each on its field (also run on a form that failed
    its own checks, so one submit shows every error). Reads only."""
    problems = Problems()
    if not (programme_name or "").strip():
        problems.add(_l("Give the programme's name."), field="programme_name")
    if started_on and started_on > latest_today():
        problems.add(
            _l("The start date is after today: record mentoring once it has started."),
            field="started_on",
        )
    if completed_on and completed_on > latest_today():
        problems.add(
            _l("The end date is after today: leave it empty while the mentoring runs."),
            field="completed_on",
        )
    elif started_on and completed_on and completed_on < started_on:
        problems.add(_l("The end date is before the start date."), field="completed_on")
    return problems


def add_mentoring_record(
    *,
    actor: User,
    enterprise: Enterprise,
    programme_name: str,
    cohort_name: str | None,
    started_on: dt.date | None,
    completed_on: dt.date | None,
    modules_completed: str | None,
) -> MentoringRecord:
    """Record mentoring received outside TemuModal's own cohorts. Raises ValidationError."""
    require_editor(actor, enterprise)
    mentoring_problems(
        programme_name=programme_name, started_on=started_on, completed_on=completed_on
    ).raise_any()
    record = MentoringRecord(
        enterprise=enterprise,
        programme_name=programme_name.strip(),
        cohort_name=(cohort_name or "").strip() or None,
        started_on=started_on,
        completed_on=completed_on,
        modules_completed=(modules_completed or "").strip() or None,
    )
    db.session.add(record)
    db.session.flush()
    return record


def remove_mentoring_record(*, actor: User, enterprise: Enterprise, record_id: int) -> None:
    require_editor(actor, enterprise)
    record = row_of(
        MentoringRecord, record_id, enterprise, _l("That record is not on this profile.")
    )
    db.session.delete(record)
    db.session.flush()
