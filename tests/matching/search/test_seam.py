"""The search seam: one suite, run on the Whoosh and the PostgreSQL backend (see conftest)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from flask import Flask

from marketplace.matching import search
from marketplace.matching.search import SearchDoc, SearchQuery

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
WIB = dt.timezone(dt.timedelta(hours=7))


def doc(doc_id: int, name: str, **fields) -> SearchDoc:
    fields.setdefault("published_at", T0 + dt.timedelta(days=doc_id))
    return SearchDoc(id=doc_id, name=name, **fields)


CORPUS = [
    doc(
        1,
        "Keripik Tempe Bu Sri",
        products="keripik tempe, keripik singkong",
        description="Kami memasarkan keripik ke toko oleh-oleh di Malang.",
        sector="food",
        province_code="35",
        regency_code="35.07",
        size_class="mikro",
        stage="bankable",
        instruments=["kur", "loan"],
        ask_amount=50_000_000,
        documents=["nib", "halal", "spp_irt"],
        impact_themes=["women_led"],
        programme_ids=[7],
        cohort_ids=[71],
    ),
    doc(
        2,
        "Warung Pak Budi",
        products="sembako, gas elpiji",
        description="Warung di desa, buka sejak 2015.",
        sector="retail",
        province_code="32",
        regency_code="32.01",
        size_class="mikro",
        stage="layak",
        instruments=["kur"],
        ask_amount=10_000_000,
        documents=["nib"],
        programme_ids=[7],
        cohort_ids=[72],
    ),
    doc(
        3,
        "Toko Kelontong Makmur",
        products="beras, gula, minyak",
        description="Toko kelontong lengkap; produk dipasarkan juga secara daring.",
        sector="retail",
        province_code="32",
        regency_code="32.73",
        size_class="kecil",
        stage="belum_layak",
        instruments=["grant"],
        ask_amount=None,
        documents=[],
        impact_themes=["pkh_graduate"],
    ),
    doc(
        4,
        "Batik Tulis Lasem",
        products="kain batik tulis",
        description="Pemasaran batik ke luar negeri bersama pengrajin perempuan.",
        deck_text="Rencana usaha: memperluas pasar ekspor ke Jepang.",
        sector="fashion",
        province_code="33",
        regency_code="33.17",
        size_class="kecil",
        stage="bankable",
        instruments=["equity", "mudharabah"],
        ask_amount=200_000_000,
        documents=["nib", "npwp"],
        impact_themes=["women_led", "green"],
        programme_ids=[8],
        cohort_ids=[81],
    ),
    doc(
        5,
        "Kopi Gayo Mandiri",
        products="kopi bubuk, biji kopi sangrai",
        description="Koperasi petani kopi; kemasan ramah lingkungan.",
        deck_text="Kami mencari modal kerja untuk mesin sangrai.",
        sector="agriculture",
        province_code="11",
        regency_code="11.17",
        size_class="kecil",
        stage="layak",
        instruments=["loan", "revenue_share"],
        ask_amount=150_000_000,
        documents=["nib", "npwp", "halal"],
        impact_themes=["green"],
        programme_ids=[8],
        cohort_ids=[82],
    ),
]


@pytest.fixture
def corpus(backend):
    search.index_documents(CORPUS)
    return backend


def ids(**query) -> list[int]:
    return search.search(SearchQuery(**query)).ids


# The analyzer cases, asserted through each backend's own matching.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pemasaran", {1, 3, 4}),  # memasarkan, dipasarkan, pemasaran; pasar in the deck
        ("memasarkan", {1, 3, 4}),
        ("kripik", {1}),
        ("keripiknya", {1}),
        ("warung", {2, 3}),  # warung ↔ toko kelontong
        ("toko kelontong", {2, 3}),
        ("kripik tempe", {1}),  # every word must match
        ("keripik kopi", set()),
        ("yang dan di", {1, 2, 3, 4, 5}),  # only stop words: like an empty search box
        ("2015", {2}),  # numbers are kept
        ("café kopi", set()),
        ("KOPI", {5}),
        ("pengemasan", {5}),  # not "emas" (gold)
        ("ekspor jepang", {4}),  # deck text is searched
    ],
)
def test_words_find_enterprises_like_a_user_expects(corpus, text, expected):
    result = search.search(SearchQuery(text=text))
    assert set(result.ids) == expected
    assert result.total == len(expected)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"sectors": ["retail"]}, {2, 3}),
        ({"sectors": ["retail", "food"]}, {1, 2, 3}),  # OR within a facet
        ({"sectors": ["retail"], "size_classes": ["kecil"]}, {3}),  # AND across facets
        ({"province_codes": ["32"]}, {2, 3}),
        ({"regency_codes": ["32.73", "11.17"]}, {3, 5}),
        ({"stages": ["bankable"]}, {1, 4}),
        ({"instruments": ["loan", "equity"]}, {1, 4, 5}),  # any instrument wanted
        ({"documents": ["nib", "halal"]}, {1, 5}),  # must hold ALL documents
        ({"documents": ["bpom"]}, set()),
        ({"impact_themes": ["women_led", "green"]}, {4}),  # ALL themes
        ({"programme_ids": [8]}, {4, 5}),
        ({"cohort_ids": [71, 72]}, {1, 2}),
        ({"ask_min": 50_000_000}, {1, 4, 5}),  # inclusive; no ask = excluded
        ({"ask_max": 50_000_000}, {1, 2}),
        ({"ask_min": 10_000_001, "ask_max": 150_000_000}, {1, 5}),
        ({"ask_min": 300_000_000}, set()),
        ({"text": "kopi", "documents": ["nib"], "ask_max": 200_000_000}, {5}),
        ({"text": "warung", "stages": ["layak"]}, {2}),
    ],
)
def test_filters_narrow_the_results(corpus, filters, expected):
    result = search.search(SearchQuery(**filters))
    assert set(result.ids) == expected and result.total == len(expected)


def test_facet_counts_cover_the_whole_filtered_match_set_not_just_the_page(corpus):
    result = search.search(SearchQuery(documents=["nib"], per_page=1, with_facets=True))
    assert result.total == 4 and len(result.ids) == 1
    assert result.facets["sector"] == {"food": 1, "retail": 1, "fashion": 1, "agriculture": 1}
    assert result.facets["documents"] == {"nib": 4, "halal": 2, "spp_irt": 1, "npwp": 2}
    assert result.facets["instruments"]["kur"] == 2 and result.facets["instruments"]["loan"] == 2
    assert result.facets["impact_themes"] == {"women_led": 2, "green": 2}
    assert result.facets["stage"] == {"bankable": 2, "layak": 2}
    assert result.facets["size_class"] == {"mikro": 2, "kecil": 2}
    assert result.facets["province_code"] == {"35": 1, "32": 1, "33": 1, "11": 1}


def test_facets_follow_the_words_typed(corpus):
    result = search.search(SearchQuery(text="warung", with_facets=True))
    assert result.facets["sector"] == {"retail": 2}
    assert result.facets["impact_themes"] == {"pkh_graduate": 1}


@pytest.mark.parametrize("sort", search.SORTS)
@pytest.mark.parametrize("text", ["", "pemasaran", "warung"])
def test_asking_for_facets_does_not_change_the_page(corpus, sort, text):
    for page in (1, 2):
        plain = search.search(SearchQuery(text=text, sort=sort, page=page, per_page=2))
        faceted = search.search(
            SearchQuery(text=text, sort=sort, page=page, per_page=2, with_facets=True)
        )
        assert (faceted.ids, faceted.total) == (plain.ids, plain.total)


def test_facets_are_only_computed_when_asked(corpus):
    assert search.search(SearchQuery(text="kopi")).facets == {}


def test_pages_follow_each_other_without_overlap_or_gap(corpus):
    pages = [ids(sort="newest", page=page, per_page=2) for page in (1, 2, 3, 4)]
    assert pages == [[5, 4], [3, 2], [1], []]
    last = search.search(SearchQuery(sort="newest", page=9, per_page=2))
    assert last.ids == [] and last.total == 5


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("newest", [5, 4, 3, 2, 1]),
        ("ask_asc", [2, 1, 5, 4, 3]),  # no ask comes last
        ("ask_desc", [4, 5, 1, 2, 3]),
        ("relevance", [5, 4, 3, 2, 1]),  # no words: newest first
    ],
)
def test_sort_orders(corpus, sort, expected):
    assert ids(sort=sort) == expected


def test_sorting_and_ask_ranges_span_documents_indexed_in_separate_batches(backend):
    for document in CORPUS:  # one commit each: several Whoosh segments
        search.index_documents([document])
    search.remove_documents([4])
    assert ids(sort="ask_desc") == [5, 1, 2, 3]
    assert ids(sort="newest", per_page=2, page=2) == [2, 1]
    assert ids(ask_min=10_000_000, ask_max=150_000_000, sort="ask_asc") == [2, 1, 5]
    assert ids(text="pemasaran", sort="ask_asc") == [1, 3]


def test_a_name_match_ranks_above_a_match_only_in_the_deck(backend):
    search.index_documents(
        [
            doc(1, "Usaha Maju", description="Kami juga menjual kopi.", deck_text="kopi"),
            doc(2, "Kopi Kenangan Desa", description="Minuman segar."),
            doc(3, "Roti Bakar", description="Roti dan susu."),
        ]
    )
    assert ids(text="kopi") == [2, 1]


def test_snippets_highlight_the_matched_words(corpus):
    result = search.search(SearchQuery(text="pemasaran"))
    assert "<mark>memasarkan</mark>" in result.snippets[1]
    assert "<mark>dipasarkan</mark>" in result.snippets[3]
    assert set(result.snippets) == set(result.ids)


def test_snippets_escape_html_from_enterprises(backend):
    search.index_documents([doc(1, "X", description="<script>alert(1)</script> keripik")])
    snippet = search.search(SearchQuery(text="keripik")).snippets[1]
    assert "<script>" not in snippet and "&lt;script&gt;" in snippet
    assert "<mark>keripik</mark>" in snippet


def test_removed_enterprises_disappear_from_results_and_facets(corpus):
    search.remove_documents([2, 999])
    result = search.search(SearchQuery(text="warung", with_facets=True))
    assert result.ids == [3] and result.facets["province_code"] == {"32": 1}
    assert search.indexed_ids() == {1, 3, 4, 5}


def test_reindexing_an_enterprise_replaces_its_old_text_and_facts(corpus):
    search.index_documents(
        [
            doc(
                2,
                "Warung Pak Budi",
                description="Sekarang jual bakso.",
                sector="food",
                ask_amount=5_000_000,
            )
        ]
    )
    assert ids(text="sembako") == []
    assert ids(text="bakso") == [2]
    assert set(ids(sectors=["food"])) == {1, 2}
    assert ids(ask_max=5_000_000) == [2]
    assert search.indexed_ids() == {1, 2, 3, 4, 5}


def test_rebuild_leaves_exactly_the_given_enterprises(corpus):
    seen = []
    count = search.rebuild([CORPUS[0], CORPUS[3], doc(9, "Tenun Ikat Sumba")], progress=seen.append)
    assert count == 3 and seen[-1] == 3
    assert search.indexed_ids() == {1, 4, 9}
    assert ids(text="tenun") == [9] and ids(text="warung") == []


def test_rebuild_with_nothing_empties_the_index(corpus):
    assert search.rebuild([]) == 0
    assert search.indexed_ids() == set() and search.search(SearchQuery()).total == 0


def test_ping_answers_on_an_empty_and_a_full_index_and_fails_on_a_missing_one(backend, tmp_path):
    search.ping()  # empty is usable
    search.index_documents(CORPUS)
    search.ping()
    if backend == "whoosh":
        broken = search.configure(backend="whoosh", index_dir=str(tmp_path / "index"))
        import shutil

        shutil.rmtree(tmp_path / "index")
        with pytest.raises(OSError):
            broken.ping()
        broken.close()


def test_naive_publication_times_are_taken_as_utc(backend):
    search.index_documents(
        [
            doc(1, "A", published_at=dt.datetime(2026, 1, 2, 0, 30)),
            doc(2, "B", published_at=dt.datetime(2026, 1, 2, 1, 0, tzinfo=WIB)),
        ]
    )
    assert ids(sort="newest") == [1, 2]  # 00:30 UTC is later than 01:00 WIB (18:00 UTC)


def test_an_unknown_sort_or_page_size_is_refused():
    with pytest.raises(ValueError, match="sort"):
        SearchQuery(sort="popular")
    with pytest.raises(ValueError):
        SearchQuery(per_page=1000)


def test_init_search_attaches_the_configured_backend_to_the_app(tmp_path):
    app = Flask(__name__, instance_path=str(tmp_path))
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    search.init_search(app)
    assert app.config["SEARCH_BACKEND"] == "whoosh"
    with app.app_context():
        search.index_documents([doc(1, "Keripik Tempe")])
        assert search.search(SearchQuery(text="kripik")).ids == [1]
    assert os.path.isdir(tmp_path / "search-index")
    app.extensions["temumodal.search"].close()


def test_an_unknown_backend_is_refused():
    with pytest.raises(ValueError, match="unknown search backend"):
        search.make_backend(backend="elastic")


def test_the_postgres_backend_imports_no_whoosh_module(tmp_path):
    # A fresh interpreter: this test process has Whoosh loaded already. The app is built with
    # every blueprint, job and CLI command; the database is never reached.
    probe = (
        "import sys\n"
        "from marketplace import create_app\n"
        "from marketplace.matching import search\n"
        "app = create_app({'ENV_NAME': 'testing', "
        "'SQLALCHEMY_DATABASE_URI': 'postgresql+psycopg://postgres@127.0.0.1:9/none', "
        f"'UPLOAD_FOLDER': {str(tmp_path / 'uploads')!r}, "
        f"'SEARCH_INDEX_DIR': {str(tmp_path / 'index')!r}}})\n"
        "with app.app_context():\n"
        "    print(type(search.current_backend()).__name__)\n"
        "print(sorted(m for m in sys.modules if 'whoosh' in m.split('.')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=os.getcwd()
    )
    backend_name, whoosh_modules = done.stdout.strip().splitlines()[-2:]
    assert backend_name == "PostgresBackend"
    assert whoosh_modules == "[]"


def test_the_regency_facet_is_counted_only_when_a_province_is_chosen(backend):
    search.index_documents(
        [
            doc(1, "Keripik A", province_code="32", regency_code="32.01"),
            doc(2, "Keripik B", province_code="32", regency_code="32.01"),
            doc(3, "Keripik C", province_code="32", regency_code="32.73"),
            doc(4, "Keripik D", province_code="33", regency_code="33.72"),
        ]
    )
    everywhere = search.search(SearchQuery(text="keripik", with_facets=True))
    assert "regency_code" not in everywhere.facets
    west_java = search.search(SearchQuery(text="keripik", province_codes=["32"], with_facets=True))
    assert west_java.facets["regency_code"] == {"32.01": 2, "32.73": 1}


def test_enterprise_ids_restrict_the_search_to_those_enterprises(corpus):
    assert ids(text="keripik", enterprise_ids=[1, 2]) == [1]
    assert ids(enterprise_ids=[2]) == [2]
    assert ids(text="keripik", enterprise_ids=[2]) == []
