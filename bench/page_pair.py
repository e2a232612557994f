"""Two checkouts' CPU per page, request by request in turn: page_cpu.py's figures, paired.

On a machine shared with other work, page_cpu.py's medians move by ±20 % from one run to the
next, more than most changes it is asked to measure. Here one worker process per checkout
(its own code, the same world in PostgreSQL, the six investor sessions, load.py's pages) serves
the requests this script names, alternating between the two (A then B, then B then A): both
see the same load at the same moments, so their ratio holds even when the machine is busy.

    python bench/page_cpu.py --keep                                   # the world, once
    python bench/page_pair.py --database-url URL --base /work/main    # base vs this checkout
    python bench/page_pair.py --database-url URL --base DIR --requests 100 --pages search,profile

Each checkout runs under its own `.venv/bin/python` with its own bench/page_cpu.py (for the
app, the log-in and the pages), so the base needs only that file. Prints per page the median
and mean CPU ms of each worker, their ratio (this checkout / base) and the database CPU ms per
request of each (PostgreSQL backends found by application_name, from /proc); last, a JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ("search", "matches", "profile", "home", "healthz")
WARM_UP = 5


def serve(root: str, database_url: str, tag: str) -> None:
    """A worker: the app of checkout `root`; reads `PAGE N` or `ticks` lines, answers JSON."""
    sys.path[:0] = [root, str(Path(root) / "bench")]
    os.chdir(root)
    import logging

    import page_cpu  # the checkout's own
    from cryptography.fernet import Fernet

    from marketplace import create_app

    name = f"page-pair-{tag}"
    app = create_app(
        {
            "ENV_NAME": "production",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": uuid.uuid4().hex + uuid.uuid4().hex,
            "NIK_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "UPLOAD_FOLDER": tempfile.mkdtemp(prefix="bench-page-pair-"),
            "SESSION_COOKIE_SECURE": False,
            "RATELIMIT_ENABLED": False,
            "SQLALCHEMY_ENGINE_OPTIONS": {
                "pool_pre_ping": True,
                "connect_args": {"application_name": name},
            },
        }
    )
    logging.disable(logging.INFO)
    ids, emails = page_cpu.world_ids(app)
    clients = []
    for email in emails:
        clients.append(app.test_client())
        page_cpu.log_in(clients[-1], email)
    client = page_cpu.Rotating(clients)
    lists = page_cpu.page_lists(ids)

    from marketplace.extensions import db

    def ticks() -> int:
        with app.app_context():
            sql = db.text("SELECT pid FROM pg_stat_activity WHERE application_name = :name")
            pids = db.session.scalars(sql, {"name": name}).all()
            db.session.rollback()
        total = 0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total

    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        words = line.split()
        if words[0] == "ticks":
            print(json.dumps({"ticks": ticks()}), flush=True)
            continue
        paths = lists[words[0]]
        path = paths[int(words[1]) % len(paths)]
        c0 = time.process_time()
        response = client.get(path)
        response.get_data()
        c1 = time.process_time()
        if response.status_code != 200:
            raise SystemExit(f"{root}: {path}: {response.status_code}")
        print(json.dumps({"cpu": (c1 - c0) * 1000}), flush=True)


class Worker:
    def __init__(self, root: Path, database_url: str, tag: str) -> None:
        python = root / ".venv" / "bin" / "python"
        command = [str(python), __file__, "--serve", str(root), "--database-url", database_url]
        self.process = subprocess.Popen(
            [*command, "--tag", tag],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        if not self.ask(None).get("ready"):
            raise SystemExit(f"{root}: the worker did not start")

    def ask(self, line: str | None) -> dict:
        if line is not None:
            self.process.stdin.write(line + "\n")
            self.process.stdin.flush()
        answer = self.process.stdout.readline()
        if not answer:
            raise SystemExit("a worker stopped (run it by hand with --serve to see why)")
        return json.loads(answer)

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a world built by page_cpu --keep")
    parser.add_argument("--base", help="the other checkout (its .venv and bench/page_cpu.py)")
    parser.add_argument("--requests", type=int, default=100, help="requests per page and side")
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--tag", default="a", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    database_url = args.database_url.replace("postgresql://", "postgresql+psycopg://", 1)
    if args.serve:
        serve(args.serve, database_url, args.tag)
        return
    if not args.base:
        parser.error("--base is required")
    workers = {
        "base": Worker(Path(args.base).resolve(), database_url, "base"),
        "this": Worker(ROOT, database_url, "this"),
    }
    tick_ms = 1000 / os.sysconf("SC_CLK_TCK")
    loads = [os.getloadavg()[0]]
    figures = {}
    try:
        for page in args.pages.split(","):
            for worker in workers.values():
                for n in range(WARM_UP):
                    worker.ask(f"{page} {n}")
            before = {side: w.ask("ticks")["ticks"] for side, w in workers.items()}
            cpu: dict[str, list[float]] = {side: [] for side in workers}
            for n in range(args.requests):
                order = list(workers) if n % 2 == 0 else list(workers)[::-1]
                for side in order:
                    cpu[side].append(workers[side].ask(f"{page} {n}")["cpu"])
            after = {side: w.ask("ticks")["ticks"] for side, w in workers.items()}
            figures[page] = {
                side: {
                    "cpu_ms": round(statistics.median(cpu[side]), 1),
                    "cpu_mean_ms": round(statistics.fmean(cpu[side]), 1),
                    "db_cpu_ms": round((after[side] - before[side]) * tick_ms / args.requests, 1),
                }
                for side in workers
            }
            loads.append(os.getloadavg()[0])
    finally:
        for worker in workers.values():
            worker.close()
    print(
        f"{args.requests} requests per page and side, in turn; "
        f"load average {min(loads):.1f}-{max(loads):.1f}"
    )
    print(
        f"{'page':<8} {'base CPU':>8} {'this CPU':>8} {'ratio':>6} {'base mean':>9} "
        f"{'this mean':>9} {'base DB':>8} {'this DB':>8}"
    )
    for page, f in figures.items():
        base, this = f["base"], f["this"]
        print(
            f"{page:<8} {base['cpu_ms']:8.1f} {this['cpu_ms']:8.1f} "
            f"{this['cpu_ms'] / base['cpu_ms']:6.2f} {base['cpu_mean_ms']:9.1f} "
            f"{this['cpu_mean_ms']:9.1f} {base['db_cpu_ms']:8.1f} {this['db_cpu_ms']:8.1f}"
        )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
