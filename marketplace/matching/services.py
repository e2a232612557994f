"""The search page's query and matches both ways (investor → enterprises, enterprise → investors).

Indexing lives in `matching.search.indexing`, the match-card table in `matching.card_store`.
Reads only: nothing here writes.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from flask import current_app
from markupsafe import Markup
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import selectinload

from marketplace import regions
from marketplace.extensions import db
from marketplace.matching import (
    analysis,
    bulk_scoring,
    card_store,
    cards,
    decks,
    highlight,
    permissions,
    scoring,
    scoring_text,
    search,
    spelling,
)
from marketplace.matching.models import MatchCard
from marketplace.profiles.models import Enterprise, Mandate

FULL_ONLY_FACETS = ("documents", "impact_themes")


# --- the search page ---------------------------------------------------------------------------
@dataclass(frozen=True)
class SearchItem:
    enterprise: Enterprise
    snippet: Markup
    preview_page_id: int | None
    stage: str | None = None  # readiness stage, from the match card
    title: Markup = Markup("")  # the name, the words that matched in <mark>
    # What the words matched through the profile's codes (words.toml): "sector", "location"
    # and instrument codes, so the card marks that label.
    marked: frozenset[str] = frozenset()


@dataclass(frozen=True)
class WiderWords:
    text: str  # the words to search
    dropped: str | None  # the word left out, or None for "any of these words"
    total: int  # how many enterprises they find


@dataclass
class SearchPage:
    query: search.SearchQuery
    total: int
    items: list[SearchItem]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    full_filters: bool = False
    # The words searched instead of the typed ones when those found nothing (slips corrected).
    corrected: str | None = None
    # (facet, code) of filters the words name (words.toml [filter_words]), not yet selected.
    filter_hints: list[tuple[str, str]] = field(default_factory=list)
    # When the words found nothing: wider words that find something (any of them, or one
    # left out), under the same filters.
    wider: list[WiderWords] = field(default_factory=list)
    # When the words found something although one of them is unknown: the corrected words,
    # if they find something too ("keripik OR batk" → "keripik OR batik").
    did_you_mean: str | None = None

    @property
    def filtered(self) -> bool:
        """Whether any filter (not the words) narrows the search."""
        q = self.query
        lists = (q.sectors, q.province_codes, q.regency_codes, q.size_classes, q.stages)
        lists += (q.instruments, q.documents, q.impact_themes, q.programme_ids, q.cohort_ids)
        return any(lists) or q.ask_min is not None or q.ask_max is not None

    @property
    def pages(self) -> int:
        return max(math.ceil(self.total / self.query.per_page), 1)


# URL parameter -> SearchQuery field; several values of one parameter are OR-ed.
LIST_PARAMS = {
    "sector": "sectors",
    "province": "province_codes",
    "regency": "regency_codes",
    "size": "size_classes",
    "stage": "stages",
    "instrument": "instruments",
    "document": "documents",
    "theme": "impact_themes",
}
ID_PARAMS = {
    "programme": "programme_ids",
    "cohort": "cohort_ids",
    "priority": "priority_programme_ids",
}
MAX_QUERY_CHARS = 1000


def query_from_args(
    args, amounts: dict[str, int | None], *, page: int, per_page: int
) -> search.SearchQuery:
    """The search page's query from its URL parameters `args` (a MultiDict) and the ask range
    already read (`amounts`); unknown sorts fall back to relevance. No side effects."""
    values = {
        field: tuple(v for v in args.getlist(param) if v) for param, field in LIST_PARAMS.items()
    }
    values.update({field: parse_ids(args.getlist(param)) for param, field in ID_PARAMS.items()})
    # A kabupaten/kota outside the chosen provinces (left over after changing the province
    # without JavaScript) is dropped rather than matching nothing.
    if values["province_codes"]:
        values["regency_codes"] = tuple(
            code for code in values["regency_codes"] if code[:2] in values["province_codes"]
        )
    sort = args.get("sort", "relevance")
    return search.SearchQuery(
        # A pasted paragraph is searched by any of its words (analysis.LONG_QUERY_CLAUSES);
        # beyond this many characters the rest is left out, and the page says so.
        text=(args.get("q") or "")[:MAX_QUERY_CHARS],
        ask_min=amounts["ask_min"],
        ask_max=amounts["ask_max"],
        sort=sort if sort in search.SORTS else "relevance",
        page=page,
        per_page=per_page,
        with_facets=True,
        **values,
    )


def restrict_query(query: search.SearchQuery, *, full: bool) -> search.SearchQuery:
    """`query` without the filters on full-profile data when the viewer may not use them."""
    if full:
        return query
    from dataclasses import replace

    return replace(query, documents=(), impact_themes=(), programme_ids=(), cohort_ids=())


# A regency code no enterprise has: a priority filter over an empty list finds nothing.
NO_REGENCY = "00.00"


def resolve_priority_areas(query: search.SearchQuery) -> search.SearchQuery:
    """`query` with its priority-area filter turned into kabupaten/kota codes (intersected with
    any regency filter already there), so the backends need not know programmes. Reads only."""
    if not query.priority_programme_ids:
        return query
    from dataclasses import replace

    from marketplace.programmes import groups

    codes = groups.priority_regencies(tuple(query.priority_programme_ids))
    if query.regency_codes:
        codes = [code for code in codes if code in set(query.regency_codes)]
    return replace(query, regency_codes=tuple(codes) or (NO_REGENCY,), priority_programme_ids=())


def priority_programme_choices(viewer) -> list[tuple[int, str]]:
    """(id, name) of the programmes with priority kabupaten/kota that `viewer` may offer as a
    search filter, by name: a facilitator the programmes it manages; a verified investor or an
    admin every such programme (programme names are public on profiles); nobody else. Reads
    only."""
    from marketplace.programmes import permissions as programme_permissions
    from marketplace.programmes.models import PriorityArea, Programme

    if not getattr(viewer, "is_authenticated", False):
        return []
    facilitator = viewer.role == "facilitator"
    if not facilitator and not permissions.can_use_full_filters(viewer):
        return []
    if not facilitator:
        # Every search page of an investor asks: ids and names only, a statement built once.
        return [(id_, name) for id_, name in db.session.execute(_every_priority_programme())]
    query = (
        select(Programme)
        .where(Programme.id.in_(select(PriorityArea.programme_id)))
        .where(Programme.organisation_id == viewer.organisation_id)
        .order_by(Programme.name, Programme.id)
    )
    return [
        (programme.id, programme.name)
        for programme in db.session.scalars(query)
        if programme_permissions.can_manage_programme(viewer, programme)
    ]


@functools.cache
def _every_priority_programme() -> Select:
    """(id, name) of every programme with priority kabupaten/kota, by name."""
    from marketplace.programmes.models import PriorityArea, Programme

    return (
        select(Programme.id, Programme.name)
        .where(Programme.id.in_(select(PriorityArea.programme_id)))
        .order_by(Programme.name, Programme.id)
    )


def run_search(*, viewer, query: search.SearchQuery) -> SearchPage:
    """One page of search results for `viewer`, with snippets and first-page deck previews.

    Filters on full-profile data are dropped for viewers who may not see it, and so are their
    facet counts; results are re-checked against the database so a profile unpublished a moment
    ago never shows. Snippets quote the public fields (name, products, description), the
    public deck pages, and the whole deck only for viewers who may read it. Reads only.
    """
    from dataclasses import replace

    from marketplace.pitches import permissions as pitch_permissions

    full = permissions.can_use_full_filters(viewer)
    query = resolve_priority_areas(restrict_query(query, full=full))
    # The snippets quote what this viewer may read (below), not the index's texts. A chosen
    # facet counts its other values too (picking "food" still shows what "craft" would add),
    # in the same statement on PostgreSQL.
    query = replace(query, with_snippets=False, other_choices=True)
    result = search.search_forgiving(query)
    found: dict[int, Enterprise] = {}
    stages: dict[int, str | None] = {}
    if result.ids:
        # The page's enterprises with their photos and their readiness stage (match card).
        rows = db.session.execute(
            select(Enterprise, MatchCard.stage)
            .outerjoin(MatchCard, MatchCard.enterprise_id == Enterprise.id)
            .where(Enterprise.id.in_(result.ids), Enterprise.status == "published")
            .options(selectinload(Enterprise.photos))
        ).all()
        for enterprise, stage in rows:
            found[enterprise.id] = enterprise
            stages[enterprise.id] = stage
    terms = analysis.query_terms(analysis.parse_query(result.corrected or query.text))
    page_decks = decks.result_decks(found)
    previews, public_texts, full_texts = page_decks.previews, page_decks.public, page_decks.full
    items = []
    for enterprise_id in result.ids:
        enterprise = found.get(enterprise_id)
        if enterprise is None:
            continue
        sources = [enterprise.products, enterprise.description, enterprise.use_of_funds]
        deck_text = public_texts.get(enterprise_id)
        if full_texts.get(enterprise_id) and pitch_permissions.can_view_full_deck(
            viewer, enterprise
        ):
            deck_text = full_texts[enterprise_id]
        if deck_text:
            sources.append(deck_text)
        snippet = highlight.snippet(sources, terms)
        items.append(
            SearchItem(
                enterprise,
                snippet,
                previews.get(enterprise_id),
                stages.get(enterprise_id),
                title=highlight.mark(enterprise.name, terms),
                marked=keyword_matches(enterprise, terms),
            )
        )
    facets = {
        name: counts
        for name, counts in result.facets.items()
        if full or name not in FULL_ONLY_FACETS
    }
    return SearchPage(
        query=query,
        total=result.total,
        items=items,
        facets=facets,
        full_filters=full,
        corrected=result.corrected,
        filter_hints=filter_hints(query, full=full),
        wider=wider_words(query) if not result.total else [],
        did_you_mean=did_you_mean(query, result),
    )


# Wider words are offered for at most this many distinct words (a longer query already
# matches any of its words, analysis.LONG_QUERY_CLAUSES).
MAX_WIDER_WORDS = analysis.LONG_QUERY_CLAUSES


def _count(query: search.SearchQuery, text: str) -> int:
    from dataclasses import replace

    return search.search(replace(query, text=text, page=1, per_page=1, with_facets=False)).total


def wider_words(query: search.SearchQuery) -> list[WiderWords]:
    """For words that find nothing together ("keripik rotan"): "any of these words" and each
    word left out, those that find something under the same filters, any-of first, then the
    most found. Nothing for a single word or more than MAX_WIDER_WORDS distinct words. One
    search per offer; reads only."""
    words, excluded = analysis.typed_words(query.text)
    if not 2 <= len(words) <= MAX_WIDER_WORDS:
        return []
    offers = [(" OR ".join(words), None)]
    offers += [(" ".join(w for w in words if w != dropped), dropped) for dropped in words]
    found = []
    for text, dropped in offers:
        text = " ".join([text, *excluded])
        total = _count(query, text)
        if total:
            found.append(WiderWords(text, dropped, total))
    return sorted(found, key=lambda w: (w.dropped is not None, -w.total))


def did_you_mean(query: search.SearchQuery, result: search.SearchResult) -> str | None:
    """The words of `query` with each unknown word corrected, when the query found something
    all the same (a word OR-ed with an unknown one, "keripik OR batk") and the corrected words
    find something too. Only for queries with alternatives (an unknown word in plain words
    finds nothing, and search_forgiving corrects it) and not for a pasted paragraph. Reads
    only (the index vocabulary and one search)."""
    if not result.total or result.corrected or not query.text or analysis.is_long(query.text):
        return None
    if not any(len(clause) > 1 for clause in analysis.parse_query(query.text)):
        return None
    corrected = spelling.suggest(query.text, search.vocabulary())
    if corrected is None or not _count(query, corrected):
        return None
    return corrected


def keyword_matches(enterprise: Enterprise, terms: frozenset[str]) -> frozenset[str]:
    """Which of `enterprise`'s coded fields the query `terms` match through their words
    (search.keywords, words.toml): "sector", "location" and each matching instrument code,
    for the card to mark. No side effects."""
    from marketplace.matching.search import keywords

    if not terms:
        return frozenset()
    none = {"sector": None, "instruments": (), "province_code": None, "regency_code": None}
    found = set()
    if analysis.text_matches(keywords.keywords_for(**{**none, "sector": enterprise.sector}), terms):
        found.add("sector")
    places = {"province_code": enterprise.province_code, "regency_code": enterprise.regency_code}
    if analysis.text_matches(keywords.keywords_for(**{**none, **places}), terms):
        found.add("location")
    for code in enterprise.ask_instruments or ():
        if analysis.text_matches(keywords.keywords_for(**{**none, "instruments": (code,)}), terms):
            found.add(code)
    return frozenset(found)


_FACET_QUERY_FIELDS = {
    "documents": "documents",
    "impact_themes": "impact_themes",
    "instruments": "instruments",
}


def filter_hints(query: search.SearchQuery, *, full: bool) -> list[tuple[str, str]]:
    """The filters (facet, code) named by words of `query.text` that are not selected yet and
    that the viewer may use (`full`: documents and themes). Reads only the words file."""
    table = analysis.words_data()["filter_words"]
    hints: list[tuple[str, str]] = []
    for word in analysis.fold(query.text).split():
        if word not in table:
            continue
        facet, code = table[word].split()
        if facet in FULL_ONLY_FACETS and not full:
            continue
        if code in getattr(query, _FACET_QUERY_FIELDS[facet]) or (facet, code) in hints:
            continue
        hints.append((facet, code))
    return hints


# --- matching ------------------------------------------------------------------------------
@dataclass(frozen=True)
class EnterpriseMatch:
    enterprise: Enterprise
    result: scoring.MatchResult


@dataclass(frozen=True)
class InvestorMatch:
    mandate: Mandate
    result: scoring.MatchResult


def matches_for_mandate(*, mandate: Mandate, limit: int = 20) -> list[EnterpriseMatch]:
    """The best `limit` published enterprises for `mandate`, best first, each with reasons.

    Reads the match cards, never the profiles: by default the process's cached columns of
    every card (`card_store.card_columns`, rebuilt when the table changes), or with
    MATCH_COLUMNS_CACHE false the cards that pass the stage and ticket rules in SQL
    (`card_store.candidate_cards`). Then the
    hard rules, bulk scores and top `limit` of `bulk_scoring.rank_columns`, reasons only for those,
    and only those enterprises loaded for the page. A card whose profile is no longer
    published (its outbox row not applied yet) is skipped. Reads only (and the cache).
    """
    spec = cards.mandate_spec(mandate)
    if current_app.config["MATCH_COLUMNS_CACHE"]:
        columns = card_store.card_columns()
    else:
        columns = bulk_scoring.build_columns(card_store.candidate_cards(spec=spec))
    wanted = limit
    while True:
        ranked = bulk_scoring.rank_columns(spec, columns, limit=wanted)
        found = {
            e.id: e
            for e in db.session.scalars(
                _PUBLISHED_AMONG, {"ids": [r.enterprise_id for r in ranked]}
            )
        }
        kept = [
            EnterpriseMatch(found[r.enterprise_id], r) for r in ranked if r.enterprise_id in found
        ]
        if len(kept) >= limit or len(ranked) < wanted:
            return kept[:limit]
        wanted += limit + (len(ranked) - len(kept))  # rank further past the stale cards


def matches_for_enterprise(*, enterprise: Enterprise, limit: int = 20) -> list[InvestorMatch]:
    """The mandates of verified investor organisations that fit `enterprise`, best first.

    Each result carries its reasons and the readiness routes that investor offers
    (`result.routes`). Reads only.
    """
    from marketplace.accounts.models import Organisation

    mandates = db.session.scalars(
        select(Mandate)
        .join(Organisation, Organisation.id == Mandate.organisation_id)
        .where(Organisation.verified_at.is_not(None))
        .options(selectinload(Mandate.organisation))
    ).all()
    texts = decks.deck_texts(session=db.session(), enterprise_ids=[enterprise.id])
    card = cards.enterprise_card(enterprise, deck_text=texts.get(enterprise.id, ""))
    by_org = {m.organisation_id: m for m in mandates}
    ranked = scoring.rank_mandates(card, [cards.mandate_spec(m) for m in mandates], limit=limit)
    return [InvestorMatch(by_org[r.organisation_id], r) for r in ranked]


def mandate_of(organisation_id: int) -> Mandate | None:
    """The organisation's mandate, or None. Reads only."""
    return db.session.scalar(_MANDATE_OF, {"organisation_id": organisation_id})


# /matches runs these on every request: built once per process.
_MANDATE_OF = select(Mandate).where(Mandate.organisation_id == bindparam("organisation_id"))
_PUBLISHED_AMONG = select(Enterprise).where(
    Enterprise.id.in_(bindparam("ids", expanding=True)), Enterprise.status == "published"
)


def parse_ids(values: Sequence[str]) -> tuple[int, ...]:
    """Integers among `values` (URL parameters); anything else is ignored."""
    return tuple(int(v) for v in values if v.isdigit())


def reason_text(reason: scoring.Reason) -> str:
    """A match reason in the request's language, provinces by name rather than code.

    Names the province here instead of installing a process-wide namer in scoring_text, so
    rendering stays free of global state. No side effects.
    """
    if "province" in reason.params:
        name = regions.province_name(str(reason.params["province"])) or reason.params["province"]
        reason = scoring.Reason(reason.code, {**reason.params, "province": name}, reason.positive)
    return scoring_text.reason_text(reason)
