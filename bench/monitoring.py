"""A programme's monitoring dashboard and its full export, for 10k enterprises with two years of
monthly check-ins (issue 15).

The world is bulk-inserted into an SQLite file built by the migrations: one programme with ten
cohorts, its enterprises (half published, with match cards giving stage and size; 95 % counted
in reports, 80 % also under their sensitive attributes and age), 24 check-ins each (240k rows)
with some finance received, shortlist entries, outcomes and a published pitching schedule for a
few hundred. Timed through the test client as the programme's
facilitator, the way the browser asks:

- the dashboard page (p50/p95 over repeated requests), beside the programme page the same
  facilitator already opens (`programmes.programme`), the reference in the same run;
- the Excel export and the CSV export (wall time), and the export's peak Python memory
  (tracemalloc, in a separate run so the tracing does not inflate the timing);
- with two targets whose periods have ended, so the dashboard also rebuilds the frame for them;
- after start-up, the process's heap frozen out of full garbage collections, as a gunicorn
  worker's is (deploy/gunicorn.conf.py);
- the dashboard and the Excel export again, each request right after a committed write (the
  data version changes, so the report kept in memory by `monitoring.cache` is not used and the
  report is computed afresh): the figure for the first view after any check-in or change.

    python bench/monitoring.py            # 10k enterprises, 24 months
    python bench/monitoring.py --quick    # 1k enterprises, 12 months: well under a minute

Prints a table, then as its last line one flat JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import logging
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import flask_migrate  # noqa: E402
from sqlalchemy import insert, update  # noqa: E402

from marketplace import create_app, vocab  # noqa: E402
from marketplace.accounts.models import Organisation, User  # noqa: E402
from marketplace.events.models import (  # noqa: E402
    Outcome,  # noqa: E402
    PitchEvent,
    Schedule,
    ScheduleItem,
)
from marketplace.extensions import db  # noqa: E402
from marketplace.matching.models import MatchCard, ShortlistEntry  # noqa: E402
from marketplace.models import utcnow  # noqa: E402
from marketplace.monitoring.models import CheckIn, FinanceReceived, Target  # noqa: E402
from marketplace.profiles.models import Enterprise  # noqa: E402
from marketplace.programmes.models import Cohort, Enrolment, Programme  # noqa: E402

CHUNK = 5_000
TODAY = dt.date.today()
SECTORS = list(vocab.SECTORS)
PROVINCES = ("31", "32", "33", "34", "35", "52", "73")


def _insert(table, rows: list[dict]) -> None:
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(table), rows[start : start + CHUNK])


def _month(index: int) -> dt.date:
    total = TODAY.year * 12 + TODAY.month - 1 - index
    return dt.date(total // 12, total % 12 + 1, 1)


def build_world(count: int, months: int, *, seed: int = 15) -> tuple[int, int]:
    """Bulk-insert the world; commits. Returns (programme id, facilitator user id)."""
    rng = random.Random(seed)
    now = utcnow()
    org = Organisation(kind="programme", name="Programme org", verified_at=now)
    facilitator = User(
        email="f@example.id",
        name="F",
        password_hash="unused: the bench logs in by session",  # noqa: S106
        role="facilitator",
        organisation=org,
        email_confirmed_at=now,
    )
    investor_org = Organisation(kind="investor", name="Investor", verified_at=now)
    db.session.add_all([org, facilitator, investor_org])
    db.session.flush()
    programme = Programme(organisation_id=org.id, name="Bench programme", donor="Donor")
    db.session.add(programme)
    db.session.flush()
    cohorts = []
    for i in range(10):
        cohort = Cohort(programme_id=programme.id, name=f"Cohort {i + 1}", starts_on=_month(months))
        db.session.add(cohort)
        cohorts.append(cohort)
    db.session.flush()
    base = 1000
    ids = list(range(base, base + count))
    _insert(
        Organisation.__table__,
        [{"id": i, "kind": "enterprise", "name": f"Usaha {i}"} for i in ids],
    )
    enterprises, cards, enrolments = [], [], []
    for i in ids:
        province = rng.choice(PROVINCES)
        published = rng.random() < 0.5
        # 95 % count in reports; 80 % also let each sensitive attribute and the age be counted.
        reports, consented = rng.random() < 0.95, rng.random() < 0.8
        enterprises.append(
            {
                "id": i,
                "organisation_id": i,
                "name": f"Usaha {i}",
                "status": "published" if published else "draft",
                "published_at": now if published else None,
                "sector": rng.choice(SECTORS),
                "province_code": province,
                "regency_code": f"{province}.{rng.randint(1, 20):02d}",
                "women_led": rng.random() < 0.6,
                "disability_inclusive": rng.random() < 0.05,
                "pkh_graduate": rng.random() < 0.15,
                "share_in_reports": reports,
                "share_women_led": consented,
                "share_disability_inclusive": consented,
                "share_pkh_graduate": consented,
                "share_owner_age": consented,
                "owner_birth_year": rng.randint(1960, 2004),
            }
        )
        if published:
            cards.append(
                {
                    "enterprise_id": i,
                    "stage": rng.choices(["belum_layak", "layak", "bankable"], [40, 35, 25])[0],
                    "size_class": rng.choices(["mikro", "kecil"], [85, 15])[0],
                    "computed_on": TODAY,
                    "updated_at": now,
                }
            )
        enrolments.append(
            {
                "cohort_id": cohorts[i % 10].id,
                "enterprise_id": i,
                "facilitator_id": facilitator.id,
                "status": "active",
                "enrolled_on": _month(months) + dt.timedelta(days=rng.randint(0, 60)),
                "consent": "accepted",
                "on_behalf": False,
                "modules_completed": [],
                "created_at": now,
                "updated_at": now,
            }
        )
    _insert(Enterprise.__table__, enterprises)
    _insert(MatchCard.__table__, cards)
    _insert(Enrolment.__table__, enrolments)

    check_ins, finance = [], []
    check_in_id = 0
    for i in ids:
        revenue = rng.randint(2, 60) * 1_000_000
        employees = rng.randint(1, 12)
        women = rng.randint(0, employees)
        funded_at = rng.randint(1, months) if rng.random() < 0.1 else None
        for index in range(months, 0, -1):
            check_in_id += 1
            check_ins.append(
                {
                    "id": check_in_id,
                    "enterprise_id": i,
                    "month": _month(index),
                    "revenue": int(revenue * rng.uniform(0.8, 1.3)),
                    "employees_women": women,
                    "employees_men": employees - women,
                    "stage": rng.choice(["belum_layak", "layak", "bankable"]),
                    "size_class": "mikro"
                    if index > months // 2
                    else rng.choice(["mikro", "kecil"]),
                    "created_at": now,
                    "updated_at": now,
                }
            )
            if funded_at == index:
                finance.append(
                    {
                        "check_in_id": check_in_id,
                        "route": rng.choice(["kur_mikro", "umi", "mekaar", "grant"]),
                        "amount": rng.randint(5, 100) * 1_000_000,
                    }
                )
    _insert(CheckIn.__table__, check_ins)
    _insert(FinanceReceived.__table__, finance)

    chosen = rng.sample(ids, max(5, count // 20))
    _insert(
        ShortlistEntry.__table__,
        [
            {
                "organisation_id": investor_org.id,
                "enterprise_id": i,
                "stage": "considering",
                "created_at": now,
                "updated_at": now,
            }
            for i in chosen
        ],
    )
    _insert(
        Outcome.__table__,
        [
            {
                "enterprise_id": i,
                "organisation_id": investor_org.id,
                "track": "investment",
                "status": "funded",
                "amount": 100_000_000,
                "status_on": TODAY - dt.timedelta(days=30),
                "created_at": now,
                "updated_at": now,
            }
            for i in chosen[: len(chosen) // 3]
        ],
    )
    event = PitchEvent(
        organisation_id=org.id,
        programme_id=programme.id,
        title="Pitch day",
        mode="panel",
        starts_on=TODAY - dt.timedelta(days=60),
        ends_on=TODAY - dt.timedelta(days=60),
        day_start=dt.time(8),
        day_end=dt.time(17),
    )
    db.session.add(event)
    db.session.flush()
    schedule = Schedule(event_id=event.id, version=1, published_at=now)
    schedule.items = [
        ScheduleItem(slot=n, room=1, enterprise_id=i) for n, i in enumerate(chosen[:200])
    ]
    db.session.add(schedule)
    past_year = str(TODAY.year - 1)
    for indicator, period, target in (
        ("enterprises_supported", past_year, count),
        ("bankable", past_year, count // 4),
        ("finance_mobilised", str(TODAY.year), 2_000_000_000),
        ("pitched", f"{TODAY.year}-Q1", 100),
    ):
        db.session.add(
            Target(programme_id=programme.id, indicator=indicator, period=period, target=target)
        )
    db.session.commit()
    return programme.id, facilitator.id


def login(client, user_id: int) -> None:
    from marketplace.accounts import services
    from marketplace.accounts.sessions import SESSION_KEY

    user = db.session.get(User, user_id)
    token = services.start_session(user=user, ip="127.0.0.1", user_agent="bench")
    db.session.commit()
    with client.session_transaction() as session:
        session[SESSION_KEY] = token
        session["_user_id"] = str(user_id)
        session["_fresh"] = True
        session.permanent = True


def timed(client, url: str, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        response.get_data()
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return times


def timed_after_write(app, client, url: str, repeat: int) -> list[float]:
    """Like `timed`, each request after a committed write (one check-in's revenue set to
    itself) that replaces the data version: the report is computed afresh, as after any
    check-in, target or consent change (monitoring.cache)."""
    times = []
    for n in range(repeat):
        with app.app_context():
            db.session.execute(
                update(CheckIn).where(CheckIn.id == n + 1).values(revenue=CheckIn.revenue)
            )
            db.session.commit()
        times += timed(client, url, 1)
    return times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, help="requests per timed page (default 20, 10 quick)")
    args = parser.parse_args()
    count, months, repeat = (1_000, 12, 10) if args.quick else (10_000, 24, 20)
    repeat = args.repeat or repeat
    folder = Path(tempfile.mkdtemp(prefix="bench-monitoring-"))
    app = create_app(
        {
            "ENV_NAME": "testing",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite'}",
            "UPLOAD_FOLDER": str(folder / "uploads"),
            "SEARCH_INDEX_DIR": str(folder / "search-index"),
            "RATELIMIT_ENABLED": False,
        }
    )
    logging.disable(logging.INFO)
    figures: dict[str, float] = {}
    with app.app_context():
        flask_migrate.upgrade()
        start = time.perf_counter()
        programme_id, user_id = build_world(count, months)
        print(
            f"world: {count} enterprises × {months} check-ins"
            f" in {time.perf_counter() - start:.1f} s"
        )
        client = app.test_client()
        login(client, user_id)
    label = f"{count // 1000}k"
    dashboard_url = f"/programmes/{programme_id}/monitoring"
    timed(client, dashboard_url, 1)  # warm-up: templates compiled, caches filled
    # What the worker built at start stays out of full collections, as in a gunicorn worker
    # (deploy/gunicorn.conf.py, post_worker_init); without it a full pass over the app's heap
    # (about 200 ms, bench/gc_pause.py) lands in whichever request crosses the threshold.
    gc.freeze()
    dashboard = timed(client, dashboard_url, repeat)
    cold = timed_after_write(app, client, dashboard_url, max(3, repeat // 2))
    reference = timed(client, f"/programmes/{programme_id}", repeat)
    breakdown = timed(client, dashboard_url + "?indicator=jobs&by=regency", repeat)
    xlsx = timed(client, f"/programmes/{programme_id}/monitoring/report.xlsx", 3)
    csv_ = timed(client, f"/programmes/{programme_id}/monitoring/report.csv", 3)
    xlsx_cold = timed_after_write(
        app, client, f"/programmes/{programme_id}/monitoring/report.xlsx", 3
    )
    with app.app_context():  # the peak of a full export: report computed afresh, then written
        db.session.execute(update(CheckIn).where(CheckIn.id == 1).values(revenue=CheckIn.revenue))
        db.session.commit()
    tracemalloc.start()
    timed(client, f"/programmes/{programme_id}/monitoring/report.xlsx", 1)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    rows = [
        ("dashboard", dashboard),
        ("dashboard after a write (computed afresh)", cold),
        ("dashboard, jobs by kabupaten/kota", breakdown),
        ("programme page (reference)", reference),
        ("export .xlsx", xlsx),
        ("export .xlsx after a write", xlsx_cold),
        ("export .csv", csv_),
    ]
    print(f"{'request':40} {'p50 ms':>10} {'p95 ms':>10} {'max ms':>10}")
    for name, values in rows:
        print(
            f"{name:40} {statistics.median(values):10.1f} {p95(values):10.1f} {max(values):10.1f}"
        )
    print(f"export .xlsx peak Python memory: {peak / 2**20:.1f} MB (tracemalloc)")
    figures = {
        f"dashboard_{label}_p50_ms": round(statistics.median(dashboard), 1),
        f"dashboard_{label}_p95_ms": round(p95(dashboard), 1),
        f"dashboard_after_write_{label}_p50_ms": round(statistics.median(cold), 1),
        f"dashboard_after_write_{label}_p95_ms": round(p95(cold), 1),
        f"dashboard_breakdown_{label}_p95_ms": round(p95(breakdown), 1),
        f"programme_page_{label}_p95_ms": round(p95(reference), 1),
        f"export_xlsx_{label}_s": round(max(xlsx) / 1000, 2),
        f"export_xlsx_after_write_{label}_s": round(max(xlsx_cold) / 1000, 2),
        f"export_csv_{label}_s": round(max(csv_) / 1000, 2),
        f"export_xlsx_{label}_peak_mb": round(peak / 2**20, 1),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
