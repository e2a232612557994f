"""Evaluating a search query on a snapshot: filters, words, phrases, ranking and sorting."""

from __future__ import annotations

import bisect
import heapq
import math
import threading
from collections import OrderedDict
from collections.abc import Iterable

from whoosh.reading import TermNotFound

from marketplace.matching import analysis, highlight
from marketplace.matching.search.types import (
    SearchQuery,
    SearchResult,
    counted_facets,
    other_choice_queries,
)
from marketplace.matching.search.whoosh import FILTERS, STEM_FIELDS, TEXT_FIELDS
from marketplace.matching.search.whoosh.segments import (
    Segment,
    Snapshot,
    TermPostings,
    bits_from,
    docnums_of,
    postings,
)

BM25_K1 = 1.2
BM25_B = 0.75
# Memory for decoded postings of recently searched words (about 250 KB for a word in a third
# of 100k profiles): decoding Whoosh's pickled, zlib'd blocks is most of a cold query's time.
TERM_CACHE_BYTES = 96 * 1024 * 1024


class QueryEngine:
    """Runs queries on snapshots, keeping decoded postings of recent words in a bounded LRU."""

    def __init__(self) -> None:
        # Decoded postings per (segment, field, term), least recently used dropped first.
        self._terms: OrderedDict[tuple[str, str, str], TermPostings] = OrderedDict()
        self._term_bytes = 0
        self._terms_lock = threading.Lock()

    def clear(self) -> None:
        """Forget every decoded posting list."""
        with self._terms_lock:
            self._terms.clear()
            self._term_bytes = 0

    def keep_segments(self, keys: Iterable[str]) -> None:
        """Forget the postings of segments other than `keys` (merged away or deleted)."""
        keys = set(keys)
        with self._terms_lock:
            for cache_key in [k for k in self._terms if k[0] not in keys]:
                self._term_bytes -= self._terms.pop(cache_key).nbytes

    @staticmethod
    def _term_bits(snap: Snapshot, fieldname: str, text: str) -> int:
        bits = 0
        for leaf, offset, segment in snap.leaves:
            bits |= bits_from(postings(leaf, fieldname, text)[0], segment.size) << offset
        return bits & snap.live

    def _filter_bits(self, snap: Snapshot, query: SearchQuery) -> int:
        bits = snap.live
        for attribute, (fieldname, need_all) in FILTERS.items():
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

    def _term_postings(self, leaf, segment: Segment, fieldname: str, term: str) -> TermPostings:  # noqa: ANN001
        key = (segment.key, fieldname, term)
        with self._terms_lock:
            entry = self._terms.get(key)
            if entry is not None:
                self._terms.move_to_end(key)
                return entry
        ids, freqs = postings(leaf, fieldname, term)
        entry = TermPostings(bits_from(ids, segment.size), ids, freqs)
        with self._terms_lock:
            if key not in self._terms:
                self._terms[key] = entry
                self._term_bytes += entry.nbytes
                while self._term_bytes > TERM_CACHE_BYTES and len(self._terms) > 1:
                    self._term_bytes -= self._terms.popitem(last=False)[1].nbytes
        return entry

    def _word_bits(self, snap: Snapshot, term: str) -> int:
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

    def _match_words(self, snap: Snapshot, clauses: list[analysis.Clause], allowed: int) -> int:
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
    def _phrase_bits(snap: Snapshot, terms: tuple[str, ...], candidates: int) -> int:
        """The candidates holding `terms` next to each other in this order (positions of the
        "text" field; every candidate holds each term already). An index built before
        positions were kept cannot tell: its candidates stay (run `flask search reindex`)."""
        docs = list(docnums_of(candidates))
        kept = 0
        for leaf, offset, segment in snap.leaves:
            low = bisect.bisect_left(docs, offset)
            high = bisect.bisect_left(docs, offset + segment.size)
            local_docs = [d - offset for d in docs[low:high]]
            if not local_docs:
                continue
            if not leaf.schema["text"].format.supports("positions"):
                kept |= bits_from(local_docs, segment.size) << offset
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
        snap: Snapshot,
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
        docs = list(docnums_of(candidates))
        scores = dict.fromkeys(docs, 0.0)
        nbytes = (snap.size + 7) // 8
        candidate_bytes = candidates.to_bytes(nbytes, "little")
        by_segment = []
        for leaf, offset, segment in snap.leaves:
            low = bisect.bisect_left(docs, offset)
            high = bisect.bisect_left(docs, offset + segment.size)
            by_segment.append((leaf, offset, segment, [d - offset for d in docs[low:high]]))
        scored = [
            (term, fieldname) for term in analysis.query_terms(clauses) for fieldname in STEM_FIELDS
        ] + [(term, "exact") for term in dict.fromkeys(exact)]
        for term, fieldname in scored:
            weight = TEXT_FIELDS[fieldname]
            frequency = snap.searcher.doc_frequency(fieldname, term)
            if not frequency:
                continue
            idf = math.log(1 + (snap.doc_count - frequency + 0.5) / (frequency + 0.5))
            factor = weight * idf * (BM25_K1 + 1)
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
    def _sorted(snap: Snapshot, candidates: int, count: int, sort: str, limit: int) -> list[int]:
        if count * 50 < snap.size:
            # Sparse: sorting the candidates is cheaper than scanning the global order.
            return heapq.nsmallest(limit, docnums_of(candidates), key=snap.sort_key(sort))
        data = candidates.to_bytes((snap.size + 7) // 8, "little")
        found = []
        for d in snap.ordered(sort):
            if data[d >> 3] >> (d & 7) & 1:
                found.append(d)
                if len(found) == limit:
                    break
        return found

    def search(self, snap: Snapshot, query: SearchQuery) -> SearchResult:
        """See :func:`marketplace.matching.search.search`."""
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
            if query.other_choices:
                for facet, wider in other_choice_queries(query).items():
                    facets[facet] = self.search(snap, wider).facets.get(facet, {})
        terms = analysis.query_terms(clauses)
        snippets = {}
        for docnum in page if query.with_snippets else ():
            stored = snap.searcher.stored_fields(docnum).get("snip", ())
            snippets[snap.ids[docnum]] = highlight.snippet(stored, terms)
        page_ids = [snap.ids[d] for d in page]
        return SearchResult(ids=page_ids, total=total, facets=facets, snippets=snippets)
