"""Programmes, cohorts and enrolments (with the owner's consent), facilitators' attestations
on readiness items, hand-over invitations, business groups and priority areas.

An enrolment gives the programme organisation's facilitators rights over the enterprise only
once its owner accepts (`marketplace.programmes.consent`).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace import vocab
from marketplace.accounts.models import Organisation, User
from marketplace.extensions import db
from marketplace.models import ActorId, EnterpriseId, TimestampMixin, children, one_of, parent_id
from marketplace.profiles.models import Enterprise


class Attestation(db.Model):
    """A facilitator's "diverifikasi pendamping" on one readiness checklist item."""

    __tablename__ = "attestations"
    __table_args__ = (sa.UniqueConstraint("enterprise_id", "item_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[EnterpriseId]
    item_code: Mapped[str] = mapped_column(sa.String(40))
    attested_by_id: Mapped[ActorId]
    attested_by_name: Mapped[str] = mapped_column(sa.String(120))
    attested_on: Mapped[dt.date] = mapped_column(sa.Date)
    note: Mapped[str | None] = mapped_column(sa.String(300))

    enterprise: Mapped[Enterprise] = relationship(back_populates="attestations")


class Programme(TimestampMixin, db.Model):
    """A mentoring programme run by a programme organisation (NGO, CSR, Dinas)."""

    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    description: Mapped[str | None] = mapped_column(sa.Text)
    donor: Mapped[str | None] = mapped_column(sa.String(160))

    organisation: Mapped[Organisation] = relationship()
    cohorts: Mapped[list[Cohort]] = children("programme", order_by="Cohort.starts_on")


class Cohort(TimestampMixin, db.Model):
    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = parent_id("programmes")
    name: Mapped[str] = mapped_column(sa.String(120))
    province_code: Mapped[str | None] = mapped_column(sa.String(2))
    regency_code: Mapped[str | None] = mapped_column(sa.String(5))
    starts_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    ends_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    modules: Mapped[list[str]] = mapped_column(sa.JSON, default=list)

    programme: Mapped[Programme] = relationship(back_populates="cohorts")
    enrolments: Mapped[list[Enrolment]] = children("cohort")


class Enrolment(TimestampMixin, db.Model):
    """An enterprise in a cohort, with its pendamping and progress.

    `consent` is the owner's answer: an enrolment gives the programme's facilitators rights over
    the enterprise only once it is `accepted` (see `marketplace.programmes.consent`). A profile
    the facilitator created for a phone-only owner is enrolled `on_behalf` and accepted from the
    start. `declined` and `left` are the owner's no; `status = 'withdrawn'` is the programme's.
    """

    __tablename__ = "enrolments"
    __table_args__ = (
        sa.UniqueConstraint("cohort_id", "enterprise_id"),
        sa.CheckConstraint(one_of("status", vocab.ENROLMENT_STATUSES), name="status"),
        sa.CheckConstraint("consent IN ('pending','accepted','declined','left')", name="consent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(
        sa.ForeignKey("cohorts.id", ondelete="CASCADE"), index=True
    )
    enterprise_id: Mapped[EnterpriseId]
    facilitator_id: Mapped[ActorId]
    status: Mapped[str] = mapped_column(sa.String(12), default="active")
    enrolled_on: Mapped[dt.date] = mapped_column(sa.Date)
    completed_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    modules_completed: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    consent: Mapped[str] = mapped_column(sa.String(10), default="pending")
    on_behalf: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    # When the owner was told of the invitation (held while the organisation is unverified).
    notified_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # Who answered (accepted, declined, left) and when.
    consent_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    consent_by_id: Mapped[ActorId]
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    withdrawn_by_id: Mapped[ActorId]

    cohort: Mapped[Cohort] = relationship(back_populates="enrolments")
    enterprise: Mapped[Enterprise] = relationship(back_populates="enrolments")
    facilitator: Mapped[User | None] = relationship(foreign_keys="Enrolment.facilitator_id")

    @property
    def is_pending(self) -> bool:
        return self.consent == "pending" and self.status != "withdrawn"

    @property
    def is_accepted(self) -> bool:
        return self.consent == "accepted" and self.status != "withdrawn"


class Invitation(TimestampMixin, db.Model):
    """A hand-over link: the owner of an enterprise created on their behalf claims it.

    Only the SHA-256 of the token is stored; the link is shown once to the facilitator.
    """

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[EnterpriseId]
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    created_by_id: Mapped[ActorId]
    expires_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    accepted_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    accepted_by_id: Mapped[ActorId]

    enterprise: Mapped[Enterprise] = relationship()


class BusinessGroup(TimestampMixin, db.Model):
    """A group of member enterprises a programme's facilitators registered: a KUBE, a Mekaar
    group, a cooperative or a centre (vocab.GROUP_KINDS). Members are enterprises the
    programme's organisation acts for (`programmes.groups.add_member`)."""

    __tablename__ = "business_groups"
    __table_args__ = (sa.CheckConstraint(one_of("kind", vocab.GROUP_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = parent_id("programmes")
    kind: Mapped[str] = mapped_column(sa.String(20))
    name: Mapped[str] = mapped_column(sa.String(160))
    regency_code: Mapped[str | None] = mapped_column(sa.String(5))
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    programme: Mapped[Programme] = relationship()
    members: Mapped[list[GroupMember]] = children("group", order_by="GroupMember.id")


class GroupMember(db.Model):
    """An enterprise's membership of a business group."""

    __tablename__ = "group_members"
    __table_args__ = (sa.UniqueConstraint("group_id", "enterprise_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = parent_id("business_groups")
    enterprise_id: Mapped[EnterpriseId]
    joined_on: Mapped[dt.date] = mapped_column(sa.Date)

    group: Mapped[BusinessGroup] = relationship(back_populates="members")
    enterprise: Mapped[Enterprise] = relationship(back_populates="group_memberships")


class PriorityArea(db.Model):
    """A kabupaten/kota a programme marks as a priority (its own list, edited by its
    facilitators), e.g. KemenkopUKM's 48 extreme-poverty priority kabupaten/kota."""

    __tablename__ = "priority_areas"
    __table_args__ = (sa.UniqueConstraint("programme_id", "regency_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = parent_id("programmes")
    regency_code: Mapped[str] = mapped_column(sa.String(5))
