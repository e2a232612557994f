"""Whoosh backend of the search seam (embedded default).

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

import bisect
import contextlib
import datetime as dt
import fcntl
import heapq
import itertools
import math
import os
import shutil
import sys
import threading
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from whoosh import columns, index
from whoosh.analysis import Filter, RegexTokenizer
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

from marketplace.matching import analysis
from marketplace.matching.search.types import (
    FACETS,
    SearchDoc,
    SearchQuery,
    SearchResult,
    counted_facets,
)

# Query attribute → (Whoosh field, every value must match?)
_FILTERS: dict[str, tuple[str, bool]] = {
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
_TEXT_FIELDS = {"text": 1.0, "name": 2.0, "exact": 1.0}
_STEM_FIELDS = ("text", "name")
_BM25_K1 = 1.2
_BM25_B = 0.75
# Memory for decoded postings of recently searched words (about 250 KB for a word in a third
# of 100k profiles): decoding Whoosh's pickled, zlib'd blocks is most of a cold query's time.
_TERM_CACHE_BYTES = 96 * 1024 * 1024
_NO_ASK = -1
_DECK_SNIPPET_CHARS = 2000  # keep stored fields small: the snippet only needs the opening
_BIT = bytes(1 << i for i in range(8))
_BITS_OF_BYTE = [tuple(i for i in range(8) if b >> i & 1) for b in range(256)]


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
    joined (:func:`analysis.join_place_names`, done in :func:`_fields`)."""
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
        **{name: KEYWORD(**keyword) for name, _ in _FILTERS.values()},
        doc_id=COLUMN(columns.NumericColumn("q", default=0)),
        ask=COLUMN(columns.NumericColumn("q", default=_NO_ASK)),
        published=COLUMN(columns.NumericColumn("q", default=0)),
        snip=STORED(),
    )


def _fields(doc: SearchDoc) -> dict:
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
        "ask": _NO_ASK if doc.ask_amount is None else int(doc.ask_amount),
        "published": int(published.timestamp() * 1_000_000),
        "snip": (
            doc.description or "",
            doc.products or "",
            (doc.deck_text or "")[:_DECK_SNIPPET_CHARS],
        ),
    }


def _bits_from(docnums: Iterable[int], size: int) -> int:
    """A Python int whose bit d is set for each docnum d."""
    buf = bytearray((size + 7) // 8)
    bit = _BIT
    for d in docnums:
        buf[d >> 3] |= bit[d & 7]
    return int.from_bytes(buf, "little")


def _docnums_of(bits: int) -> Iterator[int]:
    """The set bits of `bits`, ascending."""
    table = _BITS_OF_BYTE
    data = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
    for index_, byte in enumerate(data):
        if byte:
            base = index_ << 3
            for b in table[byte]:
                yield base + b


def _postings(reader, fieldname: str, term: str) -> tuple[array, array]:  # noqa: ANN001
    """Segment-local ids and weights (term frequencies) of one term, deleted docs included.

    Reads whole W3 blocks: walking Whoosh's matcher costs ~1 µs per posting in Python.
    Deleted documents are left in; callers mask them with the live bitset.
    """
    try:
        matcher = reader.postings(fieldname, term)
    except TermNotFound:
        return array("i"), array("f")
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child  # the deleted-docs filter; the live mask does that job
    ids: array = array("i")
    weights: array = array("f")
    if isinstance(matcher, W3LeafMatcher):
        while matcher.is_active():
            if matcher._data is None:
                matcher._read_data()
            raw_ids = matcher._data[0]
            # Whoosh stores ids delta-encoded and decodes them with a Python generator;
            # itertools.accumulate does the same in C.
            ids.extend(raw_ids if matcher._byteids else itertools.accumulate(raw_ids))
            matcher._read_weights()
            weights.extend(matcher._weights)
            matcher._next_block()
        return ids, weights
    while matcher.is_active():  # any other codec: the public, slower way
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return ids, weights


def _read_column(reader, name: str, column: columns.Column, count: int, default: int) -> array:  # noqa: ANN001
    """One fixed-width numeric column of a segment as an array (one read, not one per doc)."""
    perdoc = reader._perdoc
    if not perdoc.has_column(name):
        return array("q", [default] * count)
    col = perdoc.column_reader(name, column)
    typecode = col._typecode
    if hasattr(col, "_basepos") and hasattr(col, "_count") and typecode in "qB":
        # Whoosh reads such columns one value per call; one read is ~100× faster.
        values = array(typecode, col._dbfile.get(col._basepos, col._count * col._fixedlen))
        if values.itemsize > 1 and sys.byteorder == "little":
            values.byteswap()  # Whoosh writes big-endian ("!q")
    else:
        values = array(typecode, (col[d] for d in range(min(count, len(col)))))
    values.extend([default] * (count - len(values)))
    return values


def _key_function(ids: array, asks: array, times: array, sort: str) -> Callable[[int], tuple]:
    """Docnum → sort key, with the same tie-breaks as the PostgreSQL backend."""
    if sort == "newest":
        return lambda d: (-times[d], -ids[d])
    if sort == "ask_asc":
        return lambda d: (asks[d] == _NO_ASK, asks[d], ids[d])
    return lambda d: (asks[d] == _NO_ASK, -asks[d], ids[d])


@dataclass
class _Segment:
    """What one immutable Whoosh segment contributes to filters, facets, sorting and scoring."""

    key: str
    size: int
    ids: array
    asks: array
    times: array
    lengths: dict[str, array]  # text field → per-doc length byte (Whoosh's encoding)
    values: dict[str, dict[str, int]]  # facet field → code → local bitset (as first read)
    # Sort orders and ask-range prefix bitsets, built on first use and kept with the segment,
    # so a commit that adds a small segment does not re-sort the big one.
    _lazy: dict = field(default_factory=dict, repr=False)

    def order(self, sort: str) -> list[int]:
        """Local docnums sorted for `sort` (newest / ask_asc / ask_desc)."""
        if sort not in self._lazy:
            self._lazy[sort] = sorted(
                range(self.size), key=_key_function(self.ids, self.asks, self.times, sort)
            )
        return self._lazy[sort]

    def ask_bits(self, low: int | None, high: int | None) -> int:
        """Local bitset of documents whose ask lies in [low, high] (inclusive)."""
        if "ask" not in self._lazy:
            asks = self.asks
            with_ask = sorted(
                (d for d in range(self.size) if asks[d] != _NO_ASK), key=asks.__getitem__
            )
            values = [asks[d] for d in with_ask]
            # Prefix bitsets every `step` positions make any range a few big-int operations.
            step = 512
            prefixes = [0]
            for start in range(0, len(with_ask), step):
                block = _bits_from(with_ask[start : start + step], self.size)
                prefixes.append(prefixes[-1] | block)
            self._lazy["ask"] = (with_ask, values, prefixes, step)
        docs, values, prefixes, step = self._lazy["ask"]
        first = 0 if low is None else bisect.bisect_left(values, low)
        stop = len(values) if high is None else bisect.bisect_right(values, high)
        if first >= stop:
            return 0
        block_first, block_stop = -(-first // step), stop // step
        if block_first >= block_stop:
            return _bits_from(docs[first:stop], self.size)
        bits = prefixes[block_stop] & ~prefixes[block_first]
        edges = docs[first : block_first * step] + docs[block_stop * step : stop]
        return bits | _bits_from(edges, self.size)

    @classmethod
    def read(cls, reader, key: str) -> _Segment:  # noqa: ANN001 - Whoosh SegmentReader
        size = reader.doc_count_all()
        values: dict[str, dict[str, int]] = {}
        for facet in FACETS:
            values[facet] = {}
            for term in reader.lexicon(facet):
                code = term.decode() if isinstance(term, bytes) else term
                values[facet][code] = _bits_from(_postings(reader, facet, code)[0], size)
        number = columns.NumericColumn("q")
        return cls(
            key=key,
            size=size,
            ids=_read_column(reader, "doc_id", number, size, 0),
            asks=_read_column(reader, "ask", number, size, _NO_ASK),
            times=_read_column(reader, "published", number, size, 0),
            lengths={
                f: _read_column(reader, f"_{f}_len", LENGTHS_COLUMN, size, 0) for f in _TEXT_FIELDS
            },
            values=values,
        )


@dataclass(frozen=True, slots=True)
class _TermPostings:
    """One term's postings in one segment: a bitset for matching, ids and tfs for scoring."""

    bits: int
    ids: array
    freqs: array

    @property
    def nbytes(self) -> int:
        return (self.bits.bit_length() + 7) // 8 + self.ids.itemsize * len(self.ids) * 2 + 100


@dataclass
class _Snapshot:
    """One open searcher plus global (all-segment) bitsets and columns."""

    searcher: object
    generation: str
    size: int
    live: int
    ids: array
    asks: array
    times: array
    values: dict[str, dict[str, int]]
    leaves: list[tuple[object, int, _Segment]]  # (segment reader, docnum offset, cached data)
    norms: dict[str, list[float]]  # text field → BM25 length norm for each length byte
    doc_count: int
    _lazy: dict = field(default_factory=dict)

    def sort_key(self, sort: str) -> Callable[[int], tuple]:
        return _key_function(self.ids, self.asks, self.times, sort)

    def ordered(self, sort: str) -> Iterator[int]:
        """All docnums (deleted ones too) in `sort` order, merged lazily from the segments."""
        # map() binds each segment's offset now; a generator expression here would read
        # `offset` only when consumed, after the loop, and shift every segment by the last one.
        streams = [
            map(offset.__add__, segment.order(sort)) if offset else iter(segment.order(sort))
            for _, offset, segment in self.leaves
        ]
        if len(streams) == 1:
            return streams[0]
        return heapq.merge(*streams, key=self.sort_key(sort))

    def ask_bits(self, low: int | None, high: int | None) -> int:
        """Bitset of documents whose ask lies in [low, high] (inclusive), deleted ones too."""
        bits = 0
        for _, offset, segment in self.leaves:
            bits |= segment.ask_bits(low, high) << offset
        return bits

    def id_to_docnum(self) -> dict[int, int]:
        if "ids" not in self._lazy:
            self._lazy["ids"] = {self.ids[d]: d for d in _docnums_of(self.live)}
        return self._lazy["ids"]


class WhooshBackend:
    """The search seam on a Whoosh index directory (see the module docstring)."""

    def __init__(self, index_dir: str) -> None:
        self.index_dir = os.path.abspath(index_dir)
        self._lock = threading.Lock()
        self._snapshot: _Snapshot | None = None
        self._retired: _Snapshot | None = None
        self._segments: dict[str, _Segment] = {}
        # Decoded postings per (segment, field, term), least recently used dropped first.
        self._terms: OrderedDict[tuple[str, str, str], _TermPostings] = OrderedDict()
        self._term_bytes = 0
        self._terms_lock = threading.Lock()
        os.makedirs(self.index_dir, exist_ok=True)
        with self._init_lock():
            if self._generation() is None:
                self._create_generation()

    # --- directory and generations ---------------------------------------------------------

    @contextlib.contextmanager
    def _init_lock(self) -> Iterator[None]:
        # Serialises first creation and the pointer swap between processes; never held
        # during a search.
        with open(os.path.join(self.index_dir, ".pointer.lock"), "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _generation(self) -> str | None:
        try:
            with open(os.path.join(self.index_dir, "CURRENT")) as handle:
                return handle.read().strip() or None
        except FileNotFoundError:
            return None

    def _create_generation(self, *, activate: bool = True) -> str:
        existing = [n for n in os.listdir(self.index_dir) if n.startswith("gen-")]
        number = max((int(n[4:]) for n in existing), default=0) + 1
        name = f"gen-{number:06d}"
        os.makedirs(os.path.join(self.index_dir, name))
        index.create_in(os.path.join(self.index_dir, name), make_schema())
        if activate:
            self._activate(name)
        return name

    def _activate(self, name: str) -> None:
        pointer = os.path.join(self.index_dir, "CURRENT")
        with open(pointer + ".tmp", "w") as handle:
            handle.write(name)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(pointer + ".tmp", pointer)  # atomic: readers see the old or the new name

    def _open(self, name: str | None = None) -> index.Index:
        name = name or self._generation()
        if name is None:
            raise FileNotFoundError(f"no search index in {self.index_dir}")
        return index.open_dir(os.path.join(self.index_dir, name))

    # --- reading ---------------------------------------------------------------------------

    def _current(self) -> _Snapshot:
        with self._lock:
            generation = self._generation()
            snap = self._snapshot
            if snap is not None and snap.generation == generation and snap.searcher.up_to_date():
                return snap
            # Not Searcher.refresh(): it reuses the reader of a segment whose deletions
            # changed and so keeps showing removed documents. A fresh searcher is cheap; the
            # expensive per-segment data is cached in self._segments.
            if snap is not None and snap.generation != generation:
                self._segments.clear()
            with self._terms_lock:
                self._terms.clear()
                self._term_bytes = 0
            searcher = self._open(generation).searcher()
            # The snapshot before the previous one is closed now, not the previous one: a
            # search in another thread may still be using it.
            if self._retired is not None:
                self._retired.searcher.close()
            self._retired = snap
            self._snapshot = self._build_snapshot(searcher, generation)
            return self._snapshot

    def _build_snapshot(self, searcher, generation: str) -> _Snapshot:  # noqa: ANN001
        reader = searcher.reader()
        leaves = list(reader.leaf_readers())
        size = reader.doc_count_all()
        seen: dict[str, _Segment] = {}
        used: list[tuple[object, int, _Segment]] = []
        live = 0
        ids, asks, times = array("q"), array("q"), array("q")
        values: dict[str, dict[str, int]] = {facet: {} for facet in FACETS}
        for leaf, offset in leaves:
            if leaf.doc_count_all() == 0:
                continue  # an empty index is an EmptyReader, which has no columns
            key = leaf.segment().segment_id() if leaf.segment() is not None else str(id(leaf))
            segment = self._segments.get(key) or _Segment.read(leaf, key)
            seen[key] = segment
            used.append((leaf, offset, segment))
            segment_live = (1 << segment.size) - 1
            if leaf.has_deletions():
                segment_live &= ~_bits_from(leaf.deleted_docs_set, segment.size)
            live |= segment_live << offset
            ids.extend(segment.ids)
            asks.extend(segment.asks)
            times.extend(segment.times)
            for facet, codes in segment.values.items():
                merged = values[facet]
                for code, bits in codes.items():
                    merged[code] = merged.get(code, 0) | (bits & segment_live) << offset
        self._segments = seen
        with self._terms_lock:
            for cache_key in [k for k in self._terms if k[0] not in seen]:
                self._term_bytes -= self._terms.pop(cache_key).nbytes
        doc_count = reader.doc_count()
        norms = {}
        for fieldname in _TEXT_FIELDS:
            average = (reader.field_length(fieldname) / doc_count) if doc_count else 1.0
            norms[fieldname] = [
                _BM25_K1 * (1 - _BM25_B + _BM25_B * byte_to_length(b) / (average or 1.0))
                for b in range(256)
            ]
        return _Snapshot(
            searcher, generation, size, live, ids, asks, times, values, used, norms, doc_count
        )

    @staticmethod
    def _term_bits(snap: _Snapshot, fieldname: str, text: str) -> int:
        bits = 0
        for leaf, offset, segment in snap.leaves:
            bits |= _bits_from(_postings(leaf, fieldname, text)[0], segment.size) << offset
        return bits & snap.live

    def _filter_bits(self, snap: _Snapshot, query: SearchQuery) -> int:
        bits = snap.live
        for attribute, (fieldname, need_all) in _FILTERS.items():
            wanted = [str(v) for v in getattr(query, attribute)]
            if not wanted:
                continue
            cached = snap.values.get(fieldname)
            parts = [
                cached.get(v, 0) if cached is not None else self._term_bits(snap, fieldname, v)
                for v in wanted
            ]
            if need_all:
                for part in parts:
                    bits &= part
            else:
                union = 0
                for part in parts:
                    union |= part
                bits &= union
            if not bits:
                return 0
        if query.ask_min is not None or query.ask_max is not None:
            bits &= snap.ask_bits(query.ask_min, query.ask_max)
        if query.enterprise_ids:
            wanted_ids = 0
            for enterprise_id in query.enterprise_ids:
                wanted_ids |= self._term_bits(snap, "key", str(int(enterprise_id)))
            bits &= wanted_ids
        return bits

    def _term_postings(self, leaf, segment: _Segment, fieldname: str, term: str) -> _TermPostings:  # noqa: ANN001
        key = (segment.key, fieldname, term)
        with self._terms_lock:
            entry = self._terms.get(key)
            if entry is not None:
                self._terms.move_to_end(key)
                return entry
        ids, freqs = _postings(leaf, fieldname, term)
        entry = _TermPostings(_bits_from(ids, segment.size), ids, freqs)
        with self._terms_lock:
            if key not in self._terms:
                self._terms[key] = entry
                self._term_bytes += entry.nbytes
                while self._term_bytes > _TERM_CACHE_BYTES and len(self._terms) > 1:
                    self._term_bytes -= self._terms.popitem(last=False)[1].nbytes
        return entry

    def _word_bits(self, snap: _Snapshot, term: str) -> int:
        bits = 0
        for leaf, offset, segment in snap.leaves:
            if term.endswith(analysis.PREFIX_MARK):
                # A prefix: every term of this segment's lexicon that begins with it.
                for held in leaf.expand_prefix("text", term[:-1]):
                    held = held.decode() if isinstance(held, bytes) else held
                    bits |= self._term_postings(leaf, segment, "text", held).bits << offset
            else:
                bits |= self._term_postings(leaf, segment, "text", term).bits << offset
        return bits & snap.live

    def _match_words(self, snap: _Snapshot, clauses: list[analysis.Clause], allowed: int) -> int:
        """The documents among `allowed` that match every clause: big-int ANDs and ORs only."""
        candidates = allowed
        word_bits = {term: self._word_bits(snap, term) for term in analysis.query_terms(clauses)}
        for clause in clauses:
            clause_bits = 0
            for alternative in clause:
                alt_bits = candidates
                for term in alternative:
                    alt_bits &= word_bits[term]
                clause_bits |= alt_bits
            candidates &= clause_bits
            if not candidates:
                break
        return candidates

    @staticmethod
    def _phrase_bits(snap: _Snapshot, terms: tuple[str, ...], candidates: int) -> int:
        """The candidates holding `terms` next to each other in this order (positions of the
        "text" field; every candidate holds each term already). An index built before
        positions were kept cannot tell: its candidates stay (run `flask search reindex`)."""
        docs = list(_docnums_of(candidates))
        kept = 0
        for leaf, offset, segment in snap.leaves:
            low = bisect.bisect_left(docs, offset)
            high = bisect.bisect_left(docs, offset + segment.size)
            local_docs = [d - offset for d in docs[low:high]]
            if not local_docs:
                continue
            if not leaf.schema["text"].format.supports("positions"):
                kept |= _bits_from(local_docs, segment.size) << offset
                continue
            positions: list[dict[int, frozenset[int]]] = []
            for term in terms:
                found: dict[int, frozenset[int]] = {}
                try:
                    matcher = leaf.postings("text", term)
                except TermNotFound:
                    matcher = None
                for local in local_docs:
                    if matcher is None or not matcher.is_active():
                        break
                    if matcher.id() < local:
                        matcher.skip_to(local)
                    if matcher.is_active() and matcher.id() == local:
                        found[local] = frozenset(matcher.value_as("positions"))
                positions.append(found)
            for local in local_docs:
                starts = positions[0].get(local, frozenset())
                if any(
                    all(start + i in positions[i].get(local, ()) for i in range(1, len(terms)))
                    for start in starts
                ):
                    kept |= 1 << (local + offset)
        return kept & candidates

    def _rank(
        self,
        snap: _Snapshot,
        clauses: list[analysis.Clause],
        candidates: int,
        limit: int,
        exact: tuple[str, ...] = (),
    ) -> list[int]:
        """The best `limit` candidates by BM25 over the text plus bonuses for name matches and
        for the query's exact word forms (`exact`, analysis.exact_forms).

        Only candidates are scored. Per term and segment, the cheaper of two routes is taken:
        walk the postings testing each against the candidates, or look each candidate up in
        the sorted postings with bisect.
        """
        docs = list(_docnums_of(candidates))
        scores = dict.fromkeys(docs, 0.0)
        nbytes = (snap.size + 7) // 8
        candidate_bytes = candidates.to_bytes(nbytes, "little")
        by_segment = []
        for leaf, offset, segment in snap.leaves:
            low = bisect.bisect_left(docs, offset)
            high = bisect.bisect_left(docs, offset + segment.size)
            by_segment.append((leaf, offset, segment, [d - offset for d in docs[low:high]]))
        scored = [
            (term, fieldname)
            for term in analysis.query_terms(clauses)
            for fieldname in _STEM_FIELDS
        ] + [(term, "exact") for term in dict.fromkeys(exact)]
        for term, fieldname in scored:
            weight = _TEXT_FIELDS[fieldname]
            frequency = snap.searcher.doc_frequency(fieldname, term)
            if not frequency:
                continue
            idf = math.log(1 + (snap.doc_count - frequency + 0.5) / (frequency + 0.5))
            factor = weight * idf * (_BM25_K1 + 1)
            norms = snap.norms[fieldname]
            for leaf, offset, segment, local_docs in by_segment:
                if not local_docs:
                    continue
                entry = self._term_postings(leaf, segment, fieldname, term)
                ids, freqs, lengths = entry.ids, entry.freqs, segment.lengths[fieldname]
                if len(ids) > 8 * len(local_docs):
                    for local in local_docs:
                        i = bisect.bisect_left(ids, local)
                        if i < len(ids) and ids[i] == local:
                            tf = freqs[i]
                            scores[local + offset] += factor * tf / (tf + norms[lengths[local]])
                else:
                    for local, tf in zip(ids, freqs, strict=True):
                        d = local + offset
                        if candidate_bytes[d >> 3] >> (d & 7) & 1:
                            scores[d] += factor * tf / (tf + norms[lengths[local]])
        # Equal scores: lower enterprise id first, as on PostgreSQL (`rank DESC, id ASC`), so
        # the order is total and pages never overlap or skip.
        ids = snap.ids
        return heapq.nlargest(limit, docs, key=lambda d: (scores[d], -ids[d]))

    @staticmethod
    def _sorted(snap: _Snapshot, candidates: int, count: int, sort: str, limit: int) -> list[int]:
        if count * 50 < snap.size:
            # Sparse: sorting the candidates is cheaper than scanning the global order.
            return heapq.nsmallest(limit, _docnums_of(candidates), key=snap.sort_key(sort))
        data = candidates.to_bytes((snap.size + 7) // 8, "little")
        found = []
        for d in snap.ordered(sort):
            if data[d >> 3] >> (d & 7) & 1:
                found.append(d)
                if len(found) == limit:
                    break
        return found

    def search(self, query: SearchQuery) -> SearchResult:
        """See :func:`marketplace.matching.search.search`."""
        snap = self._current()
        clauses = analysis.parse_query(query.text)
        candidates = self._filter_bits(snap, query)
        if clauses and candidates:
            candidates = self._match_words(snap, clauses, candidates)
        for term in analysis.excluded_terms(query.text):
            if candidates:
                candidates &= ~self._word_bits(snap, term)
        for terms in analysis.phrases(query.text):
            if candidates:
                candidates = self._phrase_bits(snap, terms, candidates)
        total = candidates.bit_count()
        limit = query.offset + query.per_page
        if total == 0 or query.offset >= total:
            page: list[int] = []
        elif query.sort == "relevance" and clauses:
            exact = analysis.exact_forms(query.text)
            page = self._rank(snap, clauses, candidates, limit, exact)
        else:
            sort = "newest" if query.sort == "relevance" else query.sort
            page = self._sorted(snap, candidates, total, sort, limit)
        page = page[query.offset : limit]
        facets: dict[str, dict[str, int]] = {}
        if query.with_facets:
            for facet in counted_facets(query):
                counts = {}
                for code, bits in snap.values[facet].items():
                    count = (bits & candidates).bit_count()
                    if count:
                        counts[code] = count
                facets[facet] = counts
        terms = analysis.query_terms(clauses)
        snippets = {}
        for docnum in page:
            stored = snap.searcher.stored_fields(docnum).get("snip", ())
            snippets[snap.ids[docnum]] = analysis.snippet(stored, terms)
        page_ids = [snap.ids[d] for d in page]
        return SearchResult(ids=page_ids, total=total, facets=facets, snippets=snippets)

    def vocabulary(self) -> frozenset[str]:
        """See :func:`marketplace.matching.search.vocabulary` (built once per snapshot)."""
        snap = self._current()
        if "vocabulary" not in snap._lazy:
            reader = snap.searcher.reader()
            words = set()
            for fieldname in ("text", "exact"):
                if fieldname in reader.schema:
                    for term in reader.lexicon(fieldname):
                        words.add(term.decode() if isinstance(term, bytes) else term)
            snap._lazy["vocabulary"] = analysis.vocabulary_of(words)
        return snap._lazy["vocabulary"]

    def ping(self) -> None:
        """See :func:`marketplace.matching.search.ping`: the current snapshot, which searches
        keep warm (opening it again only after the index changed)."""
        self._current()

    def indexed_ids(self) -> set[int]:
        """See :func:`marketplace.matching.search.indexed_ids`."""
        return set(self._current().id_to_docnum())

    # --- writing ---------------------------------------------------------------------------

    def index_documents(self, docs: Iterable[SearchDoc]) -> int:
        """See :func:`marketplace.matching.search.index_documents`; raises LockError if busy."""
        writer = self._open().writer(timeout=0.0)
        # An index built before a field was added takes the documents without it until
        # `flask search reindex` builds one with the current schema.
        known = set(writer.schema.names())
        count = 0
        try:
            for doc in docs:
                writer.update_document(**{k: v for k, v in _fields(doc).items() if k in known})
                count += 1
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        return count

    def remove_documents(self, ids: Iterable[int]) -> int:
        """See :func:`marketplace.matching.search.remove_documents`; raises LockError if busy."""
        writer = self._open().writer(timeout=0.0)
        count = 0
        try:
            for doc_id in ids:
                writer.delete_by_term("key", str(doc_id))
                count += 1
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        return count

    def rebuild(
        self, docs: Iterable[SearchDoc], progress: Callable[[int], None] | None = None
    ) -> int:
        """Build a new generation from `docs`, then swap it in; raises LockError if busy.

        The old generation's write lock is held throughout, so no update can land in the old
        index after its contents were read. The generation before the old one is deleted.
        """
        old_name = self._generation()
        old_writer = self._open(old_name).writer(timeout=0.0)
        try:
            with self._init_lock():
                new_name = self._create_generation(activate=False)
            writer = self._open(new_name).writer(limitmb=256)
            count = 0
            try:
                for doc in docs:
                    writer.add_document(**_fields(doc))
                    count += 1
                    if progress is not None and count % 1000 == 0:
                        progress(count)
            except BaseException:
                writer.cancel()
                shutil.rmtree(os.path.join(self.index_dir, new_name), ignore_errors=True)
                raise
            writer.commit(optimize=True)
            with self._init_lock():
                self._activate(new_name)
                self._remove_old_generations(keep={new_name, old_name})
        finally:
            old_writer.cancel()
        if progress is not None:
            progress(count)
        return count

    def _remove_old_generations(self, *, keep: set[str | None]) -> None:
        # The previous generation stays: another worker may still be reading it.
        for name in os.listdir(self.index_dir):
            if name.startswith("gen-") and name not in keep:
                shutil.rmtree(os.path.join(self.index_dir, name), ignore_errors=True)

    def close(self) -> None:
        """Close the cached searcher (files stay on disk)."""
        with self._lock:
            for snap in (self._snapshot, self._retired):
                if snap is not None:
                    snap.searcher.close()
            self._snapshot = self._retired = None
            self._segments.clear()
            with self._terms_lock:
                self._terms.clear()
                self._term_bytes = 0
