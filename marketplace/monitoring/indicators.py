"""The indicator registry and the facts each indicator is counted from.

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

IRIS+ codes: left empty on purpose. The codes found while building this (PI4060 "Client
Individuals: Total", OI8869 "Permanent Employees: Total") were read from secondary sources that
disagree with each other, and PI4060 counts people, not enterprises; a programme records its
donor's own code per target instead (`Target.donor_code`). Fill `iris` once checked against
iris.thegiin.org.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from operator import attrgetter

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select

from marketplace import vocab
from marketplace.events.models import Outcome, PitchEvent, Schedule, ScheduleItem
from marketplace.extensions import db
from marketplace.matching.models import MatchCard, ShortlistEntry
from marketplace.monitoring.models import CheckIn, FinanceReceived
from marketplace.profiles import consents
from marketplace.profiles.models import Enterprise
from marketplace.programmes.models import Cohort, Enrolment

STEPS = ("enrolled", "profile_complete", "layak", "bankable", "pitched", "pipeline", "financed")
STEP_LABELS = {
    "enrolled": _l("Enrolled"),
    "profile_complete": _l("Profile complete"),
    "layak": _l("Eligible (layak)"),
    "bankable": _l("Bankable"),
    "pitched": _l("Pitched"),
    "pipeline": _l("In an investor's pipeline"),
    "financed": _l("Financed"),
}

# Financing routes as the funnel groups them; readiness routes and outcome tracks map onto them.
FUNDING_ROUTES = {
    "kur": _l("KUR"),
    "umi": _l("UMi"),
    "mekaar": _l("PNM Mekaar"),
    "lpdb": _l("LPDB"),
    "investment": _l("Social investment (equity, revenue share)"),
    "grant": _l("Grant (hibah)"),
}
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
SIZE_ORDER = {"mikro": 0, "kecil": 1, "menengah": 2, "besar": 3}


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
    routes: set[str] = field(default_factory=set)
    finance: int = 0
    # Check-ins: the first and the latest (month, revenue, women, men, size class).
    first: tuple | None = None
    latest: tuple | None = None
    size_class: str = NOT_STATED


def _run(query):
    """Execute a column query on the session's connection: Core rows, without the ORM's
    per-row processing (a third of the frame's time through `session.execute`)."""
    return db.session.connection().execute(query)


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


def birth_year_range(today: dt.date | None = None) -> tuple[int, int]:
    """The owner's years of birth accepted (10 to 100 years before this year): the check-in
    form's input offers the same min and max."""
    year = (today or dt.date.today()).year
    return year - 100, year - 10


def birth_year_message():
    earliest, latest = birth_year_range()
    return _l(
        "Give the owner's year of birth, from %(min)s to %(max)s (for example 1985).",
        min=earliest,
        max=latest,
    )


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
    check-in facts up to `until` (default `today`). Reads only; no side effects."""
    until = until or today
    enrolled = (
        select(
            Enrolment.enterprise_id.label("eid"),
            func.min(Enrolment.enrolled_on).label("enrolled_on"),
            func.min(Enrolment.cohort_id).label("cohort_id"),
        )
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .join(Enterprise, Enterprise.id == Enrolment.enterprise_id)
        .where(
            Enrolment.consent.in_(("accepted", "left")),
            Enrolment.enrolled_on <= until,
            consents.reportable(),
        )
        .group_by(Enrolment.enterprise_id)
    )
    if programme_id is not None:
        enrolled = enrolled.where(Cohort.programme_id == programme_id)
    enrolled = enrolled.subquery()
    # The other queries narrow to the programme's enrolments by a plain indexed lookup (not the
    # grouped, consent-checked subquery above, which SQLite would evaluate once per query); the
    # extra enterprises it lets through (declined, withdrawn) are skipped as not in `rows`.
    ids = select(Enrolment.enterprise_id)
    if programme_id is not None:
        ids = ids.join(Cohort, Cohort.id == Enrolment.cohort_id).where(
            Cohort.programme_id == programme_id
        )

    rows: dict[int, Row] = {}
    query = select(
        Enterprise.id,
        Enterprise.name,
        enrolled.c.cohort_id,
        enrolled.c.enrolled_on,
        Enterprise.province_code,
        Enterprise.regency_code,
        Enterprise.sector,
        Enterprise.status,
        Enterprise.published_at,
        Enterprise.women_led,
        Enterprise.disability_inclusive,
        Enterprise.pkh_graduate,
        Enterprise.share_women_led,
        Enterprise.share_disability_inclusive,
        Enterprise.share_pkh_graduate,
        Enterprise.share_owner_age,
        Enterprise.owner_birth_year,
        MatchCard.stage,
        MatchCard.computed_on,
        MatchCard.size_class,
    ).join(enrolled, enrolled.c.eid == Enterprise.id)
    query = query.outerjoin(MatchCard, MatchCard.enterprise_id == Enterprise.id)
    for r in _run(query):
        row = Row(
            id=r.id,
            name=r.name,
            cohort_id=r.cohort_id,
            enrolled_on=r.enrolled_on,
            province=r.province_code or NOT_STATED,
            regency=r.regency_code or NOT_STATED,
            sector=r.sector or NOT_STATED,
        )
        # consents.may_count_in_reports(enterprise, attribute), read from the row.
        for attribute in consents.SENSITIVE_ATTRIBUTES:
            if getattr(r, f"share_{attribute}"):
                setattr(row, attribute, "yes" if getattr(r, attribute) else "no")
        if r.share_owner_age:
            row.age_band = age_band(r.owner_birth_year, today=today)
        published = r.published_at.date() if r.status == "published" and r.published_at else None
        row.dates = dict.fromkeys(STEPS)
        row.dates["enrolled"] = r.enrolled_on
        row.dates["profile_complete"] = published
        if r.stage in ("layak", "bankable"):
            row.dates["layak"] = r.computed_on
        if r.stage == "bankable":
            row.dates["bankable"] = r.computed_on
        if r.size_class:
            row.size_class = r.size_class
        rows[r.id] = row

    _check_ins(rows, ids, until)
    _pitched(rows, ids)
    _pipeline(rows, ids)
    _financed(rows, ids, until)
    for row in rows.values():
        for step in STEPS:
            day = row.dates[step]
            if day is not None and day > until:
                row.dates[step] = None
    return list(rows.values())


# Indicators read from check-ins or amounts: their value at a past date needs the check-ins up
# to that date (`frame(until=…)`); the others only need the step dates (`as_of`).
NEEDS_CHECK_INS = frozenset(
    {"jobs", "jobs_women", "size_class_up", "revenue_up", "finance_mobilised"}
)


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


def _earliest(row: Row, step: str, day: dt.date | None) -> None:
    if day is not None and (row.dates[step] is None or day < row.dates[step]):
        row.dates[step] = day


def _check_ins(rows: dict[int, Row], ids, until: dt.date) -> None:
    """The first and latest check-in of each enterprise (one grouped pass over the check-ins,
    joined back for those two months' figures) and the first month at layak and at bankable."""
    ends = (
        select(
            CheckIn.enterprise_id.label("eid"),
            func.min(CheckIn.month).filter(CheckIn.stage.in_(("layak", "bankable"))).label("layak"),
            func.min(CheckIn.month).filter(CheckIn.stage == "bankable").label("bankable"),
            func.min(CheckIn.month).label("first"),
            func.max(CheckIn.month).label("latest"),
        )
        .where(CheckIn.enterprise_id.in_(ids), CheckIn.month <= until)
        .group_by(CheckIn.enterprise_id)
        .subquery()
    )
    facts = select(
        CheckIn.enterprise_id,
        CheckIn.month,
        CheckIn.revenue,
        CheckIn.employees_women,
        CheckIn.employees_men,
        CheckIn.size_class,
        ends.c.layak,
        ends.c.bankable,
        ends.c.first,
        ends.c.latest,
    ).join(
        ends,
        and_(
            ends.c.eid == CheckIn.enterprise_id,
            (CheckIn.month == ends.c.first) | (CheckIn.month == ends.c.latest),
        ),
    )
    for eid, month, revenue, women, men, size, layak_on, bankable_on, first, latest in _run(facts):
        row = rows.get(eid)
        if row is None:
            continue
        fact = (month, revenue, women, men, size)
        if month == first:
            row.first = fact
            # Once per enterprise (its first month is always one of the rows).
            _earliest(row, "layak", layak_on)
            _earliest(row, "bankable", bankable_on)
        if month == latest:
            row.latest = fact
            if size:
                row.size_class = size


def _pitched(rows: dict[int, Row], ids) -> None:
    query = (
        select(ScheduleItem.enterprise_id, func.min(PitchEvent.starts_on))
        .join(Schedule, Schedule.id == ScheduleItem.schedule_id)
        .join(PitchEvent, PitchEvent.id == Schedule.event_id)
        .where(
            ScheduleItem.enterprise_id.in_(ids),
            Schedule.published_at.is_not(None),
            PitchEvent.status != "cancelled",
        )
        .group_by(ScheduleItem.enterprise_id)
    )
    for eid, day in _run(query):
        if eid in rows:
            _earliest(rows[eid], "pitched", day)


def _pipeline(rows: dict[int, Row], ids) -> None:
    shortlisted = (
        select(ShortlistEntry.enterprise_id, func.min(ShortlistEntry.created_at))
        .where(ShortlistEntry.enterprise_id.in_(ids))
        .group_by(ShortlistEntry.enterprise_id)
    )
    for eid, at in _run(shortlisted):
        if eid in rows:
            _earliest(rows[eid], "pipeline", at.date() if isinstance(at, dt.datetime) else at)
    recorded = (
        select(Outcome.enterprise_id, func.min(Outcome.created_at))
        .where(Outcome.enterprise_id.in_(ids))
        .group_by(Outcome.enterprise_id)
    )
    for eid, at in _run(recorded):
        if eid in rows:
            _earliest(rows[eid], "pipeline", at.date() if isinstance(at, dt.datetime) else at)


def _financed(rows: dict[int, Row], ids, until: dt.date) -> None:
    """Per enterprise and route, the larger of what outcomes and check-ins report (the same
    loan is often recorded both ways: adding them would count it twice)."""
    amounts: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    outcomes = select(
        Outcome.enterprise_id, Outcome.track, Outcome.amount, Outcome.status_on
    ).where(
        Outcome.enterprise_id.in_(ids),
        Outcome.status.in_(FINANCED_STATUSES),
        Outcome.status_on <= until,
    )
    for eid, track, amount, on in _run(outcomes):
        if eid not in rows:
            continue
        route = ROUTE_OF.get(track, "investment")
        rows[eid].routes.add(route)
        amounts[(eid, route)][0] += amount or 0
        _earliest(rows[eid], "financed", on)
    received = (
        select(CheckIn.enterprise_id, FinanceReceived.route, FinanceReceived.amount, CheckIn.month)
        .join(CheckIn, CheckIn.id == FinanceReceived.check_in_id)
        .where(CheckIn.enterprise_id.in_(ids), CheckIn.month <= until)
    )
    for eid, code, amount, month in _run(received):
        if eid not in rows:
            continue
        route = ROUTE_OF.get(code, "investment")
        rows[eid].routes.add(route)
        amounts[(eid, route)][1] += amount
        _earliest(rows[eid], "financed", month)
    for (eid, _route), (by_outcome, by_check_in) in amounts.items():
        rows[eid].finance += max(by_outcome, by_check_in)


# --- the registry ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Indicator:
    code: str
    name: object  # a lazy string: the label in the request's language
    definition: object
    unit: str  # "enterprises", "rupiah" or "people"
    # Which rows count, and (for sums) what each contributes.
    counts: Callable[[Row], bool]
    value: Callable[[Row], int] | None = None
    iris: str = ""
    disaggregations: tuple[str, ...] = ()
    # The funnel step whose reaching is what `counts` tests, if that is all it tests: read
    # inline, without a call per row.
    step: str | None = None

    def of(self, rows: Iterable[Row]) -> tuple[int, int]:
        """(enterprises counted, value): the value is the count for an enterprise indicator."""
        chosen = self.counted(rows)
        return len(chosen), sum(value for _row, value in chosen)

    def counted(self, rows: Iterable[Row]) -> list[tuple[Row, int]]:
        """The rows this indicator counts, each with what it contributes (1 for an enterprise
        indicator): read once per report, then grouped by every disaggregation."""
        counts, value, step = self.counts, self.value, self.step
        if step is not None and value is None:
            return [(row, 1) for row in rows if row.dates[step] is not None]
        if value is None:
            return [(row, 1) for row in rows if counts(row)]
        return [(row, value(row)) for row in rows if counts(row)]


DISAGGREGATIONS = {
    "women_led": _l("Women-led"),
    "disability_inclusive": _l("Disability-inclusive"),
    "pkh_graduate": _l("PKH graduate"),
    "age_band": _l("Age band of the owner"),
    "province": _l("Province"),
    "regency": _l("Kabupaten/kota"),
    "sector": _l("Sector"),
    "size_class": _l("Size class"),
    "cohort": _l("Cohort"),
}
ALL = tuple(DISAGGREGATIONS)


def key_of(row: Row, disaggregation: str) -> str:
    if disaggregation == "cohort":
        return str(row.cohort_id)
    return getattr(row, disaggregation)


def key_getter(disaggregation: str) -> Callable[[Row], str]:
    """`key_of` for one disaggregation, as a function of the row (an attrgetter where it can)."""
    if disaggregation == "cohort":
        return lambda row: str(row.cohort_id)
    return attrgetter(disaggregation)


def _reached(step: str) -> Callable[[Row], bool]:
    return lambda row: row.dates.get(step) is not None


def _employees(row: Row, which: str = "all") -> int:
    if row.latest is None:
        return 0
    _, _, women, men, _ = row.latest
    return women if which == "women" else women + men


def _moved_up(row: Row) -> bool:
    if row.first is None or row.latest is None:
        return False
    before, after = row.first[4], row.latest[4]
    return bool(before and after) and SIZE_ORDER.get(after, -1) > SIZE_ORDER.get(before, 99)


def _revenue_up(row: Row) -> bool:
    if row.first is None or row.latest is None or row.first[0] == row.latest[0]:
        return False
    return (row.latest[1] or 0) > (row.first[1] or 0)


INDICATORS = {
    i.code: i
    for i in (
        Indicator(
            "enterprises_supported",
            _l("Enterprises supported"),
            _l("Enterprises enrolled in the programme with the owner's consent."),
            "enterprises",
            _reached("enrolled"),
            disaggregations=ALL,
            step="enrolled",
        ),
        Indicator(
            "profiles_completed",
            _l("Business profiles completed"),
            _l("Enrolled enterprises whose profile (business plan) is published."),
            "enterprises",
            _reached("profile_complete"),
            disaggregations=ALL,
            step="profile_complete",
        ),
        Indicator(
            "layak",
            _l("Enterprises eligible for credit (layak)"),
            _l("Enrolled enterprises whose readiness stage reached layak or bankable."),
            "enterprises",
            _reached("layak"),
            disaggregations=ALL,
            step="layak",
        ),
        Indicator(
            "bankable",
            _l("Bank-ready enterprises"),
            _l("Enrolled enterprises whose readiness stage reached bankable."),
            "enterprises",
            _reached("bankable"),
            disaggregations=ALL,
            step="bankable",
        ),
        Indicator(
            "pitched",
            _l("Enterprises that pitched"),
            _l("Enrolled enterprises given a slot in a published pitch-event schedule."),
            "enterprises",
            _reached("pitched"),
            disaggregations=ALL,
            step="pitched",
        ),
        Indicator(
            "in_pipeline",
            _l("Enterprises in an investor's pipeline"),
            _l("Enrolled enterprises on an investor's shortlist or with a recorded outcome."),
            "enterprises",
            _reached("pipeline"),
            disaggregations=ALL,
            step="pipeline",
        ),
        Indicator(
            "financed",
            _l("Enterprises provided new access to finance"),
            _l("Enrolled enterprises with finance funded or disbursed, by any route."),
            "enterprises",
            _reached("financed"),
            disaggregations=ALL,
            step="financed",
        ),
        Indicator(
            "finance_mobilised",
            _l("Financing mobilised (rupiah)"),
            _l(
                "Finance funded or disbursed to enrolled enterprises; per enterprise and route"
                " the larger of the outcomes and the check-ins."
            ),
            "rupiah",
            _reached("financed"),
            value=lambda row: row.finance,
            disaggregations=ALL,
        ),
        Indicator(
            "jobs",
            _l("Jobs supported"),
            _l("Employees (women and men) at enrolled enterprises, from the latest check-in."),
            "people",
            lambda row: row.latest is not None,
            value=_employees,
            disaggregations=ALL,
        ),
        Indicator(
            "jobs_women",
            _l("Jobs held by women"),
            _l("Women employees at enrolled enterprises, from the latest check-in."),
            "people",
            lambda row: row.latest is not None,
            value=lambda row: _employees(row, "women"),
            disaggregations=ALL,
        ),
        Indicator(
            "women_led",
            _l("Women-led enterprises supported"),
            _l("Enrolled enterprises that are women-led, where the owner consented to count it."),
            "enterprises",
            lambda row: row.women_led == "yes",
            disaggregations=tuple(d for d in ALL if d != "women_led"),
        ),
        Indicator(
            "size_class_up",
            _l("Enterprises that moved up a size class"),
            _l("Size class (PP 7/2021) higher at the latest check-in than at the first."),
            "enterprises",
            _moved_up,
            disaggregations=ALL,
        ),
        Indicator(
            "revenue_up",
            _l("Enterprises with higher revenue"),
            _l("Monthly revenue at the latest check-in above the first check-in's."),
            "enterprises",
            _revenue_up,
            disaggregations=ALL,
        ),
    )
}


def category_label(disaggregation: str, key: str, cohorts: dict[int, str] | None = None) -> str:
    """The label of one category of a disaggregation in the request's language."""
    from marketplace import regions

    if key == NOT_STATED:
        return str(_l("Not stated"))
    if disaggregation in ("women_led", "disability_inclusive", "pkh_graduate"):
        return str(_l("Yes") if key == "yes" else _l("No"))
    if disaggregation == "age_band":
        return {
            "under_25": "< 25",
            "25_34": "25–34",
            "35_44": "35–44",
            "45_54": "45–54",
            "55_plus": "55+",
        }[key]
    if disaggregation == "province":
        return regions.province_name(key) or key
    if disaggregation == "regency":
        return regions.regency_name(key) or key
    if disaggregation == "sector":
        return vocab.label(vocab.SECTORS, key)
    if disaggregation == "size_class":
        return vocab.label(vocab.SIZE_CLASSES, key)
    if disaggregation == "cohort":
        return (cohorts or {}).get(int(key), key)
    return key
