"""Text analysis for Bahasa Indonesia search: one pipeline shared by every search backend.

A word goes through: accent folding and lower-casing → splitting into ASCII letters and digits →
stop-word removal → spelling variants (``kripik`` → ``keripik``) → the PySastrawi stemmer
(``memasarkan``, ``dipasarkan``, ``pemasaran`` → ``pasar``) → a few overrides where the stemmer
over-stems UMKM words. Synonyms (``warung`` ↔ ``toko kelontong``) are expanded on the query side
only, so the index holds each word once and a new synonym needs no reindex.

The Whoosh backend runs this pipeline as a Whoosh analyzer (``search.whoosh.IndonesianFilter``);
the PostgreSQL backend and the SQLite FTS5 bench store the analyzed terms as space-separated
text and tokenize it trivially. Because all of them call :func:`analyze_word`, they index and
query exactly the same terms. Matching uses it too: a match card's text terms and a mandate's
thesis terms are these terms, so this module imports no search engine.

Every emitted term matches ``[a-z0-9]+``, so any full-text engine's default tokenizer keeps it
as one token.
"""

from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from collections.abc import Sequence
from pathlib import Path

# One regex decides what a "word" is for every backend and for snippets. Hyphens and
# apostrophes inside a word are kept so that reduplication (kue-kue, oleh-oleh) reaches the
# stemmer whole.
WORD_PATTERN = r"\w+(?:[-'’]\w+)*"
WORD_RE = re.compile(WORD_PATTERN)
_PART_RE = re.compile(r"[a-z0-9]+")
_SUFFIX_RE = re.compile(r"^(.+?)(nya|ku|mu|lah|kah)$")

# Function words only. PySastrawi ships an 800-word list, but it also drops content words
# that investors search for (besar, baru, bulan, kerja …), so we keep our own short list.
STOP_WORDS = frozenset(
    """
    ada adalah agar akan aku anda antara apa apabila atau bagi bahwa bahkan banyak begitu
    belum bisa boleh buat bukan cukup dalam dan dapat dari daripada demi dengan di dia
    hanya harus hingga ia ialah ini itu jika juga kami kalau kamu karena ke kepada kita
    lagi lain maka masih mereka meski namun nya oleh pada para per pun saat sampai sangat
    saja sebagai sebelum sedang sehingga sejak selain seperti serta setelah sudah supaya
    tanpa tapi telah tentang tetapi tidak untuk yaitu yakni yang
    a an and are as at be by for from in is it of on or the to with
    """.split()
)

# Spelling variants and common misspellings → the standard (KBBI) spelling, applied before
# and after stemming so that affixed forms (kripiknya) are caught too.
VARIANTS: dict[str, str] = {
    "kripik": "keripik",
    "krupuk": "kerupuk",
    "sambel": "sambal",
    "cabe": "cabai",
    "cemilan": "camilan",
    "baso": "bakso",
    "tempeh": "tempe",
    "klontong": "kelontong",
    "catering": "katering",
    "souvenir": "suvenir",
    "ijin": "izin",
    "apotik": "apotek",
    "praktek": "praktik",
    "resiko": "risiko",
    "tehnik": "teknik",
    "kwalitas": "kualitas",
    "aktifitas": "aktivitas",
    "propinsi": "provinsi",
    "hutang": "utang",
    "jaman": "zaman",
    "ketrampilan": "keterampilan",
    "sistim": "sistem",
}

# Words the Indonesian stemmer over-stems in UMKM texts (pengemasan → emas "gold",
# peternakan → terna), pinned to the stem their siblings get.
STEM_OVERRIDES: dict[str, str] = {
    "pengemasan": "kemas",
    "kemasan": "kemas",
    "peternakan": "ternak",
    "peternak": "ternak",
}

# Query-side synonym groups, written as users type them; each entry may be several words.
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("warung", "toko kelontong", "kelontong"),
    ("warung kopi", "warkop", "kedai kopi"),
    ("oleh-oleh", "suvenir", "cendera mata"),
    ("kerajinan", "kriya"),
    ("katering", "jasa boga"),
    ("binatu", "laundry"),
    ("sembako", "bahan pokok"),
    ("daring", "online"),
    ("busana", "pakaian", "baju"),
)

# The words people use for codes (sectors, instruments, places) and the place names made of
# common words; documented in the file and in docs/search.md.
WORDS_FILE = Path(__file__).with_name("words.toml")

Alternative = tuple[str, ...]  # terms that must all occur
Clause = tuple[Alternative, ...]  # at least one alternative must occur


def fold(text: str) -> str:
    """Lower-case `text` and strip accents (``Café`` → ``cafe``); no side effects."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


@functools.lru_cache(maxsize=1)
def _stemmer():  # noqa: ANN202 - PySastrawi has no type hints
    # Imported and built once per process (loading its dictionary takes ~0.1 s). It lives
    # here, not on the Whoosh filter, so the filter pickled into the schema holds no state.
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    # delegatedStemmer skips PySastrawi's own unbounded cache; ours below is bounded.
    return StemmerFactory().create_stemmer().delegatedStemmer


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Indonesian stem of one folded word (cached per process); no side effects.

    Region names of one word (:func:`place_words`) are kept as written: the stemmer would
    read Pemalang as pe-malang, Kediri as ke-diri, Bekasi as bekas-i.
    """
    if word in STEM_OVERRIDES:
        return STEM_OVERRIDES[word]
    if word in place_words():
        return word
    word = VARIANTS.get(word, word)
    suffixed = _SUFFIX_RE.match(word)
    if suffixed and suffixed.group(1) in VARIANTS:
        word = VARIANTS[suffixed.group(1)]
    result = _stemmer().stem_word(word)
    return VARIANTS.get(result, result)


@functools.lru_cache(maxsize=200_000)
def analyze_word(word: str) -> tuple[str, ...]:
    """The index terms of one word as the tokenizer found it (0, 1 or more); no side effects.

    Cached per process: real texts repeat a small vocabulary, so most calls are one lookup.
    """
    folded = fold(word)
    if "-" in folded or "'" in folded or "’" in folded:
        whole = folded.replace("’", "'").replace("'", "")
        if whole.replace("-", "") in place_words():
            return (whole.replace("-", ""),)  # Toli-Toli is the regency, not "tol"
        # Reduplication (kue-kue → kue) stems to one word; anything else (e-commerce) is
        # split into its parts so each part stays searchable.
        if "-" in whole and _PART_RE.fullmatch(whole.replace("-", "")):
            stemmed = _stemmer().stem_word(whole)
            if "-" not in stemmed:
                # No stop-word check: oleh-oleh (souvenirs) is a product, oleh ("by") is not.
                return (VARIANTS.get(stemmed, stemmed),)
        parts = _PART_RE.findall(whole)
    else:
        parts = _PART_RE.findall(folded)
    terms = []
    for part in parts:
        if part in STOP_WORDS:
            continue
        if any(ch.isdigit() for ch in part):
            terms.append(part)  # numbers and codes (2024, 500gr) are kept as written
        elif len(part) > 1:
            terms.append(stem(part))
    return tuple(terms)


@functools.lru_cache(maxsize=1)
def words_data() -> dict:
    """The parsed words file (read once per process)."""
    with WORDS_FILE.open("rb") as handle:
        return tomllib.load(handle)


@functools.lru_cache(maxsize=1)
def place_words() -> frozenset[str]:
    """The names of provinces and kabupaten/kota that are one word once "Kabupaten", "Kota" …
    (``[region_words]``) are dropped, and the one-word short names of ``[places]`` (Jogja,
    Jaktim), folded, hyphens removed (Toli-Toli → tolitoli). The stemmer leaves them alone, on
    every backend and in queries alike. Read once per process from marketplace/data/regions."""
    from marketplace import regions

    data = words_data()
    drop = {w.casefold() for w in data["region_words"]["drop"].split()}
    names = set()
    for region in (*regions.provinces().values(), *regions.regencies().values()):
        words = region.name.split()
        while words and words[0].casefold() in drop:
            words.pop(0)
        if len(words) == 1:
            names.add(words[0])
    for short in data["places"].values():
        names.update(short.split())
    folded = ("".join(_PART_RE.findall(fold(name).replace("-", ""))) for name in names)
    return frozenset(name for name in folded if name.isalpha() and name not in STOP_WORDS)


@functools.lru_cache(maxsize=1)
def _place_name_re() -> re.Pattern[str] | None:
    names = [n.strip() for n in words_data()["place_names"]["names"].replace("\n", " ").split(",")]
    names = sorted((n for n in names if n), key=len, reverse=True)
    if not names:
        return None
    alternatives = "|".join(r"\s+".join(map(re.escape, name.split())) for name in names)
    return re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)


def join_place_names(text: str) -> str:
    """`text` with each listed place name of several words written as one word.

    ``"Keripik dari Pasar Rebo"`` → ``"Keripik dari PasarRebo"``: the name becomes one term
    (``pasarrebo``), so its common words are neither searched alone nor stemmed into another
    word's stem (pemasaran → pasar). No side effects.
    """
    pattern = _place_name_re()
    if pattern is None or not text:
        return text
    return pattern.sub(lambda m: "".join(m.group().split()), text)


def analyze(text: str | None) -> tuple[str, ...]:
    """All index terms of `text`, in order; no side effects."""
    if not text:
        return ()
    text = join_place_names(text)
    return tuple(term for word in WORD_RE.findall(text) for term in analyze_word(word))


# Exact word forms are indexed next to the stems with this prefix, which no analyzed term can
# start with (a term starting with a digit is a number kept as written, never followed by "x"
# in real text), so they only ever add to the score: a profile saying "pemasaran" ranks above
# one that only shares the stem (pasar) with it.
EXACT_PREFIX = "0x"


@functools.lru_cache(maxsize=200_000)
def exact_word(word: str) -> tuple[str, ...]:
    """The exact-form terms of one word: its folded parts whose stem differs from them."""
    folded = fold(word).replace("’", "'").replace("'", "")
    if folded.replace("-", "") in place_words():
        return ()
    return tuple(
        EXACT_PREFIX + part
        for part in _PART_RE.findall(folded)
        if part not in STOP_WORDS
        and len(part) > 1
        and not any(ch.isdigit() for ch in part)
        and stem(part) != part
    )


def exact_forms(text: str | None) -> tuple[str, ...]:
    """The exact-form terms of `text` (see EXACT_PREFIX), in order; no side effects."""
    if not text:
        return ()
    text = join_place_names(text)
    return tuple(term for word in WORD_RE.findall(text) for term in exact_word(word))


def analyzed_text(*texts: str | None) -> str:
    """The terms of `texts` joined by spaces: what SQL backends store and tokenize."""
    return " ".join(term for text in texts for term in analyze(text))


def synonym_groups() -> list[tuple[str, ...]]:
    """SYNONYM_GROUPS with the English words of the words file (``[english]``) added: a key
    already in a group joins it, any other key makes a new group. No side effects."""
    groups = [list(group) for group in SYNONYM_GROUPS]
    for key, english in words_data().get("english", {}).items():
        words = [w.strip() for w in english.split(",") if w.strip()]
        for group in groups:
            if key in group:
                group.extend(w for w in words if w not in group)
                break
        else:
            groups.append([key, *words])
    return [tuple(group) for group in groups]


@functools.lru_cache(maxsize=1)
def synonym_table() -> dict[Alternative, Clause]:
    table: dict[Alternative, Clause] = {}
    for group in synonym_groups():
        alternatives = tuple(dict.fromkeys(tuple(analyze(entry)) for entry in group))
        alternatives = tuple(alt for alt in alternatives if alt)
        for alternative in alternatives:
            table[alternative] = alternatives
    return table


# Operators people type: "keripik OR batik" (also ATAU, |), "keripik -pisang", "kerip*",
# "toko kelontong" in quotes (a phrase).
_OR_RE = re.compile(r"\s+(?:OR|ATAU|\|)\s+")
_PHRASE_RE = re.compile(r"[\"“”]([^\"“”]*)[\"“”]")
# A query of more clauses than this (a pasted paragraph) matches profiles holding any of its
# words, best first, instead of all of them (which nearly never happens).
LONG_QUERY_CLAUSES = 8
_EXCLUDED_RE = re.compile(r"(?:^|(?<=\s))-(" + WORD_PATTERN + ")")
_PREFIX_RE = re.compile(r"(?:^|(?<=\s))(\w{3,})\*")
PREFIX_MARK = "*"  # a query term ending in it matches every index term it begins


def parse_query(text: str | None) -> list[Clause]:
    """The query as AND-ed clauses of OR-ed alternatives, synonyms expanded; no side effects.

    ``"warung pemasaran"`` → ``[(("warung",), ("toko", "kelontong"), ("kelontong",)),
    (("pasar",),)]``. Multi-word synonyms are matched longest first. ``a OR b`` (or ``ATAU``,
    ``|``) joins the clauses beside it into one; ``kerip*`` is the clause ``(("kerip*",),)``
    (every term beginning with kerip); ``-pisang`` is left out here (see
    :func:`excluded_terms`); a phrase in quotes gives one clause per word, without synonyms
    (see :func:`phrases`). More than LONG_QUERY_CLAUSES clauses become one clause: any of
    them. An empty or all-stop-word query gives ``[]``.
    """
    if not text:
        return []
    text = _EXCLUDED_RE.sub(" ", text)
    clauses: list[Clause] = []
    # A phrase's words are matched as typed: each must occur (no synonyms), and the backends
    # also require them next to each other in that order (see :func:`phrases`).
    for terms in phrases(text):
        clauses.extend(((term,),) for term in terms if ((term,),) not in clauses)
    text = _PHRASE_RE.sub(lambda m: " " if len(analyze(m.group(1))) > 1 else m.group(1), text)
    for index, part in enumerate(_OR_RE.split(text)):
        found = _parse_words(part)
        if index and clauses and found:
            # OR binds the clause before the operator and the one after it.
            merged = tuple(dict.fromkeys(clauses.pop() + found.pop(0)))
            clauses.append(merged)
        clauses.extend(c for c in found if c not in clauses)
    if len(clauses) > LONG_QUERY_CLAUSES:
        return [tuple(dict.fromkeys(alt for clause in clauses for alt in clause))]
    return clauses


def phrases(text: str | None) -> tuple[tuple[str, ...], ...]:
    """The terms of each phrase in quotes of two words or more (``"toko kelontong"`` →
    ``(("toko", "kelontong"),)``): a profile matches only if it holds them next to each other,
    in that order, in one text. A quoted single word is an ordinary word. No side effects."""
    if not text:
        return ()
    found = (analyze(m.group(1)) for m in _PHRASE_RE.finditer(_EXCLUDED_RE.sub(" ", text)))
    return tuple(dict.fromkeys(terms for terms in found if len(terms) > 1))


def is_long(text: str | None) -> bool:
    """Whether `text` has so many words that a profile holding any of them matches
    (LONG_QUERY_CLAUSES); the page says so. No side effects."""
    if not text:
        return False
    words = {term for part in _OR_RE.split(_EXCLUDED_RE.sub(" ", text)) for term in analyze(part)}
    return len(parse_query(text)) == 1 and len(words) > LONG_QUERY_CLAUSES


def typed_words(text: str | None) -> tuple[list[str], list[str]]:
    """The words of `text` as typed, each once (by its terms; stop words and operators left
    out, quotes dropped), and the words written with a minus (``-pisang``), as typed: what the
    page offers to widen a search that found nothing. No side effects."""
    if not text:
        return [], []
    text = _PHRASE_RE.sub(lambda m: f" {m.group(1)} ", text)
    excluded = list(dict.fromkeys(f"-{word}" for word in _EXCLUDED_RE.findall(text)))
    text = _OR_RE.sub(" ", f" {_EXCLUDED_RE.sub(' ', text)} ")
    words: list[str] = []
    seen: set[tuple[str, ...]] = set()
    for token in text.split():
        key = (fold(token),) if _PREFIX_RE.fullmatch(token) else analyze(token)
        if key and key not in seen:
            seen.add(key)
            words.append(token)
    return words, excluded


def excluded_terms(text: str | None) -> tuple[str, ...]:
    """The terms of the words written with a minus (``keripik -pisang`` → ``("pisang",)``):
    no profile holding one of them is found. No side effects."""
    if not text:
        return ()
    found = (term for word in _EXCLUDED_RE.findall(text) for term in analyze(word))
    return tuple(dict.fromkeys(found))


def _parse_words(text: str) -> list[Clause]:
    prefixes: list[Clause] = []

    def take_prefix(match: re.Match[str]) -> str:
        prefix = "".join(_PART_RE.findall(fold(match.group(1))))
        if len(prefix) >= 3:
            prefixes.append(((prefix + PREFIX_MARK,),))
        return " "

    text = _PREFIX_RE.sub(take_prefix, text)
    terms = analyze(text)
    table = synonym_table()
    longest = max((len(key) for key in table), default=1)
    clauses: list[Clause] = []
    position = 0
    while position < len(terms):
        for size in range(min(longest, len(terms) - position), 0, -1):
            key = tuple(terms[position : position + size])
            if key in table:
                clause = table[key]
                position += size
                break
        else:
            clause = ((terms[position],),)
            position += 1
        if clause not in clauses:
            clauses.append(clause)
    return clauses + [p for p in prefixes if p not in clauses]


def query_terms(clauses: Sequence[Clause]) -> frozenset[str]:
    """Every term any alternative of `clauses` mentions (prefixes with their mark); no side
    effects."""
    return frozenset(term for clause in clauses for alt in clause for term in alt)


def term_matches(term: str, held: str) -> bool:
    """Whether the query `term` (a prefix when it ends in PREFIX_MARK) matches index term
    `held`."""
    if term.endswith(PREFIX_MARK):
        return held.startswith(term[:-1])
    return term == held


def word_matches(word: str, terms: frozenset[str]) -> bool:
    """Whether one word as the tokenizer found it matches a query term of `terms` (prefix
    terms ``kerip*`` included); no side effects."""
    held = analyze_word(word)
    if terms.intersection(held):
        return True
    prefixes = [t[:-1] for t in terms if t.endswith(PREFIX_MARK)]
    return any(h.startswith(p) for h in held for p in prefixes)


def text_matches(text: str | None, terms: frozenset[str]) -> bool:
    """Whether any word of `text` matches a query term of `terms`; no side effects."""
    if not text or not terms:
        return False
    return any(word_matches(m.group(), terms) for m in WORD_RE.finditer(join_place_names(text)))


def __getattr__(name: str) -> type:
    # Whoosh indexes built before the filter moved to the Whoosh backend pickled it under this
    # module's name; resolving it here keeps them readable (and `flask search reindex` able to
    # replace them) without importing Whoosh for anyone else.
    if name == "IndonesianFilter":
        from marketplace.matching.search.whoosh import IndonesianFilter

        return IndonesianFilter
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
