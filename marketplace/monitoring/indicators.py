"""The indicator registry: what each indicator counts from the rows of `facts.frame` (one per
enterprise the programme enrolled), its disaggregations, and their labels.

IRIS+ codes (the GIIN's catalogue, iris.thegiin.org), only where the IRIS+ metric counts what
the indicator counts: PI9652 Client Organizations: Total (enterprises supported), PI2575 Client
Organizations: Provided New Access (enterprises provided new access to finance), PI5576 client
organisations whose leader represents a specific group, here women (women-led), PI4874 Jobs in
Directly Supported/Financed Enterprises (jobs supported). The other indicators have no IRIS+
metric of the same meaning; a programme records its donor's own code per target
(`Target.donor_code`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from operator import attrgetter

from flask_babel import lazy_gettext as _l

from marketplace import vocab
from marketplace.monitoring.facts import NOT_STATED, Row, as_of

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
SIZE_ORDER = {"mikro": 0, "kecil": 1, "menengah": 2, "besar": 3}


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


# Indicators read from check-ins or amounts: their value at a past date needs the check-ins up
# to that date (`facts.frame(until=…)`); the others only need the step dates (`facts.as_of`).
NEEDS_CHECK_INS = frozenset(
    {"jobs", "jobs_women", "size_class_up", "revenue_up", "finance_mobilised"}
)


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
        """(enterprises counted, value): the value is the count for an enterprise indicator.
        The same figures as `counted`, without keeping its lists."""
        if self.step is not None and self.value is None:
            step = self.step
            n = len([row for row in rows if row.dates[step] is not None])
            return n, n
        chosen = [row for row in rows if self.counts(row)]
        if self.value is None:
            return len(chosen), len(chosen)
        return len(chosen), sum(map(self.value, chosen))

    def of_as_of(self, rows: list[Row], day: dt.date) -> int:
        """The value as it stood at the end of `day` (`as_of`; not for NEEDS_CHECK_INS): for
        a funnel step, the enterprises enrolled and at the step by then, counted directly."""
        if self.step is not None and self.value is None:
            step = self.step
            return len(
                [
                    row
                    for row in rows
                    if row.enrolled_on <= day
                    and (reached := row.dates[step]) is not None
                    and reached <= day
                ]
            )
        return self.of(as_of(rows, day))[1]

    def counted(self, rows: Iterable[Row]) -> tuple[list[Row], list[int]]:
        """The rows this indicator counts and, in the same order, what each contributes (1 for
        an enterprise indicator): read once per report, then grouped by every disaggregation.
        Two lists rather than a pair per row: a report is kept in memory, and every object in
        it that refers to another is scanned again by each garbage collection."""
        counts, value, step = self.counts, self.value, self.step
        if step is not None and value is None:
            chosen = [row for row in rows if row.dates[step] is not None]
        else:
            chosen = [row for row in rows if counts(row)]
        if value is None:
            return chosen, [1] * len(chosen)
        return chosen, list(map(value, chosen))


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
    """Employees at the latest check-in that reported them: a month whose two boxes were left
    empty (NULL, "not reported") is skipped, never read as 0 jobs. One box filled and the other
    empty counts the empty one as 0: the owner answered the question, and women and men come
    from the same month, so jobs_women never exceeds jobs."""
    if row.staffed_month is None:
        return 0
    women, men = row.staffed_women or 0, row.staffed_men or 0
    return women if which == "women" else women + men


def _moved_up(row: Row) -> bool:
    if row.first_month is None:
        return False
    before, after = row.first_size, row.latest_size
    return bool(before and after) and SIZE_ORDER.get(after, -1) > SIZE_ORDER.get(before, 99)


def _revenue_up(row: Row) -> bool:
    if row.first_month is None or row.first_month == row.latest_month:
        return False
    return (row.latest_revenue or 0) > (row.first_revenue or 0)


INDICATORS = {
    i.code: i
    for i in (
        Indicator(
            "enterprises_supported",
            _l("Enterprises supported"),
            _l("Enterprises enrolled in the programme with the owner's consent."),
            "enterprises",
            _reached("enrolled"),
            iris="PI9652",
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
            iris="PI2575",
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
            _l(
                "Employees (women and men) at enrolled enterprises, from the latest check-in"
                " that reported employees."
            ),
            "people",
            lambda row: row.staffed_month is not None,
            value=_employees,
            iris="PI4874",
            disaggregations=ALL,
        ),
        Indicator(
            "jobs_women",
            _l("Jobs held by women"),
            _l(
                "Women employees at enrolled enterprises, from the latest check-in that reported"
                " employees."
            ),
            "people",
            lambda row: row.staffed_month is not None,
            value=lambda row: _employees(row, "women"),
            disaggregations=ALL,
        ),
        Indicator(
            "women_led",
            _l("Women-led enterprises supported"),
            _l("Enrolled enterprises that are women-led, where the owner consented to count it."),
            "enterprises",
            lambda row: row.women_led == "yes",
            iris="PI5576",
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
