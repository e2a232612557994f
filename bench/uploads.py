"""Benchmark: how long and how much memory each upload bomb takes to be refused.

Run as `python bench/uploads.py` (5 runs per file) or `python bench/uploads.py --quick` (2).

Each file of the test corpus's bomb lists (`tests/uploads/corpus.py`: PDF_BOMBS for decks,
IMAGE_BOMBS for product photos) goes through the parser in a fresh Python process
(`tests/uploads/measure.py`), which reports the wall time of the call and its peak RSS increase
(ru_maxrss, so PDFium's and Pillow's C allocations count). The reference, in the same run on
the same machine: a small valid photo and a small valid deck accepted by the same code, so a
slow machine shows as a slow reference too.

QUALITY.md's bar: every refusal in < 1 s and < 256 MB extra memory.
Figures (medians): `<name>_s` and `<name>_mb` per file, `reference_photo_s`,
`reference_deck_s`, `slowest_refusal_s`, `largest_refusal_mb`.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import tempfile
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.uploads import corpus  # noqa: E402
from tests.uploads.measure import measure_refusal  # noqa: E402


def _photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 1200), (40, 120, 80)).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _cases() -> list[tuple[str, str, bytes, dict[str, int], str]]:
    """(name, target, data, limits, expected code) for the references and every bomb."""
    cases = [
        ("reference_photo", "photo", _photo(), {}, "accepted"),
        ("reference_deck", "deck", corpus.build_pdf(["Halaman 1", "Halaman 2"]), {}, "accepted"),
    ]
    cases += [(name, "deck", build(), {}, code) for name, build, code in corpus.PDF_BOMBS]
    cases += [
        (name, "photo", build(), limits, code) for name, build, limits, code in corpus.IMAGE_BOMBS
    ]
    return cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 runs per file instead of 5")
    runs = 2 if parser.parse_args().quick else 5
    figures: dict[str, float] = {}
    print(f"{'file':40} {'code':18} {'median s':>9} {'median MB':>10}")
    with tempfile.TemporaryDirectory() as folder:
        for name, target, data, limits, expected in _cases():
            results = [
                measure_refusal(data, target=target, tmp_path=Path(folder), limits=limits)
                for _ in range(runs)
            ]
            codes = {r["code"] for r in results}
            if codes != {expected}:
                raise SystemExit(f"{name}: expected {expected}, got {sorted(codes)}")
            seconds = statistics.median(float(r["seconds"]) for r in results)
            megabytes = statistics.median(float(r["extra_mb"]) for r in results)
            figures[f"{name}_s"] = round(seconds, 3)
            figures[f"{name}_mb"] = round(megabytes, 1)
            print(f"{name:40} {expected:18} {seconds:9.3f} {megabytes:10.1f}")
    bombs = [k[:-2] for k in figures if k.endswith("_s") and not k.startswith("reference")]
    figures["slowest_refusal_s"] = max(figures[f"{b}_s"] for b in bombs)
    figures["largest_refusal_mb"] = max(figures[f"{b}_mb"] for b in bombs)
    print(
        f"slowest refusal {figures['slowest_refusal_s']:.3f} s (bar 1 s), largest "
        f"{figures['largest_refusal_mb']:.1f} MB (bar 256 MB); reference photo "
        f"{figures['reference_photo_s']:.3f} s, deck {figures['reference_deck_s']:.3f} s"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
