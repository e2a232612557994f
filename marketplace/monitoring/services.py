"""Monitoring services: set a target, record a check-in, record the owner's year of birth and its
consent, and build the programme report (targets against actuals, the funnel, disaggregated
tables) that the dashboard, the exports and the public page all read."""

from __future__ import annotations

import datetime as dt
import re
import statistics
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from marketplace import vocab
from marketplace.accounts.models import User
from marketplace.errors import PermissionDenied, Problems
from marketplace.extensions import db
from marketplace.monitoring import indicators as ind
from marketplace.monitoring import permissions, suppression
from marketplace.monitoring.models import CheckIn, FinanceReceived, Target
from marketplace.profiles import enterprises
from marketplace.profiles.models import Enterprise
from marketplace.programmes.models import Cohort, Enrolment, Programme

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
    """Set (or change) the programme's target for one indicator and period. Flushes.
    Raises PermissionDenied for anyone who cannot manage the programme, ValidationErrors for
    an unknown indicator, a malformed period or a missing/negative figure."""
    if not permissions.can_set_targets(actor, programme):
        raise PermissionDenied(_l("You cannot set this programme's targets."))
    period = (period or "").strip().upper()
    target_problems(
        indicator=indicator, period=period, target=target, baseline=baseline
    ).raise_any()
    row = db.session.scalar(
        select(Target).where(
            Target.programme_id == programme.id,
            Target.indicator == indicator,
            Target.period == period,
        )
    )
    if row is None:
        row = Target(programme_id=programme.id, indicator=indicator, period=period)
        db.session.add(row)
    row.target, row.baseline = target, baseline
    row.donor_code = (donor_code or "").strip() or None
    row.set_by_id = actor.id
    db.session.flush()
    return row


def target_problems(
    *, indicator: str | None, period: str | None, target: int | None, baseline: int | None
) -> Problems:
    """Every rule a target breaks (also run on a form that failed its own checks, so one submit
    shows every error)."""
    problems = Problems()
    if indicator not in ind.INDICATORS:
        problems.add(_l("Choose an indicator from the list."), field="indicator")
    period = (period or "").strip().upper()
    if not PERIOD.match(period) or not 2000 <= int(period[:4]) <= 2100:
        problems.add(
            _l("Write the period as a year (2026) or a quarter (2026-Q3)."), field="period"
        )
    if target is None or target < 0:
        problems.add(_l("Give the target as a number of 0 or more."), field="target")
    if baseline is not None and baseline < 0:
        problems.add(_l("The baseline cannot be negative."), field="baseline")
    return problems


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
    """Record (or correct) one month's check-in, stamping today's readiness stage and size class
    on it. Flushes. Raises PermissionDenied unless `actor` edits the enterprise (its owner or
    facilitator), ValidationErrors for a future month, negative figures or an unknown route."""
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
    ).raise_any()
    row = db.session.scalar(
        select(CheckIn).where(CheckIn.enterprise_id == enterprise.id, CheckIn.month == month)
    )
    if row is None:
        row = CheckIn(enterprise_id=enterprise.id, month=month)
        db.session.add(row)
    assessment = enterprises.assess(enterprise, today=today)
    row.revenue = revenue
    row.employees_women = employees_women or 0
    row.employees_men = employees_men or 0
    row.stage = assessment.stage
    row.size_class = assessment.size.code
    row.entered_by_id = actor.id
    # Changed in place: replacing the list would insert a route's new row before deleting its
    # old one (the unit of work's order) and break the (check-in, route) unique constraint.
    existing = {f.route: f for f in row.finance}
    for route, amount in finance.items():
        if amount and route in existing:
            existing[route].amount = amount
        elif amount:
            row.finance.append(FinanceReceived(route=route, amount=amount))
        elif route in existing:
            row.finance.remove(existing[route])
    db.session.flush()
    return row


def check_in_due(enterprise: Enterprise, *, today: dt.date | None = None) -> bool:
    """Whether the enterprise owes a check-in this month: it takes part in a programme
    (enrolment accepted and active) and has none for last month or this one (none for this
    month, if it enrolled this month). Reads only."""
    today = today or dt.date.today()
    this_month = today.replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    enrolled_on = db.session.scalar(
        select(func.min(Enrolment.enrolled_on)).where(
            Enrolment.enterprise_id == enterprise.id,
            Enrolment.consent == "accepted",
            Enrolment.status == "active",
        )
    )
    if enrolled_on is None:
        return False
    since = max(last_month, enrolled_on.replace(day=1))
    filed = db.session.scalar(
        select(CheckIn.id).where(CheckIn.enterprise_id == enterprise.id, CheckIn.month >= since)
    )
    return filed is None


def check_in_problems(
    *,
    month: dt.date | None,
    revenue: int | None,
    employees_women: int | None,
    employees_men: int | None,
    finance: dict[str, int | None],
    today: dt.date,
) -> Problems:
    """Every rule a check-in breaks (also run on a form that failed its own checks)."""
    problems = Problems()
    if month is None or month > today:
        problems.add(_l("Choose this month or an earlier one."), field="month")
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


# --- the report ------------------------------------------------------------------------------
@dataclass
class Cell:
    key: str
    label: str
    n: int
    value: int
    mark: str

    @property
    def shown(self) -> str | int:
        return suppression.display(self.value, self.mark)


@dataclass
class Breakdown:
    indicator: str
    disaggregation: str
    cells: list[Cell]
    total: int
    withheld: bool


@dataclass
class TargetLine:
    indicator: str
    period: str
    baseline: int | None
    target: int
    actual: int
    donor_code: str | None

    @property
    def percent(self) -> int | None:
        return round(100 * self.actual / self.target) if self.target else None


@dataclass
class FunnelStep:
    step: str
    count: int
    conversion: int | None  # percent of the previous step
    median_days: float | None  # from the previous step
    ids: list[int] = field(default_factory=list)


@dataclass
class Report:
    programme: Programme | None
    today: dt.date
    rows: list
    totals: dict[str, tuple[int, int]]
    targets: list[TargetLine]
    funnel: list[FunnelStep]
    routes: Breakdown
    cohorts: dict[int, str]
    # Each indicator's counted rows and each table, computed once per report: the Excel export
    # reads every indicator by every disaggregation (over a hundred tables).
    _counted: dict = field(default_factory=dict, repr=False)
    _tables: dict = field(default_factory=dict, repr=False)

    def counted(self, indicator: str) -> list:
        if indicator not in self._counted:
            self._counted[indicator] = ind.INDICATORS[indicator].counted(self.rows)
        return self._counted[indicator]

    def breakdown(self, indicator: str, disaggregation: str) -> Breakdown:
        key = (indicator, disaggregation)
        if key not in self._tables:
            self._tables[key] = breakdown(
                self.rows,
                indicator,
                disaggregation,
                cohorts=self.cohorts,
                counted=self.counted(indicator),
            )
        return self._tables[key]


def breakdown(
    rows, indicator: str, disaggregation: str, *, cohorts=None, counted=None
) -> Breakdown:
    """One indicator split by one disaggregation, suppressed (`suppression.suppress`).
    `counted`: the indicator's `Indicator.counted(rows)` if already known."""
    spec = ind.INDICATORS[indicator]
    if counted is None:
        counted = spec.counted(rows)
    groups: dict[str, list[int]] = {}  # key: [enterprises, value]
    key_of = ind.key_of
    for row, value in counted:
        group = groups.get(key := key_of(row, disaggregation))
        if group is None:
            groups[key] = [1, value]
        else:
            group[0] += 1
            group[1] += value
    pattern = suppression.suppress({key: n for key, (n, _value) in groups.items()})
    cells = []
    for key in sorted(groups, key=lambda k: (k == ind.NOT_STATED, k)):
        n, value = groups[key]
        label = ind.category_label(disaggregation, key, cohorts)
        cells.append(Cell(key, label, n, value, pattern.mark(key)))
    total = sum(value for _row, value in counted)
    return Breakdown(indicator, disaggregation, cells, total, pattern.withheld)


def funnel(rows) -> list[FunnelStep]:
    """Counts per step (every enterprise that reached it: one financed through KUR without
    pitching counts as financed), conversion as the share of the enterprises at the step before
    that also reached this one, and the median days between the two steps for them."""
    steps = []
    previous = None
    for step in ind.STEPS:
        reached = [r for r in rows if r.dates.get(step) is not None]
        conversion = median = None
        if previous is not None:
            before, both = previous[0], [r for r in previous[1] if r.dates.get(step) is not None]
            conversion = round(100 * len(both) / len(previous[1])) if previous[1] else None
            gaps = [max(0, (r.dates[step] - r.dates[before]).days) for r in both]
            median = statistics.median(gaps) if gaps else None
        steps.append(FunnelStep(step, len(reached), conversion, median, [r.id for r in reached]))
        previous = (step, reached)
    return steps


def route_breakdown(rows) -> Breakdown:
    """Financed enterprises by route, suppressed like a disaggregation. Routes may overlap (an
    enterprise with KUR and a grant counts under both); the pattern is computed as if they
    did not, which hides at least as much."""
    counts = dict.fromkeys(ind.FUNDING_ROUTES, 0)
    for row in rows:
        for route in row.routes:
            counts[route] += 1
    pattern = suppression.suppress(counts)
    cells = [
        Cell(
            route, str(ind.FUNDING_ROUTES[route]), counts[route], counts[route], pattern.mark(route)
        )
        for route in ind.FUNDING_ROUTES
    ]
    financed = sum(1 for r in rows if r.dates.get("financed"))
    return Breakdown("financed", "route", cells, financed, pattern.withheld)


def programme_report(*, programme: Programme | None, today: dt.date | None = None) -> Report:
    """Everything the dashboard and the exports show for `programme` (None: every programme,
    the public page). Reads only."""
    today = today or dt.date.today()
    rows = ind.frame(programme_id=programme.id if programme else None, today=today)
    counted = {code: spec.counted(rows) for code, spec in ind.INDICATORS.items()}
    totals = {
        code: (len(chosen), sum(value for _row, value in chosen))
        for code, chosen in counted.items()
    }
    targets = []
    cohorts = {}
    if programme is not None:
        cohorts = {c.id: c.name for c in programme.cohorts}
        lines = db.session.scalars(
            select(Target)
            .where(Target.programme_id == programme.id)
            .order_by(Target.indicator, Target.period)
        ).all()
        frames: dict[tuple[dt.date, bool], list] = {}
        for line in lines:
            spec = ind.INDICATORS.get(line.indicator)
            if spec is None:
                continue
            end = period_end(line.period)
            needs = line.indicator in ind.NEEDS_CHECK_INS
            if (end, needs) not in frames:
                if end >= today:
                    frames[(end, needs)] = rows
                elif needs:
                    frames[(end, needs)] = ind.frame(
                        programme_id=programme.id, today=today, until=end
                    )
                else:
                    frames[(end, needs)] = ind.as_of(rows, end)
            actual = spec.of(frames[(end, needs)])[1]
            targets.append(
                TargetLine(
                    line.indicator, line.period, line.baseline, line.target, actual, line.donor_code
                )
            )
    else:
        cohorts = {c.id: c.name for c in db.session.scalars(select(Cohort))}
    return Report(
        programme,
        today,
        rows,
        totals,
        targets,
        funnel(rows),
        route_breakdown(rows),
        cohorts,
        _counted=counted,
    )


def public_figures(report: Report) -> dict:
    """The platform-wide aggregates the public page shows, every small figure suppressed: the
    funnel's counts (a step under 5 enterprises is "< 5"), headline indicators (a sum behind
    fewer than 5 enterprises is "< 5"), financed by route and enterprises by province."""
    steps = []
    for step in report.funnel:
        mark = suppression.total_mark(step.count)
        steps.append((step.step, step.count, mark, suppression.display(step.count, mark)))
    headline = []
    for code in ("enterprises_supported", "financed", "finance_mobilised", "jobs", "women_led"):
        n, value = report.totals[code]
        mark = suppression.total_mark(n)
        headline.append((code, value, mark, suppression.display(value, mark)))
    return {
        "funnel": steps,
        "headline": headline,
        "routes": report.routes,
        "provinces": report.breakdown("enterprises_supported", "province"),
    }
