"""The public page's figures: every programme's aggregates as they stood at the end of the last
complete month, stored once a month (the periodic job) and shown with every small figure
suppressed and rupiah rounded."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from marketplace import formatting, tasks
from marketplace.extensions import db
from marketplace.monitoring import facts, suppression
from marketplace.monitoring import indicators as ind
from marketplace.monitoring.models import PublicSnapshot
from marketplace.monitoring.reports import Breakdown, Cell, funnel

PUBLIC_ROUNDING = 10_000_000  # the public page's rupiah figures, to the nearest Rp10 jt
PUBLIC_HEADLINE = ("enterprises_supported", "financed", "finance_mobilised", "jobs", "women_led")


def snapshot_day(today: dt.date | None = None) -> dt.date:
    """The day the public page's figures stand at: the end of the last complete month."""
    today = today or dt.date.today()
    return today.replace(day=1) - dt.timedelta(days=1)


def public_counts(*, day: dt.date) -> dict:
    """The aggregate counts the public page is drawn from, as they stood at the end of `day`
    (every programme; consents as they are when computed). Plain JSON. Reads only."""
    rows = facts.as_of(facts.frame(programme_id=None, today=day, until=day), day)
    headline = []
    for code in PUBLIC_HEADLINE:
        chosen, values = ind.INDICATORS[code].counted(rows)
        headline.append([code, len(chosen), sum(values)])
    routes = dict.fromkeys(ind.FUNDING_ROUTES, 0)
    for row in rows:
        for route in row.routes:
            routes[route] += 1
    provinces: dict[str, int] = {}
    for row in ind.INDICATORS["enterprises_supported"].counted(rows)[0]:
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
