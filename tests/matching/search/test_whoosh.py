"""The Whoosh backend alone: its analyzer, files, locks and several workers on one index."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import time

import pytest
from whoosh import index as whoosh_index

from marketplace.matching import analysis, search
from marketplace.matching.search import whoosh
from marketplace.matching.search.types import SearchQuery
from marketplace.matching.search.whoosh.backend import WhooshBackend
from tests.matching.search.test_seam import doc


def test_the_whoosh_analyzer_gives_the_same_terms_as_analyze():
    text = "Kami memasarkan Kripik Tempé yang dipasarkan ke toko oleh-oleh sejak 2019."
    whoosh_terms = tuple(token.text for token in whoosh.whoosh_analyzer()(text))
    assert whoosh_terms == analysis.analyze(text)


def test_the_whoosh_analyzer_pickles_without_the_stemmer_dictionary():
    analysis.analyze("memasarkan")  # the stemmer is loaded and cached in this process
    assert len(pickle.dumps(whoosh.whoosh_analyzer())) < 2_000


def test_an_index_written_when_the_filter_lived_in_analysis_still_opens():
    # Indexes built before the move pickled the filter as marketplace.matching.analysis's.
    old_pickle = pickle.dumps(whoosh.IndonesianFilter(), protocol=2).replace(
        b"marketplace.matching.search.whoosh", b"marketplace.matching.analysis"
    )
    assert b"marketplace.matching.analysis" in old_pickle
    assert type(pickle.loads(old_pickle)) is whoosh.IndonesianFilter  # noqa: S301 - our bytes
    assert analysis.IndonesianFilter is whoosh.IndonesianFilter


def test_a_second_whoosh_writer_fails_at_once_instead_of_waiting(tmp_path):
    backend = WhooshBackend(str(tmp_path / "ix"))
    holder = backend._open().writer()  # the outbox indexer, mid-batch
    try:
        started = time.perf_counter()
        with pytest.raises(search.IndexLocked):
            backend.index_documents([doc(1, "Keripik")])
        with pytest.raises(search.IndexLocked):
            backend.rebuild([doc(1, "Keripik")])
        assert time.perf_counter() - started < 1.0
    finally:
        holder.cancel()
    backend.index_documents([doc(1, "Keripik")])  # the lock is free again
    assert backend.indexed_ids() == {1}
    backend.close()


def test_a_writer_in_another_process_is_refused_while_one_writes(tmp_path):
    index_dir = str(tmp_path / "ix")
    backend = WhooshBackend(index_dir)
    holder = backend._open().writer()
    code = (
        "import datetime as dt, sys\n"
        "from marketplace.matching.search import SearchDoc, IndexLocked\n"
        "from marketplace.matching.search.whoosh.backend import WhooshBackend\n"
        f"b = WhooshBackend({index_dir!r})\n"
        "try:\n"
        "    b.index_documents([SearchDoc(id=1, name='x', published_at=dt.datetime.now(dt.UTC))])\n"
        "except IndexLocked:\n"
        "    sys.exit(3)\n"
    )
    try:
        done = subprocess.run([sys.executable, "-c", code], cwd=os.getcwd(), timeout=60)
    finally:
        holder.cancel()
    backend.close()
    assert done.returncode == 3


def test_another_worker_sees_updates_and_rebuilds_without_restarting(tmp_path):
    writer_side = WhooshBackend(str(tmp_path / "ix"))
    reader_side = WhooshBackend(str(tmp_path / "ix"))
    assert reader_side.search(SearchQuery(text="keripik")).ids == []
    writer_side.index_documents([doc(1, "Keripik Tempe"), doc(2, "Kopi")])
    assert reader_side.search(SearchQuery(text="keripik")).ids == [1]
    writer_side.remove_documents([1])
    assert reader_side.search(SearchQuery(text="keripik")).ids == []
    writer_side.rebuild([doc(3, "Keripik Balado")])
    assert reader_side.search(SearchQuery(text="keripik")).ids == [3]
    assert reader_side.indexed_ids() == {3}
    writer_side.close()
    reader_side.close()


def test_rebuild_keeps_only_the_live_and_previous_generation(tmp_path):
    backend = WhooshBackend(str(tmp_path / "ix"))
    for _ in range(3):
        backend.rebuild([doc(1, "Keripik")])
    generations = sorted(n for n in os.listdir(tmp_path / "ix") if n.startswith("gen-"))
    assert generations == ["gen-000003", "gen-000004"]
    assert (tmp_path / "ix" / "CURRENT").read_text() == "gen-000004"
    backend.close()


def test_the_whoosh_table_of_contents_stays_small(tmp_path):
    # A filter holding the stemmer would pickle its 1.26 MB dictionary into the TOC.
    backend = WhooshBackend(str(tmp_path / "ix"))
    backend.index_documents([doc(1, "Keripik")])
    generation = (tmp_path / "ix" / "CURRENT").read_text()
    tocs = [p for p in (tmp_path / "ix" / generation).iterdir() if p.suffix == ".toc"]
    assert tocs and max(p.stat().st_size for p in tocs) < 20_000
    assert whoosh_index.exists_in(str(tmp_path / "ix" / generation))
    backend.close()
