"""Benchmark: process a realistic 20-page pitch deck end to end.

Run as `python bench/deck.py` (5 runs) or `python bench/deck.py --quick` (2 runs).

The deck is written in code as a real PDF (no reportlab): each 16:9 page has a text layer in
Helvetica (title, bullets, figures in rupiah), filled shapes (header band, a bar chart) and a
photo-like JPEG image (blurred noise and gradients, 800 × 600) drawn as an image XObject, so
rendering, text extraction and preview compression all do realistic work.

Each run calls `decks.process_deck_pdf` (validate, count pages, scan active content, extract
text, render every page, encode small and large previews) in this process, then the same work
as the app does it, in sandbox children (`marketplace.sandbox`): the upload request's checks
(`isolated.validate_deck_files`) and the job's rendering (`isolated.process_deck_upload`).
Figures:
  wall_s               median wall time of one run
  cpu_s                median CPU time of one run (steadier than wall time on a busy machine)
  peak_mb              peak RSS increase of this process over its RSS before the first run
                       (ru_maxrss, so it includes PDFium's and Pillow's C allocations)
  small_preview_bytes  the LARGEST small preview of the last run (the bar is on every preview)
  isolated_wall_s      median wall time of the job's rendering in a child (start-up included)
  isolated_validate_s  median wall time of the upload request's checks in a child
"""

from __future__ import annotations

import argparse
import io
import json
import random
import resource
import statistics
import sys
import time
import zlib
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from marketplace import uploads  # noqa: E402
from marketplace.pitches import decks, isolated  # noqa: E402

PAGE_W, PAGE_H = 960, 540
TITLES = [
    "Keripik Tempe Bu Sari",
    "Masalah yang kami selesaikan",
    "Produk dan harga",
    "Pasar dan pelanggan",
    "Model bisnis",
    "Kinerja penjualan 2024-2025",
    "Tim dan pendamping",
    "Legalitas: NIB, PIRT, halal",
    "Rencana penggunaan dana",
    "Proyeksi keuangan",
]
BULLETS = [
    "Omzet bulanan rata-rata Rp45.000.000, naik 18% dari tahun lalu",
    "Bahan baku tempe dari 12 pengrajin di Kabupaten Malang",
    "Dijual di 40 warung, 3 minimarket dan marketplace daring",
    "Tujuh karyawan, lima di antaranya perempuan",
    "Kebutuhan dana Rp150.000.000 untuk mesin pengemas dan modal kerja",
    "Pembukuan rapi sejak 2023, rekening bank atas nama usaha",
]


def _photo(seed: int) -> bytes:
    rng = random.Random(seed)
    base = Image.effect_noise((800, 600), 60).convert("RGB")
    tint = Image.new("RGB", base.size, (rng.randrange(80, 200), rng.randrange(60, 160), 90))
    photo = Image.blend(base, tint, 0.55).filter(ImageFilter.GaussianBlur(3))
    draw = ImageDraw.Draw(photo)
    for _ in range(12):
        x, y = rng.randrange(0, 700), rng.randrange(0, 500)
        draw.ellipse(
            (x, y, x + rng.randrange(40, 160), y + rng.randrange(40, 160)),
            fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)),
        )
    photo = photo.filter(ImageFilter.GaussianBlur(1.5))
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _text(x: float, y: float, size: int, font: str, text: str) -> bytes:
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return f"BT /{font} {size} Tf {x} {y} Td ({escaped}) Tj ET\n".encode("latin-1")


def _page_content(number: int) -> bytes:
    rng = random.Random(number)
    parts = [
        b"0.97 0.96 0.93 rg 0 0 960 540 re f\n",
        b"0.55 0.18 0.12 rg 0 470 960 70 re f\n",
        b"1 1 1 rg\n",
        _text(40, 492, 30, "F2", f"{number}. {TITLES[(number - 1) % len(TITLES)]}"),
        b"0.1 0.1 0.1 rg\n",
    ]
    for line, bullet in enumerate(BULLETS):
        parts.append(_text(40, 420 - line * 34, 16, "F1", f"- {bullet}"))
    for bar in range(6):
        height = rng.randrange(30, 150)
        parts.append(
            f"0.2 0.45 {0.4 + bar * 0.08:.2f} rg {40 + bar * 60} 40 40 {height} re f\n".encode()
        )
    parts.append(b"q 400 0 0 300 520 60 cm /Im1 Do Q\n")
    parts.append(_text(40, 16, 10, "F1", f"TemuModal - halaman {number} dari 20"))
    return b"".join(parts)


def make_deck(pages: int = 20) -> bytes:
    """A PDF deck of `pages` 16:9 slides with text, shapes and one photo each. Pure."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")
    pages_obj = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    bold = add(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
    )
    kids = []
    for number in range(1, pages + 1):
        jpeg = _photo(number)
        image = add(
            b"<< /Type /XObject /Subtype /Image /Width 800 /Height 600 /ColorSpace /DeviceRGB "
            b"/BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n"
            % len(jpeg)
            + jpeg
            + b"\nendstream"
        )
        content = zlib.compress(_page_content(number))
        stream = add(
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content)
            + content
            + b"\nendstream"
        )
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
                b"/Resources << /Font << /F1 %d 0 R /F2 %d 0 R >> /XObject << /Im1 %d 0 R >> >> >>"
                % (pages_obj, PAGE_W, PAGE_H, stream, font, bold, image)
            )
        )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_obj
    objects[pages_obj - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % kid for kid in kids),
        len(kids),
    )
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, catalog, xref)
    )
    return out.getvalue()


def _rss_mb() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 runs instead of 5")
    args = parser.parse_args()
    runs = 2 if args.quick else 5
    limits = uploads.UploadLimits()

    deck = make_deck(20)
    rss_before = _rss_mb()
    timings = []
    cpu_timings = []
    result = None
    for _ in range(runs):
        start, cpu_start = time.perf_counter(), time.process_time()
        result = decks.process_deck_pdf(deck, limits=limits)
        timings.append(time.perf_counter() - start)
        cpu_timings.append(time.process_time() - cpu_start)
    assert result is not None
    peak_mb = _rss_mb() - rss_before
    isolated_timings, validate_timings = [], []
    for _ in range(runs):
        start = time.perf_counter()
        isolated.validate_deck_files([deck], limits=limits)
        validate_timings.append(time.perf_counter() - start)
        start = time.perf_counter()
        isolated_result = isolated.process_deck_upload([deck], limits=limits)
        isolated_timings.append(time.perf_counter() - start)
        assert isolated_result.previews == result.previews
    small = [len(small) for small, _large in result.previews]
    large = [len(large) for _small, large in result.previews]

    print(f"deck: {len(deck) / 1024:.0f} KB, {result.page_count} pages, {runs} runs")
    print(f"text extracted: {len(result.text)} characters")
    print(f"{'figure':<28}{'value':>12}")
    print(f"{'wall per deck, median (s)':<28}{statistics.median(timings):>12.3f}")
    print(f"{'wall per deck, max (s)':<28}{max(timings):>12.3f}")
    print(f"{'CPU per deck, median (s)':<28}{statistics.median(cpu_timings):>12.3f}")
    print(f"{'peak RSS increase (MB)':<28}{peak_mb:>12.1f}")
    print(f"{'in a child, median (s)':<28}{statistics.median(isolated_timings):>12.3f}")
    print(f"{'checks in a child, med. (s)':<28}{statistics.median(validate_timings):>12.3f}")
    print(f"{'small preview, max (B)':<28}{max(small):>12}")
    print(f"{'small preview, median (B)':<28}{statistics.median(small):>12.0f}")
    print(f"{'large preview, median (B)':<28}{statistics.median(large):>12.0f}")
    small_size, large_size = result.preview_sizes[0]
    print(f"{'preview sizes (px)':<28}{f'{small_size} {large_size}':>12}")
    print(
        json.dumps(
            {
                "wall_s": round(statistics.median(timings), 3),
                "wall_max_s": round(max(timings), 3),
                "cpu_s": round(statistics.median(cpu_timings), 3),
                "peak_mb": round(peak_mb, 1),
                "small_preview_bytes": max(small),
                "large_preview_median_bytes": int(statistics.median(large)),
                "pages": result.page_count,
                "runs": runs,
                "isolated_wall_s": round(statistics.median(isolated_timings), 3),
                "isolated_validate_s": round(statistics.median(validate_timings), 3),
            }
        )
    )


if __name__ == "__main__":
    main()
