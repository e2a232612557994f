"""The outbound mail table: every e-mail the app sends, written in the same transaction as the
change that causes it, and delivered after the commit (see `marketplace.mail`)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.extensions import db
from marketplace.models import one_of, utcnow

# queued: waiting for its first or next attempt (next_attempt_at); sending: claimed by one
# deliverer; sent: accepted by the SMTP server (or logged, in log-only mode); failed: given up
# after MAIL_MAX_ATTEMPTS.
MAIL_STATUSES = ("queued", "sending", "sent", "failed")


class OutboundMail(db.Model):
    """One e-mail to one recipient, composed in the recipient's language when it was queued."""

    __tablename__ = "outbound_mails"
    __table_args__ = (
        CheckConstraint(one_of("status", MAIL_STATUSES), name="status"),
        Index("ix_outbound_mails_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Idempotency: a caller that may run twice passes the same key and gets one mail.
    key: Mapped[str] = mapped_column(String(200), unique=True)
    message_id: Mapped[str] = mapped_column(String(250))  # kept across retries
    kind: Mapped[str] = mapped_column(String(20))  # why it was sent: see mail.REASONS
    recipient: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(10))
    subject: Mapped[str] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
