"""The history of each consent, and personal data breaches with the notices sent about them."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, CheckConstraint, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.extensions import db
from marketplace.models import ActorId, utcnow

if TYPE_CHECKING:
    from marketplace.accounts.models import User


class ConsentRecord(db.Model):
    """One change of one consent: who gave or withdrew it, when, for what, from where.

    About an enterprise (`enterprise_id`: the purposes of `profiles.consents.PURPOSES`) or about
    a user (`user_id`: e-mail notifications, one row per kind of notification changed). Rows
    are only added, never changed: the current state is on the records themselves.
    """

    __tablename__ = "consent_records"
    __table_args__ = (
        CheckConstraint("enterprise_id IS NOT NULL OR user_id IS NOT NULL", name="about_someone"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )
    enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprises.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(40))
    # The kind of notification for e-mail consent (notifications.kinds.KIND_LABELS); else None.
    detail: Mapped[str | None] = mapped_column(String(40))
    granted: Mapped[bool] = mapped_column(Boolean)
    actor_id: Mapped[ActorId]
    # The actor is not the owner: a facilitator acting for them (or an admin).
    on_behalf: Mapped[bool] = mapped_column(Boolean, default=False)
    # None: someone's choice (actor_id). "default": the default applied when the profile was
    # created, nobody's choice (consent.BASIS_LABELS says on what basis).
    basis: Mapped[str | None] = mapped_column(String(40))
    ip: Mapped[str | None] = mapped_column(String(45))

    actor: Mapped[User | None] = relationship(foreign_keys="ConsentRecord.actor_id")


class BreachIncident(db.Model):
    """A failure to protect personal data (UU PDP art. 46), as an admin recorded it."""

    __tablename__ = "breach_incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    recorded_by_id: Mapped[ActorId]
    title: Mapped[str] = mapped_column(String(200))
    # breach.DATA_KINDS codes: which personal data was disclosed.
    data_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    # When the data was exposed (UTC): people whose data existed then are affected.
    occurred_from: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    occurred_until: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    # The 3 x 24 hours run from here.
    discovered_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    how_discovered: Mapped[str] = mapped_column(Text)
    what_happened: Mapped[str] = mapped_column(Text)  # how the data was disclosed
    handling: Mapped[str] = mapped_column(Text)  # what was done: handling and recovery
    # Only these enterprises' people, when the admin narrowed it down; empty: everyone.
    enterprise_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    people_notified_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    agency_notified_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    recorded_by: Mapped[User | None] = relationship(foreign_keys="BreachIncident.recorded_by_id")
    notices: Mapped[list[BreachNotice]] = relationship(
        back_populates="incident", cascade="all, delete-orphan", order_by="BreachNotice.id"
    )


class BreachNotice(db.Model):
    """One notice sent about an incident: to an affected person or to the agency."""

    __tablename__ = "breach_notices"
    __table_args__ = (
        CheckConstraint("recipient_kind IN ('person','agency')", name="recipient_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("breach_incidents.id", ondelete="CASCADE"), index=True
    )
    recipient_kind: Mapped[str] = mapped_column(String(10))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    email: Mapped[str] = mapped_column(String(254))
    sent_by_id: Mapped[ActorId]
    sent_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The outbound mail's idempotency key (mail.send): one notice per person per incident.
    mail_key: Mapped[str] = mapped_column(String(200), unique=True)

    incident: Mapped[BreachIncident] = relationship(back_populates="notices")
