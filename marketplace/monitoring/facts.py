"""The facts each indicator is counted from (`marketplace.monitoring.indicators`).

`frame(programme_id=…)` reads, in a handful of grouped queries, one row per enterprise the
programme enrolled (consent accepted, or accepted then left: the programme supported it) with
the day it reached each step of the funnel and the attributes it is disaggregated by. Every
indicator is a function of those rows, counted per unique enterprise, so the dashboard, the
exports and the public page cannot disagree. Nothing is typed in: a target is, a value never.

Steps and their dates:
- enrolled: the first enrolment day in the programme;
- profile_complete: the profile is published (its publication day);
- layak / bankable: the first check-in whose readiness stage was at least that, else the match
  card's stage (recomputed daily for published profiles) on its day;
- pitched: the first day of an event whose published schedule gives the enterprise a slot;
- pipeline: the first shortlist entry by an investor organisation or recorded outcome;
- financed: the first funded/disbursed outcome or check-in reporting finance received.

Consent (`marketplace.profiles.consents`, the one rule every report reads): an enterprise whose
owner withdrew the reports consent (`share_in_reports`) is not in the frame at all, so every
report made after the withdrawal leaves it out. A sensitive attribute (women-led,
disability-inclusive, PKH graduate, the owner's age band) is read only under its own consent as
well (`share_<attribute>`, `share_owner_age`); without it the enterprise is "not stated" there.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import case, func, select, true
from sqlalchemy.orm import aliased

from marketplace.events.models import Outcome, PitchEvent, Schedule, ScheduleItem
from marketplace.extensions import db
from marketplace.matching.models import MatchCard, ShortlistEntry
from marketplace.monitoring.models import CheckIn, FinanceReceived
from marketplace.profiles import consents
from marketplace.profiles.models import Enterprise
from marketplace.programmes.models import Cohort, Enrolment

# Financing routes (`indicators.FUNDING_ROUTES`) of readiness routes and outcome tracks.
ROUTE_OF = {
    "kur_super_mikro": "kur",
    "kur_mikro": "kur",
    "kur_kecil": "kur",
    "kur": "kur",
    "umi": "umi",
    "mekaar": "mekaar",
    "lpdb": "lpdb",
    "equity": "investment",
    "revenue_share": "investment",
    "investment": "investment",
    "grant": "grant",
}
FINANCED_STATUSES = ("funded", "disbursed")

NOT_STATED = "not_stated"
AGE_BANDS = ("under_25", "25_34", "35_44", "45_54", "55_plus")
NO_ROUTES: frozenset[str] = frozenset()


@dataclass
class Row:
    """One enrolled enterprise, as the indicators read it."""

    id: int
    name: str
    cohort_id: int
    enrolled_on: dt.date
    province: str
    regency: str
    sector: str
    women_led: str = NOT_STATED
    disability_inclusive: str = NOT_STATED
    pkh_graduate: str = NOT_STATED
    age_band: str = NOT_STATED
    dates: dict[str, dt.date | None] = field(default_factory=dict)
    # Financing routes; one shared empty set for most rows (no object per row to allocate and
    # for the garbage collector to scan).
    routes: frozenset[str] = NO_ROUTES
    finance: int = 0
    size_class: str = NOT_STATED
    # Check-ins: the first and the latest month's figures, as plain fields (a report over 10k
    # enterprises would otherwise hold 20k tuples for the garbage collector to scan).
    first_month: dt.date | None = None
    first_revenue: int | None = None
    first_size: str | None = None
    latest_month: dt.date | None = None
    latest_revenue: int | None = None
    latest_size: str | None = None
    # Employees at the latest check-in that reported them (see `_employees`); no month: never.
    staffed_month: dt.date | None = None
    staffed_women: int | None = None
    staffed_men: int | None = None


def _run(query) -> list:
    """Execute a column query on the session's connection: Core rows, without the ORM's
    per-row processing (a third of the frame's time through `session.execute`), fetched in one
    call rather than a DBAPI `fetchone` per row."""
    return db.session.connection().execute(query).all()


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a report builds its rows: tens of thousands of
    small objects, none of them in a cycle, would otherwise trigger full collections that scan
    the whole app's heap (a third to a half of the report's time on 10k enterprises). Reference
    counting still frees everything; the collector runs again on leaving."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def age_band(birth_year: int | None, *, today: dt.date) -> str:
    if not birth_year:
        return NOT_STATED
    age = today.year - birth_year
    for band, upper in zip(AGE_BANDS, (25, 35, 45, 55, 200), strict=True):
        if age < upper:
            return band
    return NOT_STATED


def frame(*, programme_id: int | None, today: dt.date, until: dt.date | None = None) -> list[Row]:
    """One `Row` per enterprise enrolled in the programme (every programme when None), with
    check-in facts up to `until` (default `today`). Reads only; no side effects.

    One query reads a row per enterprise with everything the enterprise, its enrolment, match
    card and check-ins say: each check-in fact is an index seek per enterprise on
    (enterprise_id, month) (its first and latest month, the first at layak and at bankable),
    not a pass over every check-in, so the time follows the enterprises, not their months of
    check-ins. Three small grouped queries add pitches, pipeline and finance."""
    until = until or today
    enrolled = (
        select(
            Enrolment.enterprise_id.label("eid"),
            func.min(Enrolment.enrolled_on).label("enrolled_on"),
            func.min(Enrolment.cohort_id).label("cohort_id"),
        )
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(Enrolment.consent.in_(("accepted", "left")), Enrolment.enrolled_on <= until)
        .group_by(Enrolment.enterprise_id)
    )
    if programme_id is not None:
        enrolled = enrolled.where(Cohort.programme_id == programme_id)
    enrolled = enrolled.subquery()

    first = _check_in_at(until, latest=False)
    latest = _check_in_at(until, latest=True)
    staffed = _check_in_at(until, latest=True, staffed=True, unless=latest)
    # consents.may_count_in_reports(enterprise, attribute) for each sensitive attribute, read
    # in SQL: "yes"/"no" under its own consent, else not stated.
    sensitive = [
        case(
            (
                getattr(Enterprise, f"share_{attribute}").is_(True),
                case((getattr(Enterprise, attribute).is_(True), "yes"), else_="no"),
            ),
            else_=NOT_STATED,
        )
        for attribute in consents.SENSITIVE_ATTRIBUTES
    ]
    # The columns a `Row` takes as they are come in its order of fields (the enterprise's own
    # first, its check-in facts last), so each record fills one positionally.
    query = (
        select(
            Enterprise.id,
            Enterprise.name,
            enrolled.c.cohort_id,
            enrolled.c.enrolled_on,
            Enterprise.province_code,
            Enterprise.regency_code,
            Enterprise.sector,
            *sensitive,
            Enterprise.status,
            Enterprise.published_at,
            Enterprise.share_owner_age,
            Enterprise.owner_birth_year,
            MatchCard.stage,
            MatchCard.computed_on,
            MatchCard.size_class,
            _first_month(until, stages=("layak", "bankable"), first=first),
            _first_month(until, stages=("bankable",), first=first),
            first.c.month,
            first.c.revenue,
            first.c.size_class,
            latest.c.month,
            latest.c.revenue,
            latest.c.size_class,
            staffed.c.month,
            staffed.c.employees_women,
            staffed.c.employees_men,
        )
        .join(enrolled, enrolled.c.eid == Enterprise.id)
        .where(consents.reportable())
        .outerjoin(MatchCard, MatchCard.enterprise_id == Enterprise.id)
        .outerjoin(*first.join)
        .outerjoin(*latest.join)
        .outerjoin(*staffed.join)
    )
    rows: dict[int, Row] = {}
    bands: dict[int | None, str] = {}  # the age band of each year of birth, computed once
    for (
        eid,
        name,
        cohort_id,
        enrolled_on,
        province,
        regency,
        sector,
        women_led,
        disability_inclusive,
        pkh_graduate,
        status,
        published_at,
        share_age,
        birth_year,
        card_stage,
        card_on,
        card_size,
        layak_on,
        bankable_on,
        *check_ins,  # first_month … latest_size, staffed_month … as in `Row`
    ) in _run(query):
        band = NOT_STATED
        if share_age:
            band = bands.get(birth_year) or bands.setdefault(
                birth_year, age_band(birth_year, today=today)
            )
        # Each step's day is the earliest its sources give, and not reached if after `until`
        # (enrolments and check-ins are read up to `until` already).
        published = published_at.date() if status == "published" and published_at else None
        if card_stage in ("layak", "bankable") and card_on <= until:
            layak_on = _earlier(layak_on, card_on)
            if card_stage == "bankable":
                bankable_on = _earlier(bankable_on, card_on)
        dates = {
            "enrolled": enrolled_on,
            "profile_complete": published if published and published <= until else None,
            "layak": layak_on,
            "bankable": bankable_on,
            "pitched": None,
            "pipeline": None,
            "financed": None,
        }
        rows[eid] = Row(
            eid,
            name,
            cohort_id,
            enrolled_on,
            province or NOT_STATED,
            regency or NOT_STATED,
            sector or NOT_STATED,
            women_led,
            disability_inclusive,
            pkh_graduate,
            band,
            dates,
            NO_ROUTES,
            0,
            check_ins[5] or card_size or NOT_STATED,  # the latest check-in's, else the card's
            *check_ins,
        )

    _pitched(rows, programme_id, until)
    _pipeline(rows, programme_id, until)
    _financed(rows, programme_id, until)
    return list(rows.values())


def _earlier(day: dt.date | None, other: dt.date | None) -> dt.date | None:
    if day is None or (other is not None and other < day):
        return other
    return day


@dataclass(frozen=True)
class _CheckInAt:
    c: object  # the check-in's columns
    join: tuple  # (what to outer-join, on what) beside the enterprise


def _check_in_at(
    until: dt.date, *, latest: bool, staffed: bool = False, unless: _CheckInAt | None = None
) -> _CheckInAt:
    """The enterprise's first (or latest) check-in up to `until` (`staffed`: the latest that
    reported employees), joined beside it as an index seek on (enterprise_id, month) per
    enterprise. PostgreSQL: a LATERAL subquery (joining on
    a correlated id instead, its planner hashes all the check-ins twice). SQLite, which has no
    LATERAL: the check-in whose id a correlated ORDER BY … LIMIT 1 subquery gives; with
    `unless` (the latest check-in, for `staffed`), that one when it reported employees, as
    most do, and the seek only for the others."""
    name = "staffed_check_in" if staffed else "latest_check_in" if latest else "first_check_in"
    order = CheckIn.month.desc() if latest else CheckIn.month
    where = [CheckIn.enterprise_id == Enterprise.id, CheckIn.month <= until]
    if staffed:
        where.append(CheckIn.employees_women.is_not(None) | CheckIn.employees_men.is_not(None))
    if db.session.get_bind().dialect.name == "postgresql":
        seek = select(CheckIn).where(*where).order_by(order).limit(1).lateral(name)
        return _CheckInAt(seek.c, (seek, true()))
    table = CheckIn.__table__.alias(name)
    seek = (
        select(CheckIn.id)
        .where(*where)
        .order_by(order)
        .limit(1)
        .correlate(Enterprise)
        .scalar_subquery()
    )
    if unless is not None:
        reported = unless.c.employees_women.is_not(None) | unless.c.employees_men.is_not(None)
        seek = case((reported, unless.c.id), else_=seek)
    return _CheckInAt(table.c, (table, table.c.id == seek))


def _first_month(until: dt.date, *, stages: tuple[str, ...], first: _CheckInAt):
    """The first month up to `until` whose check-in stamped one of `stages`: the enterprise's
    `first` check-in's month when it did, else an index seek on (enterprise_id, month) that
    stops at the first such check-in."""
    other = aliased(CheckIn)
    seek = (
        select(other.month)
        .where(
            other.enterprise_id == Enterprise.id,
            other.month <= until,
            other.stage.in_(stages),
        )
        .order_by(other.month)
        .limit(1)
        .correlate(Enterprise)
        .scalar_subquery()
    )
    return case((first.c.stage.in_(stages), first.c.month), else_=seek)


def as_of(rows: list[Row], day: dt.date) -> list[Row]:
    """The rows as they stood at the end of `day` for the step dates (an enterprise enrolled
    later is left out; a step reached later is not reached yet). Valid for every indicator not
    in NEEDS_CHECK_INS."""
    past = []
    for row in rows:
        if row.enrolled_on > day:
            continue
        if all(d is None or d <= day for d in row.dates.values()):
            past.append(row)  # nothing reached after `day`: the row as it is
            continue
        dates = {step: (d if d is not None and d <= day else None) for step, d in row.dates.items()}
        # A shallow copy with other dates (dataclasses.replace re-runs __init__: 10× slower).
        copy = object.__new__(Row)
        copy.__dict__.update(row.__dict__, dates=dates)
        past.append(copy)
    return past


def _earliest(row: Row, step: str, day: dt.date | None, until: dt.date) -> None:
    """Keep `day` as the step's day if it is the earliest yet and not after `until`."""
    if day is not None and day <= until and (row.dates[step] is None or day < row.dates[step]):
        row.dates[step] = day


def _enrolled(enterprise_id, programme_id: int | None):
    """Whether the enterprise of `enterprise_id` (a column) has an enrolment in the programme
    (any, when None): an index lookup per row of the (small) table it is asked of. Not `IN`
    the programme's enterprises, which SQLite answers by one seek into that table per enrolled
    enterprise (10k per query). The extra enterprises it lets through (declined, withdrawn)
    are skipped as not in the frame's rows."""
    if programme_id is None:
        return true()
    return (
        select(Enrolment.id)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(Enrolment.enterprise_id == enterprise_id, Cohort.programme_id == programme_id)
        .exists()
    )


def _pitched(rows: dict[int, Row], programme_id: int | None, until: dt.date) -> None:
    query = (
        select(ScheduleItem.enterprise_id, func.min(PitchEvent.starts_on))
        .join(Schedule, Schedule.id == ScheduleItem.schedule_id)
        .join(PitchEvent, PitchEvent.id == Schedule.event_id)
        .where(
            _enrolled(ScheduleItem.enterprise_id, programme_id),
            Schedule.published_at.is_not(None),
            PitchEvent.status != "cancelled",
        )
        .group_by(ScheduleItem.enterprise_id)
    )
    for eid, day in _run(query):
        if eid in rows:
            _earliest(rows[eid], "pitched", day, until)


def _pipeline(rows: dict[int, Row], programme_id: int | None, until: dt.date) -> None:
    shortlisted = (
        select(ShortlistEntry.enterprise_id, func.min(ShortlistEntry.created_at))
        .where(_enrolled(ShortlistEntry.enterprise_id, programme_id))
        .group_by(ShortlistEntry.enterprise_id)
    )
    recorded = (
        select(Outcome.enterprise_id, func.min(Outcome.created_at))
        .where(_enrolled(Outcome.enterprise_id, programme_id))
        .group_by(Outcome.enterprise_id)
    )
    for query in (shortlisted, recorded):
        for eid, at in _run(query):
            if eid in rows:
                day = at.date() if isinstance(at, dt.datetime) else at
                _earliest(rows[eid], "pipeline", day, until)


def _financed(rows: dict[int, Row], programme_id: int | None, until: dt.date) -> None:
    """Per enterprise and route, the larger of what outcomes and check-ins report (the same
    loan is often recorded both ways: adding them would count it twice)."""
    amounts: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    routes: dict[int, set[str]] = defaultdict(set)
    outcomes = select(
        Outcome.enterprise_id, Outcome.track, Outcome.amount, Outcome.status_on
    ).where(
        _enrolled(Outcome.enterprise_id, programme_id),
        Outcome.status.in_(FINANCED_STATUSES),
        Outcome.status_on <= until,
    )
    for eid, track, amount, on in _run(outcomes):
        if eid not in rows:
            continue
        route = ROUTE_OF.get(track, "investment")
        routes[eid].add(route)
        amounts[(eid, route)][0] += amount or 0
        _earliest(rows[eid], "financed", on, until)
    # Every finance row, narrowed here rather than in SQL: SQLite (no table statistics) would
    # reach the few check-ins with finance by walking every check-in of the programme through
    # the (enterprise_id, month) or month index (90 ms on 10k enterprises against 7 ms).
    received = select(
        CheckIn.enterprise_id, FinanceReceived.route, FinanceReceived.amount, CheckIn.month
    ).join(CheckIn, CheckIn.id == FinanceReceived.check_in_id)
    for eid, code, amount, month in _run(received):
        if eid not in rows or month > until:
            continue
        route = ROUTE_OF.get(code, "investment")
        routes[eid].add(route)
        amounts[(eid, route)][1] += amount
        _earliest(rows[eid], "financed", month, until)
    for (eid, _route), (by_outcome, by_check_in) in amounts.items():
        rows[eid].finance += max(by_outcome, by_check_in)
    for eid, codes in routes.items():
        rows[eid].routes = frozenset(codes)
