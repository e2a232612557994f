"""Monitoring and evaluation (issue 15): a programme's targets and enterprises' periodic check-ins.

Whether an enterprise is counted at all, and under which sensitive attributes, is the owner's
consent per purpose on the enterprise (`marketplace.profiles.consents`: the reports consent and
each attribute's own), with its history kept by `marketplace.privacy`; nothing here.

Indicator values are never stored: `marketplace.monitoring.indicators` computes them by query
from profiles, enrolments, schedules, shortlists, outcomes and these check-ins.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.extensions import db
from marketplace.models import ActorId, EnterpriseId, TimestampMixin, utcnow
from marketplace.profiles.models import Enterprise
from marketplace.programmes.models import Programme


class Target(TimestampMixin, db.Model):
    """What a programme promised its donor for one indicator by the end of one period.

    `period` is a year (`2026`) or a quarter (`2026-Q3`); targets are cumulative from the
    programme's start, as donors' logframes count them. `baseline` is the value the programme
    started from (often 0); `donor_code` is the donor's own code for the indicator, if any."""

    __tablename__ = "monitoring_targets"
    __table_args__ = (
        sa.UniqueConstraint("programme_id", "indicator", "period"),
        sa.CheckConstraint("target >= 0", name="target_non_negative"),
        sa.CheckConstraint("baseline IS NULL OR baseline >= 0", name="baseline_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programmes.id", ondelete="CASCADE"), index=True
    )
    indicator: Mapped[str] = mapped_column(sa.String(40))
    period: Mapped[str] = mapped_column(sa.String(7))
    target: Mapped[int] = mapped_column(sa.BigInteger)
    baseline: Mapped[int | None] = mapped_column(sa.BigInteger)
    donor_code: Mapped[str | None] = mapped_column(sa.String(40))
    set_by_id: Mapped[ActorId]

    programme: Mapped[Programme] = relationship()


class CheckIn(TimestampMixin, db.Model):
    """One enterprise's figures for one month (`month` is its first day), entered by the owner
    or their facilitator. `stage` and `size_class` are the readiness verdicts on the day it was
    saved: the history the funnel's times and the size-class moves are read from. A figure left
    empty is NULL, "not reported" (never 0): the jobs indicators then read an earlier month
    that reported employees (`indicators._employees`)."""

    __tablename__ = "monitoring_check_ins"
    __table_args__ = (
        sa.UniqueConstraint("enterprise_id", "month"),
        sa.CheckConstraint("revenue IS NULL OR revenue >= 0", name="revenue_non_negative"),
        # A NULL (not reported) passes: a CHECK fails only on false.
        sa.CheckConstraint(
            "employees_women >= 0 AND employees_men >= 0", name="employees_non_negative"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[EnterpriseId]
    month: Mapped[dt.date] = mapped_column(sa.Date, index=True)
    revenue: Mapped[int | None] = mapped_column(sa.BigInteger)
    employees_women: Mapped[int | None] = mapped_column(sa.Integer)
    employees_men: Mapped[int | None] = mapped_column(sa.Integer)
    stage: Mapped[str | None] = mapped_column(sa.String(20))
    size_class: Mapped[str | None] = mapped_column(sa.String(20))
    entered_by_id: Mapped[ActorId]

    enterprise: Mapped[Enterprise] = relationship()
    finance: Mapped[list[FinanceReceived]] = relationship(
        back_populates="check_in", cascade="all, delete-orphan", order_by="FinanceReceived.route"
    )


class FinanceReceived(db.Model):
    """Money the enterprise received in a check-in's month by one route (vocab.ROUTES)."""

    __tablename__ = "monitoring_finance"
    __table_args__ = (
        sa.UniqueConstraint("check_in_id", "route"),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    check_in_id: Mapped[int] = mapped_column(
        sa.ForeignKey("monitoring_check_ins.id", ondelete="CASCADE"), index=True
    )
    route: Mapped[str] = mapped_column(sa.String(20))
    amount: Mapped[int] = mapped_column(sa.BigInteger)

    check_in: Mapped[CheckIn] = relationship(back_populates="finance")


class DataVersion(db.Model):
    """One row: a token replaced, in the same transaction, by every commit that wrote to a table
    a programme report reads (`monitoring.cache`). A report kept in memory is valid only while
    the token it was computed under is still this one."""

    __tablename__ = "monitoring_data_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(32))


class PublicSnapshot(db.Model):
    """The counts behind the public page (`/monitoring`) as they stood at the end of one month
    (`as_of`, that month's last day), computed once when the page is first asked for after the
    month ended and read unchanged until the next one: a single grant, check-in or consent
    withdrawal is never seen on its own. Aggregate counts and sums only, no enterprise;
    suppression and rounding are applied when the page is drawn."""

    __tablename__ = "monitoring_public_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    as_of: Mapped[dt.date] = mapped_column(sa.Date, unique=True)
    figures: Mapped[dict] = mapped_column(sa.JSON)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
