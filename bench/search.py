"""Search benchmark: Whoosh and PostgreSQL backends next to SQLite FTS5, same data, same queries.

    python bench/search.py            # 10k and 100k enterprises
    python bench/search.py --quick    # 10k only, under a minute

A seeded generator makes realistic enterprises (names like "Keripik Tempe Bu Sri", affixed
Indonesian words, Kemendagri province/regency codes, asks, documents, themes). All three engines
index the same analyzed terms (marketplace.matching.analysis) and answer the same queries with
the same semantics: every query's hit count (and, for facet queries, its facet counts) must agree.

Figures per engine and size: p50/p95 latency of 1–3-word queries with a keyword filter and
(half the time) an ask range, top 20, with facet counts (``*_p50_ms``/``*_p95_ms``) and without
(``*_nofacets_p50_ms``/``*_nofacets_p95_ms``); build time, index size, single-document update
time and the first query after it. Whoosh keeps decoded postings of recent words in memory, so
its first pass on a freshly opened index is reported too (``whoosh_*_cold_p95_ms``, and
``whoosh_*_open_ms`` for opening). The last line printed is one flat JSON object.

PostgreSQL is used when a server answers at BENCH_PG_URL (default: postgres@127.0.0.1/test,
a throw-away schema dropped afterwards); otherwise its figures are null.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from marketplace.matching import analysis  # noqa: E402
from marketplace.matching.search import SearchDoc, SearchQuery, SearchResult  # noqa: E402
from marketplace.matching.search.types import counted_facets  # noqa: E402
from marketplace.matching.search.whoosh.backend import WhooshBackend  # noqa: E402

PG_URL = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SEED = 20260817
T0 = dt.datetime(2023, 1, 1, tzinfo=dt.UTC)

# --- the generator ---------------------------------------------------------------------------

PROVINCES = {  # Kemendagri codes, a few kabupaten/kota each
    "11": ["11.06", "11.17", "11.71"],
    "12": ["12.07", "12.12", "12.71"],
    "31": ["31.71", "31.73", "31.75"],
    "32": ["32.01", "32.04", "32.06", "32.73", "32.77"],
    "33": ["33.17", "33.21", "33.72", "33.74"],
    "34": ["34.02", "34.04", "34.71"],
    "35": ["35.07", "35.10", "35.73", "35.78"],
    "36": ["36.03", "36.71"],
    "51": ["51.03", "51.71"],
    "52": ["52.01", "52.71"],
    "53": ["53.10", "53.71"],
    "73": ["73.08", "73.71"],
}
PROVINCE_WEIGHTS = [3, 4, 6, 14, 12, 4, 13, 4, 2, 2, 1, 3]
OWNERS = [
    "Bu Sri", "Pak Budi", "Bu Ani", "Mak Ijah", "Pak Slamet", "Bu Wati", "Kang Asep", "Teh Euis",
    "Mbak Rina", "Cak Mat", "Bli Made", "Daeng Rudi", "Uda Rizal", "Bu Nur", "Pak Joko",
    "Ibu Yanti",
]  # fmt: skip
PLACES = [
    "Lasem", "Malang", "Garut", "Sleman", "Gayo", "Bantul", "Sumba", "Lombok", "Toraja",
    "Cirebon", "Pekalongan", "Solo", "Bogor", "Kediri",
]  # fmt: skip
SECTOR_PRODUCTS = {
    "food": [
        "keripik tempe",
        "kripik singkong",
        "keripik pisang",
        "sambal bawang",
        "sambel roa",
        "kue kering",
        "rengginang",
        "abon ikan",
        "bakso",
        "emping melinjo",
        "dodol",
        "madu hutan",
        "gula aren",
        "kerupuk udang",
        "jamu",
        "camilan pedas",
        "cemilan",
        "roti",
        "tempe",
    ],
    "fashion": ["batik tulis", "batik cap", "tenun ikat", "songket", "hijab", "bordir", "kebaya"],
    "craft": ["anyaman bambu", "kerajinan rotan", "gerabah", "ukiran kayu", "suvenir", "tas rajut"],
    "agriculture": ["kopi arabika", "beras organik", "cabai", "sayuran hidroponik", "kakao"],
    "fishery": ["lele", "ikan nila", "udang vaname", "rumput laut", "ikan asin"],
    "livestock": ["telur ayam", "kambing", "sapi perah", "susu kambing", "ayam kampung"],
    "retail": ["warung sembako", "toko kelontong", "warung kopi", "pulsa", "gas elpiji"],
    "services": ["laundry", "binatu kiloan", "katering", "bengkel motor", "salon", "penjahit"],
    "digital": ["desain grafis", "toko daring", "fotografi produk", "aplikasi kasir"],
    "manufacturing": ["sabun herbal", "mebel kayu", "konveksi seragam", "pupuk organik"],
}
SECTOR_WEIGHTS = [30, 12, 10, 10, 6, 5, 12, 8, 3, 4]
VERBS = [
    "memasarkan",
    "dipasarkan",
    "pemasaran",
    "menjual",
    "dijual",
    "penjualan",
    "memproduksi",
    "diproduksi",
    "produksi",
    "mengolah",
    "olahan",
    "pengolahan",
    "mengemas",
    "kemasan",
    "pengemasan",
    "mengirim",
    "pengiriman",
    "dikirim",
    "membuat",
    "pembuatan",
    "mengekspor",
    "ekspor",
    "menyediakan",
    "melayani",
    "pelayanan",
    "membina",
    "pelatihan",
]
NOUNS = [
    "pelanggan",
    "pasar",
    "koperasi",
    "kelompok",
    "ibu rumah tangga",
    "petani",
    "nelayan",
    "pengrajin",
    "reseller",
    "toko oleh-oleh",
    "minimarket",
    "kantin sekolah",
    "pesanan",
    "modal kerja",
    "mesin",
    "peralatan",
    "bahan baku",
    "sertifikat halal",
    "izin usaha",
    "merek",
    "pembukuan",
    "rekening bank",
    "omzet",
    "karyawan",
    "tenaga kerja perempuan",
    "media sosial",
    "marketplace",
    "ekspor",
    "hotel",
    "restoran",
    "kota",
    "desa",
    "kabupaten",
    "wisatawan",
]
ADJECTIVES = [
    "berkualitas",
    "higienis",
    "murah",
    "pedas",
    "renyah",
    "organik",
    "tradisional",
    "modern",
    "ramah lingkungan",
    "khas",
    "segar",
    "tahan lama",
    "lokal",
    "premium",
]
SENTENCES = [
    "Kami {verb} {product} {adj} ke {noun} di {place}.",
    "Usaha ini {verb} {product} sejak {year} bersama {noun}.",
    "{product} kami {adj} dan {verb} melalui {noun}.",
    "Dana akan dipakai untuk {noun} dan {verb} {product}.",
    "Target tahun depan: {verb} {product} ke {noun} luar {place}.",
    "Kendala utama adalah {noun} dan {noun2} yang belum {adj}.",
]
SIZES = (["mikro"] * 75) + (["kecil"] * 20) + (["menengah"] * 5)
STAGES = (["belum_layak"] * 45) + (["layak"] * 35) + (["bankable"] * 20)
INSTRUMENTS = [
    "loan",
    "kur",
    "grant",
    "equity",
    "revenue_share",
    "mudharabah",
    "musyarakah",
    "murabahah",
    "qard",
]
INSTRUMENT_WEIGHTS = [20, 35, 15, 6, 8, 6, 3, 4, 3]


def _sentence(rng: random.Random, products: Sequence[str]) -> str:
    return rng.choice(SENTENCES).format(
        verb=rng.choice(VERBS),
        product=rng.choice(products),
        adj=rng.choice(ADJECTIVES),
        noun=rng.choice(NOUNS),
        noun2=rng.choice(NOUNS),
        place=rng.choice(PLACES),
        year=rng.randint(2005, 2024),
    )


def generate(count: int, seed: int = SEED) -> list[SearchDoc]:
    """`count` realistic enterprises, the same ones for the same seed."""
    rng = random.Random(seed)
    sectors = list(SECTOR_PRODUCTS)
    provinces = list(PROVINCES)
    docs = []
    for i in range(1, count + 1):
        sector = rng.choices(sectors, SECTOR_WEIGHTS)[0]
        products = rng.sample(SECTOR_PRODUCTS[sector], k=min(3, len(SECTOR_PRODUCTS[sector])))
        main = products[0]
        name_style = rng.random()
        if name_style < 0.5:
            name = f"{main.title()} {rng.choice(OWNERS)}"
        elif name_style < 0.8:
            name = f"{main.title()} {rng.choice(PLACES)}"
        else:
            name = f"{rng.choice(['UD', 'CV', 'KUBE', 'Koperasi'])} {rng.choice(PLACES)} Mandiri"
        province = rng.choices(provinces, PROVINCE_WEIGHTS)[0]
        docs_held = [
            code
            for code, chance in (("nib", 0.8), ("npwp", 0.4), ("sku", 0.5), ("bpom", 0.08))
            if rng.random() < chance
        ]
        if sector == "food":
            docs_held += [c for c, p in (("halal", 0.5), ("spp_irt", 0.45)) if rng.random() < p]
        themes = [
            code
            for code, chance in (
                ("women_led", 0.45),
                ("pkh_graduate", 0.15),
                ("disability_inclusive", 0.05),
                ("green", 0.2),
            )
            if rng.random() < chance
        ]
        ask = None if rng.random() < 0.1 else int(10 ** rng.uniform(6.7, 9.3)) // 1_000_000 * 10**6
        docs.append(
            SearchDoc(
                id=i,
                name=name,
                products=", ".join(products),
                description=" ".join(_sentence(rng, products) for _ in range(rng.randint(2, 4))),
                deck_text=" ".join(_sentence(rng, products) for _ in range(rng.randint(3, 8))),
                sector=sector,
                province_code=province,
                regency_code=rng.choice(PROVINCES[province]),
                size_class=rng.choice(SIZES),
                stage=rng.choice(STAGES),
                instruments=sorted(set(rng.choices(INSTRUMENTS, INSTRUMENT_WEIGHTS, k=2))),
                ask_amount=ask,
                documents=sorted(set(docs_held)),
                impact_themes=themes,
                programme_ids=[rng.randint(1, 20)],
                cohort_ids=[rng.randint(1, 80)],
                published_at=T0 + dt.timedelta(seconds=rng.randint(0, 3 * 365 * 86400)),
            )
        )
    return docs


QUERY_WORDS = [
    "keripik",
    "kripik",
    "tempe",
    "singkong",
    "sambal",
    "batik",
    "tenun",
    "kopi",
    "lele",
    "warung",
    "toko kelontong",
    "laundry",
    "katering",
    "madu",
    "kerajinan",
    "rotan",
    "pemasaran",
    "dijual",
    "olahan",
    "kemasan",
    "ekspor",
    "organik",
    "pedas",
    "halal",
    "koperasi",
    "modal",
    "pelatihan",
    "reseller",
    "oleh-oleh",
    "hotel",
    "segar",
    "desa",
    "hijab",
    "sabun",
    "udang",
]


def queries(count: int, seed: int = SEED + 1) -> list[SearchQuery]:
    """1–3-word queries, each with one keyword filter and (half the time) an ask range."""
    rng = random.Random(seed)
    result = []
    for _ in range(count):
        words = " ".join(rng.sample(QUERY_WORDS, k=rng.choice([1, 1, 2, 2, 3])))
        kind = rng.choice(["sector", "province", "documents", "instruments", "stage"])
        filters: dict = {}
        if kind == "sector":
            filters["sectors"] = [rng.choices(list(SECTOR_PRODUCTS), SECTOR_WEIGHTS)[0]]
        elif kind == "province":
            filters["province_codes"] = rng.sample(list(PROVINCES), k=rng.choice([1, 2]))
        elif kind == "documents":
            filters["documents"] = rng.choice([["nib"], ["nib", "npwp"], ["halal"], ["sku"]])
        elif kind == "instruments":
            filters["instruments"] = rng.sample(INSTRUMENTS[:5], k=rng.choice([1, 2]))
        else:
            filters["stages"] = [rng.choice(["layak", "bankable"])]
        if rng.random() < 0.5:
            low = rng.choice([5, 10, 25, 50, 100]) * 1_000_000
            filters["ask_min"], filters["ask_max"] = low, low * rng.choice([4, 10, 20])
        result.append(SearchQuery(text=words, **filters))
    return result


# --- SQLite FTS5, the reference ----------------------------------------------------------------

_BITS = {
    "instruments": INSTRUMENTS,
    "documents": ["nib", "npwp", "spp_irt", "halal", "bpom", "sku"],
    "impact_themes": ["women_led", "disability_inclusive", "pkh_graduate", "green"],
}


def _mask(facet: str, codes: Sequence[str]) -> int:
    return sum(1 << _BITS[facet].index(c) for c in codes)


class Fts5Reference:
    """The same documents in SQLite FTS5 (analyzed terms) plus a plain table of filter columns.

    The text match runs once, in a subquery CROSS JOINed to the filter table: without the
    forced join order SQLite drives from the filter index and re-runs MATCH per row (35×).
    """

    def __init__(self, path: str) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.executescript(
            """
            PRAGMA journal_mode = WAL;
            CREATE TABLE docs (docnum INTEGER PRIMARY KEY, id INTEGER UNIQUE NOT NULL,
                sector TEXT, province_code TEXT, regency_code TEXT, size_class TEXT,
                stage TEXT, ask INTEGER, published INTEGER NOT NULL, instruments INTEGER,
                documents INTEGER, impact_themes INTEGER);
            CREATE INDEX ix_docs_sector ON docs (sector);
            CREATE INDEX ix_docs_province ON docs (province_code);
            CREATE VIRTUAL TABLE fts USING fts5(name, products, body);
            INSERT INTO fts (fts, rank) VALUES ('rank', 'bm25(3.0, 2.0, 1.0)');
            """
        )

    @staticmethod
    def _rows(doc: SearchDoc) -> tuple[tuple, tuple]:
        meta = (
            doc.id,
            doc.sector,
            doc.province_code,
            doc.regency_code,
            doc.size_class,
            doc.stage,
            doc.ask_amount,
            int(doc.published_at.timestamp() * 1_000_000),
            _mask("instruments", doc.instruments),
            _mask("documents", doc.documents),
            _mask("impact_themes", doc.impact_themes),
        )
        text = (
            analysis.analyzed_text(doc.name),
            analysis.analyzed_text(doc.products),
            analysis.analyzed_text(doc.description, doc.deck_text),
        )
        return meta, text

    def build(self, docs: Sequence[SearchDoc]) -> None:
        cur = self.conn.cursor()
        cur.execute("BEGIN")
        for docnum, doc in enumerate(docs, start=1):
            meta, text = self._rows(doc)
            cur.execute("INSERT INTO docs VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", (docnum, *meta))
            cur.execute("INSERT INTO fts (rowid, name, products, body) VALUES (?,?,?,?)",
                        (docnum, *text))  # fmt: skip
        cur.execute("COMMIT")
        cur.execute("INSERT INTO fts (fts) VALUES ('optimize')")

    def update(self, doc: SearchDoc) -> None:
        meta, text = self._rows(doc)
        cur = self.conn.cursor()
        cur.execute("BEGIN")
        (docnum,) = cur.execute("SELECT docnum FROM docs WHERE id = ?", (doc.id,)).fetchone()
        cur.execute("DELETE FROM docs WHERE docnum = ?", (docnum,))
        cur.execute("DELETE FROM fts WHERE rowid = ?", (docnum,))
        cur.execute("INSERT INTO docs VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", (docnum, *meta))
        cur.execute("INSERT INTO fts (rowid, name, products, body) VALUES (?,?,?,?)",
                    (docnum, *text))  # fmt: skip
        cur.execute("COMMIT")

    @staticmethod
    def _match(clauses: Sequence[analysis.Clause]) -> str:
        return " AND ".join(
            "(" + " OR ".join("(" + " AND ".join(f'"{t}"' for t in alt) + ")" for alt in c) + ")"
            for c in clauses
        )

    def _where(self, query: SearchQuery) -> tuple[str, list]:
        conditions, params = [], []
        for attribute, column in (
            ("sectors", "sector"),
            ("province_codes", "province_code"),
            ("regency_codes", "regency_code"),
            ("size_classes", "size_class"),
            ("stages", "stage"),
        ):
            values = list(getattr(query, attribute))
            if values:
                conditions.append(f"d.{column} IN ({','.join('?' * len(values))})")
                params += values
        if query.instruments:
            conditions.append("d.instruments & ? != 0")
            params.append(_mask("instruments", query.instruments))
        for facet in ("documents", "impact_themes"):
            if getattr(query, facet):
                mask = _mask(facet, getattr(query, facet))
                conditions.append(f"d.{facet} & ? = ?")
                params += [mask, mask]
        if query.programme_ids or query.cohort_ids:
            raise NotImplementedError("the bench queries do not filter by programme or cohort")
        if query.ask_min is not None:
            conditions.append("d.ask >= ?")
            params.append(query.ask_min)
        if query.ask_max is not None:
            conditions.append("d.ask <= ?")
            params.append(query.ask_max)
        return (" AND ".join(conditions) or "1"), params

    def search(self, query: SearchQuery) -> SearchResult:
        clauses = analysis.parse_query(query.text)
        where, params = self._where(query)
        source = (
            "(SELECT rowid AS r, rank FROM fts WHERE fts MATCH ?) AS m "
            "CROSS JOIN docs AS d ON d.docnum = m.r"
        )
        match = [self._match(clauses)]
        page_sql = f"SELECT d.id FROM {source} WHERE {where} ORDER BY m.rank, d.id LIMIT ? OFFSET ?"
        cur = self.conn.cursor()
        ids = [r[0] for r in cur.execute(page_sql, [*match, *params, query.per_page, query.offset])]
        facets: dict[str, dict[str, int]] = {}
        if not query.with_facets:
            count_sql = f"SELECT count(*) FROM {source} WHERE {where}"
            total = cur.execute(count_sql, [*match, *params]).fetchone()[0]
            return SearchResult(ids=ids, total=total)
        counted = counted_facets(query)
        parts = ["SELECT 'total', '', count(*) FROM m"] + [
            f"SELECT '{f}', {f}, count(*) FROM m WHERE {f} IS NOT NULL GROUP BY {f}"
            for f in ("sector", "province_code", "regency_code", "size_class", "stage")
            if f in counted
        ]
        parts += [
            f"SELECT '{f}', '{code}', sum(({f} >> {bit}) & 1) FROM m"
            for f, codes in _BITS.items()
            for bit, code in enumerate(codes)
        ]
        facet_sql = (
            f"WITH m AS MATERIALIZED (SELECT d.* FROM {source} WHERE {where}) "
            + " UNION ALL ".join(parts)
        )
        total = 0
        facets = {facet: {} for facet in counted}
        for facet, code, n in cur.execute(facet_sql, [*match, *params]):
            if facet == "total":
                total = n
            elif n:
                facets[facet][code] = n
        return SearchResult(ids=ids, total=total, facets=facets)


# --- measuring ---------------------------------------------------------------------------------


def _percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return round(cuts[49], 2), round(cuts[94], 2)


def _time_queries(
    run: Callable[[SearchQuery], SearchResult], qs: Sequence[SearchQuery], with_facets: bool
) -> tuple[list[float], list[SearchResult]]:
    samples, results = [], []
    for q in qs:
        q = SearchQuery(**{**_fields(q), "with_facets": with_facets})
        started = time.perf_counter()
        results.append(run(q))
        samples.append((time.perf_counter() - started) * 1000)
    return samples, results


def _fields(q: SearchQuery) -> dict:
    return {name: getattr(q, name) for name in SearchQuery.__dataclass_fields__}


def _dir_size(path: str) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def _cold_analyzer() -> None:
    # Each engine's build pays for its own analysis: no warm stem cache from the previous one.
    analysis.analyze_word.cache_clear()
    analysis.stem.cache_clear()


def _pg_engine():  # noqa: ANN202
    try:
        import sqlalchemy as sa

        probe = sa.create_engine(PG_URL, connect_args={"connect_timeout": 2})
        with probe.connect():
            pass
        return probe
    except Exception as error:  # noqa: BLE001 - any failure means "no server to measure"
        print(f"PostgreSQL not measured: {error.__class__.__name__}: {error}", file=sys.stderr)
        return None


def bench_size(
    size: int, label: str, workdir: str, n_queries: int, figures: dict, rows: list
) -> None:
    docs = generate(size)
    qs = queries(n_queries)
    engines: dict[str, dict] = {}

    # Whoosh
    _cold_analyzer()
    whoosh_dir = os.path.join(workdir, f"whoosh-{label}")
    wb = WhooshBackend(whoosh_dir)
    started = time.perf_counter()
    wb.rebuild(docs)
    build = time.perf_counter() - started
    generation = Path(whoosh_dir, "CURRENT").read_text()
    engines["whoosh"] = {
        "search": wb.search,
        "build_s": build,
        "size_mb": _dir_size(os.path.join(whoosh_dir, generation)) / 1e6,
        "update": lambda d: wb.index_documents([d]),
    }

    # PostgreSQL
    pg = _pg_engine()
    schema = None
    if pg is not None:
        import sqlalchemy as sa

        from marketplace.matching.search.postgres import PostgresBackend, create_pg_schema

        schema = f"bench_search_{uuid.uuid4().hex[:8]}"
        with pg.begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
        pg_engine = sa.create_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
        with pg_engine.begin() as conn:
            create_pg_schema(conn)
        pb = PostgresBackend(pg_engine)
        _cold_analyzer()
        started = time.perf_counter()
        pb.rebuild(docs)
        autocommit = pg_engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        with autocommit as conn:  # VACUUM cannot run inside a transaction
            conn.execute(sa.text("VACUUM ANALYZE search_documents"))
        build = time.perf_counter() - started
        with pg_engine.connect() as conn:
            size_bytes = conn.execute(
                sa.text("SELECT pg_total_relation_size('search_documents')")
            ).scalar_one()
        engines["postgres"] = {
            "search": pb.search,
            "build_s": build,
            "size_mb": size_bytes / 1e6,
            "update": lambda d: pb.index_documents([d]),
        }

    # SQLite FTS5
    _cold_analyzer()
    fts_path = os.path.join(workdir, f"fts5-{label}.db")
    fts = Fts5Reference(fts_path)
    started = time.perf_counter()
    fts.build(docs)
    build = time.perf_counter() - started
    engines["fts5"] = {
        "search": fts.search,
        "build_s": build,
        "size_mb": (os.path.getsize(fts_path) + _wal_size(fts_path)) / 1e6,
        "update": fts.update,
    }

    # Queries: one warm-up pass, then two timed passes (with and without facets).
    answers: dict[str, list[SearchResult]] = {}
    for name, engine in engines.items():
        _time_queries(engine["search"], qs[: min(50, len(qs))], True)
        nofacet_ms, _ = _time_queries(engine["search"], qs, False)
        facet_ms, results = _time_queries(engine["search"], qs, True)
        answers[name] = results
        engine["p50"], engine["p95"] = _percentiles(facet_ms)
        engine["nf_p50"], engine["nf_p95"] = _percentiles(nofacet_ms)

    # Whoosh with cold word caches: a fresh backend (as after a worker restart), opened with
    # one query without words, then the first pass of the queries.
    fresh = WhooshBackend(whoosh_dir)
    started = time.perf_counter()
    fresh.search(SearchQuery())
    figures[f"whoosh_{label}_open_ms"] = round((time.perf_counter() - started) * 1000, 1)
    cold_ms, _ = _time_queries(fresh.search, qs, True)
    cold_p50, cold_p95 = _percentiles(cold_ms)
    figures[f"whoosh_{label}_cold_p50_ms"] = cold_p50
    figures[f"whoosh_{label}_cold_p95_ms"] = cold_p95
    fresh.close()

    # Single-document updates (the outbox applies one changed profile), then the first query
    # after it, which pays for the reopen.
    rng = random.Random(SEED + 2)
    for engine in engines.values():
        update_ms, reopen_ms = [], []
        for doc in rng.sample(docs, 10):
            changed = SearchDoc(**{**_doc_fields(doc), "description": doc.description + " baru"})
            started = time.perf_counter()
            engine["update"](changed)
            update_ms.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            engine["search"](qs[0])
            reopen_ms.append((time.perf_counter() - started) * 1000)
        engine["update_ms"] = statistics.median(update_ms)
        engine["first_query_ms"] = statistics.median(reopen_ms)

    # Agreement: totals of every query, facet counts of every facet query.
    reference = answers["fts5"]
    mismatches = {name: 0 for name in engines}
    for name, results in answers.items():
        for mine, ref in zip(results, reference, strict=True):
            if mine.total != ref.total or mine.facets != ref.facets:
                mismatches[name] += 1
    hits = [r.total for r in reference]

    for name, engine in engines.items():
        key = f"{name}_{label}"
        figures[f"{key}_p50_ms"] = engine["p50"]
        figures[f"{key}_p95_ms"] = engine["p95"]
        figures[f"{key}_nofacets_p50_ms"] = engine["nf_p50"]
        figures[f"{key}_nofacets_p95_ms"] = engine["nf_p95"]
        figures[f"{key}_build_s"] = round(engine["build_s"], 2)
        figures[f"{key}_size_mb"] = round(engine["size_mb"], 1)
        figures[f"{key}_update_ms"] = round(engine["update_ms"], 2)
        figures[f"{key}_first_query_after_update_ms"] = round(engine["first_query_ms"], 2)
        figures[f"{key}_hit_mismatches"] = mismatches[name]
        rows.append(
            (
                label,
                name,
                engine["p50"],
                engine["p95"],
                engine["nf_p50"],
                engine["nf_p95"],
                engine["build_s"],
                engine["size_mb"],
                engine["update_ms"],
                engine["first_query_ms"],
                mismatches[name],
            )  # fmt: skip
        )
    if "postgres" not in engines:
        for suffix in ("p50_ms", "p95_ms"):
            figures[f"postgres_{label}_{suffix}"] = None
    figures[f"queries_{label}"] = len(qs)
    figures[f"hits_{label}_median"] = statistics.median(hits)
    figures[f"hits_{label}_max"] = max(hits)
    for ratio_engine in ("whoosh", "postgres"):
        if ratio_engine in engines:
            figures[f"{ratio_engine}_{label}_p95_vs_fts5"] = round(
                engines[ratio_engine]["p95"] / engines["fts5"]["p95"], 2
            )

    wb.close()
    fts.conn.close()
    if schema is not None:
        pg_engine.dispose()
        with pg.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        pg.dispose()


def _doc_fields(doc: SearchDoc) -> dict:
    return {name: getattr(doc, name) for name in SearchDoc.__dataclass_fields__}


def _wal_size(path: str) -> int:
    wal = path + "-wal"
    return os.path.getsize(wal) if os.path.exists(wal) else 0


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10k enterprises only (< 1 min)")
    parser.add_argument("--queries", type=int, default=300, help="queries per pass")
    args = parser.parse_args(argv)
    sizes = [(10_000, "10k")] if args.quick else [(10_000, "10k"), (100_000, "100k")]
    figures: dict = {}
    rows: list = []
    workdir = tempfile.mkdtemp(prefix="bench-search-")
    try:
        for size, label in sizes:
            bench_size(size, label, workdir, args.queries, figures, rows)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    header = (
        f"{'size':>5} {'engine':<9} {'p50':>7} {'p95':>7} {'p50 nf':>7} {'p95 nf':>7} "
        f"{'build s':>8} {'MB':>7} {'upd ms':>7} {'1st q':>7} {'mism':>5}"
    )
    print("Search latency in ms (with facet counts; 'nf' = without), top 20, in-process")
    print(header)
    for label, name, p50, p95, nf50, nf95, build, size_mb, upd, first, mism in rows:
        print(
            f"{label:>5} {name:<9} {p50:7.2f} {p95:7.2f} {nf50:7.2f} {nf95:7.2f} "
            f"{build:8.1f} {size_mb:7.1f} {upd:7.2f} {first:7.2f} {mism:5d}"
        )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
