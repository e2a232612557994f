"""The programme report: targets against actuals, the funnel and the disaggregated tables that
the dashboard and the exports read, every small cell suppressed (`monitoring.suppression`),
kept per data version (`monitoring.cache`)."""

from __future__ import annotations

import datetime as dt
import operator
import statistics
from collections import Counter
from dataclasses import dataclass, field
from itertools import compress

from flask_babel import get_locale
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.monitoring import cache, facts, suppression
from marketplace.monitoring import indicators as ind
from marketplace.monitoring.models import Target
from marketplace.monitoring.targets import period_end
from marketplace.programmes.models import Cohort, Programme


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
            with facts.gc_paused():
                self._counted[indicator] = ind.INDICATORS[indicator].counted(self.rows)
        return self._counted[indicator]

    def breakdown(self, indicator: str, disaggregation: str) -> Breakdown:
        key = (indicator, disaggregation)
        if key not in self._tables:
            counted = self.counted(indicator)
            with facts.gc_paused():
                self._tables[key] = breakdown(
                    self.rows, indicator, disaggregation, cohorts=self.cohorts, counted=counted
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
    chosen, values = counted
    keys = list(map(ind.key_getter(disaggregation), chosen))
    groups: dict[str, list[int]]  # key: [enterprises, value]
    if spec.value is None:  # every counted row contributes 1: the value is the count
        groups = {key: [n, n] for key, n in Counter(keys).items()}
        total = len(chosen)
    else:
        groups = {}
        for key, value in zip(keys, values, strict=True):
            group = groups.get(key)
            if group is None:
                groups[key] = [1, value]
            else:
                group[0] += 1
                group[1] += value
        total = sum(values)
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
    # Column-wise: each step's days read by C-level map, the rows at a step picked by compress.
    dates = [row.dates for row in rows]
    ids = [row.id for row in rows]
    steps = []
    previous = None  # (days, reached) of the step before
    for step in ind.STEPS:
        days = list(map(operator.itemgetter(step), dates))
        reached = [day is not None for day in days]
        conversion = median = None
        if previous is not None:
            before, reached_before = previous
            both = list(map(operator.and_, reached_before, reached))
            at_before = sum(reached_before)
            conversion = round(100 * sum(both) / at_before) if at_before else None
            gaps = [max(0, (a - b).days) for a, b in compress(zip(days, before, strict=True), both)]
            median = statistics.median(gaps) if gaps else None
        chosen = list(compress(ids, reached))
        steps.append(FunnelStep(step, len(chosen), conversion, median, chosen))
        previous = (days, reached)
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
        with facts.gc_paused():
            return _programme_report(programme=programme, today=today, regencies=regencies)
    key = (programme.id if programme else None, today, token, regencies)
    # The routes' and the tables' labels are in the request's language: kept per language.
    locale = str(get_locale())
    kept = cache.get(key)
    if kept is None:
        with facts.gc_paused():
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
        facts.frame(programme_id=programme.id if programme else None, today=today), regencies
    )
    # Totals only: each indicator's counted rows are read when a table asks (`Report.counted`).
    totals = {code: spec.of(rows) for code, spec in ind.INDICATORS.items()}
    targets = []
    cohorts = {}
    if programme is not None:
        cohorts = {c.id: c.name for c in programme.cohorts}
        lines = db.session.scalars(
            select(Target)
            .where(Target.programme_id == programme.id)
            .order_by(Target.indicator, Target.period)
        ).all()
        frames: dict[dt.date, list] = {}  # the rows with check-ins up to a past period's end
        for line in lines:
            spec = ind.INDICATORS.get(line.indicator)
            if spec is None:
                continue
            end = period_end(line.period)
            if end >= today:
                actual = totals[line.indicator][1]
            elif line.indicator in ind.NEEDS_CHECK_INS:
                if end not in frames:
                    frames[end] = _in_areas(
                        facts.frame(programme_id=programme.id, today=today, until=end), regencies
                    )
                actual = spec.of(frames[end])[1]
            else:
                actual = spec.of_as_of(rows, end)
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
    )
