"""What investors type, and what they should find: a small world published through the real
profile services, each query with the profiles it must find (all of them, and nothing else),
on Whoosh and, when the suite runs on PostgreSQL, on PostgreSQL (issue 12)."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale

from marketplace import vocab
from marketplace.matching import analysis, search, spelling
from marketplace.matching.search import keywords
from tests.conftest import PG_URL
from tests.matching.helpers import prepare_backend, published_together

BACKENDS = ["whoosh"] + (["postgres"] if PG_URL else [])
SIZE_WORDS = {"kecil", "small"}

# key → profile fields (every one is published)
WORLD = {
    "keripik": {
        "name": "Keripik Tempe Sari Rasa",
        "sector": "food",
        "province_code": "31",
        "regency_code": "31.75",
        "products": "Keripik tempe renyah",
        "description": "Keripik dari Pasar Rebo",
        "use_of_funds": "Sertifikasi halal dan desain kemasan",
    },
    "kue": {
        "name": "Kue Basah Bu Ani",
        "sector": "food",
        "province_code": "34",
        "regency_code": "34.71",
        "products": "Kue basah pesanan arisan",
        "use_of_funds": "Modal kerja pesanan Lebaran",
    },
    "batik": {
        "name": "Batik Tulis Kotagede",
        "sector": "craft",
        "province_code": "34",
        "regency_code": "34.71",
        "products": "Batik tulis pewarna alam",
        "use_of_funds": "Bahan baku kain mori",
    },
    "bambu": {
        "name": "Anyaman Bambu Lestari",
        "sector": "craft",
        "province_code": "32",
        "regency_code": "32.01",
        "products": "Tas dan tudung saji anyaman bambu",
        "use_of_funds": "Pemasaran digital dan pameran",
    },
    "laundry": {
        "name": "Binatu Kilat",
        "sector": "services",
        "province_code": "31",
        "regency_code": "31.75",
        "products": "Cuci kiloan dan setrika",
        "description": "Melayani kantor di Pasar Rebo",
    },
    "warung": {
        "name": "Toko Sembako Bu Tini",
        "sector": "retail",
        "province_code": "73",
        "regency_code": "73.71",
        "products": "Beras, minyak, gula",
        "ask_instruments": ["kur", "mudharabah"],
    },
    "perak": {
        "name": "Perak Bu Sumi",
        "sector": "craft",
        "province_code": "34",
        "regency_code": "34.71",
        "products": "Cincin dan bros perak",
        "ask_instruments": ["musyarakah"],
    },
    "lele": {
        "name": "Lele Segar Parung",
        "sector": "fishery",
        "province_code": "32",
        "regency_code": "32.01",
        "products": "Lele konsumsi dan bibit",
    },
    "sambal": {
        "name": "Sambal Bu Rini",
        "sector": "food",
        "province_code": "32",
        "regency_code": "32.01",
        "products": "Sambal bawang botolan",
        "description": "Sambal dipasarkan ke warung sekitar",
    },
    # Region names the stemmer would cut into common words (Pemalang → malang, Kediri →
    # diri, Bekasi → bekas): kept whole (analysis.place_words).
    "malang": {
        "name": "Apel Kota Wisata",
        "sector": "agriculture",
        "province_code": "35",
        "regency_code": "35.73",  # Kota Malang
        "products": "Apel segar dan sari apel",
    },
    "pemalang": {
        "name": "Konveksi Pantura",
        "sector": "fashion",
        "province_code": "33",
        "regency_code": "33.27",  # Kabupaten Pemalang
        "products": "Kaos sablon dan seragam",
    },
    "kediri": {
        "name": "Tahu Takwa Pak Gun",
        "sector": "manufacturing",
        "province_code": "35",
        "regency_code": "35.71",  # Kota Kediri
        "products": "Tahu takwa kuning",
    },
    "bekasi": {
        "name": "Kasir Pintar",
        "sector": "digital",
        "province_code": "32",
        "regency_code": "32.75",  # Kota Bekasi
        "products": "Aplikasi kasir dan pembukuan",
    },
    "bekas": {
        "name": "Loak Jaya",
        "sector": "retail",
        "province_code": "51",
        "regency_code": "51.71",  # Kota Denpasar
        "products": "Jual beli barang bekas layak pakai",
        "description": "Berdiri sejak 2015",
    },
}

# (what an investor types, the profiles it must find: exactly these)
QUERIES = [
    # use of funds and the document words in it
    ("modal kerja", {"kue"}),
    ("bahan baku", {"batik"}),
    ("sertifikasi halal", {"keripik"}),
    # sector words, Indonesian and English
    ("kerajinan", {"batik", "bambu", "perak"}),
    ("kriya", {"batik", "bambu", "perak"}),
    ("crafts", {"batik", "bambu", "perak"}),
    ("kuliner", {"keripik", "kue", "sambal"}),
    ("makanan", {"keripik", "kue", "sambal"}),
    ("food", {"keripik", "kue", "sambal"}),
    ("perikanan", {"lele"}),
    ("fisheries", {"lele"}),
    ("jasa", {"laundry"}),
    # instrument words
    ("syariah", {"warung", "perak"}),
    ("sharia", {"warung", "perak"}),
    ("kur", {"warung"}),
    ("musyarakah", {"perak"}),
    # places: official names, short and common names
    ("Yogyakarta", {"kue", "batik", "perak"}),
    ("Jogja", {"kue", "batik", "perak"}),
    ("yogya", {"kue", "batik", "perak"}),
    ("Jakarta", {"keripik", "laundry"}),
    ("Jaktim", {"keripik", "laundry"}),
    ("Jakarta Timur", {"keripik", "laundry"}),
    ("Bogor", {"bambu", "lele", "sambal"}),
    ("Makassar", {"warung"}),
    ("batik jogja", {"batik"}),
    # stems that collide: marketing is not the market of Pasar Rebo
    ("pemasaran", {"bambu", "sambal"}),
    ("Pasar Rebo", {"keripik", "laundry"}),
    # operators
    ("keripik OR batik", {"keripik", "batik"}),
    ("batik ATAU perak", {"batik", "perak"}),
    ("kerajinan -bambu", {"batik", "perak"}),
    ("kerip*", {"keripik"}),
    ("samb* OR lel*", {"sambal", "lele"}),
    ('"toko sembako"', {"warung"}),
    # region names are not stemmed into common words (nor common words into them)
    ("Malang", {"malang"}),
    ("Pemalang", {"pemalang"}),
    ("Kediri", {"kediri"}),
    ("berdiri", {"bekas"}),
    ("Bekasi", {"bekasi"}),
    ("barang bekas", {"bekas"}),
]


@pytest.fixture(params=BACKENDS)
def app_config(request):
    return {"SEARCH_BACKEND": request.param}


@pytest.fixture
def world(app, make) -> dict[str, int]:
    prepare_backend(app)
    # A plain loan unless said otherwise (the helper's default is KUR).
    enterprises = published_together(
        make, [{"ask_instruments": ["loan"], **fields} for fields in WORLD.values()]
    )
    return {key: enterprise.id for key, enterprise in zip(WORLD, enterprises, strict=True)}


def _found(text: str) -> list[int]:
    return search.search(search.SearchQuery(text=text, per_page=100)).ids


def test_what_investors_type_finds_exactly_the_profiles_that_match(world):
    # Every query against one world (queries only read it), each mismatch named.
    names = {v: k for k, v in world.items()}
    wrong = []
    for text, wanted in QUERIES:
        found = {names[i] for i in _found(text)}
        if found != wanted:
            wrong.append(f"{text!r}: found {sorted(found)}, expected {sorted(wanted)}")
    assert wrong == []


def test_the_exact_word_form_ranks_above_a_profile_sharing_only_its_stem(world):
    # bambu's use of funds says "pemasaran"; sambal's description "dipasarkan" (stem pasar).
    assert _found("pemasaran") == [world["bambu"], world["sambal"]]
    assert _found("dipasarkan") == [world["sambal"], world["bambu"]]


def test_the_search_page_highlights_the_use_of_funds_it_matched(world, client):
    response = client.get("/search?q=modal+kerja")
    assert response.status_code == 200
    assert "<mark>Modal</mark> <mark>kerja</mark> pesanan Lebaran" in response.text


def test_a_place_name_of_common_words_is_one_term():
    assert analysis.analyze("Keripik dari Pasar Rebo") == ("keripik", "pasarrebo")
    assert "pasar" in analysis.analyze("pemasaran")


def test_one_word_region_names_are_not_stemmed():
    assert analysis.analyze("Pemalang Kediri Bekasi Berau Maluku") == (
        "pemalang",
        "kediri",
        "bekasi",
        "berau",
        "maluku",
    )
    assert analysis.analyze("malang berdiri bekas") == ("malang", "diri", "bekas")
    assert analysis.analyze("Toli-Toli") == analysis.analyze("Tolitoli") == ("tolitoli",)


@pytest.mark.parametrize("locale", ["id", "en"])
def test_every_sector_and_instrument_label_finds_its_code(app, locale):
    # The labels people read on the pages, in both languages, are words of the keywords
    # (outside parentheses, size words aside: see words.toml).
    with app.test_request_context(), force_locale(locale):
        for mapping, attribute in ((vocab.SECTORS, "sector"), (vocab.INSTRUMENTS, "instruments")):
            for code, label in mapping.items():
                codes = {"sector": None, "instruments": ()}
                codes[attribute] = code if attribute == "sector" else (code,)
                words = set(
                    analysis.analyze(
                        keywords.keywords_for(province_code=None, regency_code=None, **codes)
                    )
                )
                label_words = set(analysis.analyze(str(label).split("(")[0])) - SIZE_WORDS
                assert label_words <= words, (locale, code, str(label))


# (a slip, the words the page offers instead)
TYPOS = [
    ("kerajnan", "kerajinan"),  # a letter left out
    ("kripki", "keripik"),  # two letters swapped, and the variant spelling
    ("pemasarn digital", "pemasaran digital"),
    ("sertifkasi halal", "sertifikasi halal"),
    ("btik OR prak", "batik OR perak"),  # four letters: one edit
    ("ieripik", "keripik"),  # a slip in the first letter, when nothing else is close
    ("btk OR prk", None),  # words under four letters are not corrected
]


@pytest.mark.parametrize(("text", "offered"), TYPOS, ids=[t for t, _ in TYPOS])
def test_a_slip_in_a_word_finds_its_correction(world, client, text, offered):
    response = client.get("/search", query_string={"q": text})
    assert response.status_code == 200
    if offered is None:
        assert 'id="result-count">0 ' in response.text
        assert 'id="corrected"' not in response.text
        return
    assert 'id="result-count">0 ' not in response.text
    assert "menampilkan hasil untuk:" in response.text
    link = re.search(r'<p id="corrected">[^<]*<a href="([^"]+)">([^<]+)</a>', response.text)
    assert link.group(2) == offered
    corrected = client.get(link.group(1).replace("&amp;", "&"))
    assert 'id="result-count">0 ' not in corrected.text
    assert 'id="corrected"' not in corrected.text


def test_a_search_with_no_match_under_its_filters_offers_to_drop_them(world, client):
    response = client.get("/search?q=batik&province=73")
    assert 'id="result-count">0 ' in response.text
    link = re.search(r'<p id="without-filters"><a href="([^"]+)"', response.text).group(1)
    assert "province" not in link
    assert 'id="result-count">1 ' in client.get(link.replace("&amp;", "&")).text


def test_suggest_corrects_only_unknown_words_of_four_letters_or_more():
    vocabulary = spelling.vocabulary_of(["keripik", "batik", "0xkerajinan", "rajin", "kopi"])
    assert spelling.suggest("kerajinan", vocabulary) is None  # known
    assert spelling.suggest("krajinan", vocabulary) == "kerajinan"
    assert spelling.suggest("zzzzzzzz", vocabulary) is None  # nothing close
    assert spelling.suggest("btik", vocabulary) == "batik"  # four letters: one edit
    assert spelling.suggest("bzzk", vocabulary) is None  # four letters: not two edits
    assert spelling.suggest("btk", vocabulary) is None  # too short to guess
    assert spelling.suggest("ieripik", vocabulary) == "keripik"  # the first letter
    # synonyms, English words and region names are not slips, stop words are not words
    assert spelling.suggest("coffee Malang untuk", vocabulary) is None


def test_words_that_are_filters_offer_the_filter_to_those_who_may_use_it(
    world, client, make, login
):
    anonymous = client.get("/search?q=keripik+halal+kur").text
    hints = re.search(r'<p id="filter-hints">(.*?)</p>', anonymous).group(1)
    assert "instrument=kur" in hints
    assert "document=halal" not in hints  # documents are open to verified investors only
    investor = login(make.investor()).get("/search?q=keripik+halal+kur").text
    hints = re.search(r'<p id="filter-hints">(.*?)</p>', investor).group(1)
    assert "document=halal" in hints and "instrument=kur" in hints
    chosen = login(make.investor()).get("/search?q=halal&document=halal").text
    assert 'id="filter-hints"' not in chosen


def test_a_phrase_in_quotes_needs_its_words_together_and_in_order(world):
    both = set(search.search(search.SearchQuery(text="bahan baku")).ids)
    phrase = set(search.search(search.SearchQuery(text='"bahan baku"')).ids)
    reversed_ = search.search(search.SearchQuery(text='"baku bahan"'))
    assert phrase and phrase <= both
    assert reversed_.total == 0


def test_a_long_pasted_query_finds_the_profiles_matching_most_of_its_words(world, client):
    text = (
        "Saya mencari usaha batik tulis dengan pewarna alam di Yogyakarta yang membutuhkan "
        "bahan baku kain mori untuk memperbesar produksi dan membuka pasar baru ke luar negeri "
        "dan toko oleh-oleh wisatawan mancanegara"
    )
    assert len(text) > 200
    result = search.search(search.SearchQuery(text=text))
    assert result.total > 0
    assert result.ids[0] == world["batik"]
    response = client.get("/search", query_string={"q": text})
    assert 'id="long-query"' in response.text
    assert 'id="result-count">0 ' not in response.text


def test_english_words_find_indonesian_profiles(world):
    assert world["lele"] in search.search(search.SearchQuery(text="catfish")).ids
    assert world["kue"] in search.search(search.SearchQuery(text="working capital")).ids


def test_the_kabupaten_kota_filter_is_offered_for_the_chosen_province(world, client):
    page = client.get("/search?province=34").text
    assert '<select name="regency" id="f-regency"' in page
    assert 'value="34.71"' in page
    found = client.get("/search?province=34&regency=34.71").text
    assert 'id="result-count">0 ' not in found
    # a kabupaten/kota left over from another province is dropped, not matched
    moved = client.get("/search?province=31&regency=34.71").text
    assert 'id="result-count">0 ' not in moved


def test_choosing_a_facet_value_keeps_the_other_values_counts(world, client):
    page = client.get("/search?sector=food").text
    assert 'data-facet="sector-craft"' in page
    both = client.get("/search?sector=food&sector=craft").text
    assert 'data-facet="sector-food"' in both and 'data-facet="sector-craft"' in both


def _card(page: str, enterprise_id: int) -> str:
    return re.search(rf'<article [^>]*id="e-{enterprise_id}">(.*?)</article>', page, re.S).group(1)


def test_a_prefix_is_marked_in_the_title_and_the_snippet(world, client):
    card = _card(client.get("/search?q=kerip*").text, world["keripik"])
    assert "<mark>Keripik</mark> Tempe Sari Rasa</a></h3>" in card
    assert '<p class="snippet"><mark>Keripik</mark> tempe renyah' in card


def test_words_matched_through_a_code_mark_its_label(world, client):
    # "Jogja" is a word of the kabupaten/kota 34.71: the location line is marked.
    card = _card(client.get("/search?q=Jogja").text, world["kue"])
    assert re.search(r'<p class="muted">[^<]* · <mark>[^<]*Yogyakarta</mark></p>', card)
    # "kuliner" is a word of the sector food: the sector label is marked, not the place.
    card = _card(client.get("/search?q=kuliner").text, world["sambal"])
    assert re.search(r'<p class="muted"><mark>[^<]+</mark> · [^<]+</p>', card)
    # "syariah" is a word of the sharia contracts: only those instruments are marked.
    card = _card(client.get("/search?q=syariah").text, world["warung"])
    ask = re.search(r'<p class="card-ask">(.*?)</p>', card).group(1)
    assert ask.count("<mark>") == 1 and "Mudharabah" in ask.split("<mark>")[1]
    # A word found only in the text marks no label.
    card = _card(client.get("/search?q=sambal").text, world["sambal"])
    assert "<mark>Sambal</mark> Bu Rini" in card
    assert not re.search(r'<p class="(muted|card-ask)">[^\n]*<mark>', card)


def _link(page: str, pattern: str) -> str:
    return re.search(pattern, page).group(1).replace("&amp;", "&")


def test_words_never_found_together_offer_any_of_them_or_one_left_out(world, client):
    page = client.get("/search?q=keripik+rotan").text
    assert 'id="result-count">0 ' in page
    offers = re.search(r'<p id="wider">(.*?)</p>', page).group(1)
    assert "salah satu kata ini</a> (1)" in offers
    assert "tanpa “rotan”</a> (1)" in offers
    assert "tanpa “keripik”" not in offers  # rotan alone finds nothing: not offered
    found = client.get(_link(offers, r'<a href="([^"]+)" class="wider">salah satu')).text
    assert 'id="result-count">1 ' in found
    assert f'id="e-{world["keripik"]}"' in found


def test_wider_words_keep_the_filters(world, client):
    page = client.get("/search?q=keripik+rotan&province=34").text
    assert 'id="wider"' not in page  # keripik is in Jakarta: nothing under this filter
    page = client.get("/search?q=keripik+rotan&province=31").text
    link = _link(page, r'<a href="([^"]+)" class="wider">')
    assert "province=31" in link


def test_a_long_query_of_few_distinct_words_is_not_a_silent_zero(world, client):
    text = "keripik rotan " * 16
    assert len(text) > 200
    page = client.get("/search", query_string={"q": text}).text
    assert 'id="result-count">0 ' in page
    assert "salah satu kata ini</a> (1)" in page


def test_nothing_found_without_filters_or_slips_offers_every_profile(world, client):
    page = client.get("/search?q=zqxwv+qqqqqq").text
    assert 'id="result-count">0 ' in page
    assert 'id="wider"' not in page and 'id="corrected"' not in page
    link = _link(page, r'<p id="browse-all"><a href="([^"]+)"')
    assert f'id="result-count">{len(world)} ' in client.get(link).text


def test_an_unknown_word_beside_a_found_one_offers_its_correction(world, client):
    page = client.get("/search", query_string={"q": "keripik OR batk"}).text
    assert 'id="result-count">1 ' in page
    link = re.search(
        r'<p id="did-you-mean">Mungkin maksud Anda: <a href="([^"]+)">([^<]+)</a>', page
    )
    assert link.group(2) == "keripik OR batik"
    assert 'id="result-count">2 ' in client.get(link.group(1).replace("&amp;", "&")).text
    # every word known: nothing offered
    assert 'id="did-you-mean"' not in client.get("/search?q=keripik+OR+batik").text
