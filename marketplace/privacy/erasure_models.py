"""Deletion requests (UU PDP 27/2022 art. 8, 16 (2) h): one row per request to erase an account,
or an enterprise on its phone-only owner's behalf; see marketplace.privacy.deletion_requests
and marketplace.privacy.erasure."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, DateTime, ForeignKey, String, and_
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.extensions import db
from marketplace.models import ActorId, unique_where, utcnow

# What `AccountDeletion.is_pending` says, written in SQL for the partial unique indexes.
_PENDING_SQL = "cancelled_at IS NULL AND done_at IS NULL"


class AccountDeletion(db.Model):
    """A request to delete an account (`user_id`) and, for the last owner of an enterprise or
    a facilitator acting for a phone-only owner, that enterprise (`enterprise_id`).

    Pending until `due_at` (72 hours after the request): the account is blocked meanwhile and
    the requester may cancel through the link mailed to them (only its SHA-256 is kept). The
    periodic job erases it once due (`done_at`, `outcome`: counts per table, never personal
    data). The row stays as the record that the request was honoured; it holds ids only.
    """

    __tablename__ = "account_deletions"
    __table_args__ = (
        CheckConstraint("user_id IS NOT NULL OR enterprise_id IS NOT NULL", name="about_someone"),
        # One open request per account and per enterprise.
        unique_where(
            "uq_account_deletions_open_user",
            "user_id",
            where=f"{_PENDING_SQL} AND user_id IS NOT NULL",
        ),
        unique_where(
            "uq_account_deletions_open_enterprise",
            "enterprise_id",
            where=f"{_PENDING_SQL} AND enterprise_id IS NOT NULL",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Kept after the erasure: they then point at tombstones ("Pengguna terhapus #45").
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"), index=True)
    requested_by_id: Mapped[ActorId]
    on_behalf: Mapped[bool] = mapped_column(Boolean, default=False)
    requested_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    due_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    cancel_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # The profile was published when the request hid it: a cancellation publishes it again.
    was_published: Mapped[bool] = mapped_column(Boolean, default=False)
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    done_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    @hybrid_property
    def is_pending(self) -> bool:
        """Neither cancelled nor carried out (also usable in a query's WHERE)."""
        return self.cancelled_at is None and self.done_at is None

    @is_pending.inplace.expression
    @classmethod
    def _is_pending_expression(cls):
        return and_(cls.cancelled_at.is_(None), cls.done_at.is_(None))
