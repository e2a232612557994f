"""The search seam: index published enterprises, search them by words, filters and facets.

Callers use only the module-level functions below; they return enterprise ids, never objects.
Two backends sit behind the seam, chosen by ``SEARCH_BACKEND``; unset, it follows the database
URL (``postgres`` on PostgreSQL, ``whoosh`` otherwise; ``marketplace.config.search_backend_for``):

* ``whoosh`` (the default on SQLite): an index directory on local disk (see :mod:`.whoosh`).
  Only one process may write it at a time; a second writer raises :class:`IndexLocked` at once
  instead of waiting, so the single outbox indexer is the only writer.
* ``postgres`` (the default on PostgreSQL): a ``search_documents`` table with a
  ``tsvector`` column and a GIN index (see :mod:`.postgres`), shared by every worker on every
  machine.

Both analyze text with :mod:`marketplace.matching.analysis`, so a query finds the same
enterprises on either backend.

Filters: values inside one facet are OR-ed, facets are AND-ed, except ``documents`` and
``impact_themes`` where an enterprise must hold ALL the selected values. ``ask_min``/``ask_max``
are inclusive and exclude enterprises without an ask. Facet counts cover the whole filtered
match set (not just the page), with the selected filters applied, and list non-zero codes only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from marketplace.matching.search.types import (
    FACETS,
    MAX_PER_PAGE,
    SORTS,
    Backend,
    SearchDoc,
    SearchQuery,
    SearchResult,
)

if TYPE_CHECKING:
    from flask import Flask
    from sqlalchemy.engine import Connection, Engine

__all__ = [
    "FACETS",
    "MAX_PER_PAGE",
    "SORTS",
    "Backend",
    "IndexLocked",
    "SearchDoc",
    "SearchQuery",
    "SearchResult",
    "configure",
    "current_backend",
    "index_documents",
    "indexed_ids",
    "init_search",
    "make_backend",
    "ping",
    "rebuild",
    "remove_documents",
    "search",
    "search_forgiving",
    "vocabulary",
]


def __getattr__(name: str) -> type[Exception]:
    # IndexLocked is Whoosh's LockError, looked up on first use so that the seam imports no
    # Whoosh module when the PostgreSQL backend is chosen (it never raises it).
    if name == "IndexLocked":
        from whoosh.index import LockError

        return LockError
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_default_backend: Backend | None = None
_EXTENSION_KEY = "temumodal.search"


def make_backend(
    *,
    backend: str = "whoosh",
    index_dir: str | None = None,
    engine: Engine | None = None,
    connection: Callable[[], Connection | None] | None = None,
) -> Backend:
    """A new backend object; opens (or creates) the Whoosh index directory if `backend` is whoosh.
    `connection` (postgres only): the caller's connection for searches, see PostgresBackend.

    Raises ValueError for an unknown backend or a missing `index_dir`/`engine`.
    """
    if backend == "whoosh":
        if not index_dir:
            raise ValueError("the whoosh search backend needs index_dir")
        from marketplace.matching.search.whoosh.backend import WhooshBackend

        return WhooshBackend(index_dir)
    if backend == "postgres":
        if engine is None:
            raise ValueError("the postgres search backend needs an engine")
        from marketplace.matching.search.postgres import PostgresBackend

        return PostgresBackend(engine, connection)
    raise ValueError(f"unknown search backend {backend!r}")


def configure(
    *, backend: str = "whoosh", index_dir: str | None = None, engine: Engine | None = None
) -> Backend:
    """Set the process-wide backend used outside an app context (CLI scripts, bench, tests).

    Closes the previously configured backend. Raises like :func:`make_backend`.
    """
    global _default_backend
    if _default_backend is not None:
        _default_backend.close()
    _default_backend = make_backend(backend=backend, index_dir=index_dir, engine=engine)
    return _default_backend


def init_search(app: Flask) -> None:
    """Attach the backend named by ``SEARCH_BACKEND`` to `app` (call after ``db.init_app``).

    When ``SEARCH_BACKEND`` is not set it follows the database URL
    (:func:`marketplace.config.search_backend_for`): ``postgres`` on PostgreSQL, else
    ``whoosh`` with ``SEARCH_INDEX_DIR`` (default ``<instance>/search-index``).
    """
    import os

    from marketplace.config import search_backend_for

    if not app.config.get("SEARCH_BACKEND"):
        app.config["SEARCH_BACKEND"] = search_backend_for(app.config.get("SQLALCHEMY_DATABASE_URI"))
    name = app.config["SEARCH_BACKEND"]
    index_dir = app.config.setdefault(
        "SEARCH_INDEX_DIR", os.path.join(app.instance_path, "search-index")
    )
    engine = None
    connection = None
    if name == "postgres":
        from flask import has_app_context

        from marketplace.extensions import db

        with app.app_context():
            engine = db.engine

        def connection() -> Connection | None:
            # Searches read in the request's (or command's) own transaction.
            return db.session.connection() if has_app_context() else None

    app.extensions[_EXTENSION_KEY] = make_backend(
        backend=name, index_dir=index_dir, engine=engine, connection=connection
    )


def current_backend() -> Backend:
    """The app's backend inside an app context, else the configured one.

    Raises RuntimeError when neither :func:`init_search` nor :func:`configure` ran.
    """
    from flask import current_app, has_app_context

    if has_app_context() and _EXTENSION_KEY in current_app.extensions:
        return current_app.extensions[_EXTENSION_KEY]
    if _default_backend is None:
        raise RuntimeError("search is not configured: call init_search(app) or configure()")
    return _default_backend


def index_documents(docs: Iterable[SearchDoc]) -> int:
    """Add or replace `docs` (a batch) in the index, committed together; returns how many.

    Raises :class:`IndexLocked` (Whoosh) when another process is writing.
    """
    return current_backend().index_documents(docs)


def remove_documents(ids: Iterable[int]) -> int:
    """Remove the enterprises `ids` (unknown ids are ignored); returns how many were asked.

    Raises :class:`IndexLocked` (Whoosh) when another process is writing.
    """
    return current_backend().remove_documents(ids)


def search(query: SearchQuery) -> SearchResult:
    """One page of enterprise ids matching `query`, with total, facets and snippets.

    Read-only. Relevance without words sorts by newest.
    """
    return current_backend().search(query)


def search_forgiving(query: SearchQuery) -> SearchResult:
    """:func:`search`, and when it finds nothing, the same query with each word the index does
    not know replaced by the closest word it does (one or two letters off, the first letter
    only when nothing else is close: :func:`spelling.suggest`), if that finds something: then
    ``result.corrected`` holds the words searched. What the page and the relevance bench use;
    read-only."""
    from dataclasses import replace

    from marketplace.matching import spelling

    result = search(query)
    if result.total or not query.text:
        return result
    corrected = spelling.suggest(query.text, vocabulary())
    if corrected is None:
        return result
    fixed = search(replace(query, text=corrected))
    if not fixed.total:
        return result
    fixed.corrected = corrected
    return fixed


def rebuild(docs: Iterable[SearchDoc], progress: Callable[[int], None] | None = None) -> int:
    """Replace the whole index with `docs`; `progress(n)` is called as documents go in.

    Whoosh builds into a new directory and swaps it in atomically, so searches keep working
    meanwhile; PostgreSQL replaces the rows in one transaction. Returns the number indexed.
    Raises :class:`IndexLocked` (Whoosh) when another process is writing.
    """
    return current_backend().rebuild(docs, progress)


def vocabulary() -> frozenset[str]:
    """Every word form the index holds (stems and exact forms, prefix stripped): what a typo
    is corrected to. Read-only; may be a few minutes old on PostgreSQL."""
    return current_backend().vocabulary()


def ping() -> None:
    """Raise when the index cannot be read; cheap enough for every `/healthz` call (it opens
    the index or reads one row, and counts nothing)."""
    current_backend().ping()


def indexed_ids() -> set[int]:
    """The ids of every enterprise in the index (to compare with the published ones)."""
    return current_backend().indexed_ids()
