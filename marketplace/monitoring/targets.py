"""Programme targets: the figures a programme promises its donor for an indicator and a period
(a year or a quarter), set, corrected and removed by its facilitators; the report
(`monitoring.reports`) sets each against its actual."""

from __future__ import annotations

import datetime as dt
import re

from flask_babel import lazy_gettext as _l

from marketplace.accounts.models import User
from marketplace.errors import PermissionDenied, Problems
from marketplace.extensions import db
from marketplace.models import row_or_new
from marketplace.monitoring import indicators as ind
from marketplace.monitoring import permissions
from marketplace.monitoring.models import Target
from marketplace.programmes.models import Programme

PERIOD = re.compile(r"^(\d{4})(?:-Q([1-4]))?$")


# --- periods ---------------------------------------------------------------------------------
def period_end(period: str) -> dt.date:
    """The last day of a period: `2026` → 31 Dec 2026, `2026-Q2` → 30 Jun 2026."""
    match = PERIOD.match(period or "")
    if not match:
        raise ValueError(period)
    year, quarter = int(match.group(1)), match.group(2)
    if quarter is None:
        return dt.date(year, 12, 31)
    month = int(quarter) * 3
    return (dt.date(year + month // 12, month % 12 + 1, 1)) - dt.timedelta(days=1)


# --- writes ----------------------------------------------------------------------------------
def set_target(
    *,
    actor: User,
    programme: Programme,
    indicator: str,
    period: str,
    target: int | None,
    baseline: int | None = None,
    donor_code: str | None = None,
) -> Target:
    """Set (or change) the programme's target for one indicator and period; `donor_code` None
    or blank keeps the donor's code the target already has. Flushes.
    Raises PermissionDenied for anyone who cannot manage the programme, ValidationErrors for
    an unknown indicator, a malformed period, a missing, zero or negative target or a negative
    baseline."""
    if not permissions.can_set_targets(actor, programme):
        raise PermissionDenied(_l("You cannot set this programme's targets."))
    period = (period or "").strip().upper()
    target_problems(
        indicator=indicator, period=period, target=target, baseline=baseline
    ).raise_any()
    row = row_or_new(Target, programme_id=programme.id, indicator=indicator, period=period)
    row.target, row.baseline = target, baseline
    # Re-entering a target without a donor's code keeps the one it had.
    row.donor_code = (donor_code or "").strip() or row.donor_code
    row.set_by_id = actor.id
    db.session.flush()
    return row


def update_target(
    *,
    actor: User,
    target_row: Target,
    target: int | None,
    baseline: int | None,
    donor_code: str | None,
) -> Target:
    """Correct a target's figures and donor's code (its indicator and period stay: another
    pair is another target). An empty donor's code here removes it: the form showed it.
    Flushes. Raises PermissionDenied for anyone but the programme's facilitators,
    ValidationErrors for a missing, zero or negative target or a negative baseline."""
    if not permissions.can_set_targets(actor, target_row.programme):
        raise PermissionDenied(_l("You cannot set this programme's targets."))
    target_problems(
        indicator=target_row.indicator,
        period=target_row.period,
        target=target,
        baseline=baseline,
    ).raise_any()
    target_row.target, target_row.baseline = target, baseline
    target_row.donor_code = (donor_code or "").strip() or None
    target_row.set_by_id = actor.id
    db.session.flush()
    return target_row


def delete_target(*, actor: User, target_row: Target) -> None:
    """Remove a target the programme no longer promises. Flushes. Raises PermissionDenied for
    anyone but the programme's facilitators."""
    if not permissions.can_set_targets(actor, target_row.programme):
        raise PermissionDenied(_l("You cannot set this programme's targets."))
    db.session.delete(target_row)
    db.session.flush()


def target_warnings(*, target: int | None, baseline: int | None) -> list:
    """What is allowed but probably a typing slip: every indicator counts up from its baseline,
    so a baseline above the target promises a fall (and the share reached runs far past
    100 %). Shown as a warning after saving, never refused."""
    if target is not None and baseline is not None and baseline > target:
        return [
            _l(
                "The baseline is larger than the target: this indicator counts up from its"
                " baseline, so check both figures."
            )
        ]
    return []


def target_problems(
    *, indicator: str | None, period: str | None, target: int | None, baseline: int | None
) -> Problems:
    """Every rule a target breaks (also run on a form that failed its own checks, so one submit
    shows every error)."""
    problems = Problems()
    if indicator not in ind.INDICATORS:
        problems.add(_l("Choose an indicator from the list."), field="indicator")
    period = (period or "").strip().upper()
    if not PERIOD.match(period):
        problems.add(
            _l("Write the period as a year (2026) or a quarter (2026-Q3)."), field="period"
        )
    elif not 2000 <= int(period[:4]) <= 2100:
        problems.add(
            _l("Give a year from 2000 to 2100, for example 2026 or 2026-Q3."), field="period"
        )
    if target is None or target <= 0:
        # A target of 0 promises nothing: the dashboard would show "0 %" of it however much
        # was reached.
        problems.add(_l("Give the target as a number above 0."), field="target")
    if baseline is not None and baseline < 0:
        problems.add(_l("The baseline cannot be negative."), field="baseline")
    return problems
