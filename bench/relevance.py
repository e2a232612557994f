"""Relevance benchmark: does search find what investors type, the right ones first?

    python bench/relevance.py                   # generated 10k world + the demo world
    python bench/relevance.py --quick           # generated 3k world only (under a minute)
    python bench/relevance.py --demo-db PATH    # the demo world from an already seeded SQLite

Two worlds, each with a labelled set of queries (kinds: product words, use of funds, sector
words, place words and aliases, typos, operators, English words, long queries):

* a seeded generated world (10k profiles): every profile is made from facts (its products,
  what the money is for, sector, kabupaten/kota, instruments, whether it says it markets its
  goods), and its texts are written from those facts only, so the profiles a query should find
  are computed from the facts, never from the search engine;
* the demo world (`flask seed-demo`, 164 published profiles): labels from its stored fields
  (products, use of funds, sector, kabupaten/kota) with plain regular expressions.

Each query goes through the seam as the page does (`search.search_forgiving`: a slip is
corrected when the typed words find nothing) on Whoosh and on PostgreSQL at BENCH_PG_URL (a
throw-away schema; when no server answers there the run fails, exit status 1). Reported per
kind and overall: recall (share of the relevant profiles found, all pages), precision@10
(share of the first ten, or of all when fewer are relevant, that are relevant) and nDCG@10
(binary gains), and every query with no result although relevant profiles exist. Bars (issue
12): recall ≥ 0.95 and P@10 ≥ 0.9 overall on both backends, no such zero-result query. The
last line printed is one flat JSON object; the exit status is 1 when a bar is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import random
import re
import sys
import tempfile
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from marketplace.matching import search  # noqa: E402
from marketplace.matching.search import SearchDoc, SearchQuery  # noqa: E402
from marketplace.matching.search.keywords import keywords_for  # noqa: E402

PG_URL = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SEED = 20261206
T0 = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
RECALL_BAR = 0.95
PRECISION_BAR = 0.9


# --- the generated world: facts first, texts written from them --------------------------------


@dataclass(frozen=True)
class Product:
    phrase: str  # as written in the profile
    tags: frozenset[str]  # the words an investor may type for it


def _p(phrase: str, *tags: str) -> Product:
    return Product(phrase, frozenset(tags or phrase.split()))


PRODUCTS: dict[str, list[Product]] = {
    "food": [
        _p("keripik tempe", "keripik", "tempe"),
        _p("kripik singkong", "keripik", "singkong"),
        _p("keripik pisang", "keripik", "pisang"),
        _p("sambal bawang", "sambal", "bawang"),
        _p("kue kering", "kue"),
        _p("madu hutan", "madu"),
        _p("gula aren"),
        _p("jamu kunyit", "jamu", "kunyit"),
        _p("kerupuk udang", "kerupuk", "udang"),
        _p("tempe mendoan", "tempe"),
    ],
    "fashion": [_p("batik tulis", "batik"), _p("batik cap", "batik"), _p("tenun ikat", "tenun")],
    "craft": [
        _p("anyaman bambu", "anyaman", "bambu"),
        _p("tas rotan", "rotan"),
        _p("gerabah hias", "gerabah"),
        _p("ukiran kayu", "ukiran", "kayu"),
    ],
    "agriculture": [
        _p("kopi arabika", "kopi"),
        _p("beras organik", "beras"),
        _p("sayuran hidroponik", "sayuran", "hidroponik"),
    ],
    "fishery": [_p("budidaya lele", "lele"), _p("udang vaname", "udang"), _p("rumput laut")],
    "livestock": [_p("telur ayam", "telur"), _p("susu kambing", "susu", "kambing")],
    "retail": [_p("toko kelontong", "kelontong"), _p("warung sembako", "warung", "sembako")],
    "services": [
        _p("laundry kiloan", "laundry"),
        _p("bengkel motor", "bengkel"),
        _p("jasa penjahit", "penjahit"),
    ],
    "digital": [_p("desain grafis", "desain"), _p("fotografi produk", "fotografi")],
    "manufacturing": [_p("sabun herbal", "sabun"), _p("mebel jati", "mebel")],
}
SECTOR_WEIGHTS = {
    "food": 30,
    "fashion": 10,
    "craft": 10,
    "agriculture": 10,
    "fishery": 6,
    "livestock": 5,
    "retail": 10,
    "services": 9,
    "digital": 4,
    "manufacturing": 6,
}
USES = [
    "modal kerja",
    "bahan baku",
    "sertifikasi halal",
    "mesin produksi",
    "renovasi tempat usaha",
    "kendaraan antar barang",
    "pelatihan karyawan",
]
# Kabupaten/kota (real codes, so the place words of the words file apply) and a few districts.
REGENCIES = {
    "31.75": ["Pasar Rebo", "Ciracas", "Cakung"],
    "31.74": ["Tebet", "Kebayoran Baru"],
    "32.73": ["Coblong", "Sukajadi"],
    "32.04": ["Soreang", "Banjaran"],
    "32.01": ["Cibinong", "Citeureup"],
    "33.72": ["Laweyan", "Jebres"],
    "34.71": ["Kotagede", "Gondokusuman"],
    "34.02": ["Kasihan", "Imogiri"],
    "35.78": ["Wonokromo", "Rungkut"],
    "35.73": ["Lowokwaru", "Klojen"],
    "33.27": ["Comal", "Petarukan"],  # Pemalang: not Malang (analysis.place_words)
    "51.71": ["Denpasar Barat", "Sanur"],
    "73.71": ["Panakkukang", "Tamalate"],
}
OWNERS = ["Bu Sri", "Pak Budi", "Mak Ijah", "Kang Asep", "Mbak Rina", "Bli Made", "Daeng Rudi"]
ADJECTIVES = ["renyah", "segar", "tradisional", "berkualitas", "higienis", "modern"]
INSTRUMENTS = ["loan", "kur", "grant", "mudharabah", "murabahah", "revenue_share"]
SHARIA = {"mudharabah", "musyarakah", "murabahah", "qard"}
MARKETING_LINES = [
    "{Product} kami dipasarkan lewat media sosial.",
    "Pemasaran {product} lewat reseller.",
    "Kami memasarkan {product} ke hotel.",
]


@dataclass
class Profile:
    """The facts of one generated profile and the search document written from them."""

    id: int
    sector: str
    products: list[Product]
    uses: list[str]
    regency: str
    district: str
    instruments: list[str]
    markets: bool
    doc: SearchDoc = field(init=False, repr=False)

    @property
    def province(self) -> str:
        return self.regency.split(".")[0]

    def tags(self) -> set[str]:
        return {tag for product in self.products for tag in product.tags}

    def phrases(self) -> set[str]:
        return {product.phrase for product in self.products}


def generate(count: int, seed: int = SEED) -> list[Profile]:
    """`count` profiles from seeded facts; the same ones for the same seed."""
    rng = random.Random(seed)
    sectors = list(SECTOR_WEIGHTS)
    weights = list(SECTOR_WEIGHTS.values())
    profiles = []
    for i in range(1, count + 1):
        sector = rng.choices(sectors, weights)[0]
        products = rng.sample(PRODUCTS[sector], k=min(len(PRODUCTS[sector]), rng.choice([1, 2])))
        regency = rng.choice(list(REGENCIES))
        profile = Profile(
            id=i,
            sector=sector,
            products=products,
            uses=rng.sample(USES, k=rng.choice([1, 2])),
            regency=regency,
            district=rng.choice(REGENCIES[regency]),
            instruments=sorted(set(rng.choices(INSTRUMENTS, k=rng.choice([1, 2])))),
            markets=rng.random() < 0.25,
        )
        main = products[0].phrase
        description = (
            f"{main.capitalize()} {rng.choice(ADJECTIVES)} buatan {rng.choice(OWNERS)} "
            f"dari {profile.district}."
        )
        if profile.markets:
            line = rng.choice(MARKETING_LINES)
            description += " " + line.format(Product=main.capitalize(), product=main)
        profile.doc = SearchDoc(
            id=i,
            name=f"{main.title()} {rng.choice(OWNERS)}",
            products=", ".join(p.phrase for p in products),
            description=description,
            use_of_funds=" dan ".join(profile.uses).capitalize(),
            keywords=keywords_for(
                sector=sector,
                instruments=profile.instruments,
                province_code=profile.province,
                regency_code=regency,
            ),
            sector=sector,
            province_code=profile.province,
            regency_code=regency,
            instruments=profile.instruments,
            ask_amount=rng.choice([5, 10, 25, 50, 100, 250]) * 1_000_000,
            published_at=T0 + dt.timedelta(minutes=i),
        )
        profiles.append(profile)
    return profiles


@dataclass(frozen=True)
class Case:
    kind: str
    text: str
    relevant: frozenset[int]


def generated_cases(profiles: Sequence[Profile]) -> list[Case]:
    """The labelled queries of the generated world, each relevant set computed from facts."""

    def where(test: Callable[[Profile], bool]) -> frozenset[int]:
        return frozenset(p.id for p in profiles if test(p))

    def tag(*words: str) -> Callable[[Profile], bool]:
        return lambda p: all(w in p.tags() for w in words)

    def phrase(text: str) -> Callable[[Profile], bool]:
        return lambda p: text in p.phrases()

    def use(text: str) -> Callable[[Profile], bool]:
        return lambda p: text in p.uses

    def sector(code: str) -> Callable[[Profile], bool]:
        return lambda p: p.sector == code

    def regency(*codes: str) -> Callable[[Profile], bool]:
        return lambda p: p.regency in codes

    def province(code: str) -> Callable[[Profile], bool]:
        return lambda p: p.province == code

    def both(*tests: Callable[[Profile], bool]) -> Callable[[Profile], bool]:
        return lambda p: all(t(p) for t in tests)

    table: list[tuple[str, str, Callable[[Profile], bool]]] = [
        # products
        ("product", "keripik", tag("keripik")),
        ("product", "kripik", tag("keripik")),
        ("product", "keripik tempe", phrase("keripik tempe")),
        ("product", "tempe", tag("tempe")),
        ("product", "batik", tag("batik")),
        ("product", "kopi", tag("kopi")),
        ("product", "lele", tag("lele")),
        ("product", "madu", tag("madu")),
        ("product", "rotan", tag("rotan")),
        ("product", "gula aren", phrase("gula aren")),
        ("product", "laundry", tag("laundry")),
        ("product", "sabun", tag("sabun")),
        ("product", "hidroponik", tag("hidroponik")),
        ("product", "warung", lambda p: bool({"warung", "kelontong"} & p.tags())),
        ("product", "toko kelontong", lambda p: bool({"warung", "kelontong"} & p.tags())),
        ("product", "pemasaran", lambda p: p.markets),
        # use of funds
        ("use of funds", "modal kerja", use("modal kerja")),
        ("use of funds", "bahan baku", use("bahan baku")),
        ("use of funds", "sertifikasi halal", use("sertifikasi halal")),
        ("use of funds", "mesin produksi", use("mesin produksi")),
        ("use of funds", "renovasi", use("renovasi tempat usaha")),
        ("use of funds", "keripik bahan baku", both(tag("keripik"), use("bahan baku"))),
        # sector words
        ("sector", "kuliner", sector("food")),
        ("sector", "makanan", sector("food")),
        ("sector", "kerajinan", sector("craft")),
        ("sector", "perikanan", sector("fishery")),
        ("sector", "peternakan", sector("livestock")),
        ("sector", "fesyen", sector("fashion")),
        ("sector", "pertanian", sector("agriculture")),
        # places and their short names
        ("place", "Jogja", province("34")),
        ("place", "Yogyakarta", province("34")),
        ("place", "Solo", regency("33.72")),
        ("place", "Surakarta", regency("33.72")),
        ("place", "Bandung", regency("32.73", "32.04")),
        ("place", "Jaktim", regency("31.75")),
        ("place", "Jakarta Timur", regency("31.75")),
        ("place", "Bali", province("51")),
        ("place", "Makassar", regency("73.71")),
        ("place", "Malang", regency("35.73")),
        ("place", "Pemalang", regency("33.27")),
        ("place", "keripik Jogja", both(tag("keripik"), province("34"))),
        ("place", "batik Solo", both(tag("batik"), regency("33.72"))),
        # slips
        ("typo", "keripk", tag("keripik")),
        ("typo", "kerajnan", sector("craft")),
        ("typo", "pemasran", lambda p: p.markets),
        ("typo", "sertifkasi halal", use("sertifikasi halal")),
        ("typo", "hidroponk", tag("hidroponik")),
        ("typo", "Yogyakrta", province("34")),
        ("typo", "perikann", sector("fishery")),
        ("typo", "ieripik", tag("keripik")),  # the first letter
        # operators
        ("operator", "keripik OR batik", lambda p: bool({"keripik", "batik"} & p.tags())),
        ("operator", "lele ATAU udang", lambda p: bool({"lele", "udang"} & p.tags())),
        ("operator", "keripik -pisang", lambda p: tag("keripik")(p) and "pisang" not in p.tags()),
        ("operator", "kerip*", tag("keripik")),
        ("operator", '"toko kelontong"', phrase("toko kelontong")),
        ("operator", '"kue kering"', phrase("kue kering")),
        # English
        ("english", "coffee", tag("kopi")),
        ("english", "catfish", tag("lele")),
        ("english", "honey", tag("madu")),
        ("english", "working capital", use("modal kerja")),
        ("english", "raw materials", use("bahan baku")),
        ("english", "halal certification", use("sertifikasi halal")),
        ("english", "handicraft", sector("craft")),
        ("english", "fisheries", sector("fishery")),
        ("english", "sharia", lambda p: bool(SHARIA & set(p.instruments))),
        ("english", "grant", lambda p: "grant" in p.instruments),
        # a pasted paragraph: any word matches, those matching most must come first
        (
            "long",
            "Kami mencari usaha keripik tempe di Kotagede Yogyakarta yang membutuhkan modal kerja "
            "untuk memperbesar produksi menjelang Lebaran, sudah punya pelanggan tetap, dan ingin "
            "membuka pasar baru ke toko oleh-oleh serta reseller di luar kota",
            both(phrase("keripik tempe"), province("34")),
        ),
    ]
    return [Case(kind, text, where(test)) for kind, text, test in table]


# --- the demo world: labels from its stored fields ----------------------------------------------


def _demo_docs(db_path: str | None, workdir: str) -> tuple[list[SearchDoc], list[dict]]:
    """The demo world's index documents and, per published profile, its stored fields."""
    from flask_migrate import upgrade
    from sqlalchemy import select

    from marketplace import create_app, demo
    from marketplace.extensions import db
    from marketplace.matching.search import indexing
    from marketplace.profiles.models import Enterprise

    path = Path(db_path) if db_path else Path(workdir) / "demo.sqlite"
    app = create_app(
        {
            "ENV_NAME": "testing",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "UPLOAD_FOLDER": str(Path(workdir) / "uploads"),
            "SEARCH_INDEX_DIR": str(Path(workdir) / "demo-index"),
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        upgrade()  # a demo file seeded before the newest migrations is brought up to date
        if not db_path:
            print("seeding the demo world (about three minutes) …", file=sys.stderr)
            demo.seed_demo()
            db.session.commit()
        published = db.session.scalars(
            select(Enterprise).where(Enterprise.status == "published")
        ).all()
        docs, _ = indexing.index_entries(
            session=db.session, enterprise_ids={e.id for e in published}
        )
        facts = [
            {
                "id": e.id,
                "text": " ".join(
                    x or "" for x in (e.name, e.products, e.description, e.use_of_funds)
                ),
                "use": e.use_of_funds or "",
                "sector": e.sector,
                "regency": e.regency_code or "",
                "province": e.province_code or "",
            }
            for e in published
        ]
    return docs, facts


def demo_cases(facts: Sequence[dict]) -> list[Case]:
    """The labelled queries of the demo world (regular expressions over its stored fields)."""

    def text(pattern: str) -> frozenset[int]:
        regex = re.compile(pattern, re.IGNORECASE)
        return frozenset(f["id"] for f in facts if regex.search(f["text"]))

    def use(pattern: str) -> frozenset[int]:
        regex = re.compile(pattern, re.IGNORECASE)
        return frozenset(f["id"] for f in facts if regex.search(f["use"]))

    def where(key: str, *values: str) -> frozenset[int]:
        return frozenset(f["id"] for f in facts if f[key] in values)

    cases = [
        Case("product", "keripik", text(r"\bk(e)?ripik")),
        Case("product", "jamu", text(r"\bjamu\b")),
        Case("product", "batik", text(r"\bbatik\b")),
        Case("product", "laundry", text(r"\b(laundry|binatu)\b")),
        Case("product", "tenun", text(r"\btenun")),
        Case("product", "lele", text(r"\blele\b")),
        Case("product", "kopi", text(r"\bkopi\b")),
        Case("use of funds", "bahan baku", use(r"\bbahan baku\b")),
        Case("use of funds", "sertifikasi halal", use(r"\bsertifikasi halal\b")),
        Case("use of funds", "kemasan", text(r"\bkemasan\b")),
        Case("sector", "kuliner", where("sector", "food")),
        Case("sector", "kerajinan", where("sector", "craft")),
        Case("sector", "perikanan", where("sector", "fishery")),
        Case("place", "Jaktim", where("regency", "31.75")),
        Case("place", "Jogja", where("province", "34")),
        Case("place", "Jakarta Timur", where("regency", "31.75")),
        Case("typo", "kerajnan", where("sector", "craft")),
        Case("typo", "sertifkasi halal", use(r"\bsertifikasi halal\b")),
        Case("operator", "jamu OR batik", text(r"\b(jamu|batik)\b")),
        Case("operator", "kerip*", text(r"\bk(e)?ripik")),
        Case("english", "catfish", text(r"\blele\b")),
        Case("english", "raw materials", use(r"\bbahan baku\b")),
    ]
    return [case for case in cases if case.relevant]


# --- measuring ----------------------------------------------------------------------------------


def run_case(case: Case) -> dict:
    """Search `case.text` page by page as the page does; recall, P@10, nDCG@10 of the ids."""
    found: list[int] = []
    page = 1
    while True:
        result = search.search_forgiving(SearchQuery(text=case.text, page=page, per_page=100))
        found += result.ids
        if len(found) >= result.total or not result.ids:
            break
        page += 1
    relevant = case.relevant
    top = found[:10]
    hits = len(set(found) & relevant)
    ideal = min(10, len(relevant))
    dcg = sum(1 / math.log2(rank + 2) for rank, i in enumerate(top) if i in relevant)
    idcg = sum(1 / math.log2(rank + 2) for rank in range(ideal))
    return {
        "kind": case.kind,
        "text": case.text,
        "relevant": len(relevant),
        "found": len(found),
        "recall": hits / len(relevant) if relevant else 1.0,
        "p10": (sum(i in relevant for i in top) / ideal) if ideal else 1.0,
        "ndcg10": dcg / idcg if idcg else 1.0,
        "zero": not found and bool(relevant),
    }


def summarize(rows: Iterable[dict]) -> dict[str, dict[str, float]]:
    """Mean recall, P@10 and nDCG@10 per kind and overall, with the query counts."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        groups[row["kind"]].append(row)
        groups["overall"].append(row)
    return {
        kind: {
            "queries": len(items),
            "recall": sum(r["recall"] for r in items) / len(items),
            "p10": sum(r["p10"] for r in items) / len(items),
            "ndcg10": sum(r["ndcg10"] for r in items) / len(items),
        }
        for kind, items in groups.items()
    }


def _pg_schema():  # noqa: ANN202 - (engine, schema) or None
    try:
        import sqlalchemy as sa

        from marketplace.matching.search.postgres import create_pg_schema

        probe = sa.create_engine(PG_URL, connect_args={"connect_timeout": 2})
        schema = f"bench_relevance_{uuid.uuid4().hex[:8]}"
        with probe.begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
        engine = sa.create_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
        with engine.begin() as conn:
            create_pg_schema(conn)
        return probe, engine, schema
    except Exception as error:  # noqa: BLE001 - any failure means "no server to measure"
        print(f"PostgreSQL not measured: {error.__class__.__name__}: {error}", file=sys.stderr)
        return None


def measure(backend: str, worlds: dict[str, tuple[list[SearchDoc], list[Case]]], workdir: str):  # noqa: ANN201
    """Every world's cases on one backend; rows of run_case with the world name."""
    rows = []
    pg = None
    for world, (docs, cases) in worlds.items():
        if backend == "whoosh":
            search.configure(backend="whoosh", index_dir=os.path.join(workdir, f"ix-{world}"))
        else:
            pg = pg or _pg_schema()
            if pg is None:
                return None
            search.configure(backend="postgres", engine=pg[1])
        search.rebuild(docs)
        for case in cases:
            rows.append({"world": world, **run_case(case)})
    if pg is not None:
        import sqlalchemy as sa

        probe, engine, schema = pg
        search.configure(backend="whoosh", index_dir=os.path.join(workdir, "ix-closed"))
        engine.dispose()
        with probe.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        probe.dispose()
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="generated 3k world only")
    parser.add_argument("--size", type=int, default=None, help="generated profiles (10000)")
    parser.add_argument("--demo-db", help="an SQLite file already seeded with the demo world")
    parser.add_argument("--verbose", action="store_true", help="print every query")
    args = parser.parse_args(argv)
    size = args.size or (3000 if args.quick else 10_000)
    workdir = tempfile.mkdtemp(prefix="bench-relevance-")
    profiles = generate(size)
    worlds = {f"generated-{size}": ([p.doc for p in profiles], generated_cases(profiles))}
    if args.demo_db or not args.quick:
        docs, facts = _demo_docs(args.demo_db, workdir)
        worlds["demo"] = (docs, demo_cases(facts))
    figures: dict[str, object] = {"size": size, "queries": sum(len(c) for _, c in worlds.values())}
    failed = False
    for backend in ("whoosh", "postgres"):
        rows = measure(backend, worlds, workdir)
        if rows is None:
            # The bars hold on both backends: a run that could not measure one has not passed.
            figures[f"{backend}_recall"] = None
            print(
                f"\nFAILED: {backend} could not be measured (BENCH_PG_URL={PG_URL}); "
                "start PostgreSQL or point BENCH_PG_URL at one",
                file=sys.stderr,
            )
            failed = True
            continue
        table = summarize(rows)
        print(f"\n{backend}: {len(rows)} queries")
        print(f"  {'kind':<14}{'n':>4}{'recall':>9}{'P@10':>8}{'nDCG@10':>9}")
        for kind, values in sorted(table.items(), key=lambda kv: kv[0] == "overall"):
            print(
                f"  {kind:<14}{values['queries']:>4}{values['recall']:>9.3f}"
                f"{values['p10']:>8.3f}{values['ndcg10']:>9.3f}"
            )
        weak = [r for r in rows if r["recall"] < 1 or r["p10"] < 1]
        for row in rows if args.verbose else weak:
            print(
                f"    {row['world']:<16}{row['kind']:<13}{row['text'][:40]!r:<44}"
                f"relevant {row['relevant']:>5} found {row['found']:>5} "
                f"recall {row['recall']:.2f} P@10 {row['p10']:.2f}"
            )
        zero = [r["text"] for r in rows if r["zero"]]
        print(f"  zero-result queries with relevant profiles: {len(zero)} {zero or ''}")
        overall = table["overall"]
        figures.update(
            {
                f"{backend}_recall": round(overall["recall"], 3),
                f"{backend}_p10": round(overall["p10"], 3),
                f"{backend}_ndcg10": round(overall["ndcg10"], 3),
                f"{backend}_zero_results": len(zero),
            }
        )
        if overall["recall"] < RECALL_BAR or overall["p10"] < PRECISION_BAR or zero:
            failed = True
    print(json.dumps(figures))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
