"""Search indexing: the outbox, the index documents and match cards built from profiles, reindex.

Whenever a profile changes, `profiles.enterprises` enqueues the job "search.sync_enterprise".
Before that transaction commits, a listener here turns each such job into a `SearchOutbox` row
IN THE SAME TRANSACTION, so a change can never be committed without its index change being
recorded (several gunicorn workers, a crash between commit and indexing). After the commit the
job applies the outbox (config SEARCH_INDEXER "inline", the default) or leaves it to
`flask search apply-outbox` on a worker ("worker"). `apply_outbox` holds the indexer lock (a file
lock beside the Whoosh index, a PostgreSQL advisory lock for the postgres backend), so only one
indexer writes at a time, and deletes outbox rows only after the index has committed them: a
crash means a row is applied twice, never lost. Each row is applied from the database as it is
then: a published profile is (re)indexed with its match card rewritten, anything else removed
with its card.

The app factory imports this module: that registers the job and the session listeners.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, event, func, select, text
from sqlalchemy.orm import Session, selectinload

from marketplace import tasks
from marketplace.extensions import db
from marketplace.matching import card_store, cards, decks, scoring, search
from marketplace.matching.models import MatchCard, SearchOutbox
from marketplace.matching.search import keywords
from marketplace.models import as_utc
from marketplace.profiles import enterprises as enterprise_services
from marketplace.profiles.models import Enterprise
from marketplace.programmes.models import Enrolment

log = logging.getLogger(__name__)

SYNC_JOB = "search.sync_enterprise"
BATCH_SIZE = 200
LOCK_WAIT_S = 10.0  # an inline indexer waits this long for another to finish, then leaves it
_PG_LOCK_KEY = 0x7E30_5EA2  # any constant unique to this lock among the app's advisory locks
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
            if name == SYNC_JOB and "recorded" not in kwargs
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
def sync_enterprise(*, enterprise_id: int, recorded: bool = True) -> int:
    """Bring one enterprise's index entry up to date (the after-commit job).

    A queued job's outbox row was written in the transaction that queued it (`_record_outbox`,
    `_record_deletions`), so the job only applies the outbox, when SEARCH_INDEXER is "inline".
    A caller that runs the job directly without having written a row (deck processing) passes
    `recorded=False`, and the job writes it first. It never writes one for a queued job: after
    a change to many profiles in one commit, the first job applies every row in batches and the
    others find the outbox empty, instead of each putting its own row back and committing the
    index once per profile. Returns the number of outbox rows applied. Raises
    search.IndexLocked only if the lock discipline is broken by a writer outside `apply_outbox`.
    """
    if not recorded:
        with tasks.job_session() as session:
            queued = session.scalar(
                select(SearchOutbox.id).where(SearchOutbox.enterprise_id == enterprise_id).limit(1)
            )
            if queued is None:
                session.add(SearchOutbox(enterprise_id=enterprise_id, op="sync"))
    if current_app.config["SEARCH_INDEXER"] != "inline":
        return 0
    return apply_outbox()


def _lock_path() -> Path:
    folder = Path(current_app.config["SEARCH_INDEX_DIR"])
    folder.parent.mkdir(parents=True, exist_ok=True)
    return folder.with_name(folder.name + ".indexer.lock")


def _poll(attempt: Callable[[], bool], *, deadline: float) -> bool:
    """Call `attempt` every 50 ms until it returns True (then True) or `deadline` passes."""
    while True:
        if attempt():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)


@contextlib.contextmanager
def indexer_lock(*, wait: float = LOCK_WAIT_S) -> Iterator[bool]:
    """Hold the single-indexer lock while the block runs; yields False if not got in `wait` s.

    PostgreSQL backend: a session advisory lock (shared by every machine). Whoosh: an exclusive
    flock on a file beside the index directory (the index is local to the machine).
    """
    deadline = time.monotonic() + wait
    if current_app.config.get("SEARCH_BACKEND") == "postgres":
        with db.engine.connect() as conn:

            def try_advisory_lock() -> bool:
                got = conn.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": _PG_LOCK_KEY})
                conn.commit()
                return bool(got)

            got = _poll(try_advisory_lock, deadline=deadline)
            try:
                yield got
            finally:
                if got:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_LOCK_KEY})
                    conn.commit()
        return
    with open(_lock_path(), "a+b") as handle:

        def try_flock() -> bool:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            return True

        got = _poll(try_flock, deadline=deadline)
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
                card_store.write_match_cards(session=session, enterprise_ids=ids, cards=cards)
                session.execute(
                    delete(SearchOutbox).where(SearchOutbox.id.in_([row.id for row in rows]))
                )
            applied += len(rows)
    return applied


def pending_outbox() -> int:
    """How many index changes wait in the outbox (for /healthz and operators)."""
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
                    card_store.write_match_cards(
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
def load_published(
    *, session: Session, enterprise_ids: Iterable[int] | None = None
) -> list[Enterprise]:
    """The published enterprises among `enterprise_ids` (every one when None), by id, with the
    relations their index document and match card read loaded in bulk. Reads only."""
    query = select(Enterprise).where(Enterprise.status == "published")
    if enterprise_ids is not None:
        query = query.where(Enterprise.id.in_(list(enterprise_ids)))
    return list(session.scalars(query.options(*_LOAD_PROFILE).order_by(Enterprise.id)).all())


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
        use_of_funds=enterprise.use_of_funds or "",
        keywords=keywords.keywords_for(
            sector=enterprise.sector,
            instruments=enterprise.ask_instruments or (),
            province_code=enterprise.province_code,
            regency_code=enterprise.regency_code,
        ),
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


# --- the documents and match cards of profiles ------------------------------------------------
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
    enterprises = load_published(session=session, enterprise_ids=ids)
    texts = decks.deck_texts(session=session, enterprise_ids=[e.id for e in enterprises])
    docs = [build_search_doc(e, deck_text=texts.get(e.id, ""), today=today) for e in enterprises]
    found = [
        cards.enterprise_card(e, deck_text=texts.get(e.id, ""), today=today) for e in enterprises
    ]
    return docs, found


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
