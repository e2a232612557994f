"""A plain, obviously-correct search over a list of documents: the oracle the backends' hand-built
query layers (bitsets, segment merges, SQL) are compared with. Slow on purpose: one loop per
question, no caching, written from the seam's docstring (marketplace/matching/search/)."""

from __future__ import annotations

from collections.abc import Iterable

from marketplace.matching import analysis
from marketplace.matching.search import SearchDoc, SearchQuery
from marketplace.matching.search.types import counted_facets

# Query attribute → (document attribute, every selected value must be held?)
FILTERS = {
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
    "enterprise_ids": ("id", False),
}


def _values(doc: SearchDoc, attribute: str) -> set:
    value = getattr(doc, attribute)
    if isinstance(value, str | int) or value is None:
        return set() if value is None else {value}
    return set(value)


def _terms(doc: SearchDoc) -> set[str]:
    return {
        term
        for text in (
            doc.name,
            doc.products,
            doc.description,
            doc.deck_text,
            doc.use_of_funds,
            doc.keywords,
        )
        for term in analysis.analyze(text)
    }


def matches(doc: SearchDoc, query: SearchQuery) -> bool:
    for attribute, (field, need_all) in FILTERS.items():
        wanted = set(getattr(query, attribute))
        if not wanted:
            continue
        held = _values(doc, field)
        if need_all and not wanted <= held:
            return False
        if not need_all and not wanted & held:
            return False
    if query.ask_min is not None or query.ask_max is not None:
        if doc.ask_amount is None:
            return False
        if query.ask_min is not None and doc.ask_amount < query.ask_min:
            return False
        if query.ask_max is not None and doc.ask_amount > query.ask_max:
            return False
    terms = _terms(doc)
    if set(analysis.excluded_terms(query.text)) & terms:
        return False
    return all(
        any(
            all(any(analysis.term_matches(term, held) for held in terms) for term in alternative)
            for alternative in clause
        )
        for clause in analysis.parse_query(query.text)
    )


def sort_key(doc: SearchDoc, sort: str) -> tuple:
    """Total orders (the id breaks every tie); relevance without words is newest."""
    if sort in ("newest", "relevance"):
        return (-doc.published_at.timestamp(), -doc.id)
    if sort == "ask_asc":
        return (doc.ask_amount is None, doc.ask_amount or 0, doc.id)
    return (doc.ask_amount is None, -(doc.ask_amount or 0), doc.id)


def is_total(query: SearchQuery) -> bool:
    """Whether the reference knows the order: every sort but relevance with words (a score)."""
    return query.sort != "relevance" or not analysis.parse_query(query.text)


def expected(docs: Iterable[SearchDoc], query: SearchQuery) -> tuple[list[int], dict]:
    """All matching ids (in the sort order when it is total, else by id) and the facet counts."""
    found = [doc for doc in docs if matches(doc, query)]
    if is_total(query):
        found.sort(key=lambda doc: sort_key(doc, query.sort))
    else:
        found.sort(key=lambda doc: doc.id)
    facets: dict[str, dict[str, int]] = {}
    for facet in counted_facets(query):
        counts: dict[str, int] = {}
        for doc in found:
            for code in _values(doc, facet):
                counts[str(code)] = counts.get(str(code), 0) + 1
        facets[facet] = counts
    return [doc.id for doc in found], facets
