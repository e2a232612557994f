"""Whoosh segments read into Python-int bitsets and columns, per segment and per snapshot."""

from __future__ import annotations

import bisect
import heapq
import itertools
import sys
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from whoosh import columns
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound

from marketplace.matching.search.types import FACETS
from marketplace.matching.search.whoosh import NO_ASK, TEXT_FIELDS

_BIT = bytes(1 << i for i in range(8))
_BITS_OF_BYTE = [tuple(i for i in range(8) if b >> i & 1) for b in range(256)]


def bits_from(docnums: Iterable[int], size: int) -> int:
    """A Python int whose bit d is set for each docnum d."""
    buf = bytearray((size + 7) // 8)
    bit = _BIT
    for d in docnums:
        buf[d >> 3] |= bit[d & 7]
    return int.from_bytes(buf, "little")


def docnums_of(bits: int) -> Iterator[int]:
    """The set bits of `bits`, ascending."""
    table = _BITS_OF_BYTE
    data = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
    for index_, byte in enumerate(data):
        if byte:
            base = index_ << 3
            for b in table[byte]:
                yield base + b


def postings(reader, fieldname: str, term: str) -> tuple[array, array]:  # noqa: ANN001
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
        return lambda d: (asks[d] == NO_ASK, asks[d], ids[d])
    return lambda d: (asks[d] == NO_ASK, -asks[d], ids[d])


@dataclass
class Segment:
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
                (d for d in range(self.size) if asks[d] != NO_ASK), key=asks.__getitem__
            )
            values = [asks[d] for d in with_ask]
            # Prefix bitsets every `step` positions make any range a few big-int operations.
            step = 512
            prefixes = [0]
            for start in range(0, len(with_ask), step):
                block = bits_from(with_ask[start : start + step], self.size)
                prefixes.append(prefixes[-1] | block)
            self._lazy["ask"] = (with_ask, values, prefixes, step)
        docs, values, prefixes, step = self._lazy["ask"]
        first = 0 if low is None else bisect.bisect_left(values, low)
        stop = len(values) if high is None else bisect.bisect_right(values, high)
        if first >= stop:
            return 0
        block_first, block_stop = -(-first // step), stop // step
        if block_first >= block_stop:
            return bits_from(docs[first:stop], self.size)
        bits = prefixes[block_stop] & ~prefixes[block_first]
        edges = docs[first : block_first * step] + docs[block_stop * step : stop]
        return bits | bits_from(edges, self.size)

    @classmethod
    def read(cls, reader, key: str) -> Segment:  # noqa: ANN001 - Whoosh SegmentReader
        size = reader.doc_count_all()
        values: dict[str, dict[str, int]] = {}
        for facet in FACETS:
            values[facet] = {}
            for term in reader.lexicon(facet):
                code = term.decode() if isinstance(term, bytes) else term
                values[facet][code] = bits_from(postings(reader, facet, code)[0], size)
        number = columns.NumericColumn("q")
        return cls(
            key=key,
            size=size,
            ids=_read_column(reader, "doc_id", number, size, 0),
            asks=_read_column(reader, "ask", number, size, NO_ASK),
            times=_read_column(reader, "published", number, size, 0),
            lengths={
                f: _read_column(reader, f"_{f}_len", LENGTHS_COLUMN, size, 0) for f in TEXT_FIELDS
            },
            values=values,
        )


@dataclass(frozen=True, slots=True)
class TermPostings:
    """One term's postings in one segment: a bitset for matching, ids and tfs for scoring."""

    bits: int
    ids: array
    freqs: array

    @property
    def nbytes(self) -> int:
        return (self.bits.bit_length() + 7) // 8 + self.ids.itemsize * len(self.ids) * 2 + 100


@dataclass
class Snapshot:
    """One open searcher plus global (all-segment) bitsets and columns."""

    searcher: object
    generation: str
    size: int
    live: int
    ids: array
    asks: array
    times: array
    values: dict[str, dict[str, int]]
    leaves: list[tuple[object, int, Segment]]  # (segment reader, docnum offset, cached data)
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
            self._lazy["ids"] = {self.ids[d]: d for d in docnums_of(self.live)}
        return self._lazy["ids"]
