"""What each page of the load bench costs one process: CPU ms per request, in-process.

The pages of bench/load.py (search, matches, profile, home, and /healthz as the reference) are
requested through Flask's test client by a logged-in investor on load.py's world (10k published
enterprises on PostgreSQL, the search index and match cards built), with the production profile.
Each request is made by the next of the six investor accounts (two of their mandates have
matches, four none), as load.py's sessions are. No network, no gunicorn: what is left is the CPU
a worker spends per page (Python, templates, the database driver), the CPU of the PostgreSQL
backends that served it (from /proc), and the wall time. A warm-up request per page first (the
match columns, caches), then `--requests` requests of each page in a row.

    python bench/page_cpu.py                        # builds the world (about a minute), drops it
    python bench/page_cpu.py --keep                 # ... and keeps the database for next runs
    python bench/page_cpu.py --database-url URL     # reuse a world built with --keep
    python bench/page_cpu.py --database-url URL --profile search   # cProfile of one page
    python bench/page_cpu.py --database-url URL --dump DIR         # write each page's HTML

Compare two branches on the same world in the same session: run it from each checkout with
the same --database-url, alternating (the world's database schema must match both).
Prints per page the median, mean and p90 CPU ms of this process, the database's CPU ms per
request and the median wall ms (wall is at the mercy of the machine's load; CPU is not); last,
one JSON line with those figures.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import load  # noqa: E402
import search as search_bench  # noqa: E402
from cryptography.fernet import Fernet  # noqa: E402

PAGES = ("search", "matches", "profile", "home", "healthz")


def make_app(database_url: str, folder: Path):
    from marketplace import create_app

    return create_app(
        {
            "ENV_NAME": "production",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": uuid.uuid4().hex + uuid.uuid4().hex,
            "NIK_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "UPLOAD_FOLDER": str(folder / "uploads"),
            "SESSION_COOKIE_SECURE": False,  # the test client speaks plain HTTP
            "RATELIMIT_ENABLED": False,
        }
    )


def log_in(client, email: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    response = client.post(
        "/login",
        data={"csrf_token": token.group(1), "email": email, "password": load.PASSWORD},
    )
    if response.status_code != 302:
        raise SystemExit(f"login of {email}: {response.status_code}")


class Rotating:
    """Test clients taken in turn, one per request (the bench's investors have different
    mandates: some have matches, some none)."""

    def __init__(self, clients: list) -> None:
        self.clients = clients
        self.turn = 0

    def get(self, path: str):
        self.turn += 1
        return self.clients[self.turn % len(self.clients)].get(path)


def page_lists(ids: list[int]) -> dict[str, list[str]]:
    rng = random.Random(search_bench.SEED + 3)
    return {
        "search": load.search_paths(300),
        "matches": ["/matches"],
        "profile": [f"/enterprises/{i}" for i in rng.sample(ids, min(300, len(ids)))],
        "home": ["/dashboard"],
        "healthz": ["/healthz"],
    }


def world_ids(app) -> tuple[list[int], list[str]]:
    from marketplace.extensions import db

    with app.app_context():
        ids = list(
            db.session.scalars(
                db.text("SELECT id FROM enterprises WHERE status = 'published' ORDER BY id")
            )
        )
        emails = list(
            db.session.scalars(
                db.text(
                    "SELECT email FROM users WHERE email LIKE 'investor%@bench.example.org' "
                    "ORDER BY email"
                )
            )
        )
    return ids, emails


def database_cpu_ms(app) -> float:
    """CPU time so far of the PostgreSQL backends serving this database (this run's pool:
    the bench is their only client), from /proc; 0.0 when they cannot be read."""
    from marketplace.extensions import db

    with app.app_context():
        pids = db.session.scalars(
            db.text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        ).all()
        db.session.rollback()
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks * 1000 / os.sysconf("SC_CLK_TCK")


def measure(app, client, lists: dict[str, list[str]], requests: int) -> dict[str, dict]:
    """Each page `requests` times in a row: per request the process's CPU and wall time,
    and the database backends' CPU over the block divided by `requests`."""
    figures = {}
    for paths in lists.values():  # warm-up
        client.get(paths[0])
    for page, paths in lists.items():
        cpu, wall = [], []
        db_before = database_cpu_ms(app)
        for n in range(requests):
            path = paths[n % len(paths)]
            c0, w0 = time.process_time(), time.perf_counter()
            response = client.get(path)
            response.get_data()
            c1, w1 = time.process_time(), time.perf_counter()
            if response.status_code != 200:
                raise SystemExit(f"{path}: {response.status_code}")
            cpu.append((c1 - c0) * 1000)
            wall.append((w1 - w0) * 1000)
        figures[page] = {
            "cpu_ms": statistics.median(cpu),
            "cpu_mean_ms": statistics.fmean(cpu),
            "cpu_p90_ms": statistics.quantiles(cpu, n=10)[-1],
            "db_cpu_ms": (database_cpu_ms(app) - db_before) / requests,
            "wall_ms": statistics.median(wall),
        }
    return figures


def show_queries(app, client, lists: dict[str, list[str]], requests: int) -> None:
    """Each page's statements: how many per request and the wall ms they take."""
    from sqlalchemy import event

    from marketplace.extensions import db

    with app.app_context():
        engine = db.engine
    timings: dict[str, list[float]] = {}
    started: list[float] = []

    def before(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001, ARG001
        started.append(time.perf_counter())

    def after(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001, ARG001
        key = " ".join(statement.split())[:150]
        timings.setdefault(key, []).append((time.perf_counter() - started.pop()) * 1000)

    for page, paths in lists.items():
        client.get(paths[0])
        event.listen(engine, "before_cursor_execute", before)
        event.listen(engine, "after_cursor_execute", after)
        for n in range(requests):
            client.get(paths[n % len(paths)]).get_data()
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
        total = sum(sum(t) for t in timings.values()) / requests
        count = sum(len(t) for t in timings.values()) / requests
        print(f"== {page}: {count:.1f} statements, {total:.1f} ms per request")
        for key, t in sorted(timings.items(), key=lambda kv: -sum(kv[1])):
            print(f"  {len(t) / requests:5.1f} x {statistics.median(t):6.2f} ms  {key}")
        timings.clear()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a world built by an earlier run with --keep")
    parser.add_argument("--enterprises", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=40, help="requests per page")
    parser.add_argument("--keep", action="store_true", help="keep the database it builds")
    parser.add_argument("--db-name", default="temumodal_page_cpu", help="the database it builds")
    parser.add_argument("--profile", choices=PAGES, help="cProfile this page and print the top")
    parser.add_argument("--callees", help="with --profile: the callees of functions matching")
    parser.add_argument("--dump-count", type=int, default=12, help="pages of each kind dumped")
    parser.add_argument("--locale", choices=("id", "en"), help="the sessions' language")
    parser.add_argument("--queries", action="store_true", help="each page's SQL, timed")
    parser.add_argument("--dump", help="write each page's first HTML into this folder")
    args = parser.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="bench-page-cpu-"))
    built = False
    database_url = args.database_url
    try:
        if database_url is None:
            load.DB_NAME = args.db_name
            database_url = load.recreate_database()
            built = True
            started = time.perf_counter()
            load.build_world(database_url, folder, args.enterprises)
            print(f"world built in {time.perf_counter() - started:.1f} s: {database_url}")
        database_url = database_url.replace("postgresql://", "postgresql+psycopg://", 1)
        app = make_app(database_url, folder)
        ids, emails = world_ids(app)
        # Every investor account logged in, taken in turn as load.py's sessions are.
        clients = []
        for email in emails:
            clients.append(app.test_client())
            log_in(clients[-1], email)
            if args.locale:
                with clients[-1].session_transaction() as session:
                    session["locale"] = args.locale
        client = Rotating(clients)
        lists = page_lists(ids)
        if args.dump:
            out = Path(args.dump)
            out.mkdir(parents=True, exist_ok=True)
            for page, paths in lists.items():
                for n in range(args.dump_count):
                    path = paths[n % len(paths)]
                    html = client.get(path).get_data(as_text=True)
                    (out / f"{page}-{n}.html").write_text(html)
            return
        if args.queries:
            show_queries(app, client, lists, args.requests)
            return
        if args.profile:
            paths = lists[args.profile]
            client.get(paths[0])
            profiler = cProfile.Profile(time.process_time)  # CPU, not waits
            profiler.enable()
            for n in range(args.requests):
                client.get(paths[n % len(paths)]).get_data()
            profiler.disable()
            stats = pstats.Stats(profiler).sort_stats("cumulative")
            stats.print_stats(45)
            stats.sort_stats("tottime").print_stats(35)
            if args.callees:
                stats.sort_stats("cumulative").print_callees(args.callees)
            return
        figures = measure(app, client, lists, args.requests)
        print(f"{len(ids)} published enterprises; {args.requests} requests per page, in-process")
        print(
            f"{'page':<8} {'CPU ms':>8} {'CPU mean':>8} {'CPU p90':>8} {'DB CPU':>8} {'wall ms':>8}"
        )
        line = {}
        for page, f in figures.items():
            print(
                f"{page:<8} {f['cpu_ms']:8.1f} {f['cpu_mean_ms']:8.1f} {f['cpu_p90_ms']:8.1f} "
                f"{f['db_cpu_ms']:8.1f} "
                f"{f['wall_ms']:8.1f}"
            )
            line[f"{page}_cpu_ms"] = round(f["cpu_ms"], 1)
            line[f"{page}_cpu_mean_ms"] = round(f["cpu_mean_ms"], 1)
            line[f"{page}_db_cpu_ms"] = round(f["db_cpu_ms"], 1)
            line[f"{page}_wall_ms"] = round(f["wall_ms"], 1)
        print(json.dumps(line))
    finally:
        if built and not args.keep:
            load.DB_NAME = args.db_name
            load.drop_database()
        elif built:
            print(f"kept: --database-url {database_url}")
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
