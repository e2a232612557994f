"""The pause a full garbage collection puts into a request, with and without `gc.freeze()` after
start-up (deploy/gunicorn.conf.py's `post_worker_init` freezes what a worker built at start).

Builds the app as a gunicorn worker does, opens a few pages (templates compiled, caches
filled), then times `gc.collect()` (a full collection, what the collector runs on its own every
so often) several times, before and after freezing. Prints a table, then one flat JSON object.

    python bench/gc_pause.py
"""

from __future__ import annotations

import gc
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from match import web_app  # noqa: E402

REPEAT = 7


def full_collections() -> list[float]:
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        gc.collect()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    app = web_app(Path(tempfile.mkdtemp(prefix="bench-gc-")))
    client = app.test_client()
    for path in ("/", "/search", "/login", "/register", "/monitoring"):
        client.get(path).get_data()
    tracked = len(gc.get_objects())
    before = full_collections()
    gc.freeze()
    frozen = gc.get_freeze_count()
    after = full_collections()
    print(f"objects tracked after start-up: {tracked}; frozen: {frozen}")
    print(f"{'full collection':28} {'median ms':>10} {'max ms':>10}")
    for name, values in (("as started", before), ("after gc.freeze()", after)):
        print(f"{name:28} {statistics.median(values):10.1f} {max(values):10.1f}")
    print(
        json.dumps(
            {
                "tracked_objects": tracked,
                "full_gc_ms_median": round(statistics.median(before), 1),
                "full_gc_after_freeze_ms_median": round(statistics.median(after), 1),
            }
        )
    )


if __name__ == "__main__":
    main()
