"""Whoosh backend of the search seam (embedded default): its schema and analyzers.

The backend is split by what each part does: this module holds the schema, the analyzer
filters and the mapping of a document onto fields (its classes keep this module path, which
Whoosh pickles into every index); :mod:`.segments` reads segments into bitsets and columns;
:mod:`.query` evaluates a query on them; :mod:`.backend` owns the index directory, its
generations, the writers and the cached searcher (:class:`.backend.WhooshBackend`).


Whoosh is pure Python, so the slow paths are avoided rather than tuned:

* Filters and facet counts never go through Whoosh queries (a NumericRange query made ask
  ranges 50× slower; ``groupedby=`` scores every match and ignores the limit). Each leaf segment
  is read once into Python-int bitsets, one per facet value, plus per-document columns (id, ask,
  publication time). A query's candidate set is a few big-int ANDs/ORs, its total a popcount,
  and each facet count one AND + popcount.
* Those per-segment structures are cached by segment id, so reopening after a commit reads only
  the new segment; deletions in old segments are applied with a live-documents mask.
* Words are matched with bitsets too: each word's posting list is decoded once, block by
  block (Whoosh's matchers cost about a microsecond per posting), and kept in a bounded LRU
  per segment as a bitset plus ids and frequencies. Only the candidates are then scored (BM25
  over all text plus a bonus for words in the name), walking or bisecting the cached postings,
  whichever is cheaper; norms come from Whoosh's per-document length columns.
* Sort orders and ask-range prefix bitsets are built per segment on first use and kept, so a
  single-document commit does not re-sort 100k documents.
* Stored fields are small (a short text for the snippet) and read only for the page's hits.
* One searcher per process, reopened only when the index generation changes.

Layout on disk: ``<index_dir>/CURRENT`` names the live generation directory
(``gen-000001`` …); :meth:`WhooshBackend.rebuild` fills a new generation and swaps the pointer
with an atomic rename, keeping the previous generation for readers still using it.

Whoosh is used for what it is good at: the analyzer pipeline, the on-disk segments and postings,
atomic commits, the write lock and stored fields. The few private attributes read here (block
ids and weights of a W3 posting list, raw column bytes) are pinned by whoosh-reloaded==2.7.5
and each has a slower public fallback.

Writers: Whoosh's own file lock guards each generation. ``writer(timeout=0)`` means a second
writer (another process, or a second writer in this one) raises ``LockError`` at once instead
of waiting or corrupting the index; the single outbox indexer is meant to be the only writer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from whoosh import columns
from whoosh.analysis import Filter, RegexTokenizer
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, TEXT, Schema

from marketplace.matching import analysis
from marketplace.matching.search.types import SearchDoc

FILTERS: dict[str, tuple[str, bool]] = {
    "sectors": ("sector", False),
    "province_codes": ("province_code", False),
    "regency_codes": ("regency_code", False),
    "size_classes": ("size_class", False),
    "stages": ("stage", False),
    "instruments": ("instruments", False),
    "documents": ("documents", True),
    "impact_themes": ("impact_themes", True),
    "programme_ids": ("programme_ids", False),
    "cohort_ids": ("cohort_ids", False),
}
# "text" holds every word (name, products, description, deck, use of funds, keywords) and decides
# matches; "name" only adds to the score, so a word in the name ranks first, and "exact" (the
# exact word forms, analysis.exact_forms) too, so "pemasaran" ranks a profile saying it above one
# that only shares its stem. Weights of each field's BM25 score:
TEXT_FIELDS = {"text": 1.0, "name": 2.0, "exact": 1.0}
STEM_FIELDS = ("text", "name")
NO_ASK = -1
_DECK_SNIPPET_CHARS = 2000  # keep stored fields small: the snippet only needs the opening


class IndonesianFilter(Filter):
    """Whoosh filter running :func:`analysis.analyze_word` on each token.

    It deliberately has no attributes: Whoosh pickles the analyzer into the index's table of
    contents, and a filter holding the stemmer would put its 1.26 MB dictionary there and
    reload it on every index open. The stemmer lives in module-level caches instead.
    """

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(self, tokens: Iterable) -> Iterator:  # Whoosh's Token has no public type
        position = 0
        for token in tokens:
            for term in analysis.analyze_word(token.text):
                token.text = term
                if token.positions:
                    token.pos = position
                position += 1
                yield token


class ExactFormFilter(Filter):
    """Whoosh filter running :func:`analysis.exact_word` on each token (stateless, as above)."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(self, tokens: Iterable) -> Iterator:
        for token in tokens:
            for term in analysis.exact_word(token.text):
                token.text = term
                yield token


def whoosh_analyzer():  # noqa: ANN201 - Whoosh's CompositeAnalyzer is untyped
    """A Whoosh analyzer equal to :func:`analysis.analyze` on text whose place names were
    joined (:func:`analysis.join_place_names`, done in :func:`document_fields`)."""
    return RegexTokenizer(analysis.WORD_PATTERN) | IndonesianFilter()


def exact_analyzer():  # noqa: ANN201
    """A Whoosh analyzer equal to :func:`analysis.exact_forms` on joined text."""
    return RegexTokenizer(analysis.WORD_PATTERN) | ExactFormFilter()


def make_schema() -> Schema:
    """The index schema; the analyzer pickled into it holds no state (see IndonesianFilter)."""
    analyzer = whoosh_analyzer()
    keyword = {"stored": False, "scorable": False, "lowercase": False, "commas": False}
    return Schema(
        key=ID(unique=True),
        name=TEXT(analyzer=analyzer, phrase=False),
        # Positions are kept for phrases in quotes ("toko kelontong"), checked on candidates.
        text=TEXT(analyzer=analyzer, phrase=True),
        exact=TEXT(analyzer=exact_analyzer(), phrase=False),
        **{name: KEYWORD(**keyword) for name, _ in FILTERS.values()},
        doc_id=COLUMN(columns.NumericColumn("q", default=0)),
        ask=COLUMN(columns.NumericColumn("q", default=NO_ASK)),
        published=COLUMN(columns.NumericColumn("q", default=0)),
        snip=STORED(),
    )


def document_fields(doc: SearchDoc) -> dict:
    """The Whoosh fields of one search document."""
    published = doc.published_at
    if published.tzinfo is None:
        published = published.replace(tzinfo=dt.UTC)
    values = {
        "sector": doc.sector,
        "province_code": doc.province_code,
        "regency_code": doc.regency_code,
        "size_class": doc.size_class,
        "stage": doc.stage,
        "instruments": " ".join(doc.instruments),
        "documents": " ".join(doc.documents),
        "impact_themes": " ".join(doc.impact_themes),
        "programme_ids": " ".join(str(i) for i in doc.programme_ids),
        "cohort_ids": " ".join(str(i) for i in doc.cohort_ids),
    }
    text = analysis.join_place_names(
        "\n".join(
            (
                doc.name,
                doc.products or "",
                doc.description or "",
                doc.deck_text or "",
                doc.use_of_funds or "",
                doc.keywords or "",
            )
        )
    )
    return {
        "key": str(doc.id),
        "name": analysis.join_place_names(doc.name),
        "text": text,
        "exact": text,
        **{k: v for k, v in values.items() if v},
        "doc_id": doc.id,
        "ask": NO_ASK if doc.ask_amount is None else int(doc.ask_amount),
        "published": int(published.timestamp() * 1_000_000),
        "snip": (
            doc.description or "",
            doc.products or "",
            (doc.deck_text or "")[:_DECK_SNIPPET_CHARS],
        ),
    }
