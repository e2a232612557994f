"""The notifications table (unchanged by its move out of matching: same name, same columns),
each user's choice of delivery per kind, and how far their daily digest has got."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.extensions import db
from marketplace.models import UserId, one_of, utcnow

# How a user hears about a kind: only in the app, also by e-mail at once, or in a daily digest.
DELIVERIES = ("app", "email", "digest")
DEFAULT_DELIVERY = "email"


class Notification(db.Model):
    """An in-app notice; `kind` and `params` are codes, rendered in the reader's language."""

    __tablename__ = "notifications"
    # The header's unread count on every page reads this index only.
    __table_args__ = (Index("ix_notifications_user_id_read_at", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[UserId]
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    link: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class NotificationSetting(db.Model):
    """A user's delivery for one kind; no row means DEFAULT_DELIVERY."""

    __tablename__ = "notification_settings"
    __table_args__ = (CheckConstraint(one_of("delivery", DELIVERIES), name="delivery"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    delivery: Mapped[str] = mapped_column(String(10))
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class NotificationDigest(db.Model):
    """The newest notification a user's daily digest has covered."""

    __tablename__ = "notification_digests"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    last_notification_id: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
