"""Pitch decks and their versions and pages, private documents, and data-room access requests.

Files live in `marketplace.storage` under generated keys; rows hold the keys, never paths.
Codes (document kinds, states, statuses) are checked in the database as well as in services.
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
    TimestampMixin,
    children,
    one_of,
    parent_id,
    unique_where,
    utcnow,
)
from marketplace.profiles.models import Enterprise

# Files an owner keeps in the data room. The legal documents reuse the shared vocabulary's
# codes (so an uploaded NIB is the same "nib" the readiness rules know); the last three have
# no shared code yet and are defined here until vocab.py gains them.
DOCUMENT_KINDS = {
    **vocab.DOCUMENT_KINDS,
    "financial_statement": _l("Financial statement"),
    "business_plan": _l("Business plan"),
    "other": _l("Other document"),
}

VERSION_STATES = ("uploaded", "processing", "ready", "failed")
REQUEST_STATUSES = ("pending", "accepted", "declined", "revoked")
# A request is "open" while it can still lead to, or gives, access.
OPEN_STATUSES = ("pending", "accepted")


class Deck(db.Model):
    """The pitch deck of one enterprise: a series of versions, at most one of them current."""

    __tablename__ = "decks"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(
        sa.ForeignKey("enterprises.id", ondelete="CASCADE"), unique=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    enterprise: Mapped[Enterprise] = relationship()
    versions: Mapped[list[DeckVersion]] = children("deck", order_by="DeckVersion.number.desc()")

    @property
    def current(self) -> DeckVersion | None:
        return next((v for v in self.versions if v.is_current), None)

    @property
    def latest(self) -> DeckVersion | None:
        return self.versions[0] if self.versions else None


class DeckVersion(db.Model):
    """One upload of the deck: a PDF or an ordered set of photos, and what processing made.

    A version becomes current only once its previews are ready, so a new upload never hides
    the deck investors are already looking at. `original_keys` holds the PDF (kept, served to
    people with data-room access) or, for photos, the raw uploads until processing re-encodes
    them (they may carry GPS data, so they are deleted afterwards and never served).
    """

    __tablename__ = "deck_versions"
    __table_args__ = (
        sa.UniqueConstraint("deck_id", "number"),
        sa.CheckConstraint(one_of("state", VERSION_STATES), name="state"),
        sa.CheckConstraint("source_kind IN ('pdf','images')", name="source_kind"),
        # At most one current version per deck, enforced by the database on both backends.
        unique_where("uq_deck_versions_current", "deck_id", where="is_current"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    deck_id: Mapped[int] = mapped_column(sa.ForeignKey("decks.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(sa.Integer)
    source_kind: Mapped[str] = mapped_column(sa.String(10))
    original_keys: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    filename: Mapped[str] = mapped_column(sa.String(120))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    page_count: Mapped[int | None] = mapped_column(sa.Integer)
    text: Mapped[str | None] = mapped_column(sa.Text)
    has_javascript: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    state: Mapped[str] = mapped_column(sa.String(12), default="uploaded")
    error_code: Mapped[str | None] = mapped_column(sa.String(40))
    is_current: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    created_by_id: Mapped[ActorId]
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    processed_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))

    deck: Mapped[Deck] = relationship(back_populates="versions")
    created_by: Mapped[User | None] = relationship()
    pages: Mapped[list[DeckPage]] = children("version", order_by="DeckPage.index")

    @property
    def original_key(self) -> str | None:
        """The stored PDF, for PDF versions; photo decks keep no original."""
        if self.source_kind == "pdf" and self.original_keys:
            return self.original_keys[0]
        return None


class DeckPage(db.Model):
    """The rendered previews of one page: a small one for lists, a large one to read."""

    __tablename__ = "deck_pages"
    __table_args__ = (sa.UniqueConstraint("version_id", "index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = parent_id("deck_versions")
    index: Mapped[int] = mapped_column(sa.Integer)  # 0-based; pages are shown 1-based
    mime: Mapped[str] = mapped_column(sa.String(30))
    small_key: Mapped[str] = mapped_column(sa.String(80))
    small_width: Mapped[int] = mapped_column(sa.Integer)
    small_height: Mapped[int] = mapped_column(sa.Integer)
    small_size: Mapped[int] = mapped_column(sa.Integer)
    large_key: Mapped[str] = mapped_column(sa.String(80))
    large_width: Mapped[int] = mapped_column(sa.Integer)
    large_height: Mapped[int] = mapped_column(sa.Integer)
    large_size: Mapped[int] = mapped_column(sa.Integer)
    # This page's extracted text, so search can index only the pages everyone may read
    # (permissions.PUBLIC_PAGES); NULL for pages processed before it was kept.
    text: Mapped[str | None] = mapped_column(sa.Text)

    version: Mapped[DeckVersion] = relationship(back_populates="pages")

    @property
    def number(self) -> int:
        return self.index + 1


class Document(db.Model):
    """A file in the enterprise's data room (NIB, NPWP card, financial statements …).

    Private by default: only the enterprise's editors and investors it has let in see it.
    """

    __tablename__ = "documents"
    __table_args__ = (sa.CheckConstraint(one_of("kind", list(DOCUMENT_KINDS)), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[EnterpriseId]
    kind: Mapped[str] = mapped_column(sa.String(30))
    file_key: Mapped[str] = mapped_column(sa.String(80))
    filename: Mapped[str] = mapped_column(sa.String(120))
    mime: Mapped[str] = mapped_column(sa.String(30))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_by_id: Mapped[ActorId]
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    enterprise: Mapped[Enterprise] = relationship()
    uploaded_by: Mapped[User | None] = relationship()

    @property
    def is_image(self) -> bool:
        return self.mime.startswith("image/")


class AccessRequest(TimestampMixin, db.Model):
    """An investor organisation asking an enterprise to open its data room.

    pending → accepted | declined; accepted → revoked. A declined or revoked request stays as
    history; the organisation may then ask again with a new request.
    """

    __tablename__ = "access_requests"
    __table_args__ = (
        sa.CheckConstraint(one_of("status", REQUEST_STATUSES), name="status"),
        # One open (pending or accepted) request per enterprise and investor organisation.
        unique_where(
            "uq_access_requests_open",
            "enterprise_id",
            "organisation_id",
            where="status IN ('pending','accepted')",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[EnterpriseId]
    organisation_id: Mapped[OrganisationId]
    requested_by_id: Mapped[ActorId]
    message: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(10), default="pending")
    decided_by_id: Mapped[ActorId]
    decided_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))

    enterprise: Mapped[Enterprise] = relationship()
    organisation: Mapped[Organisation] = relationship()
    requested_by: Mapped[User | None] = relationship(foreign_keys="AccessRequest.requested_by_id")
    decided_by: Mapped[User | None] = relationship(foreign_keys="AccessRequest.decided_by_id")
