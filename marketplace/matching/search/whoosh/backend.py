"""The Whoosh index directory: generations, writers and the cached searcher."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import threading
from array import array
from collections.abc import Callable, Iterable, Iterator

from whoosh import index
from whoosh.util.numeric import byte_to_length

from marketplace.matching import spelling
from marketplace.matching.search.types import FACETS, SearchDoc, SearchQuery, SearchResult
from marketplace.matching.search.whoosh import TEXT_FIELDS, document_fields, make_schema
from marketplace.matching.search.whoosh import query as whoosh_query
from marketplace.matching.search.whoosh.query import BM25_B, BM25_K1
from marketplace.matching.search.whoosh.segments import Segment, Snapshot, bits_from


class WhooshBackend:
    """The search seam on a Whoosh index directory (see the package docstring)."""

    def __init__(self, index_dir: str) -> None:
        self.index_dir = os.path.abspath(index_dir)
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._retired: Snapshot | None = None
        self._segments: dict[str, Segment] = {}
        self._queries = whoosh_query.QueryEngine()
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

    def _current(self) -> Snapshot:
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
            self._queries.clear()
            searcher = self._open(generation).searcher()
            # The snapshot before the previous one is closed now, not the previous one: a
            # search in another thread may still be using it.
            if self._retired is not None:
                self._retired.searcher.close()
            self._retired = snap
            self._snapshot = self._build_snapshot(searcher, generation)
            return self._snapshot

    def _build_snapshot(self, searcher, generation: str) -> Snapshot:  # noqa: ANN001
        reader = searcher.reader()
        leaves = list(reader.leaf_readers())
        size = reader.doc_count_all()
        seen: dict[str, Segment] = {}
        used: list[tuple[object, int, Segment]] = []
        live = 0
        ids, asks, times = array("q"), array("q"), array("q")
        values: dict[str, dict[str, int]] = {facet: {} for facet in FACETS}
        for leaf, offset in leaves:
            if leaf.doc_count_all() == 0:
                continue  # an empty index is an EmptyReader, which has no columns
            key = leaf.segment().segment_id() if leaf.segment() is not None else str(id(leaf))
            segment = self._segments.get(key) or Segment.read(leaf, key)
            seen[key] = segment
            used.append((leaf, offset, segment))
            segment_live = (1 << segment.size) - 1
            if leaf.has_deletions():
                segment_live &= ~bits_from(leaf.deleted_docs_set, segment.size)
            live |= segment_live << offset
            ids.extend(segment.ids)
            asks.extend(segment.asks)
            times.extend(segment.times)
            for facet, codes in segment.values.items():
                merged = values[facet]
                for code, bits in codes.items():
                    merged[code] = merged.get(code, 0) | (bits & segment_live) << offset
        self._segments = seen
        self._queries.keep_segments(seen)
        doc_count = reader.doc_count()
        norms = {}
        for fieldname in TEXT_FIELDS:
            average = (reader.field_length(fieldname) / doc_count) if doc_count else 1.0
            norms[fieldname] = [
                BM25_K1 * (1 - BM25_B + BM25_B * byte_to_length(b) / (average or 1.0))
                for b in range(256)
            ]
        return Snapshot(
            searcher, generation, size, live, ids, asks, times, values, used, norms, doc_count
        )

    def search(self, query: SearchQuery) -> SearchResult:
        """See :func:`marketplace.matching.search.search`."""
        return self._queries.search(self._current(), query)

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
            snap._lazy["vocabulary"] = spelling.vocabulary_of(words)
        return snap._lazy["vocabulary"]

    def ping(self) -> None:
        """See :func:`marketplace.matching.search.ping`: the current snapshot, which searches
        keep warm (opening it again only after the index changed)."""
        self._current()

    def indexed_ids(self) -> set[int]:
        """See :func:`marketplace.matching.search.indexed_ids`."""
        return set(self._current().id_to_docnum())

    # --- writing ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def _writing(self) -> Iterator:
        """The current generation's writer, without waiting for its lock (LockError if busy):
        committed when the block ends, cancelled when it raises (anything, even a
        KeyboardInterrupt), so a half-applied batch never lands."""
        writer = self._open().writer(timeout=0.0)
        try:
            yield writer
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    def index_documents(self, docs: Iterable[SearchDoc]) -> int:
        """See :func:`marketplace.matching.search.index_documents`; raises LockError if busy."""
        count = 0
        with self._writing() as writer:
            # An index built before a field was added takes the documents without it until
            # `flask search reindex` builds one with the current schema.
            known = set(writer.schema.names())
            for doc in docs:
                fields = document_fields(doc)
                writer.update_document(**{k: v for k, v in fields.items() if k in known})
                count += 1
        return count

    def remove_documents(self, ids: Iterable[int]) -> int:
        """See :func:`marketplace.matching.search.remove_documents`; raises LockError if busy."""
        count = 0
        with self._writing() as writer:
            for doc_id in ids:
                writer.delete_by_term("key", str(doc_id))
                count += 1
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
                    writer.add_document(**document_fields(doc))
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
            self._queries.clear()
