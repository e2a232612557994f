"""The match-card table and the process's column cache of it: what `/matches` ranks.

A match card is what scoring knows of a published enterprise (`cards.enterprise_card`), stored
so that ranking reads one narrow table instead of every profile. The search indexer writes the
cards with the index (`search.indexing`); `/matches` reads them through `card_columns` (cached
per process) or `candidate_cards` (pre-filtered in SQL).
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import sys
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from flask import Flask, current_app
from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from marketplace import vocab
from marketplace.extensions import db
from marketplace.matching import bulk_scoring, scoring
from marketplace.matching.models import MatchCard
from marketplace.models import utcnow


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
                "social_ready": card.social_ready,
                "text_terms": sorted(card.text_terms),
                "computed_on": card.as_of or computed_on,
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
    MatchCard.social_ready,
    MatchCard.text_terms,
    MatchCard.computed_on,
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
        social_ready=bool(row.social_ready),
        as_of=row.computed_on,
    )


def candidate_cards(*, spec: scoring.MandateSpec) -> list[scoring.EnterpriseCard]:
    """The match cards that pass the cheap hard rules in SQL (stage minimum, ticket band).

    The instrument and sharia rules stay with `bulk_scoring.prefilter` (they need the offered set).
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
    columns: bulk_scoring.CardColumns


_COLUMNS_KEY = "matching.card_columns"
_COLUMNS_LOCK = threading.Lock()
# Past this many changed cards a refresh reads the whole table (after `flask search reindex`
# every card is new); below it, only the changed rows are read.
_REFRESH_LIMIT = 2_000


# Read on every /matches request: the statement is built once per process.
_VERSION = select(func.count(), func.coalesce(func.max(MatchCard.id), 0))


def card_columns() -> bulk_scoring.CardColumns:
    """Every match card as scoring columns, cached in this process until the table changes.

    The version is `(count, max(id))` of match_cards: ids are never reused and every write
    inserts a new row, so any change moves it. On a change only the cards whose row id moved
    are read again (all of them after a reindex) and the columns rebuilt. The cache sits on the
    app (one per app, so test apps never share it) and costs memory in each worker (see the
    README). Side effect: fills or replaces that cache. Raises ValueError on a code missing
    from vocab.
    """
    version = tuple(db.session.execute(_VERSION).one())
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


def warm(app: Flask) -> bool:
    """Build this process's match columns now, before it serves anyone: a web worker calls it
    once at start (deploy/gunicorn.conf.py), so the first /matches after a worker starts or
    is replaced does not wait for them (10k cards: about 1.4 s). True when built; a database
    not reachable or not migrated yet is logged and left to the first request."""
    with app.app_context():
        try:
            card_columns()
        except SQLAlchemyError as error:
            logging.getLogger(__name__).warning("match columns not built at start: %s", error)
            return False
        finally:
            db.session.remove()
    return True


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
    return _CachedColumns(version, row_ids, bulk_scoring.build_columns(cards))


def _chunks(values: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
