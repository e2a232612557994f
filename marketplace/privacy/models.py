"""Rights requests: who asked what about whose data, by when it must be answered, and how it was.

One table for every kind, so the admin queue shows them together with their deadlines. UU PDP
gives the controller 3 × 24 hours to answer a request for access or correction (art. 32, 33)
and to stop processing and erase on a deletion request (art. 43): `DUE` holds these periods.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.models import ActorId, as_utc, one_of, utcnow
from marketplace.profiles.models import Enterprise

KINDS = {
    "access": _l("Copy of data"),
    "correction": _l("Correction"),
    "deletion": _l("Deletion"),
}
STATUSES = {
    "open": _l("open"),
    "done": _l("answered"),
    "rejected": _l("rejected"),
    "cancelled": _l("cancelled"),
}
# The legal time to answer, counted from the request.
DUE = {
    "access": dt.timedelta(hours=3 * 24),
    "correction": dt.timedelta(hours=3 * 24),
    "deletion": dt.timedelta(hours=72),
}
# What a correction request is about: data the user cannot change on their own pages.
CORRECTION_TOPICS = {
    "attestation": _l("A facilitator's attestation"),
    "mentoring": _l("A mentoring record"),
    "programme": _l("A programme enrolment"),
    "other": _l("Something else"),
}
# How long the link to a copy of one's data works once the copy is ready.
DOWNLOAD_VALID = dt.timedelta(hours=48)


class RightsRequest(db.Model):
    __tablename__ = "rights_requests"
    __table_args__ = (
        CheckConstraint(one_of("kind", KINDS), name="kind"),
        CheckConstraint(one_of("status", STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    # Who asked: the person themselves, or a facilitator for a phone-only owner (`on_behalf`).
    requester_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # Whose data: a user (their account and their enterprises), or an enterprise alone (an
    # owner without an account, asked for by their facilitator).
    subject_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    subject_enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprises.id", ondelete="SET NULL"), index=True
    )
    on_behalf: Mapped[bool] = mapped_column(Boolean, default=False)
    # A correction: what it is about and what the user says is wrong.
    topic: Mapped[str | None] = mapped_column(String(20))
    details: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    due_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    answered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # None on an answered access request: the export job answered it.
    answered_by_id: Mapped[ActorId]
    answer: Mapped[str] = mapped_column(Text, default="")
    # A copy of the data: its file (a storage key) and until when the link to it works.
    export_key: Mapped[str | None] = mapped_column(String(80))
    export_expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    requester: Mapped[User | None] = relationship(foreign_keys="RightsRequest.requester_id")
    subject_user: Mapped[User | None] = relationship(foreign_keys="RightsRequest.subject_user_id")
    subject_enterprise: Mapped[Enterprise | None] = relationship()
    answered_by: Mapped[User | None] = relationship(foreign_keys="RightsRequest.answered_by_id")

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    def is_overdue(self, now: dt.datetime | None = None) -> bool:
        """Still open after its legal deadline."""
        return self.is_open and as_utc(self.due_at) < (now or utcnow())

    def export_available(self, now: dt.datetime | None = None) -> bool:
        """A copy is ready and its link has not expired."""
        expires = as_utc(self.export_expires_at)
        return (
            self.status == "done"
            and self.export_key is not None
            and expires is not None
            and expires > (now or utcnow())
        )
