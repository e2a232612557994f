"""Measure one refusal in a fresh Python process: wall time and peak RSS increase.

Tracemalloc cannot see Pillow's or PDFium's C allocations, so the tests run the call in a child
process and compare its ru_maxrss (the true peak, C heaps included) after the file is loaded
with the peak after the call.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

_CHILD = """
import json, resource, sys, time
from marketplace import uploads
from marketplace.pitches import decks
from marketplace.profiles import images

path, target, limits_json = sys.argv[1], sys.argv[2], sys.argv[3]
data = open(path, "rb").read()
limits = uploads.UploadLimits(**json.loads(limits_json))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
try:
    if target == "photo":
        images.make_renditions(data, limits=limits)
    else:
        decks.process_deck_pdf(data, limits=limits)
    code = "accepted"
except uploads.UploadRejected as error:
    code = error.code
elapsed = time.perf_counter() - start
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"code": code, "seconds": elapsed, "extra_mb": (after - before) / 1024}))
"""


def measure_refusal(
    data: bytes, *, target: str, tmp_path: Path, limits: dict[str, int] | None = None
) -> dict[str, float | str]:
    """Run the upload in a child process; return {'code', 'seconds', 'extra_mb'}."""
    path = tmp_path / "upload.bin"
    path.write_bytes(data)
    root = Path(__file__).resolve().parents[2]
    completed = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), target, json.dumps(limits or {})],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])
