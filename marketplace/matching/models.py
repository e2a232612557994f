"""Matching's tables: the search outbox, investor shortlists, meeting requests, match cards.

The outbox is what keeps the search index equal to the published profiles when several
workers write at once: a change writes its outbox row in the same database transaction, and
one indexer applies the rows in batches (see `search.indexing.apply_outbox`).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace import vocab
from marketplace.accounts.models import Organisation, User
from marketplace.extensions import db
from marketplace.models import (
    ActorId,
    EnterpriseId,
    OrganisationId,
    UserId,
    children,
    one_of,
    parent_id,
    unique_where,
    utcnow,
)
from marketplace.profiles.models import Enterprise

OUTBOX_OPS = ("sync", "remove")
MEETING_STATUSES = {
    "pending": _l("Waiting for the enterprise"),
    "countered": _l("Other times proposed, waiting for the investor"),
    "accepted": _l("Accepted"),
    "declined": _l("Declined"),
}
MEETING_SIDES = ("investor", "enterprise")
INTRODUCTION_STATUSES = {
    "pending": _l("Waiting for the investor"),
    "accepted": _l("Accepted: on the investor's shortlist"),
    "declined": _l("Declined"),
}


class SearchOutbox(db.Model):
    """One pending index change. No foreign key: a deleted enterprise still needs removing."""

    __tablename__ = "search_outbox"
    __table_args__ = (sa.CheckConstraint(one_of("op", OUTBOX_OPS), name="op"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(sa.Integer, index=True)
    op: Mapped[str] = mapped_column(sa.String(10), default="sync")
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class ShortlistEntry(db.Model):
    """An enterprise on an investor organisation's shared shortlist, at one stage."""

    __tablename__ = "shortlist_entries"
    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "enterprise_id"),
        sa.CheckConstraint(one_of("stage", vocab.DEAL_STAGES), name="stage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[OrganisationId]
    enterprise_id: Mapped[EnterpriseId]
    stage: Mapped[str] = mapped_column(sa.String(20), default="observing")
    added_by_id: Mapped[ActorId]
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    organisation: Mapped[Organisation] = relationship()
    enterprise: Mapped[Enterprise] = relationship()
    moves: Mapped[list[ShortlistMove]] = children("entry", order_by="ShortlistMove.id")
    notes: Mapped[list[ShortlistNote]] = children("entry", order_by="ShortlistNote.id")


class ShortlistMove(db.Model):
    """History: who moved an entry from which stage to which, when (the first row adds it)."""

    __tablename__ = "shortlist_moves"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = parent_id("shortlist_entries")
    from_stage: Mapped[str | None] = mapped_column(sa.String(20))
    to_stage: Mapped[str] = mapped_column(sa.String(20))
    moved_by_id: Mapped[ActorId]
    # The name is kept so the history still reads after the user is deleted.
    moved_by_name: Mapped[str] = mapped_column(sa.String(120))
    moved_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    entry: Mapped[ShortlistEntry] = relationship(back_populates="moves")


class ShortlistNote(db.Model):
    """A note on an entry, private to the investor organisation."""

    __tablename__ = "shortlist_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = parent_id("shortlist_entries")
    author_id: Mapped[ActorId]
    author_name: Mapped[str] = mapped_column(sa.String(120))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    entry: Mapped[ShortlistEntry] = relationship(back_populates="notes")


class MeetingRequest(db.Model):
    """An investor's request to meet an enterprise outside events, and its answer."""

    __tablename__ = "meeting_requests"
    __table_args__ = (
        sa.CheckConstraint(one_of("status", MEETING_STATUSES), name="status"),
        sa.CheckConstraint(
            "status != 'accepted' OR chosen_start IS NOT NULL", name="accepted_has_time"
        ),
        sa.CheckConstraint("duration_minutes BETWEEN 15 AND 480", name="duration"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[EnterpriseId]
    organisation_id: Mapped[OrganisationId]
    requested_by_id: Mapped[ActorId]
    message: Mapped[str] = mapped_column(sa.Text)
    place: Mapped[str | None] = mapped_column(sa.String(200))
    duration_minutes: Mapped[int] = mapped_column(sa.Integer, default=60)
    status: Mapped[str] = mapped_column(sa.String(12), default="pending")
    chosen_start: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    decided_by_id: Mapped[ActorId]
    # True when the enterprise's facilitator answered for the owner.
    decided_on_behalf: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    decided_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    enterprise: Mapped[Enterprise] = relationship()
    organisation: Mapped[Organisation] = relationship()
    requested_by: Mapped[User | None] = relationship(foreign_keys="MeetingRequest.requested_by_id")
    decided_by: Mapped[User | None] = relationship(foreign_keys="MeetingRequest.decided_by_id")
    times: Mapped[list[MeetingTime]] = children("request", order_by="MeetingTime.starts_at")


class MeetingTime(db.Model):
    """A proposed start time, by the investor (with the request) or the enterprise (counter)."""

    __tablename__ = "meeting_times"
    __table_args__ = (
        sa.UniqueConstraint("request_id", "starts_at"),
        sa.CheckConstraint(one_of("proposed_by", MEETING_SIDES), name="proposed_by"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = parent_id("meeting_requests")
    starts_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    proposed_by: Mapped[str] = mapped_column(sa.String(10))

    request: Mapped[MeetingRequest] = relationship(back_populates="times")


class MatchCard(db.Model):
    """What matching knows of one published enterprise, kept beside the search index.

    The same fields as `scoring.EnterpriseCard` (public and consented data only), written by the
    outbox indexer for every change and rebuilt by `flask search reindex`, so the match list
    reads one narrow row per enterprise instead of loading profiles and recomputing readiness.
    Readiness depends on today's date (months of trading, document expiry): `computed_on` says
    which day the stage, routes and documents are true of (the card's `as_of`, on which matching
    judges date-bound obligations such as halal), and the daily reindex renews them.

    Every write inserts a new row (delete, then insert) so `id` only grows and is never reused
    (AUTOINCREMENT on SQLite): `(count, max(id))` then changes with every change of the table,
    which is how each process knows its cached columns are stale.
    """

    __tablename__ = "match_cards"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(
        sa.ForeignKey("enterprises.id", ondelete="CASCADE"), unique=True
    )
    sector: Mapped[str] = mapped_column(sa.String(20), default="")
    province_code: Mapped[str] = mapped_column(sa.String(2), default="")
    regency_code: Mapped[str] = mapped_column(sa.String(5), default="")
    size_class: Mapped[str] = mapped_column(sa.String(20), default="")
    stage: Mapped[str] = mapped_column(sa.String(20))
    ask_amount: Mapped[int | None] = mapped_column(sa.BigInteger)
    instruments: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    documents: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    # Consented themes only (cards.consented_themes): a card is read by every investor.
    impact_themes: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    routes: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    # Meets the social-investment checklist on consented data (readiness_social.social_checklist).
    social_ready: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())
    # Analyzed (stemmed) terms of name, products, description and deck text, for thesis overlap.
    text_terms: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    computed_on: Mapped[dt.date] = mapped_column(sa.Date)
    updated_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class IntroductionRequest(db.Model):
    """An enterprise asks a verified investor organisation to look at its profile.

    At most one open (pending) request per enterprise and organisation: a partial unique index
    decides a race between the owner and the facilitator."""

    __tablename__ = "introduction_requests"
    __table_args__ = (
        sa.CheckConstraint(one_of("status", INTRODUCTION_STATUSES), name="status"),
        unique_where(
            "uq_introduction_requests_open_pair",
            "enterprise_id",
            "organisation_id",
            where="status = 'pending'",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[EnterpriseId]
    organisation_id: Mapped[OrganisationId]
    requested_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    message: Mapped[str] = mapped_column(sa.Text)
    # What the enterprise asks of this investor (an instrument code of vocab.INSTRUMENTS).
    instrument: Mapped[str | None] = mapped_column(sa.String(30))
    status: Mapped[str] = mapped_column(sa.String(10), default="pending")
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    decided_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, index=True
    )

    enterprise: Mapped[Enterprise] = relationship()
    organisation: Mapped[Organisation] = relationship()
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class SavedSearch(db.Model):
    """An investor's saved search: a name and the search page's URL parameters (validated,
    in a canonical order), run against each newly published profile (see `saved_searches`)."""

    __tablename__ = "saved_searches"
    __table_args__ = (sa.UniqueConstraint("user_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[UserId]
    name: Mapped[str] = mapped_column(sa.String(80))
    params: Mapped[str] = mapped_column(sa.String(2000), default="")
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    user: Mapped[User] = relationship()


class SavedSearchHit(db.Model):
    """A profile that a saved search was notified about: at most once per profile, even when
    it is unpublished and published again."""

    __tablename__ = "saved_search_hits"

    saved_search_id: Mapped[int] = mapped_column(
        sa.ForeignKey("saved_searches.id", ondelete="CASCADE"), primary_key=True
    )
    enterprise_id: Mapped[int] = mapped_column(
        sa.ForeignKey("enterprises.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    notified_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
