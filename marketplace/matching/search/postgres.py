"""PostgreSQL full-text backend of the search seam.

One row per published enterprise in ``search_documents``: the filter facts as real columns and
arrays, and a ``tsvector`` column built by the upsert from pre-analyzed terms, with a GIN index;
its raw texts (for snippets) in ``search_texts``.
Every gunicorn worker on every machine then shares one index inside the database, and an
update is an ordinary upsert in the caller's transaction order (no lost updates, no file lock).

Why the terms are analyzed in Python: PostgreSQL's Snowball ``indonesian`` configuration has no
stop words and over-stems UMKM words (keripik → ripik), and a synonym or stemming dictionary
would need files on the database server. Instead the rows store the output of
:mod:`marketplace.matching.analysis` (already stemmed, folded, stop words removed) and the
tsvector is built from it with the plain ``simple`` configuration; queries go through the same
Python analyzer. Both backends therefore pass the same analyzer test cases.
"""

# SQL here is assembled only from this module's constants (table, column and condition
# strings); every user value is a bound parameter, so S608 does not apply.
# ruff: noqa: S608
from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from marketplace.matching import analysis, highlight, spelling
from marketplace.matching.search.types import (
    FACETS,
    SearchDoc,
    SearchQuery,
    SearchResult,
    counted_facets,
    other_choice_queries,
)

TABLE = "search_documents"
_DECK_SNIPPET_CHARS = 2000
_BATCH = 1000
VOCABULARY_TTL_S = 300

TEXTS = "search_texts"
# The tsvector of a row, from its pre-analyzed term columns (see the module docstring).
VECTOR_SQL = (
    "setweight(to_tsvector('simple'::regconfig, {name}), 'A') "
    "|| setweight(to_tsvector('simple'::regconfig, {products}), 'B') "
    "|| setweight(to_tsvector('simple'::regconfig, {body}), 'C')"
)
_ARRAYS = ("instruments", "documents", "impact_themes", "programme_ids", "cohort_ids")

# Two tables. `search_documents` holds only what a search reads for every match: the filter
# facts, the facet columns and the tsvector, so a row is a few hundred bytes and a broad query
# reads far fewer pages than when the raw texts and term columns sat in the same rows (at 100k
# the table with its indexes halved, 249 -> 122 MB; README, "Search backends"). The raw texts,
# read only for the 20 snippets of a page, live in `search_texts`.
_DDL = (
    f"""
    CREATE TABLE IF NOT EXISTS {TABLE} (
        id bigint PRIMARY KEY,
        sector text,
        province_code text,
        regency_code text,
        size_class text,
        stage text,
        instruments text[] NOT NULL DEFAULT '{{}}',
        ask_amount bigint,
        documents text[] NOT NULL DEFAULT '{{}}',
        impact_themes text[] NOT NULL DEFAULT '{{}}',
        programme_ids bigint[] NOT NULL DEFAULT '{{}}',
        cohort_ids bigint[] NOT NULL DEFAULT '{{}}',
        published_at timestamptz NOT NULL,
        search_vector tsvector NOT NULL
    )
    """,
    # The small arrays always stay in the row (a facet count unnests them for every match,
    # and a TOAST fetch per array and row tripled its time); the tsvector is compressed in
    # the row and moved out only as a last resort.
    *(f"ALTER TABLE {TABLE} ALTER COLUMN {column} SET STORAGE PLAIN" for column in _ARRAYS),
    f"ALTER TABLE {TABLE} ALTER COLUMN search_vector SET STORAGE MAIN",
    f"""
    CREATE TABLE IF NOT EXISTS {TEXTS} (
        id bigint PRIMARY KEY REFERENCES {TABLE} (id) ON DELETE CASCADE,
        name text NOT NULL,
        products text NOT NULL DEFAULT '',
        description text NOT NULL DEFAULT '',
        deck_text text NOT NULL DEFAULT ''
    )
    """,
    f"CREATE INDEX IF NOT EXISTS ix_{TABLE}_search_vector ON {TABLE} USING gin (search_vector)",
    f"CREATE INDEX IF NOT EXISTS ix_{TABLE}_published_at ON {TABLE} (published_at)",
    f"CREATE INDEX IF NOT EXISTS ix_{TABLE}_ask_amount ON {TABLE} (ask_amount)",
    f"CREATE INDEX IF NOT EXISTS ix_{TABLE}_sector ON {TABLE} (sector)",
    f"CREATE INDEX IF NOT EXISTS ix_{TABLE}_province_code ON {TABLE} (province_code)",
    f"CREATE INDEX IF NOT EXISTS ix_{TABLE}_documents ON {TABLE} USING gin (documents)",
    f"CREATE INDEX IF NOT EXISTS ix_{TABLE}_instruments ON {TABLE} USING gin (instruments)",
)

_COLUMNS = (
    "id sector province_code regency_code size_class stage instruments ask_amount documents "
    "impact_themes programme_ids cohort_ids published_at"
).split()
_TEXT_COLUMNS = "id name products description deck_text".split()
_UPSERT = text(
    f"INSERT INTO {TABLE} ({', '.join(_COLUMNS)}, search_vector) "
    f"VALUES ({', '.join(':' + c for c in _COLUMNS)}, "
    + VECTOR_SQL.format(name=":name_terms", products=":products_terms", body=":body_terms")
    + ") ON CONFLICT (id) DO UPDATE SET "
    + ", ".join(f"{c} = EXCLUDED.{c}" for c in [*_COLUMNS, "search_vector"] if c != "id")
)
_UPSERT_TEXTS = text(
    f"INSERT INTO {TEXTS} ({', '.join(_TEXT_COLUMNS)}) "
    f"VALUES ({', '.join(':' + c for c in _TEXT_COLUMNS)}) "
    f"ON CONFLICT (id) DO UPDATE SET "
    + ", ".join(f"{c} = EXCLUDED.{c}" for c in _TEXT_COLUMNS if c != "id")
)


def _upsert(conn: Connection, rows: list[dict[str, Any]]) -> None:
    conn.execute(_UPSERT, rows)
    conn.execute(_UPSERT_TEXTS, rows)


# Query attribute → SQL condition (values bound as :<attribute>).
_FILTER_SQL = {
    "sectors": "sector = ANY(:sectors)",
    "province_codes": "province_code = ANY(:province_codes)",
    "regency_codes": "regency_code = ANY(:regency_codes)",
    "size_classes": "size_class = ANY(:size_classes)",
    "stages": "stage = ANY(:stages)",
    "instruments": "instruments && CAST(:instruments AS text[])",
    "documents": "documents @> CAST(:documents AS text[])",
    "impact_themes": "impact_themes @> CAST(:impact_themes AS text[])",
    "programme_ids": "programme_ids && CAST(:programme_ids AS bigint[])",
    "cohort_ids": "cohort_ids && CAST(:cohort_ids AS bigint[])",
    "enterprise_ids": "id = ANY(:enterprise_ids)",
}
_SORT_KEYS = {
    "newest": "published_at",
    "ask_asc": "ask_amount",
    "ask_desc": "ask_amount",
    "relevance": "ts_rank(search_vector, to_tsquery('simple', :tsquery)) AS rank",
}
# Relevance when the query has exact word forms (analysis.exact_forms): a profile holding them
# ranks above one that only shares their stems.
_EXACT_RANK = (
    "ts_rank(search_vector, to_tsquery('simple', :tsquery)) "
    "+ ts_rank(search_vector, to_tsquery('simple', :exact)) AS rank"
)
_ORDER_SQL = {
    "newest": "published_at DESC, id DESC",
    "ask_asc": "ask_amount ASC NULLS LAST, id ASC",
    "ask_desc": "ask_amount DESC NULLS LAST, id ASC",
    "relevance": "rank DESC, id ASC",
}
_SCALAR_FACETS = ("sector", "province_code", "regency_code", "size_class", "stage")


def create_pg_schema(conn: Connection) -> None:
    """Create the ``search_documents`` and ``search_texts`` tables and their indexes if missing
    (the migrations call it).

    Side effect: DDL on `conn` (in its transaction). Needs PostgreSQL ≥ 12 (generated columns).
    """
    for statement in _DDL:
        conn.execute(text(statement))


def drop_pg_schema(conn: Connection) -> None:
    """Drop the ``search_texts`` and ``search_documents`` tables (the migration's downgrade)."""
    conn.execute(text(f"DROP TABLE IF EXISTS {TEXTS}"))
    conn.execute(text(f"DROP TABLE IF EXISTS {TABLE}"))


def tsquery_of(clauses: Sequence[analysis.Clause]) -> str:
    """The ``to_tsquery`` text for parsed clauses: ``(a | (b & c)) & d``.

    Safe to bind: analyzed terms are ``[a-z0-9]+`` only; a prefix term ``kerip*`` becomes
    ``kerip:*``.
    """
    return " & ".join(
        "(" + " | ".join("(" + " & ".join(map(_tsterm, alt)) + ")" for alt in clause) + ")"
        for clause in clauses
    )


def _tsterm(term: str) -> str:
    if term.endswith(analysis.PREFIX_MARK):
        return term[: -len(analysis.PREFIX_MARK)] + ":*"
    return term


def _row(doc: SearchDoc) -> dict[str, Any]:
    published = doc.published_at
    if published.tzinfo is None:
        published = published.replace(tzinfo=dt.UTC)
    return {
        "id": doc.id,
        "name": doc.name,
        "products": doc.products or "",
        "description": doc.description or "",
        "deck_text": doc.deck_text or "",
        "sector": doc.sector,
        "province_code": doc.province_code,
        "regency_code": doc.regency_code,
        "size_class": doc.size_class,
        "stage": doc.stage,
        # Sorted and de-duplicated so a repeated code never counts twice in a facet.
        "instruments": sorted(set(doc.instruments)),
        "ask_amount": doc.ask_amount,
        "documents": sorted(set(doc.documents)),
        "impact_themes": sorted(set(doc.impact_themes)),
        "programme_ids": sorted(set(doc.programme_ids)),
        "cohort_ids": sorted(set(doc.cohort_ids)),
        "published_at": published,
        "name_terms": _terms(doc.name),
        "products_terms": _terms(doc.products),
        "body_terms": _terms(doc.description, doc.deck_text, doc.use_of_funds, doc.keywords),
    }


def _terms(*texts: str | None) -> str:
    """The stems of `texts`, then their exact word forms (which only add to the rank)."""
    stems = analysis.analyzed_text(*texts)
    exact = " ".join(term for text in texts for term in analysis.exact_forms(text))
    return f"{stems} {exact}" if exact else stems


def _where(query: SearchQuery, clauses: Sequence[analysis.Clause]) -> tuple[str, dict[str, Any]]:
    conditions = []
    params: dict[str, Any] = {}
    for attribute, sql in _FILTER_SQL.items():
        values = list(getattr(query, attribute))
        if values:
            conditions.append(sql)
            params[attribute] = values
    if query.ask_min is not None:
        conditions.append("ask_amount >= :ask_min")
        params["ask_min"] = query.ask_min
    if query.ask_max is not None:
        conditions.append("ask_amount <= :ask_max")
        params["ask_max"] = query.ask_max
    if clauses:
        conditions.append("search_vector @@ to_tsquery('simple', :tsquery)")
        params["tsquery"] = tsquery_of(clauses)
    for number, terms in enumerate(analysis.phrases(query.text)):
        # Positions: the tsvector keeps each term's place, so <-> means "next to".
        conditions.append(f"search_vector @@ to_tsquery('simple', :phrase{number})")
        params[f"phrase{number}"] = " <-> ".join(terms)
    excluded = analysis.excluded_terms(query.text)
    if excluded:
        conditions.append("NOT (search_vector @@ to_tsquery('simple', :excluded))")
        params["excluded"] = " | ".join(excluded)
    return (" AND ".join(conditions) or "TRUE"), params


def _sort_key(sort: str, params: dict[str, Any], text: str) -> str:
    """The sort key's SELECT expression; binds :exact in `params` when relevance needs it."""
    if sort == "relevance":
        exact = analysis.exact_forms(text)
        if exact:
            params["exact"] = " | ".join(dict.fromkeys(exact))
            return _EXACT_RANK
    return _SORT_KEYS[sort]


def _facet_sql(
    where: str, sort: str, key: str, facets: Sequence[str], others: dict[str, str] | None = None
) -> str:
    """One statement for page, total and facet counts, so the words are matched only once.

    `others`: facet → the WHERE of the query without that facet's filter
    (`SearchQuery.other_choices`); such a facet is counted over those rows, not the matches.
    Rows: ``('', NULL, total, page ids in order)`` then ``(facet, code, count, NULL)``.
    """
    others = others or {}

    def count(facet: str) -> str:
        source, condition = ("m", "TRUE") if facet not in others else (TABLE, others[facet])
        if facet in _SCALAR_FACETS:
            return (
                f"SELECT '{facet}', {facet}, count(*), NULL FROM {source} "
                f"WHERE {facet} IS NOT NULL AND {condition} GROUP BY {facet}"
            )
        return (
            f"SELECT '{facet}', code, count(*), NULL FROM {source}, unnest({source}.{facet}) "
            f"AS code WHERE {condition} GROUP BY code"
        )

    parts = [count(f) for f in facets if f in _SCALAR_FACETS] + [
        count(f) for f in facets if f not in _SCALAR_FACETS
    ]
    key_column = "rank" if sort == "relevance" else key
    page = (
        f"SELECT '' AS facet, NULL::text AS code, (SELECT count(*) FROM m) AS n, "
        f"(SELECT array_agg(id ORDER BY {_ORDER_SQL[sort]}) FROM (SELECT id, {key_column} "
        f"FROM m ORDER BY {_ORDER_SQL[sort]} LIMIT :limit OFFSET :offset) AS p) AS ids"
    )
    return (
        f"WITH m AS MATERIALIZED (SELECT id, {key}, {', '.join(FACETS)} FROM {TABLE} "
        f"WHERE {where}) " + " UNION ALL ".join([page, *parts])
    )


def _other_choices(
    query: SearchQuery, clauses: Sequence[analysis.Clause], params: dict[str, Any]
) -> tuple[dict[str, str], list[str]]:
    """For `query.other_choices`: the facets counted over a wider WHERE (facet → its SQL, its
    parameters added to `params`), and the chosen facets that the wider query does not count
    (kabupaten/kota without a province), whose counts are empty."""
    others: dict[str, str] = {}
    empty: list[str] = []
    for facet, wider in other_choice_queries(query).items():
        if facet not in counted_facets(wider):
            empty.append(facet)
            continue
        others[facet], wider_params = _where(wider, clauses)
        params.update(wider_params)  # the same names bind the same values (a subset)
    return others, empty


class PostgresBackend:
    """The search seam on a PostgreSQL table (see the module docstring)."""

    def __init__(
        self, engine: Engine, connection: Callable[[], Connection | None] | None = None
    ) -> None:
        """`connection`, when given, returns the caller's connection for reads (a request's
        own, in its transaction) or None; searches then run on it instead of checking out a
        second pooled connection, which costs a pre-ping, a BEGIN and a COMMIT per search
        (three to five searches a search page). Writes always use their own transaction."""
        self.engine = engine
        self._connection = connection
        self._vocabulary: tuple[float, frozenset[str]] | None = None

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        """A connection inside a transaction for a search: the caller's (left open: its
        transaction, and a SET LOCAL in it, end with the caller's), else one of our own."""
        conn = self._connection() if self._connection is not None else None
        if conn is not None:
            yield conn
            return
        with self.engine.connect() as own, own.begin():
            yield own

    def index_documents(self, docs: Iterable[SearchDoc]) -> int:
        """Upsert `docs` in one transaction; returns how many."""
        rows = [_row(doc) for doc in docs]
        if rows:
            with self.engine.begin() as conn:
                _upsert(conn, rows)
        return len(rows)

    def remove_documents(self, ids: Iterable[int]) -> int:
        """Delete the rows of `ids` in one transaction; returns how many were asked."""
        wanted = [int(i) for i in ids]
        if wanted:
            with self.engine.begin() as conn:
                conn.execute(text(f"DELETE FROM {TEXTS} WHERE id = ANY(:ids)"), {"ids": wanted})
                conn.execute(text(f"DELETE FROM {TABLE} WHERE id = ANY(:ids)"), {"ids": wanted})
        return len(wanted)

    def rebuild(
        self, docs: Iterable[SearchDoc], progress: Callable[[int], None] | None = None
    ) -> int:
        """Replace every row with `docs` in one transaction (readers see old or new rows)."""
        count = 0
        with self.engine.begin() as conn:
            # DELETE, not TRUNCATE: TRUNCATE would block every search until the commit.
            conn.execute(text(f"DELETE FROM {TEXTS}"))
            conn.execute(text(f"DELETE FROM {TABLE}"))
            batch: list[dict[str, Any]] = []
            for doc in docs:
                batch.append(_row(doc))
                if len(batch) == _BATCH:
                    _upsert(conn, batch)
                    count += len(batch)
                    batch = []
                    if progress is not None:
                        progress(count)
            if batch:
                _upsert(conn, batch)
                count += len(batch)
        if progress is not None:
            progress(count)
        return count

    def vocabulary(self) -> frozenset[str]:
        """See :func:`marketplace.matching.search.vocabulary`: every lexeme of the table,
        read at most every VOCABULARY_TTL_S seconds per process (ts_stat reads every row)."""
        now = time.monotonic()
        if self._vocabulary is None or now - self._vocabulary[0] > VOCABULARY_TTL_S:
            sql = f"SELECT word FROM ts_stat('SELECT search_vector FROM {TABLE}')"
            with self.engine.connect() as conn:
                words = conn.execute(text(sql)).scalars().all()
            self._vocabulary = (now, spelling.vocabulary_of(words))
        return self._vocabulary[1]

    def ping(self) -> None:
        """See :func:`marketplace.matching.search.ping`: one row at most, no count."""
        with self.engine.connect() as conn:
            conn.execute(text(f"SELECT 1 FROM {TABLE} LIMIT 1")).all()

    def indexed_ids(self) -> set[int]:
        """The ids of every row."""
        with self.engine.connect() as conn:
            return set(conn.execute(text(f"SELECT id FROM {TABLE}")).scalars())

    def search(self, query: SearchQuery) -> SearchResult:
        """See :func:`marketplace.matching.search.search`. Read-only."""
        clauses = analysis.parse_query(query.text)
        where, params = _where(query, clauses)
        sort = query.sort if (query.sort != "relevance" or clauses) else "newest"
        key = _sort_key(sort, params, query.text)
        # The window count runs over (id, sort key) only; OFFSET 0 stops the planner from
        # flattening the subquery, which made it buffer every matching tsvector and spill
        # to disk on broad queries (measured: 2-3x slower at 100k).
        page_sql = (
            f"SELECT id, count(*) OVER () FROM (SELECT id, {key} FROM {TABLE} "
            f"WHERE {where} OFFSET 0) AS matches "
            f"ORDER BY {_ORDER_SQL[sort]} LIMIT :limit OFFSET :offset"
        )
        facets: dict[str, dict[str, int]] = {}
        snippets: dict[int, str] = {}
        paging = {"limit": query.per_page, "offset": query.offset}
        with self._reading() as conn:
            if query.with_facets:
                # The matches of a broad query (tens of thousands of rows with their facet
                # columns) must fit in memory, or the CTE spills to disk.
                conn.execute(text("SET LOCAL work_mem = '32MB'"))
                counted = counted_facets(query)
                facets = {facet: {} for facet in counted}
                others, empty = (
                    _other_choices(query, clauses, params) if query.other_choices else ({}, [])
                )
                facets.update({facet: {} for facet in empty})
                sql = _facet_sql(where, sort, key, counted, others)
                rows = conn.execute(text(sql), {**params, **paging}).all()
                _, _, total, page_ids = rows[0]
                ids = list(page_ids or [])
                for facet, code, n, _ in rows[1:]:
                    facets[facet][code] = n
            else:
                rows = conn.execute(text(page_sql), {**params, **paging}).all()
                ids = [row[0] for row in rows]
                if rows:
                    total = rows[0][1]
                else:
                    count_sql = f"SELECT count(*) FROM {TABLE} WHERE {where}"
                    total = conn.execute(text(count_sql), params).scalar_one()
            if ids and query.with_snippets:
                terms = analysis.query_terms(clauses)
                snippet_sql = (
                    f"SELECT id, description, products, left(deck_text, {_DECK_SNIPPET_CHARS}) "
                    f"FROM {TEXTS} WHERE id = ANY(:ids)"
                )
                for row in conn.execute(text(snippet_sql), {"ids": ids}):
                    snippets[row[0]] = highlight.snippet(row[1:], terms)
        return SearchResult(ids=ids, total=total, facets=facets, snippets=snippets)

    def close(self) -> None:
        """Nothing to release: the engine belongs to the caller."""
