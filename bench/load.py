"""Pages under load: gunicorn (2 workers) on PostgreSQL and Redis, 20 logged-in clients.

    python bench/load.py            # 10k published enterprises, 30 s measured
    python bench/load.py --quick    # 2k enterprises, 8 s measured (for `make bench`)

What it does, all on this machine:
1. Creates its own database (BENCH_LOAD_DB, default temumodal_bench, on BENCH_PG_SERVER,
   default postgresql://postgres@127.0.0.1:5432), dropped again at the end, and builds the
   schema with the migrations.
2. Bulk-inserts the world: published enterprises from bench/search.py's generator (realistic
   names, products and descriptions, regions, asks, documents), then six verified investor
   organisations with the mandates of bench/match.py and one investor account each, then
   `indexing.reindex()` fills the search index (the PostgreSQL backend) and the match cards
   exactly as `flask search reindex` does.
3. Starts gunicorn with the production settings (deploy/gunicorn.conf.py, 2 workers) in
   production mode (its own secret keys, rate limits in Redis at BENCH_REDIS_URL, default
   redis://127.0.0.1:6379, under a key prefix of this run), logs in 20 sessions over the six
   accounts through the real login form (CSRF included).
4. Runs wrk (Debian's `wrk`; `apt-get install wrk`) against five page kinds at once: the search
   page (varied 1-3-word queries with filters), the match list (/matches), an enterprise
   profile (varied ids), the home page of a logged-in investor (/ redirects there:
   /dashboard), 5 connections each = 20 clients, and /healthz with 2 more connections as the
   reference on the same server in the same run. A warm-up pass first (each worker builds its
   match columns on its first /matches), then the measured pass.

Rate limits do not distort the figures: the only limits are on login, password reset and
confirmation e-mails (failed logins count, successful ones do not), none on the pages measured,
and the bench logs in 20 times successfully before the clock starts. The limiter's storage is
Redis, as in production, under a key prefix of this run so no other run's counters apply.

Prints per page: requests per second, p50/p95/p99 in ms, p95 against /healthz's p95, and
requests that did not answer 200 (a redirect to the login page, a 429 or a 5xx all count);
last, one JSON line with `<page>_p95_ms`, `<page>_rps` (and p50/p99) for search, matches,
profile, home, healthz, and `errors`. Bars: 0 errors; p95 <= 300 ms on every page. Exits 1
when a request failed (not when only the latency bar is missed: this machine is shared).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import logging
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import match as match_bench  # noqa: E402
import psycopg  # noqa: E402
import search as search_bench  # noqa: E402
from cryptography.fernet import Fernet  # noqa: E402
from sqlalchemy import insert  # noqa: E402

PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgresql://postgres@127.0.0.1:5432")
DB_NAME = os.environ.get("BENCH_LOAD_DB", "temumodal_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379")
PASSWORD = "bench-investor-password-2026"  # noqa: S105 - a throw-away account of this run
CLIENTS_PER_PAGE = 5  # 4 pages x 5 = 20 logged-in clients
HEALTHZ_CLIENTS = 2
PAGES = ("search", "matches", "profile", "home")
BAR_P95_MS = 300.0
KEYS = ("rps", "p50_ms", "p95_ms", "p99_ms")
CHUNK = 2_000
LEGAL_FORMS = ("perorangan", "perorangan", "cv", "koperasi", "kube")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- the database and the world -----------------------------------------------------------------


def recreate_database() -> str:
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    return f"{PG_SERVER}/{DB_NAME}"


def drop_database() -> None:
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def _insert(table, rows: list[dict]) -> None:
    from marketplace.extensions import db

    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(table), rows[start : start + CHUNK])


def build_world(database_url: str, folder: Path, size: int) -> tuple[list[int], list[str]]:
    """Schema by the migrations, `size` published enterprises, six investor accounts, the
    search index and match cards. Returns (enterprise ids, investor e-mails)."""
    import flask_migrate

    from marketplace import create_app
    from marketplace.accounts.models import Organisation, User
    from marketplace.accounts.passwords import hash_password
    from marketplace.extensions import db
    from marketplace.matching.search import indexing
    from marketplace.models import utcnow
    from marketplace.profiles.models import Enterprise, LegalDocument, Mandate

    app = create_app(
        {
            "ENV_NAME": "testing",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "UPLOAD_FOLDER": str(folder / "uploads"),
        }
    )
    logging.disable(logging.INFO)  # alembic logs every migration at INFO
    docs = search_bench.generate(size)
    rng = random.Random(search_bench.SEED)
    with app.app_context():
        flask_migrate.upgrade()
        now = utcnow()
        _insert(
            Organisation.__table__,
            [{"id": d.id, "kind": "enterprise", "name": d.name} for d in docs],
        )
        _insert(
            Enterprise.__table__,
            [
                {
                    "id": d.id,
                    "organisation_id": d.id,
                    "status": "published",
                    "published_at": d.published_at,
                    "name": d.name,
                    "legal_form": rng.choice(LEGAL_FORMS),
                    "sector": d.sector,
                    "products": d.products,
                    "description": d.description,
                    "province_code": d.province_code,
                    "regency_code": d.regency_code,
                    "founded_on": dt.date(rng.randint(2005, 2023), rng.randint(1, 12), 1),
                    "employees": rng.randint(1, 40),
                    "owner_name": d.name.split()[-1],
                    "ask_amount": d.ask_amount,
                    "ask_instruments": d.instruments,
                    "women_led": "women_led" in d.impact_themes,
                    "share_women_led": True,
                    "green": "green" in d.impact_themes,
                    "pkh_graduate": "pkh_graduate" in d.impact_themes,
                    "share_pkh_graduate": True,
                    "has_bank_account": rng.random() < 0.6,
                    "keeps_books": rng.random() < 0.5,
                }
                for d in docs
            ],
        )
        _insert(
            LegalDocument.__table__,
            [{"enterprise_id": d.id, "kind": kind} for d in docs for kind in d.documents],
        )
        # The ids were given explicitly: move the sequences past them.
        for table in ("organisations", "enterprises"):
            db.session.execute(
                db.text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
            )
        db.session.commit()
        password_hash = hash_password(PASSWORD)
        emails = []
        for position, spec in enumerate(match_bench.MANDATES):
            organisation = Organisation(kind="investor", name=spec.name, verified_at=now)
            db.session.add(
                Mandate(
                    organisation=organisation,
                    investor_kind=spec.kind,
                    sectors=sorted(spec.sectors),
                    provinces=sorted(spec.provinces),
                    ticket_min=spec.ticket_min,
                    ticket_max=spec.ticket_max,
                    instruments=sorted(spec.instruments),
                    sharia_only=spec.sharia_only,
                    impact_themes=sorted(spec.impact_themes),
                    min_stage=spec.min_stage or "belum_layak",
                    thesis=" ".join(sorted(spec.thesis_terms)) or None,
                )
            )
            email = f"investor{position}@bench.example.org"
            db.session.add(
                User(
                    email=email,
                    name=f"Investor {position}",
                    password_hash=password_hash,
                    role="investor",
                    organisation=organisation,
                    locale="id",
                    active=True,
                    password_changed_at=now,
                    email_confirmed_at=now,
                )
            )
            emails.append(email)
        db.session.commit()
        indexed = indexing.reindex()
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()
        db.engine.dispose()
    logging.disable(logging.NOTSET)
    if indexed != size:
        raise SystemExit(f"indexed {indexed} of {size} enterprises")
    return [d.id for d in docs], emails


# --- the server and the sessions ----------------------------------------------------------------


def server_env(database_url: str, folder: Path, prefix: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    env.update(
        {
            "DATABASE_URL": database_url,
            "FLASK_ENV_NAME": "production",
            "FLASK_SECRET_KEY": uuid.uuid4().hex + uuid.uuid4().hex,
            "FLASK_NIK_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "FLASK_UPLOAD_FOLDER": str(folder / "uploads"),
            "FLASK_RATELIMIT_STORAGE_URI": REDIS_URL,
            "FLASK_RATELIMIT_KEY_PREFIX": prefix,
        }
    )
    return env


def start_gunicorn(env: dict[str, str], port: int, folder: Path) -> subprocess.Popen:
    log = (folder / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [
            # The production settings (deploy/gunicorn.conf.py: gc.freeze() after each worker
            # starts, the access log), with the bench's workers and port.
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            str(ROOT / "deploy" / "gunicorn.conf.py"),
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited: see {folder / 'gunicorn.log'}")
        try:
            status, _, _ = fetch(port, "GET", "/healthz")
            if status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def fetch(
    port: int, method: str, path: str, *, cookie: str = "", form: dict | None = None
) -> tuple[int, dict[str, str], str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": cookie} if cookie else {}
    body = None
    if form is not None:
        body = urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    text = response.read().decode("utf-8", "replace")
    cookies = [v for k, v in response.getheaders() if k.lower() == "set-cookie"]
    conn.close()
    result = {k.lower(): v for k, v in response.getheaders()}
    result["set-cookie"] = "; ".join(c.split(";", 1)[0] for c in cookies)
    return response.status, result, text


def log_in(port: int, email: str) -> str:
    """A session cookie from the real login form (GET for the CSRF token, then POST)."""
    status, headers, page = fetch(port, "GET", "/login")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    if status != 200 or token is None:
        raise SystemExit(f"login page: {status}, no CSRF token")
    status, headers, _ = fetch(
        port,
        "POST",
        "/login",
        cookie=headers["set-cookie"],
        form={"csrf_token": token.group(1), "email": email, "password": PASSWORD},
    )
    if status != 302 or not headers["set-cookie"]:
        raise SystemExit(f"login of {email}: {status}")
    cookie = headers["set-cookie"]
    status, _, _ = fetch(port, "GET", "/matches", cookie=cookie)
    if status != 200:
        raise SystemExit(f"/matches after login: {status}")
    return cookie


def search_paths(count: int) -> list[str]:
    """The search bench's queries as the search form sends them."""
    params = {
        "sectors": "sector",
        "province_codes": "province",
        "documents": "document",
        "instruments": "instrument",
        "stages": "stage",
    }
    paths = []
    for query in search_bench.queries(count):
        args: list[tuple[str, str]] = [("q", query.text)]
        for field, param in params.items():
            args += [(param, value) for value in getattr(query, field)]
        if query.ask_min is not None:
            args += [("ask_min", str(query.ask_min)), ("ask_max", str(query.ask_max))]
        paths.append("/search?" + urlencode(args))
    return paths


# --- wrk ----------------------------------------------------------------------------------------


def run_wrk(
    port: int,
    lists: dict[str, list[str]],
    cookies: list[str],
    seconds: int,
    folder: Path,
    *,
    alone: bool = False,
) -> dict[str, dict]:
    """Every page kind in `lists` at once, one wrk process each (one connection each when
    `alone`); returns each one's figures."""
    cookie_file = folder / "cookies.txt"
    cookie_file.write_text("\n".join(cookies) + "\n")
    processes = {}
    for page, paths in lists.items():
        path_file = folder / f"paths-{page}.txt"
        path_file.write_text("\n".join(paths) + "\n")
        connections = HEALTHZ_CLIENTS if page == "healthz" else CLIENTS_PER_PAGE
        connections = 1 if alone else connections
        processes[page] = subprocess.Popen(
            [
                "wrk",
                "-t1",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "-s",
                str(ROOT / "bench" / "load.lua"),
                f"http://127.0.0.1:{port}",
                "--",
                str(path_file),
                str(cookie_file),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
    results = {}
    for page, process in processes.items():
        output, _ = process.communicate(timeout=seconds + 60)
        line = [line for line in output.splitlines() if line.startswith("{")]
        if process.returncode != 0 or not line:
            raise SystemExit(f"wrk on {page} failed:\n{output}")
        results[page] = json.loads(line[-1])
    return results


def report(results: dict[str, dict], world: int, seconds: int) -> dict:
    health_p95 = results["healthz"]["p95_us"] / 1000
    print(
        f"{world} published enterprises; gunicorn 2 workers; {len(PAGES) * CLIENTS_PER_PAGE} "
        f"logged-in clients + {HEALTHZ_CLIENTS} on /healthz; {seconds} s measured"
    )
    print(
        f"{'page':<8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'p95/healthz':>11} {'errors':>6}"
    )
    figures: dict = {}
    total_errors = 0
    for page in (*PAGES, "healthz"):
        r = results[page]
        rps = r["requests"] / (r["duration_us"] / 1e6)
        errors = r["not_200"] + r["connect"] + r["read"] + r["write"] + r["timeout"]
        total_errors += errors
        p50, p95, p99 = (r[k] / 1000 for k in ("p50_us", "p95_us", "p99_us"))
        print(
            f"{page:<8} {rps:7.1f} {p50:8.1f} {p95:8.1f} {p99:8.1f} "
            f"{p95 / health_p95:11.2f} {errors:6d}"
        )
        if r["first_not_200"]:
            print(f"         first answer that was not 200: {r['first_not_200']}")
        figures[f"{page}_rps"] = round(rps, 1)
        figures[f"{page}_p50_ms"] = round(p50, 1)
        figures[f"{page}_p95_ms"] = round(p95, 1)
        figures[f"{page}_p99_ms"] = round(p99, 1)
        if page != "healthz":
            figures[f"{page}_p95_vs_healthz"] = round(p95 / health_p95, 2)
    slow = [page for page in PAGES if figures[f"{page}_p95_ms"] > BAR_P95_MS]
    print(
        f"bars: 0 errors ({'met' if not total_errors else f'MISSED: {total_errors}'}); "
        f"p95 <= {BAR_P95_MS:.0f} ms on every page "
        f"({'met' if not slow else 'MISSED on ' + ', '.join(slow)})"
    )
    figures["errors"] = total_errors
    figures["enterprises"] = world
    figures["seconds"] = seconds
    return figures


def report_alone(results: dict[str, dict], seconds: int) -> dict:
    print(f"each page alone, one client, {seconds} s each (the service time, no queue):")
    print(f"{'page':<8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'errors':>6}")
    figures = {"alone_errors": 0}
    for page, r in results.items():
        rps = r["requests"] / (r["duration_us"] / 1e6)
        errors = r["not_200"] + r["connect"] + r["read"] + r["write"] + r["timeout"]
        p50, p95 = r["p50_us"] / 1000, r["p95_us"] / 1000
        print(f"{page:<8} {rps:7.1f} {p50:8.1f} {p95:8.1f} {errors:6d}")
        figures[f"{page}_alone_p50_ms"] = round(p50, 1)
        figures[f"{page}_alone_p95_ms"] = round(p95, 1)
        figures["alone_errors"] += errors
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2k enterprises, 8 s measured")
    parser.add_argument("--enterprises", type=int, help="published enterprises (default 10k)")
    parser.add_argument("--seconds", type=int, help="measured seconds (default 30)")
    parser.add_argument("--keep", action="store_true", help="keep the server and database up")
    args = parser.parse_args(argv)
    world = args.enterprises or (2_000 if args.quick else 10_000)
    seconds = args.seconds or (8 if args.quick else 30)
    warmup = 3 if args.quick else 8
    solo = 3 if args.quick else 8
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk (or `make system-packages`)")

    missing = _unreachable()
    if missing:
        print(f"not measured: {missing}", file=sys.stderr)
        print(json.dumps({f"{page}_{k}": None for page in (*PAGES, "healthz") for k in KEYS}))
        return
    folder = Path(tempfile.mkdtemp(prefix="bench-load-"))
    prefix = f"temumodal_bench_{uuid.uuid4().hex[:8]}"
    database_url = recreate_database()
    server = None
    try:
        started = time.perf_counter()
        ids, emails = build_world(database_url, folder, world)
        print(f"world of {world} built and indexed in {time.perf_counter() - started:.1f} s")
        port = free_port()
        server = start_gunicorn(server_env(database_url, folder, prefix), port, folder)
        cookies = [log_in(port, emails[i % len(emails)]) for i in range(20)]
        rng = random.Random(search_bench.SEED + 3)
        lists = {
            "search": search_paths(300),
            "matches": ["/matches"],
            "profile": [f"/enterprises/{i}" for i in rng.sample(ids, min(300, len(ids)))],
            "home": ["/dashboard"],
            "healthz": ["/healthz"],
        }
        run_wrk(port, lists, cookies, warmup, folder)
        results = run_wrk(port, lists, cookies, seconds, folder)
        figures = report(results, world, seconds)
        # What each page costs without queueing: one client, one page kind at a time.
        alone = {}
        for page in (*PAGES, "healthz"):
            alone.update(run_wrk(port, {page: lists[page]}, cookies, solo, folder, alone=True))
        figures.update(report_alone(alone, solo))
        figures["errors"] += figures.pop("alone_errors")
        if args.keep:
            print(f"server on http://127.0.0.1:{port} (pid {server.pid}); Ctrl-C ends it")
            print("cookie:", cookies[0])
            server.wait()
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        _clear_redis(prefix)
        drop_database()
        shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(figures))
    if figures["errors"]:
        raise SystemExit(1)


def _unreachable() -> str | None:
    """Why PostgreSQL or Redis cannot be used, or None when both answer."""
    import redis

    try:
        psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=3).close()
    except psycopg.Error as error:
        return f"PostgreSQL at {PG_SERVER}: {error}"
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        return f"Redis at {REDIS_URL}: {error}"
    return None


def _clear_redis(prefix: str) -> None:
    """Remove this run's limiter keys (they would expire anyway)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"{prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()


if __name__ == "__main__":
    main()
