"""Search indexing through the outbox, the search page's query, and matches both ways.

Indexing. Whenever a profile changes, `profiles.enterprises` enqueues the job
"search.sync_enterprise". Before that transaction commits, a listener here turns each such job
into a `SearchOutbox` row IN THE SAME TRANSACTION, so a change can never be committed without
its index change being recorded (several gunicorn workers, a crash between commit and indexing).
After the commit the job applies the outbox (config SEARCH_INDEXER "inline", the default) or
leaves it to `flask search apply-outbox` on a worker ("worker"). `apply_outbox` holds the
indexer lock (a file lock beside the Whoosh index, a PostgreSQL advisory lock for the postgres
backend), so only one indexer writes at a time, and deletes outbox rows only after the index
has committed them: a crash means a row is applied twice, never lost. Each row is applied from
the database as it is then: a published profile is (re)indexed, anything else removed.

Services flush, never commit (apart from the indexer, which runs after commits in its own
session); they take keyword-only arguments and raise `marketplace.errors` domain errors.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import gc
import logging
import math
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from markupsafe import Markup
from sqlalchemy import delete, event, func, insert, or_, select, text
from sqlalchemy.orm import Session, selectinload

from marketplace import regions, tasks, vocab
from marketplace.extensions import db
from marketplace.matching import analysis, cards, permissions, scoring, scoring_text, search
from marketplace.matching.models import MatchCard, SearchOutbox
from marketplace.models import as_utc, utcnow
from marketplace.profiles import enterprises as enterprise_services
from marketplace.profiles.models import Enterprise, Mandate
from marketplace.programmes.models import Enrolment

log = logging.getLogger(__name__)

SYNC_JOB = "search.sync_enterprise"
BATCH_SIZE = 200
LOCK_WAIT_S = 10.0  # an inline indexer waits this long for another to finish, then leaves it
_PG_LOCK_KEY = 0x7E30_5EA2  # any constant unique to this lock among the app's advisory locks
FULL_ONLY_FACETS = ("documents", "impact_themes")
_LOAD_PROFILE = (
    selectinload(Enterprise.documents),
    selectinload(Enterprise.revenues),
    selectinload(Enterprise.mentoring),
    selectinload(Enterprise.attestations),
    selectinload(Enterprise.enrolments).selectinload(Enrolment.cohort),
)


# --- the outbox --------------------------------------------------------------------------------
@event.listens_for(Session, "before_commit")
def _record_outbox(session: Session) -> None:
    ids = sorted(
        {
            kwargs["enterprise_id"]
            for name, kwargs in tasks.queued(session)
            if name == SYNC_JOB and not kwargs.get("recorded")
        }
    )
    if ids:
        session.add_all(SearchOutbox(enterprise_id=eid, op="sync") for eid in ids)


@event.listens_for(Session, "before_flush")
def _record_deletions(session: Session, _context, _instances) -> None:
    # A deleted profile enqueues no job: record its removal with the delete itself, and ask
    # for the indexer after the commit as the profile services do for other changes.
    for obj in session.deleted:
        if isinstance(obj, Enterprise):
            session.add(SearchOutbox(enterprise_id=obj.id, op="remove"))
            tasks.enqueue_on(session, SYNC_JOB, enterprise_id=obj.id, recorded=True)


@tasks.job(SYNC_JOB)
def sync_enterprise(*, enterprise_id: int, recorded: bool = False) -> int:
    """Bring one enterprise's index entry up to date (the after-commit job).

    Makes sure an outbox row exists (callers that run the job directly, such as deck
    processing, wrote none), then applies the outbox when SEARCH_INDEXER is "inline".
    `recorded` says the caller wrote the row already. Returns the number of outbox rows
    applied. Raises search.IndexLocked only if the lock
    discipline is broken by a writer outside `apply_outbox`.
    """
    if not recorded:
        with tasks.job_session() as session:
            queued = session.scalar(
                select(SearchOutbox.id).where(SearchOutbox.enterprise_id == enterprise_id).limit(1)
            )
            if queued is None:
                session.add(SearchOutbox(enterprise_id=enterprise_id, op="sync"))
    if current_app.config.get("SEARCH_INDEXER", "inline") != "inline":
        return 0
    return apply_outbox()


def _lock_path() -> Path:
    folder = Path(current_app.config["SEARCH_INDEX_DIR"])
    folder.parent.mkdir(parents=True, exist_ok=True)
    return folder.with_name(folder.name + ".indexer.lock")


@contextlib.contextmanager
def indexer_lock(*, wait: float = LOCK_WAIT_S) -> Iterator[bool]:
    """Hold the single-indexer lock while the block runs; yields False if not got in `wait` s.

    PostgreSQL backend: a session advisory lock (shared by every machine). Whoosh: an exclusive
    flock on a file beside the index directory (the index is local to the machine).
    """
    deadline = time.monotonic() + wait
    if current_app.config.get("SEARCH_BACKEND") == "postgres":
        with db.engine.connect() as conn:
            got = False
            while True:
                got = bool(
                    conn.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": _PG_LOCK_KEY})
                )
                conn.commit()
                if got or time.monotonic() >= deadline:
                    break
                time.sleep(0.05)
            try:
                yield got
            finally:
                if got:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_LOCK_KEY})
                    conn.commit()
        return
    with open(_lock_path(), "a+b") as handle:
        got = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                got = True
            except BlockingIOError:
                got = False
            if got or time.monotonic() >= deadline:
                break
            time.sleep(0.05)
        try:
            yield got
        finally:
            if got:
                fcntl.flock(handle, fcntl.LOCK_UN)


def apply_outbox(*, batch_size: int = BATCH_SIZE, wait: float = LOCK_WAIT_S) -> int:
    """Apply every pending outbox row to the index, in batches; returns how many rows.

    Side effects: index writes; each changed enterprise's match card written (published) or
    deleted (anything else) in the same transaction as its outbox row's deletion, which
    happens after the batch is in the index. Returns 0
    without doing anything when another indexer holds the lock for `wait` seconds (it will
    apply these rows too: it loops until the outbox is empty). Raises search.IndexLocked when
    something outside this function writes the Whoosh index.
    """
    applied = 0
    with indexer_lock(wait=wait) as got:
        if not got:
            log.info("another indexer holds the lock; leaving the outbox to it")
            return 0
        while True:
            with tasks.job_session() as session:
                rows = session.execute(
                    select(SearchOutbox.id, SearchOutbox.enterprise_id)
                    .order_by(SearchOutbox.id)
                    .limit(batch_size)
                ).all()
                if not rows:
                    break
                ids = {row.enterprise_id for row in rows}
                docs, cards = index_entries(session=session, enterprise_ids=ids)
                gone = ids - {doc.id for doc in docs}
                if gone:
                    search.remove_documents(sorted(gone))
                if docs:
                    search.index_documents(docs)
                # The cards commit with the outbox deletion below: both or neither.
                write_match_cards(session=session, enterprise_ids=ids, cards=cards)
                session.execute(
                    delete(SearchOutbox).where(SearchOutbox.id.in_([row.id for row in rows]))
                )
            applied += len(rows)
    return applied


def pending_outbox() -> int:
    """How many index changes wait in the outbox (for /healthz and operators)."""
    from sqlalchemy import func

    return db.session.scalar(select(func.count()).select_from(SearchOutbox)) or 0


def reindex(*, progress: Callable[[int, int], None] | None = None) -> int:
    """Rebuild the whole index and every match card from the published profiles.

    Returns how many profiles were indexed. Whoosh builds into a new directory and swaps it in;
    every match card is rewritten (a transaction per batch) and cards of profiles not published
    now are deleted. Run it daily (`flask search reindex`): a card's readiness is true of the day it
    was computed (`computed_on`), and months of trading and document expiry move with the date.
    The outbox rows that existed when the rebuild started are cleared (the rebuild read the
    database after them). Holds the indexer lock. Side effects: the index, match_cards, the
    outbox. Raises RuntimeError when the lock stays taken.
    """
    with indexer_lock(wait=LOCK_WAIT_S) as got:
        if not got:
            raise RuntimeError("another indexer is running; try again when it has finished")
        with tasks.job_session() as session:
            last_row = session.scalar(select(SearchOutbox.id).order_by(SearchOutbox.id.desc()))
            ids = session.scalars(
                select(Enterprise.id)
                .where(Enterprise.status == "published")
                .order_by(Enterprise.id)
            ).all()
            total = len(ids)
            done = 0

            # Every card is rewritten, so today's readiness (trading months, expired documents)
            # reaches all of them. One short transaction per batch: SQLite has one writer at a
            # time, and profile edits must not wait minutes for a rebuild. Meanwhile readers
            # see some of yesterday's cards, each one still a whole card.
            today = dt.date.today()

            def docs() -> Iterator[search.SearchDoc]:
                for start in range(0, total, BATCH_SIZE):
                    batch = ids[start : start + BATCH_SIZE]
                    found, cards = index_entries(session=session, enterprise_ids=batch, today=today)
                    write_match_cards(
                        session=session, enterprise_ids=batch, cards=cards, today=today
                    )
                    session.commit()
                    yield from found
                    session.expunge_all()  # keep memory flat over 100k profiles

            def step(count: int) -> None:
                nonlocal done
                done = count
                if progress is not None:
                    progress(done, total)

            indexed = search.rebuild(docs(), progress=step)
            # Cards left of profiles that are not published now (a change the outbox missed).
            session.execute(
                delete(MatchCard).where(
                    MatchCard.enterprise_id.not_in(
                        select(Enterprise.id).where(Enterprise.status == "published")
                    )
                )
            )
            if last_row is not None:
                session.execute(delete(SearchOutbox).where(SearchOutbox.id <= last_row))
    return indexed


# --- documents for the index -------------------------------------------------------------------
def deck_texts(
    *, session: Session, enterprise_ids: Iterable[int], full: bool = False
) -> dict[int, str]:
    """The current deck's text per enterprise ('' when none). Reads only.

    By default only the pages every visitor of the profile may see (the first
    `pitches.permissions.PUBLIC_PAGES`): that is what the search index and the match cards
    hold, so a search never answers from pages behind the data room. `full` gives every page's
    text, for a viewer who may read the whole deck. Pages processed before per-page text was
    kept contribute nothing. Falls back to no deck text when the pitches module has no deck
    tables (yet).
    """
    ids = list(enterprise_ids)
    try:
        from marketplace.pitches.models import Deck, DeckPage, DeckVersion
        from marketplace.pitches.permissions import PUBLIC_PAGES
    except ImportError:  # decks are another module's work; search works without them
        return {}
    current = (Deck.enterprise_id.in_(ids), DeckVersion.is_current.is_(True))
    if full:
        rows = session.execute(
            select(Deck.enterprise_id, DeckVersion.text)
            .join(DeckVersion, DeckVersion.deck_id == Deck.id)
            .where(*current)
        ).all()
        return {enterprise_id: deck_text or "" for enterprise_id, deck_text in rows}
    pages = session.execute(
        select(Deck.enterprise_id, DeckPage.text)
        .join(DeckVersion, DeckVersion.deck_id == Deck.id)
        .join(DeckPage, DeckPage.version_id == DeckVersion.id)
        .where(*current, DeckVersion.state == "ready", DeckPage.index < PUBLIC_PAGES)
        .order_by(Deck.enterprise_id, DeckPage.index)
    ).all()
    texts: dict[int, list[str]] = {}
    for enterprise_id, page_text in pages:
        texts.setdefault(enterprise_id, []).append(page_text or "")
    return {eid: "\n".join(t for t in parts if t) for eid, parts in texts.items()}


def first_deck_pages(enterprise_ids: Iterable[int]) -> dict[int, int]:
    """The id of page 1 of each enterprise's current, ready deck (a public page). Reads only."""
    ids = list(enterprise_ids)
    try:
        from marketplace.pitches.models import Deck, DeckPage, DeckVersion
    except ImportError:
        return {}
    rows = db.session.execute(
        select(Deck.enterprise_id, DeckPage.id)
        .join(DeckVersion, DeckVersion.deck_id == Deck.id)
        .join(DeckPage, DeckPage.version_id == DeckVersion.id)
        .where(
            Deck.enterprise_id.in_(ids),
            DeckVersion.is_current.is_(True),
            DeckVersion.state == "ready",
            DeckPage.index == 0,
        )
    ).all()
    return dict(rows)


def build_search_doc(
    enterprise: Enterprise, *, deck_text: str = "", today: dt.date | None = None
) -> search.SearchDoc:
    """The index document of a published enterprise: public fields, consented themes only.

    No side effects. Raises ValueError for an enterprise that is not published (the index must
    hold only published profiles).
    """
    if not enterprise.is_published:
        raise ValueError(f"enterprise {enterprise.id} is not published")
    assessment = enterprise_services.assess(enterprise, today=today)
    enrolments = [e for e in enterprise.enrolments if e.is_accepted]
    return search.SearchDoc(
        id=enterprise.id,
        name=enterprise.name,
        published_at=as_utc(enterprise.published_at or enterprise.created_at),
        products=enterprise.products or "",
        description=enterprise.description or "",
        deck_text=deck_text,
        sector=enterprise.sector,
        province_code=enterprise.province_code,
        regency_code=enterprise.regency_code,
        size_class=assessment.size.code,
        stage=assessment.stage,
        instruments=tuple(enterprise.ask_instruments or ()),
        ask_amount=enterprise.ask_amount,
        documents=tuple(cards.held_documents(enterprise, today=today)),
        impact_themes=tuple(cards.consented_themes(enterprise)),
        programme_ids=tuple(sorted({e.cohort.programme_id for e in enrolments})),
        cohort_ids=tuple(sorted({e.cohort_id for e in enrolments})),
    )


# --- match cards: what scoring needs, kept beside the index --------------------------------------
def index_entries(
    *, session: Session, enterprise_ids: Iterable[int], today: dt.date | None = None
) -> tuple[list[search.SearchDoc], list[scoring.EnterpriseCard]]:
    """The index document and the match card of each of `enterprise_ids` published now.

    Loads each profile once for both. Reads only.
    """
    ids = list(enterprise_ids)
    if not ids:
        return [], []
    today = today or dt.date.today()
    enterprises = session.scalars(
        select(Enterprise)
        .where(Enterprise.id.in_(ids), Enterprise.status == "published")
        .options(*_LOAD_PROFILE)
        .order_by(Enterprise.id)
    ).all()
    texts = deck_texts(session=session, enterprise_ids=[e.id for e in enterprises])
    docs = [build_search_doc(e, deck_text=texts.get(e.id, ""), today=today) for e in enterprises]
    found = [
        cards.enterprise_card(e, deck_text=texts.get(e.id, ""), today=today) for e in enterprises
    ]
    return docs, found


def write_match_cards(
    *,
    session: Session,
    enterprise_ids: Iterable[int],
    cards: Sequence[scoring.EnterpriseCard],
    today: dt.date | None = None,
) -> None:
    """Replace the match cards of `enterprise_ids` and of `cards` by `cards`.

    An id among `enterprise_ids` without a card (unpublished, deleted) loses its card. Each
    card is a new row (delete, then insert), so `MatchCard.id` grows with every change (the
    cache version of `card_columns`). Side effects: match_cards rows, in the caller's
    transaction (not committed here).
    """
    stale = set(enterprise_ids) | {card.id for card in cards}
    if stale:
        session.execute(delete(MatchCard).where(MatchCard.enterprise_id.in_(sorted(stale))))
    if not cards:
        return
    computed_on = today or dt.date.today()
    now = utcnow()
    session.execute(
        insert(MatchCard),
        [
            {
                "enterprise_id": card.id,
                "sector": card.sector,
                "province_code": card.province_code,
                "regency_code": card.regency_code,
                "size_class": card.size_class,
                "stage": card.stage,
                "ask_amount": card.ask_amount,
                "instruments": sorted(card.instruments),
                "documents": sorted(card.documents),
                "impact_themes": sorted(card.impact_themes),
                "routes": sorted(card.routes),
                "text_terms": sorted(card.text_terms),
                "computed_on": computed_on,
                "updated_at": now,
            }
            for card in cards
        ],
    )


_CARD_FIELDS = (
    MatchCard.id,
    MatchCard.enterprise_id,
    MatchCard.sector,
    MatchCard.province_code,
    MatchCard.regency_code,
    MatchCard.size_class,
    MatchCard.stage,
    MatchCard.ask_amount,
    MatchCard.instruments,
    MatchCard.documents,
    MatchCard.impact_themes,
    MatchCard.routes,
    MatchCard.text_terms,
)


def _card_of(row, shared: dict | None = None) -> scoring.EnterpriseCard:
    # The name is left out of the table: scoring never reads it, the page shows the profile's.
    # Memory of 100k cached cards: terms are interned (a few thousand words repeat), and the
    # small code sets, which take few distinct values, are shared through `shared`.
    shared = {} if shared is None else shared

    def codes(values: list[str]) -> frozenset[str]:
        value = frozenset(values)
        return shared.setdefault(value, value)

    return scoring.EnterpriseCard(
        id=row.enterprise_id,
        name="",
        sector=row.sector,
        province_code=row.province_code,
        regency_code=row.regency_code,
        size_class=row.size_class,
        stage=row.stage,
        ask_amount=row.ask_amount,
        instruments=codes(row.instruments),
        documents=codes(row.documents),
        impact_themes=codes(row.impact_themes),
        routes=codes(row.routes),
        text_terms=frozenset(map(sys.intern, row.text_terms)),
    )


def candidate_cards(*, spec: scoring.MandateSpec) -> list[scoring.EnterpriseCard]:
    """The match cards that pass the cheap hard rules in SQL (stage minimum, ticket band).

    The instrument and sharia rules stay with `scoring.prefilter` (they need the offered set).
    Reads only.
    """
    query = select(*_CARD_FIELDS).order_by(MatchCard.enterprise_id)
    if spec.min_stage is not None:
        floor = vocab.STAGE_ORDER[spec.min_stage]
        query = query.where(
            MatchCard.stage.in_([code for code, rank in vocab.STAGE_ORDER.items() if rank >= floor])
        )
    if spec.ticket_min is not None:
        low = spec.ticket_min * scoring.TICKET_LOW_TOLERANCE
        query = query.where(or_(MatchCard.ask_amount.is_(None), MatchCard.ask_amount >= low))
    if spec.ticket_max is not None:
        high = spec.ticket_max * scoring.TICKET_HIGH_TOLERANCE
        query = query.where(or_(MatchCard.ask_amount.is_(None), MatchCard.ask_amount <= high))
    return [_card_of(row) for row in db.session.execute(query)]


@dataclass(frozen=True)
class _CachedColumns:
    version: tuple[int, int]
    row_ids: dict[int, int]  # enterprise id -> the match_cards.id its cached card was read from
    columns: scoring.CardColumns


_COLUMNS_KEY = "matching.card_columns"
_COLUMNS_LOCK = threading.Lock()
# Past this many changed cards a refresh reads the whole table (after `flask search reindex`
# every card is new); below it, only the changed rows are read.
_REFRESH_LIMIT = 2_000


def card_columns() -> scoring.CardColumns:
    """Every match card as scoring columns, cached in this process until the table changes.

    The version is `(count, max(id))` of match_cards: ids are never reused and every write
    inserts a new row, so any change moves it. On a change only the cards whose row id moved
    are read again (all of them after a reindex) and the columns rebuilt. The cache sits on the
    app (one per app, so test apps never share it) and costs memory in each worker (see the
    README). Side effect: fills or replaces that cache. Raises ValueError on a code missing
    from vocab.
    """
    version = tuple(
        db.session.execute(select(func.count(), func.coalesce(func.max(MatchCard.id), 0))).one()
    )
    cached = current_app.extensions.get(_COLUMNS_KEY)
    if cached is not None and cached.version == version:
        return cached.columns
    with _COLUMNS_LOCK:  # one thread builds; the others wait and reuse it
        cached = current_app.extensions.get(_COLUMNS_KEY)
        if cached is not None and cached.version == version:
            return cached.columns
        # The cyclic GC would run dozens of full passes over the growing heap while ~10
        # objects a card are made, none of them garbage: pausing it more than halves the
        # build (20k cards: 1.2 s -> 0.5 s).
        collecting = gc.isenabled()
        gc.disable()
        try:
            fresh = _refreshed(cached)
        finally:
            if collecting:
                gc.enable()
        current_app.extensions[_COLUMNS_KEY] = fresh
        return fresh.columns


def _refreshed(cached: _CachedColumns | None) -> _CachedColumns:
    """New cache contents: the unchanged cards of `cached` plus the changed rows read anew."""
    current = dict(db.session.execute(select(MatchCard.enterprise_id, MatchCard.id)).tuples().all())
    # The version of what was read, not of the caller's first query: a write in between
    # only costs one more refresh on the next request.
    version = (len(current), max(current.values(), default=0))
    if cached is None:
        changed = set(current.values())
    else:
        changed = {rid for eid, rid in current.items() if cached.row_ids.get(eid) != rid}
    query = select(*_CARD_FIELDS)
    if cached is not None and len(changed) <= _REFRESH_LIMIT:
        rows = [
            row
            for chunk in _chunks(sorted(changed), 500)
            for row in db.session.execute(query.where(MatchCard.id.in_(chunk)))
        ]
        keep = {eid for eid, rid in current.items() if rid not in changed}
        cards = [card for card in cached.columns.cards if card.id in keep]
        row_ids = {eid: cached.row_ids[eid] for eid in keep}
    else:
        rows = db.session.execute(query).all()
        cards, row_ids = [], {}
    # A changed row replaced again since `current` was read is missing here; its enterprise
    # then has no entry in row_ids, and the next refresh reads it.
    shared: dict = {}
    cards.extend(_card_of(row, shared) for row in rows)
    row_ids.update((row.enterprise_id, row.id) for row in rows)
    cards.sort(key=lambda card: card.id)
    return _CachedColumns(version, row_ids, scoring.build_columns(cards))


def _chunks(values: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


# --- the search page ---------------------------------------------------------------------------
@dataclass(frozen=True)
class SearchItem:
    enterprise: Enterprise
    snippet: Markup
    preview_page_id: int | None


@dataclass
class SearchPage:
    query: search.SearchQuery
    total: int
    items: list[SearchItem]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    full_filters: bool = False

    @property
    def pages(self) -> int:
        return max(math.ceil(self.total / self.query.per_page), 1)


def restrict_query(query: search.SearchQuery, *, full: bool) -> search.SearchQuery:
    """`query` without the filters on full-profile data when the viewer may not use them."""
    if full:
        return query
    from dataclasses import replace

    return replace(query, documents=(), impact_themes=(), programme_ids=(), cohort_ids=())


def run_search(*, viewer, query: search.SearchQuery) -> SearchPage:
    """One page of search results for `viewer`, with snippets and first-page deck previews.

    Filters on full-profile data are dropped for viewers who may not see it, and so are their
    facet counts; results are re-checked against the database so a profile unpublished a moment
    ago never shows. Snippets quote the public fields (name, products, description), the
    public deck pages, and the whole deck only for viewers who may read it. Reads only.
    """
    from marketplace.pitches import permissions as pitch_permissions

    full = permissions.can_use_full_filters(viewer)
    query = restrict_query(query, full=full)
    result = search.search(query)
    found = {
        e.id: e
        for e in db.session.scalars(
            select(Enterprise).where(
                Enterprise.id.in_(result.ids), Enterprise.status == "published"
            )
        )
    }
    terms = analysis.query_terms(analysis.parse_query(query.text))
    previews = first_deck_pages(found)
    public_texts = deck_texts(session=db.session(), enterprise_ids=found)
    full_texts = deck_texts(session=db.session(), enterprise_ids=found, full=True)
    items = []
    for enterprise_id in result.ids:
        enterprise = found.get(enterprise_id)
        if enterprise is None:
            continue
        sources = [enterprise.products, enterprise.description]
        deck_text = public_texts.get(enterprise_id)
        if full_texts.get(enterprise_id) and pitch_permissions.can_view_full_deck(
            viewer, enterprise
        ):
            deck_text = full_texts[enterprise_id]
        if deck_text:
            sources.append(deck_text)
        snippet = analysis.snippet(sources, terms)
        items.append(SearchItem(enterprise, snippet, previews.get(enterprise_id)))
    facets = {
        name: counts
        for name, counts in result.facets.items()
        if full or name not in FULL_ONLY_FACETS
    }
    return SearchPage(
        query=query, total=result.total, items=items, facets=facets, full_filters=full
    )


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
    every card (`card_columns`, rebuilt when the table changes), or with MATCH_COLUMNS_CACHE
    false the cards that pass the stage and ticket rules in SQL (`candidate_cards`). Then the
    hard rules, bulk scores and top `limit` of `scoring.rank_columns`, reasons only for those,
    and only those enterprises loaded for the page. A card whose profile is no longer
    published (its outbox row not applied yet) is skipped. Reads only (and the cache).
    """
    spec = cards.mandate_spec(mandate)
    if current_app.config.get("MATCH_COLUMNS_CACHE", True):
        columns = card_columns()
    else:
        columns = scoring.build_columns(candidate_cards(spec=spec))
    wanted = limit
    while True:
        ranked = scoring.rank_columns(spec, columns, limit=wanted)
        found = {
            e.id: e
            for e in db.session.scalars(
                select(Enterprise).where(
                    Enterprise.id.in_([r.enterprise_id for r in ranked]),
                    Enterprise.status == "published",
                )
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
    texts = deck_texts(session=db.session(), enterprise_ids=[enterprise.id])
    card = cards.enterprise_card(enterprise, deck_text=texts.get(enterprise.id, ""))
    by_org = {m.organisation_id: m for m in mandates}
    ranked = scoring.rank_mandates(card, [cards.mandate_spec(m) for m in mandates], limit=limit)
    return [InvestorMatch(by_org[r.organisation_id], r) for r in ranked]


def mandate_of(organisation_id: int) -> Mandate | None:
    """The organisation's mandate, or None. Reads only."""
    return db.session.scalar(select(Mandate).where(Mandate.organisation_id == organisation_id))


def parse_ids(values: Sequence[str]) -> tuple[int, ...]:
    """Integers among `values` (URL parameters); anything else is ignored."""
    return tuple(int(v) for v in values if v.isdigit())


def index_report() -> dict:
    """Published ids vs indexed ids: counts, the ids missing or extra, pending outbox rows."""
    published = set(
        db.session.scalars(select(Enterprise.id).where(Enterprise.status == "published"))
    )
    indexed = search.indexed_ids()
    return {
        "published": len(published),
        "indexed": len(indexed),
        "missing": sorted(published - indexed),
        "extra": sorted(indexed - published),
        "pending": pending_outbox(),
    }


def reason_text(reason: scoring.Reason) -> str:
    """A match reason in the request's language, provinces by name rather than code.

    Names the province here instead of installing a process-wide namer in scoring_text, so
    rendering stays free of global state. No side effects.
    """
    if "province" in reason.params:
        name = regions.province_name(str(reason.params["province"])) or reason.params["province"]
        reason = scoring.Reason(reason.code, {**reason.params, "province": name}, reason.positive)
    return scoring_text.reason_text(reason)
