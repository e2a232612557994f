"""Top 20 enterprises with reasons for one investor mandate, over 10k and 100k enterprises.

Part 1, in memory: the scoring path the service uses, `build_columns` once per set of published
cards, then per request `rank_columns` (hard-rule prefilter + bulk numpy scores + top 20) and the
reasons rendered to text. The reference in the same run is the naive path, `rank_enterprises`,
which scores every card in Python; both must return the same top 20.

Part 2, the web path: `services.matches_for_mandate` on an SQLite database file, as the /matches
page calls it. The 10k/100k worlds are bulk-inserted (organisations, published enterprises and
their match cards, from the same generator as part 1), not built through the profile services.
It times the first call (the process builds its columns from match_cards), the warm calls
(cached columns), the first call after one profile changed (only the changed card is read
again), and the cards read through the SQL prefilter with the cache off.
The reference is a smaller world whose cards `indexing.reindex()` computes from the profiles,
where the old live path (load every profile, recompute readiness, then rank) runs beside the
card path, and both must return the same top 20.

    python bench/match.py            # in memory 10k and 100k; web 10k and 100k; reference 2k
    python bench/match.py --quick    # 10k only (and the 2k reference), well under a minute

Prints tables, then as its last line one flat JSON object (match_10k_p95_ms, match_100k_p95_ms,
web_match_10k_p95_ms, web_match_100k_p95_ms, live_match_2k_p95_ms …).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import logging
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import flask_migrate  # noqa: E402
from flask import Flask  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from marketplace import create_app, vocab  # noqa: E402
from marketplace.accounts.models import Organisation  # noqa: E402
from marketplace.extensions import db  # noqa: E402
from marketplace.matching import (  # noqa: E402
    bulk_scoring,
    card_store,
    decks,
    scoring,
    scoring_text,
    services,
)
from marketplace.matching import cards as match_cards  # noqa: E402
from marketplace.matching.models import MatchCard  # noqa: E402
from marketplace.matching.scoring import EnterpriseCard, MandateSpec  # noqa: E402
from marketplace.matching.search import indexing  # noqa: E402
from marketplace.models import utcnow  # noqa: E402
from marketplace.profiles.models import Enterprise, LegalDocument, Mandate  # noqa: E402

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
    columns = bulk_scoring.build_columns(cards)
    build_s = time.perf_counter() - started

    def fast(mandate: MandateSpec) -> tuple[list[scoring.MatchResult], list[str]]:
        results = bulk_scoring.rank_columns(mandate, columns, limit=20)
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
    candidates = [len(bulk_scoring.prefilter(m, columns)) for m in MANDATES]
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


# --- part 2: the web path ------------------------------------------------------------------------
CHUNK = 5_000


def web_app(folder: Path) -> Flask:
    """An app on a fresh SQLite file in `folder`, its schema built by the migrations."""
    app = create_app(
        {
            "ENV_NAME": "testing",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite'}",
            "UPLOAD_FOLDER": str(folder / "uploads"),
            "SEARCH_INDEX_DIR": str(folder / "search-index"),
        }
    )
    logging.disable(logging.INFO)  # alembic and the app log every step at INFO
    with app.app_context():
        flask_migrate.upgrade()
    return app


def _insert(table, rows: list[dict]) -> None:
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(table), rows[start : start + CHUNK])


def insert_world(cards: list[EnterpriseCard], *, with_cards: bool) -> dict[int, int]:
    """Bulk-insert one published enterprise (with its organisation and legal documents) per
    card, the MANDATES with their investor organisations and, if `with_cards`, the match cards
    as given. Commits. Returns mandate position -> Mandate id."""
    now = utcnow()
    _insert(
        Organisation.__table__,
        [{"id": c.id, "kind": "enterprise", "name": f"Usaha {c.id}"} for c in cards],
    )
    _insert(
        Enterprise.__table__,
        [
            {
                "id": c.id,
                "organisation_id": c.id,
                "status": "published",
                "published_at": now,
                "name": f"Usaha {c.id}",
                "legal_form": "perorangan",
                "sector": c.sector,
                "province_code": c.province_code,
                "regency_code": c.regency_code,
                "products": " ".join(sorted(c.text_terms)),
                "ask_amount": c.ask_amount,
                "ask_instruments": sorted(c.instruments),
                "women_led": "women_led" in c.impact_themes,
                "share_women_led": True,
                "green": "green" in c.impact_themes,
            }
            for c in cards
        ],
    )
    _insert(
        LegalDocument.__table__,
        [{"enterprise_id": c.id, "kind": kind} for c in cards for kind in sorted(c.documents)],
    )
    if with_cards:
        today = dt.date.today()
        _insert(
            MatchCard.__table__,
            [
                {
                    "enterprise_id": c.id,
                    "sector": c.sector,
                    "province_code": c.province_code,
                    "regency_code": c.regency_code,
                    "size_class": c.size_class,
                    "stage": c.stage,
                    "ask_amount": c.ask_amount,
                    "instruments": sorted(c.instruments),
                    "documents": sorted(c.documents),
                    "impact_themes": sorted(c.impact_themes),
                    "routes": sorted(c.routes),
                    "text_terms": sorted(c.text_terms),
                    "computed_on": today,
                    "updated_at": now,
                }
                for c in cards
            ],
        )
    mandate_ids = {}
    for position, spec in enumerate(MANDATES):
        organisation = Organisation(kind="investor", name=spec.name, verified_at=now)
        mandate = Mandate(
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
        db.session.add(mandate)
        db.session.flush()
        mandate_ids[position] = mandate.id
    db.session.commit()
    return mandate_ids


def live_matches(mandate: Mandate, limit: int = 20) -> list[scoring.MatchResult]:
    """The old web path, kept here as the reference: every published profile loaded with its
    relations, readiness recomputed per request, then the same bulk ranking."""
    enterprises = indexing.load_published(session=db.session())
    texts = decks.deck_texts(session=db.session(), enterprise_ids=[e.id for e in enterprises])
    cards = [match_cards.enterprise_card(e, deck_text=texts.get(e.id, "")) for e in enterprises]
    spec = match_cards.mandate_spec(mandate)
    return bulk_scoring.rank_columns(spec, bulk_scoring.build_columns(cards), limit=limit)


def card_matches(mandate: Mandate, limit: int = 20) -> list[scoring.MatchResult]:
    return [m.result for m in services.matches_for_mandate(mandate=mandate, limit=limit)]


def time_calls(app: Flask, mandate_ids: dict[int, int], function, *, runs: int) -> list[float]:
    """ms per call of `function(mandate)` with the reasons rendered, each in a fresh app
    context (a request's session); the mandate is loaded before the clock starts."""
    timings = []
    for i in range(runs):
        with app.app_context():
            mandate = db.session.get(Mandate, mandate_ids[i % len(MANDATES)])
            started = time.perf_counter()
            results = function(mandate)
            [scoring_text.reasons_line(r.reasons) for r in results]
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def row(size: str, path: str, values: list[float]) -> None:
    print(
        f"{size:>5} {path:<14} {len(values):>5} {percentile(values, 50):>9.2f} "
        f"{percentile(values, 95):>9.2f} {max(values):>9.2f}"
    )


def run_web_size(count: int, *, seed: int, runs: int, folder: Path) -> dict[str, float]:
    """The card path over `count` bulk-inserted enterprises: first call, warm, cache off."""
    size = f"{count // 1000}k"
    app = web_app(folder)
    started = time.perf_counter()
    with app.app_context():
        mandate_ids = insert_world(make_cards(count, seed=seed), with_cards=True)
    insert_s = time.perf_counter() - started
    first = time_calls(app, mandate_ids, card_matches, runs=1)
    warm = time_calls(app, mandate_ids, card_matches, runs=runs)
    after_change = []
    for enterprise_id in (7, count // 2, count - 3):  # one profile edited, then the next call
        with app.app_context():
            card = card_store.card_columns().cards[enterprise_id - 1]
            edited = dataclasses.replace(card, ask_amount=(card.ask_amount or 0) + JT)
            card_store.write_match_cards(session=db.session(), enterprise_ids=(), cards=[edited])
            db.session.commit()
        after_change += time_calls(app, mandate_ids, card_matches, runs=1)
    app.config["MATCH_COLUMNS_CACHE"] = False
    uncached = time_calls(app, mandate_ids, card_matches, runs=2 * len(MANDATES))
    row(size, "web cached", warm)
    row(size, "web sql-only", uncached)
    print(
        f"      bulk insert {insert_s:.1f} s; first call (the process builds its columns)"
        f" {first[0] / 1000:.2f} s; first call after one profile changed (median of 3)"
        f" {percentile(after_change, 50) / 1000:.2f} s"
    )
    with app.app_context():
        db.engine.dispose()
    return {
        f"web_match_{size}_p50_ms": round(percentile(warm, 50), 2),
        f"web_match_{size}_p95_ms": round(percentile(warm, 95), 2),
        f"web_match_uncached_{size}_p50_ms": round(percentile(uncached, 50), 2),
        f"web_match_uncached_{size}_p95_ms": round(percentile(uncached, 95), 2),
        f"web_first_call_{size}_s": round(first[0] / 1000, 2),
        f"web_after_change_{size}_s": round(percentile(after_change, 50) / 1000, 2),
    }


def run_reference(count: int, *, seed: int, folder: Path) -> dict[str, float]:
    """A small world whose cards are computed from the profiles by `indexing.reindex()`; the
    old live path and the card path, timed side by side, must agree."""
    size = f"{count // 1000}k"
    app = web_app(folder)
    with app.app_context():
        mandate_ids = insert_world(make_cards(count, seed=seed), with_cards=False)
        started = time.perf_counter()
        indexing.reindex()
        reindex_s = time.perf_counter() - started
    runs = 2 * len(MANDATES)
    live = time_calls(app, mandate_ids, live_matches, runs=runs)
    time_calls(app, mandate_ids, card_matches, runs=1)  # build the columns once
    cards = time_calls(app, mandate_ids, card_matches, runs=runs)
    with app.app_context():
        same = all(
            live_matches(mandate) == card_matches(mandate)
            for mandate in (db.session.get(Mandate, i) for i in mandate_ids.values())
        )
        db.engine.dispose()
    row(size, "web live (old)", live)
    row(size, "web cached", cards)
    print(
        f"      reindex (search index + cards) {reindex_s:.1f} s; same top 20 as the live path:"
        f" {'yes' if same else 'NO'}"
    )
    if not same:
        raise SystemExit("the card path and the live path rank differently")
    return {
        f"live_match_{size}_p50_ms": round(percentile(live, 50), 2),
        f"live_match_{size}_p95_ms": round(percentile(live, 95), 2),
        f"web_match_{size}_p95_ms": round(percentile(cards, 95), 2),
        f"reindex_{size}_s": round(reindex_s, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10k enterprises only")
    parser.add_argument("--runs", type=int, default=120, help="timed runs per size (indexed path)")
    parser.add_argument("--seed", type=int, default=20260817)
    parser.add_argument(
        "--ref-size", type=int, default=2_000, help="enterprises in the live-path reference"
    )
    args = parser.parse_args()

    sizes = [10_000] if args.quick else [10_000, 100_000]
    print("top 20 with reasons per mandate; mandates:", ", ".join(m.name for m in MANDATES))
    print(f"{'size':>5} {'path':<8} {'runs':>5} {'p50 ms':>9} {'p95 ms':>9} {'max ms':>9}")
    figures: dict[str, float] = {}
    for size in sizes:
        cards = make_cards(size, seed=args.seed)
        # The naive path is the reference only: a dozen runs are enough to show its scale.
        figures.update(run_size(cards, runs=args.runs, naive_runs=2 * len(MANDATES)))

    print()
    print("the web path: services.matches_for_mandate on an SQLite file, top 20 with reasons")
    print(f"{'size':>5} {'path':<14} {'runs':>5} {'p50 ms':>9} {'p95 ms':>9} {'max ms':>9}")
    with tempfile.TemporaryDirectory(prefix="bench-match-") as folder:
        base = Path(folder)
        figures.update(run_reference(args.ref_size, seed=args.seed, folder=base / "reference"))
        for size in sizes:
            figures.update(
                run_web_size(size, seed=args.seed, runs=args.runs, folder=base / f"web{size}")
            )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
