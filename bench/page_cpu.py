"""What each page of the load bench costs one process: CPU ms per request, in-process.

The pages of bench/load.py (search, matches, profile, home, and /healthz as the reference) are
requested through Flask's test client by a logged-in investor on load.py's world (10k published
enterprises on PostgreSQL, the search index and match cards built), with the production profile.
No network, no gunicorn: what is left is the CPU a worker spends per page (Python, templates,
the database driver) plus the database's answer time (wall). A warm-up request first (the match
columns, caches), then `--requests` requests per page, interleaved page by page.

    python bench/page_cpu.py                        # builds the world (about a minute), drops it
    python bench/page_cpu.py --keep                 # ... and keeps the database for next runs
    python bench/page_cpu.py --database-url URL     # reuse a world built with --keep
    python bench/page_cpu.py --database-url URL --profile search   # cProfile of one page
    python bench/page_cpu.py --database-url URL --dump DIR         # write each page's HTML

Compare two branches on the same world in the same session: run it from each checkout with
the same --database-url, alternating (the world's database schema must match both).
Prints per page the median and p90 CPU ms (process time) and the median wall ms; last, one JSON
line with `<page>_cpu_ms` and `<page>_wall_ms` medians.
"""

from __future__ import annotations

import argparse
import cProfile
import json
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


def measure(client, lists: dict[str, list[str]], requests: int) -> dict[str, dict]:
    cpu: dict[str, list[float]] = {page: [] for page in lists}
    wall: dict[str, list[float]] = {page: [] for page in lists}
    for paths in lists.values():  # warm-up
        client.get(paths[0])
    for n in range(requests):
        for page, paths in lists.items():
            path = paths[n % len(paths)]
            c0, w0 = time.process_time(), time.perf_counter()
            response = client.get(path)
            response.get_data()
            c1, w1 = time.process_time(), time.perf_counter()
            if response.status_code != 200:
                raise SystemExit(f"{path}: {response.status_code}")
            cpu[page].append((c1 - c0) * 1000)
            wall[page].append((w1 - w0) * 1000)
    return {
        page: {
            "cpu_ms": statistics.median(cpu[page]),
            "cpu_p90_ms": statistics.quantiles(cpu[page], n=10)[-1],
            "wall_ms": statistics.median(wall[page]),
        }
        for page in lists
    }


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
        client = app.test_client()
        log_in(client, emails[0])
        lists = page_lists(ids)
        if args.dump:
            out = Path(args.dump)
            out.mkdir(parents=True, exist_ok=True)
            for page, paths in lists.items():
                for n, path in enumerate(paths[:12]):
                    html = client.get(path).get_data(as_text=True)
                    (out / f"{page}-{n}.html").write_text(html)
            return
        if args.queries:
            show_queries(app, client, lists, args.requests)
            return
        if args.profile:
            paths = lists[args.profile]
            client.get(paths[0])
            profiler = cProfile.Profile()
            profiler.enable()
            for n in range(args.requests):
                client.get(paths[n % len(paths)]).get_data()
            profiler.disable()
            stats = pstats.Stats(profiler).sort_stats("cumulative")
            stats.print_stats(45)
            stats.sort_stats("tottime").print_stats(35)
            stats.sort_stats("cumulative").print_callees("pool/base.py.*\\(connect\\)|_get_user")
            return
        figures = measure(client, lists, args.requests)
        print(f"{len(ids)} published enterprises; {args.requests} requests per page, in-process")
        print(f"{'page':<8} {'CPU ms':>8} {'CPU p90':>8} {'wall ms':>8}")
        line = {}
        for page, f in figures.items():
            print(f"{page:<8} {f['cpu_ms']:8.1f} {f['cpu_p90_ms']:8.1f} {f['wall_ms']:8.1f}")
            line[f"{page}_cpu_ms"] = round(f["cpu_ms"], 1)
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
