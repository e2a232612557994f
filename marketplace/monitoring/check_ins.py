"""Monthly check-ins: the figures an owner (or their facilitator) reports each month (revenue,
jobs, finance received by route), which month is due, and the owner's year of birth with its
consent to count the age band."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from marketplace import formatting, vocab
from marketplace.accounts.models import User
from marketplace.errors import PermissionDenied, Problems
from marketplace.extensions import db
from marketplace.monitoring import indicators as ind
from marketplace.monitoring import permissions
from marketplace.monitoring.models import CheckIn, FinanceReceived
from marketplace.profiles import enterprises
from marketplace.profiles.models import Enterprise
from marketplace.profiles.readiness_facts import KUR_KECIL_MAX, KUR_MIKRO_MAX, KUR_SUPER_MIKRO_MAX
from marketplace.programmes.models import Enrolment


def record_check_in(
    *,
    actor: User,
    enterprise: Enterprise,
    month: dt.date,
    revenue: int | None,
    employees_women: int | None,
    employees_men: int | None,
    finance: dict[str, int | None],
    today: dt.date | None = None,
) -> CheckIn:
    """Record one month's check-in, or correct it: a figure given as None is "not reported"
    and leaves what the month already holds as it is (a new month stores NULL: an empty
    employees box is never 0 jobs); a finance amount of 0 removes that route's amount, the
    only way one is removed. Stamps today's readiness stage and size class. Flushes. Raises
    PermissionDenied unless `actor` edits the enterprise (its owner or facilitator),
    ValidationErrors for a month before `earliest_check_in_month` or in the future, negative
    figures or an unknown route."""
    if not permissions.can_check_in(actor, enterprise):
        raise PermissionDenied(_l("You cannot report for this enterprise."))
    today = today or dt.date.today()
    month = month.replace(day=1) if month else None
    check_in_problems(
        month=month,
        revenue=revenue,
        employees_women=employees_women,
        employees_men=employees_men,
        finance=finance,
        today=today,
        earliest=earliest_check_in_month(enterprise),
    ).raise_any()
    row = check_in_for(enterprise, month)
    if row is None:
        row = CheckIn(enterprise_id=enterprise.id, month=month)
        db.session.add(row)
    assessment = enterprises.assess(enterprise, today=today)
    if revenue is not None:
        row.revenue = revenue
    if employees_women is not None:
        row.employees_women = employees_women
    if employees_men is not None:
        row.employees_men = employees_men
    row.stage = assessment.stage
    row.size_class = assessment.size.code
    row.entered_by_id = actor.id
    # Changed in place: replacing the list would insert a route's new row before deleting its
    # old one (the unit of work's order) and break the (check-in, route) unique constraint.
    existing = {f.route: f for f in row.finance}
    for route, amount in finance.items():
        if amount is None:
            continue  # not reported: an amount saved earlier stays
        if amount > 0 and route in existing:
            existing[route].amount = amount
        elif amount > 0:
            row.finance.append(FinanceReceived(route=route, amount=amount))
        elif route in existing:  # 0 typed: the user removes it
            row.finance.remove(existing[route])
    db.session.flush()
    return row


def check_in_for(enterprise: Enterprise, month: dt.date | None) -> CheckIn | None:
    """The enterprise's check-in for `month` (any day of it), if there is one. Reads only."""
    if month is None:
        return None
    return db.session.scalar(
        select(CheckIn).where(
            CheckIn.enterprise_id == enterprise.id, CheckIn.month == month.replace(day=1)
        )
    )


EARLIEST_MONTH = dt.date(2000, 1, 1)
# A KUR route's ceiling per borrower (the bands of profiles.readiness_facts): a larger amount
# received in one month is a slip of the keyboard or the wrong route.
KUR_CEILINGS = {
    "kur_super_mikro": KUR_SUPER_MIKRO_MAX,
    "kur_mikro": KUR_MIKRO_MAX,
    "kur_kecil": KUR_KECIL_MAX,
}


def earliest_check_in_month(enterprise: Enterprise) -> dt.date:
    """The first month a check-in may be for: January of the enterprise's founding year, and
    never before 2000 (a figure from before is a typing slip, not a report)."""
    founded = enterprise.founded_on
    if founded is None:
        return EARLIEST_MONTH
    return max(EARLIEST_MONTH, dt.date(founded.year, 1, 1))


def default_check_in_month(enterprise: Enterprise, *, today: dt.date | None = None) -> dt.date:
    """The month the check-in form opens on: most owners report the month that just ended, so
    last month when neither it nor this month has a check-in yet (and the enterprise did not
    enrol only this month); otherwise this month (prefilled if it has one). Reads only."""
    today = today or dt.date.today()
    this_month = today.replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    filed = set(
        db.session.scalars(
            select(CheckIn.month).where(
                CheckIn.enterprise_id == enterprise.id, CheckIn.month >= last_month
            )
        )
    )
    if filed or last_month < earliest_check_in_month(enterprise):
        return this_month
    enrolled_on = _enrolled_on(enterprise)
    if enrolled_on is not None and enrolled_on >= this_month:
        return this_month
    return last_month


def check_in_due(enterprise: Enterprise, *, today: dt.date | None = None) -> bool:
    """Whether the enterprise owes a check-in this month: it takes part in a programme
    (enrolment accepted and active) and has none for last month or this one (none for this
    month, if it enrolled this month). Reads only."""
    today = today or dt.date.today()
    this_month = today.replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    enrolled_on = _enrolled_on(enterprise)
    if enrolled_on is None:
        return False
    since = max(last_month, enrolled_on.replace(day=1))
    filed = db.session.scalar(
        select(CheckIn.id).where(CheckIn.enterprise_id == enterprise.id, CheckIn.month >= since)
    )
    return filed is None


def _enrolled_on(enterprise: Enterprise) -> dt.date | None:
    """When the enterprise first took part in a programme it still takes part in (enrolment
    accepted and active); None if it takes part in none."""
    return db.session.scalar(
        select(func.min(Enrolment.enrolled_on)).where(
            Enrolment.enterprise_id == enterprise.id,
            Enrolment.consent == "accepted",
            Enrolment.status == "active",
        )
    )


def check_in_problems(
    *,
    month: dt.date | None,
    revenue: int | None,
    employees_women: int | None,
    employees_men: int | None,
    finance: dict[str, int | None],
    today: dt.date,
    earliest: dt.date = EARLIEST_MONTH,
) -> Problems:
    """Every rule a check-in breaks (also run on a form that failed its own checks)."""
    problems = Problems()
    if month is None or month > today:
        problems.add(_l("Choose this month or an earlier one."), field="month")
    elif month < earliest:
        problems.add(
            _l("Choose a month in %(year)s or later.", year=earliest.year),
            field="month",
        )
    if revenue is not None and revenue < 0:
        problems.add(_l("Revenue cannot be negative."), field="revenue")
    for name, value in (("employees_women", employees_women), ("employees_men", employees_men)):
        if value is not None and value < 0:
            problems.add(_l("Give a number of 0 or more."), field=name)
    for route, amount in finance.items():
        if route not in vocab.ROUTES:
            problems.add(_l("Unknown financing route."), field=f"finance_{route}")
        elif amount is not None and amount < 0:
            problems.add(_l("An amount cannot be negative."), field=f"finance_{route}")
        elif amount is not None and amount > KUR_CEILINGS.get(route, amount):
            problems.add(
                _l(
                    "This route lends at most %(ceiling)s to one business: check the amount, or"
                    " put it under the route it came from.",
                    ceiling=formatting.rupiah(KUR_CEILINGS[route]),
                ),
                field=f"finance_{route}",
            )
    return problems


def set_owner_age(
    *, actor: User, enterprise: Enterprise, birth_year: int | None, counted: bool
) -> None:
    """The owner's year of birth (an owner fact on the profile) and their consent to count its
    age band in aggregate reports (`share_owner_age`, one of `profiles.consents.PURPOSES`, so it
    is given, withdrawn and kept in the history like the other consents). The owner, or their
    facilitator for a phone-only owner (recorded as on their behalf). Flushes. Raises
    PermissionDenied, ValidationError (a year outside the last 10–100 years; counting asked
    without a year). Side effects: `enterprises.set_consent`'s (audit, consent history)."""
    if not permissions.can_check_in(actor, enterprise):
        raise PermissionDenied(_l("You cannot report for this enterprise."))
    owner_age_problems(birth_year=birth_year, counted=counted).raise_any()
    enterprise.owner_birth_year = birth_year
    enterprises.set_consent(
        actor=actor, enterprise=enterprise, purpose="share_owner_age", granted=counted
    )
    db.session.flush()


def owner_age_problems(*, birth_year: int | None, counted: bool) -> Problems:
    problems = Problems()
    earliest, latest = ind.birth_year_range()
    if birth_year is not None and not earliest <= birth_year <= latest:
        problems.add(ind.birth_year_message(), field="birth_year")
    elif birth_year is None and counted:
        problems.add(
            _l("Give the year of birth to count the age band, or leave the box unticked."),
            field="birth_year",
        )
    return problems
