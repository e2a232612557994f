"""Monitoring services: set a target, record a check-in, record the owner's year of birth and its
consent, and build the programme report (targets against actuals, the funnel, disaggregated
tables) that the dashboard, the exports and the public page all read."""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from marketplace import formatting, tasks, vocab
from marketplace.accounts.models import User
from marketplace.errors import PermissionDenied, Problems
from marketplace.extensions import db
from marketplace.monitoring import cache, permissions, suppression
from marketplace.monitoring import indicators as ind
from marketplace.monitoring.models import CheckIn, FinanceReceived, PublicSnapshot, Target
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
    """Set (or change) the programme's target for one indicator and period; `donor_code` None
    or blank keeps the donor's code the target already has. Flushes.
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
    ValidationErrors for a missing or negative figure."""
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
    """Record one month's check-in, or correct it: a figure given as None is "not reported"
    and leaves what the month already holds as it is (a new month: no revenue, 0 employees);
    a finance amount of 0 removes that route's amount, the only way one is removed. Stamps
    today's readiness stage and size class. Flushes. Raises PermissionDenied unless `actor`
    edits the enterprise (its owner or facilitator), ValidationErrors for a month before
    `earliest_check_in_month` or in the future, negative figures or an unknown route."""
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
        row = CheckIn(enterprise_id=enterprise.id, month=month, employees_women=0, employees_men=0)
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
    enrolled_on = db.session.scalar(
        select(func.min(Enrolment.enrolled_on)).where(
            Enrolment.enterprise_id == enterprise.id,
            Enrolment.consent == "accepted",
            Enrolment.status == "active",
        )
    )
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
    # Each counted row's category read by C-level map/Counter (the Excel export asks for 116
    # tables: a Python call per row and table was most of its time).
    keys = list(map(ind.key_getter(disaggregation), [row for row, _value in counted]))
    groups: dict[str, list[int]]  # key: [enterprises, value]
    if spec.value is None:  # every counted row contributes 1: the value is the count
        groups = {key: [n, n] for key, n in Counter(keys).items()}
        total = len(counted)
    else:
        groups = {}
        for key, (_row, value) in zip(keys, counted, strict=True):
            group = groups.get(key)
            if group is None:
                groups[key] = [1, value]
            else:
                group[0] += 1
                group[1] += value
        total = sum(value for _row, value in counted)
    pattern = suppression.suppress({key: n for key, (n, _value) in groups.items()})
    cells = []
    for key in sorted(groups, key=lambda k: (k == ind.NOT_STATED, k)):
        n, value = groups[key]
        label = ind.category_label(disaggregation, key, cohorts)
        cells.append(Cell(key, label, n, value, pattern.mark(key)))
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


def programme_report(
    *,
    programme: Programme | None,
    today: dt.date | None = None,
    regencies: frozenset[str] | None = None,
) -> Report:
    """Everything the dashboard and the exports show for `programme` (None: every programme,
    the public page); with `regencies`, only the enterprises located in those kabupaten/kota
    (a programme's priority areas). Reads only."""
    today = today or dt.date.today()
    token = cache.current_token()
    if token is None:
        with ind.gc_paused():
            return _programme_report(programme=programme, today=today, regencies=regencies)
    key = (programme.id if programme else None, today, token, regencies)
    # The routes' and the tables' labels are in the request's language: kept per language.
    locale = str(get_locale())
    kept = cache.get(key)
    if kept is None:
        with ind.gc_paused():
            report = _programme_report(programme=programme, today=today, regencies=regencies)
        kept = {"report": report, "labelled": {locale: (report.routes, report._tables)}}
        cache.put(key, kept)
    base = kept["report"]
    if locale not in kept["labelled"]:
        kept["labelled"][locale] = (route_breakdown(base.rows), {})
    routes, tables = kept["labelled"][locale]
    return Report(
        programme,
        today,
        base.rows,
        base.totals,
        base.targets,
        base.funnel,
        routes,
        base.cohorts,
        _counted=base._counted,
        _tables=tables,
    )


def _in_areas(rows: list, regencies: frozenset[str] | None) -> list:
    if regencies is None:
        return rows
    return [row for row in rows if row.regency in regencies]


def _programme_report(
    *, programme: Programme | None, today: dt.date, regencies: frozenset[str] | None = None
) -> Report:
    rows = _in_areas(
        ind.frame(programme_id=programme.id if programme else None, today=today), regencies
    )
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
                    frames[(end, needs)] = _in_areas(
                        ind.frame(programme_id=programme.id, today=today, until=end), regencies
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


PUBLIC_ROUNDING = 10_000_000  # the public page's rupiah figures, to the nearest Rp10 jt
PUBLIC_HEADLINE = ("enterprises_supported", "financed", "finance_mobilised", "jobs", "women_led")


def snapshot_day(today: dt.date | None = None) -> dt.date:
    """The day the public page's figures stand at: the end of the last complete month."""
    today = today or dt.date.today()
    return today.replace(day=1) - dt.timedelta(days=1)


def public_counts(*, day: dt.date) -> dict:
    """The aggregate counts the public page is drawn from, as they stood at the end of `day`
    (every programme; consents as they are when computed). Plain JSON. Reads only."""
    rows = ind.as_of(ind.frame(programme_id=None, today=day, until=day), day)
    headline = []
    for code in PUBLIC_HEADLINE:
        chosen = ind.INDICATORS[code].counted(rows)
        headline.append([code, len(chosen), sum(value for _row, value in chosen)])
    routes = dict.fromkeys(ind.FUNDING_ROUTES, 0)
    for row in rows:
        for route in row.routes:
            routes[route] += 1
    provinces: dict[str, int] = {}
    for row, _value in ind.INDICATORS["enterprises_supported"].counted(rows):
        key = ind.key_of(row, "province")
        provinces[key] = provinces.get(key, 0) + 1
    return {
        "as_of": day.isoformat(),
        "funnel": [[s.step, s.count] for s in funnel(rows)],
        "headline": headline,
        "routes": routes,
        "financed": sum(1 for r in rows if r.dates.get("financed")),
        "provinces": provinces,
    }


def store_public_snapshot(*, today: dt.date | None = None) -> bool:
    """Store the public page's counts at the end of the last complete month, unless they are
    stored already (the daily periodic job "monitoring.public_snapshot", `flask monitoring
    snapshot`: idempotent, so it may run every day). Flushes; the caller commits. True when
    it stored one."""
    day = snapshot_day(today)
    if db.session.scalar(select(PublicSnapshot.id).where(PublicSnapshot.as_of == day)):
        return False
    db.session.add(PublicSnapshot(as_of=day, figures=public_counts(day=day)))
    db.session.flush()
    return True


def public_snapshot(*, today: dt.date | None = None) -> dict:
    """The counts the public page shows: the latest stored snapshot up to the end of the last
    complete month. Only before the first one is stored (a new installation, the job not run
    yet) are they computed as of that day, consents as they are now. Reads only: a GET
    changes nothing."""
    stored = db.session.scalar(
        select(PublicSnapshot.figures)
        .where(PublicSnapshot.as_of <= snapshot_day(today))
        .order_by(PublicSnapshot.as_of.desc())
        .limit(1)
    )
    return stored if stored is not None else public_counts(day=snapshot_day(today))


@tasks.job("monitoring.public_snapshot")
def public_snapshot_job() -> bool:
    stored = store_public_snapshot()
    db.session.commit()
    return stored


def round_public_rupiah(value: int) -> int:
    """A public rupiah figure to the nearest Rp10 jt (half up), so no one enterprise's amount
    can be read from a change in it."""
    return (value + PUBLIC_ROUNDING // 2) // PUBLIC_ROUNDING * PUBLIC_ROUNDING


def public_figures(counts: dict) -> dict:
    """The platform-wide aggregates the public page shows, from a snapshot (`public_snapshot`),
    every small figure suppressed: the funnel's counts (a step under 5 enterprises is "< 5"),
    headline indicators (a sum behind fewer than 5 enterprises is "< 5"; rupiah rounded to
    Rp10 jt, under Rp10 jt shown as such), financed by route and enterprises by province
    (suppressed as disaggregations, secondary suppression included)."""
    steps = []
    for step, count in counts["funnel"]:
        mark = suppression.total_mark(count)
        steps.append((step, count, mark, suppression.display(count, mark)))
    headline = []
    for code, n, value in counts["headline"]:
        mark = suppression.total_mark(n)
        shown = suppression.display(value, mark)
        if mark == suppression.SHOWN and ind.INDICATORS[code].unit == "rupiah":
            value = round_public_rupiah(value)
            shown = (
                formatting.rupiah_short(value)
                if value
                else "< " + formatting.rupiah_short(PUBLIC_ROUNDING)
            )
        headline.append((code, value, mark, shown))
    routes = counts["routes"]
    pattern = suppression.suppress(routes)
    route_cells = [
        Cell(r, str(ind.FUNDING_ROUTES[r]), routes.get(r, 0), routes.get(r, 0), pattern.mark(r))
        for r in ind.FUNDING_ROUTES
    ]
    provinces = counts["provinces"]
    pattern_p = suppression.suppress(provinces)
    province_cells = [
        Cell(key, ind.category_label("province", key), n, n, pattern_p.mark(key))
        for key, n in sorted(provinces.items(), key=lambda kv: (kv[0] == ind.NOT_STATED, kv[0]))
    ]
    return {
        "as_of": dt.date.fromisoformat(counts["as_of"]),
        "funnel": steps,
        "headline": headline,
        "routes": Breakdown("financed", "route", route_cells, counts["financed"], pattern.withheld),
        "provinces": Breakdown(
            "enterprises_supported",
            "province",
            province_cells,
            sum(provinces.values()),
            pattern_p.withheld,
        ),
    }
