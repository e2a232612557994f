"""What goes into the search index and what comes out: the seam's types, shared by every backend."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

SORTS = ("relevance", "newest", "ask_asc", "ask_desc")
FACETS = (
    "sector",
    "province_code",
    # Counted only when the query chooses a province (REGENCY_FACET_NEEDS).
    "regency_code",
    "size_class",
    "stage",
    "instruments",
    "documents",
    "impact_themes",
)
MAX_PER_PAGE = 100
# The kabupaten/kota facet is counted only when the query chooses a province (the page shows
# that province's kabupaten/kota): some 500 codes would otherwise be counted on every search.
REGENCY_FACET = "regency_code"


# Multi-select facet → the query field that filters on it, for `SearchQuery.other_choices`.
# Documents and impact themes are "must hold all": their counts narrow, as they are.
OTHER_CHOICE_FIELDS = {
    "sector": "sectors",
    "province_code": "province_codes",
    "regency_code": "regency_codes",
    "size_class": "size_classes",
    "stage": "stages",
    "instruments": "instruments",
}


def other_choice_queries(query: SearchQuery) -> dict[str, SearchQuery]:
    """For `query.other_choices`: each multi-select facet with values chosen → the query that
    counts its other values (the same query without that facet's filter; only its facet counts
    are read, so sorted by date, one hit, nothing ranked). What a backend runs, in one
    statement or one search each."""
    from dataclasses import replace

    return {
        facet: replace(
            query,
            sort="newest",
            page=1,
            per_page=1,
            with_facets=True,
            with_snippets=False,
            other_choices=False,
            **{attribute: ()},
        )
        for facet, attribute in OTHER_CHOICE_FIELDS.items()
        if getattr(query, attribute)
    }


def counted_facets(query: SearchQuery) -> tuple[str, ...]:
    """The facets a search counts for `query` (every one but kabupaten/kota without a province)."""
    if query.province_codes:
        return FACETS
    return tuple(f for f in FACETS if f != REGENCY_FACET)


@dataclass(frozen=True, slots=True)
class SearchDoc:
    """Everything the index knows about one published enterprise (flat, codes not labels)."""

    id: int
    name: str
    published_at: dt.datetime
    products: str = ""
    description: str = ""
    deck_text: str = ""
    use_of_funds: str = ""
    # The words of the codes below (sector, instruments, places): see search/keywords.py.
    keywords: str = ""
    sector: str | None = None
    province_code: str | None = None
    regency_code: str | None = None
    size_class: str | None = None
    stage: str | None = None
    instruments: Sequence[str] = ()
    ask_amount: int | None = None
    documents: Sequence[str] = ()
    # Only the themes the enterprise consented to show: the caller decides.
    impact_themes: Sequence[str] = ()
    programme_ids: Sequence[int] = ()
    cohort_ids: Sequence[int] = ()


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """What a user asked for. Empty sequences mean "no filter on this facet"."""

    text: str = ""
    sectors: Sequence[str] = ()
    province_codes: Sequence[str] = ()
    regency_codes: Sequence[str] = ()
    size_classes: Sequence[str] = ()
    stages: Sequence[str] = ()
    instruments: Sequence[str] = ()
    documents: Sequence[str] = ()
    impact_themes: Sequence[str] = ()
    programme_ids: Sequence[int] = ()
    cohort_ids: Sequence[int] = ()
    # Keep enterprises in these programmes' priority kabupaten/kota (issue 14). Resolved into
    # `regency_codes` before a backend sees the query (matching.services.resolve_priority_areas).
    priority_programme_ids: Sequence[int] = ()
    # Only these enterprises (a saved search run against one newly published profile).
    enterprise_ids: Sequence[int] = ()
    ask_min: int | None = None
    ask_max: int | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    with_facets: bool = False
    # With facets: a multi-select facet with values chosen is counted as if none of its own
    # were chosen (every other filter applied), so picking "food" still shows how many "craft"
    # would add (OTHER_CHOICE_FIELDS; other_choice_queries).
    other_choices: bool = False
    # Snippets of the page's hits (SearchResult.snippets); a caller that quotes the profiles
    # itself (the search page) turns them off and saves their read.
    with_snippets: bool = True

    def __post_init__(self) -> None:
        if self.sort not in SORTS:
            raise ValueError(f"unknown sort {self.sort!r}; expected one of {SORTS}")
        if self.page < 1 or not 1 <= self.per_page <= MAX_PER_PAGE:
            raise ValueError("page must be ≥ 1 and per_page between 1 and 100")

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


@dataclass(slots=True)
class SearchResult:
    """One page of hits: ids in order, the total, facet counts and HTML-safe snippets."""

    ids: list[int]
    total: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    snippets: dict[int, str] = field(default_factory=dict)
    # The words searched instead of the typed ones (slips corrected), by search_forgiving.
    corrected: str | None = None


class Backend(Protocol):
    def index_documents(self, docs: Iterable[SearchDoc]) -> int: ...
    def remove_documents(self, ids: Iterable[int]) -> int: ...
    def search(self, query: SearchQuery) -> SearchResult: ...
    def rebuild(
        self, docs: Iterable[SearchDoc], progress: Callable[[int], None] | None = None
    ) -> int: ...
    def indexed_ids(self) -> set[int]: ...
    def ping(self) -> None: ...
    def vocabulary(self) -> frozenset[str]: ...
    def close(self) -> None: ...
