"""Top 20 enterprises with reasons for one investor mandate, over 10k and 100k enterprises.

Measures the path the matching service should use: `build_columns` once per set of published
cards, then per request `rank_columns` (hard-rule prefilter + bulk numpy scores + top 20) and the
reasons rendered to text. The reference in the same run is the naive path, `rank_enterprises`,
which scores every card in Python; both must return the same top 20.

    python bench/match.py            # 10k and 100k
    python bench/match.py --quick    # 10k only, well under a minute

Prints a table, then as its last line one flat JSON object (match_10k_p95_ms, match_100k_p95_ms …).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from marketplace import vocab  # noqa: E402
from marketplace.matching import scoring, scoring_text  # noqa: E402
from marketplace.matching.scoring import EnterpriseCard, MandateSpec  # noqa: E402

JT = 1_000_000
PROVINCES = (
    "11 12 13 14 15 16 17 18 19 21 31 32 33 34 35 36 51 52 53 61 62 63 64 65 71 72 73 74 75 76 "
    "81 82 91 92 93 94 95 96"
).split()
# Provinces weighted towards Java, where most programmes run.
PROVINCE_WEIGHTS = [8 if code in {"31", "32", "33", "34", "35", "36"} else 1 for code in PROVINCES]
SECTORS = list(vocab.SECTORS)
SECTOR_WEIGHTS = [30, 12, 10, 12, 6, 5, 15, 5, 3, 2]
WORDS = (
    "kopi teh keripik sambal batik tenun anyaman bambu rotan ikan lele udang rumput laut madu "
    "gula aren kelapa organik ekspor petani nelayan perempuan ibu disabilitas daur ulang sampah "
    "plastik kain pewarna alami warung sembako kue roti jamu herbal rempah cokelat kakao vanili "
    "kambing sapi ayam telur susu tahu tempe kerupuk sabun lilin kayu ukir gerabah perak wisata "
    "desa homestay kuliner digital aplikasi jahit konveksi bengkel servis laundry katering"
).split()
TERMS = WORDS + [f"kata{i:04d}" for i in range(3000)]
# Zipf-like: the real words are common, the long tail rare, as in profile text.
TERM_WEIGHTS = [1.0 / (rank + 1) ** 0.8 for rank in range(len(TERMS))]


def make_cards(count: int, *, seed: int) -> list[EnterpriseCard]:
    """`count` deterministic enterprise cards with a realistic spread of every field."""
    rng = random.Random(seed)
    cards = []
    for i in range(count):
        sector = rng.choices(SECTORS, SECTOR_WEIGHTS)[0]
        stage = rng.choices(["belum_layak", "layak", "bankable"], [40, 35, 25])[0]
        ask = None if rng.random() < 0.1 else int(round(10 ** rng.uniform(6.3, 9.3), -5))
        instruments = set()
        if rng.random() > 0.1:
            instruments = set(
                rng.choices(
                    list(vocab.INSTRUMENTS), [30, 35, 15, 8, 8, 3, 3, 6, 4], k=rng.randint(1, 3)
                )
            )
        documents = {d for d, p in (("nib", 0.7), ("npwp", 0.4), ("sku", 0.3)) if rng.random() < p}
        if sector == "food":
            documents |= {d for d, p in (("spp_irt", 0.5), ("halal", 0.3)) if rng.random() < p}
        themes = {
            t
            for t, p in (("women_led", 0.5), ("disability_inclusive", 0.05))
            + (("pkh_graduate", 0.15), ("green", 0.1))
            if rng.random() < p
        }
        routes = set(rng.sample(list(vocab.ROUTES), rng.randint(0, 3)))
        terms = frozenset(rng.choices(TERMS, TERM_WEIGHTS, k=rng.randint(5, 25)))
        province = rng.choices(PROVINCES, PROVINCE_WEIGHTS)[0]
        cards.append(
            EnterpriseCard(
                id=i + 1,
                name=f"Usaha {i + 1}",
                sector=sector,
                province_code=province,
                regency_code=f"{province}{rng.randint(1, 30):02d}",
                size_class="mikro" if (ask or 0) < 1_000 * JT else "kecil",
                stage=stage,
                ask_amount=ask,
                instruments=frozenset(instruments),
                documents=frozenset(documents),
                impact_themes=frozenset(themes),
                routes=frozenset(routes),
                text_terms=terms,
            )
        )
    return cards


def fs(*codes: str) -> frozenset[str]:
    return frozenset(codes)


MANDATES = [
    MandateSpec(1, "KUR channelling Jawa", "bank", fs(), fs("32", "33", "34", "35", "36"),
                10 * JT, 500 * JT, fs("kur", "loan"), False, fs(), "layak", fs()),
    MandateSpec(2, "Pembiayaan syariah pangan halal", "sharia_financier", fs("food", "retail"),
                fs(), 5 * JT, 200 * JT, fs("murabahah", "mudharabah", "qard"), True,
                fs("women_led"), "layak", fs("halal", "kue", "roti", "sambal")),
    MandateSpec(3, "Impact fund perempuan & hijau", "impact_fund",
                fs("food", "fashion", "craft", "agriculture"), fs(), 100 * JT, 2_000 * JT,
                fs("equity", "revenue_share"), False, fs("women_led", "green"), "bankable",
                fs("organik", "ekspor", "perempuan", "daur", "ulang", "alami")),
    MandateSpec(4, "Hibah CSR lulusan PKH", "csr_fund", fs("food", "craft", "retail"),
                fs("31", "32", "33"), 5 * JT, 50 * JT, fs("grant"), False,
                fs("pkh_graduate", "women_led"), None, fs("warung", "kue", "ibu")),
    MandateSpec(5, "Koperasi simpan pinjam NTB", "cooperative", fs(), fs("52"), 2 * JT, 50 * JT,
                fs("loan"), False, fs(), "belum_layak", fs()),
    MandateSpec(6, "Angel investor digital", "angel", fs("digital", "services", "craft"), fs(),
                50 * JT, 1_000 * JT, fs(), False, fs(), "layak",
                fs("digital", "aplikasi", "wisata", "desa", "homestay")),
]  # fmt: skip


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q))


def run_size(cards: list[EnterpriseCard], *, runs: int, naive_runs: int) -> dict[str, float]:
    """Time both paths over one card set; prints its rows; returns its figures in ms/s."""
    started = time.perf_counter()
    columns = scoring.build_columns(cards)
    build_s = time.perf_counter() - started

    def fast(mandate: MandateSpec) -> tuple[list[scoring.MatchResult], list[str]]:
        results = scoring.rank_columns(mandate, columns, limit=20)
        return results, [scoring_text.reasons_line(r.reasons) for r in results]

    def naive(mandate: MandateSpec) -> tuple[list[scoring.MatchResult], list[str]]:
        results = scoring.rank_enterprises(mandate, cards, limit=20)
        return results, [scoring_text.reasons_line(r.reasons) for r in results]

    for mandate in MANDATES:  # warm-up: first numpy calls and lazy imports
        fast(mandate)
    timings: dict[str, list[float]] = {"indexed": [], "naive": []}
    for path, function, count in (("indexed", fast, runs), ("naive", naive, naive_runs)):
        for i in range(count):
            mandate = MANDATES[i % len(MANDATES)]
            started = time.perf_counter()
            function(mandate)
            timings[path].append((time.perf_counter() - started) * 1000)

    same = all(fast(m)[0] == naive(m)[0] for m in MANDATES)
    size = f"{len(cards) // 1000}k"
    for path, values in timings.items():
        print(
            f"{size:>5} {path:<8} {len(values):>5} {percentile(values, 50):>9.2f} "
            f"{percentile(values, 95):>9.2f} {max(values):>9.2f}"
        )
    candidates = [len(scoring.prefilter(m, columns)) for m in MANDATES]
    print(f"      build_columns {build_s:.2f} s; same top 20 as naive: {'yes' if same else 'NO'}")
    print(f"      candidates after hard rules per mandate: {candidates}")
    if not same:
        raise SystemExit("indexed and naive rankings differ")
    example, lines = fast(MANDATES[2])
    for result, line in list(zip(example, lines, strict=True))[:2]:
        print(f"      e.g. {MANDATES[2].name} #{result.enterprise_id} {result.score}: {line}")
    return {
        f"match_{size}_p50_ms": round(percentile(timings["indexed"], 50), 2),
        f"match_{size}_p95_ms": round(percentile(timings["indexed"], 95), 2),
        f"naive_{size}_p50_ms": round(percentile(timings["naive"], 50), 2),
        f"naive_{size}_p95_ms": round(percentile(timings["naive"], 95), 2),
        f"build_columns_{size}_s": round(build_s, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10k enterprises only")
    parser.add_argument("--runs", type=int, default=120, help="timed runs per size (indexed path)")
    parser.add_argument("--seed", type=int, default=20260817)
    args = parser.parse_args()

    sizes = [10_000] if args.quick else [10_000, 100_000]
    print("top 20 with reasons per mandate; mandates:", ", ".join(m.name for m in MANDATES))
    print(f"{'size':>5} {'path':<8} {'runs':>5} {'p50 ms':>9} {'p95 ms':>9} {'max ms':>9}")
    figures: dict[str, float] = {}
    for size in sizes:
        cards = make_cards(size, seed=args.seed)
        # The naive path is the reference only: a dozen runs are enough to show its scale.
        figures.update(run_size(cards, runs=args.runs, naive_runs=2 * len(MANDATES)))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
