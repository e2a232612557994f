"""Pitching events, who comes, the schedules built for them, judging and outcomes.

Money is integer rupiah. Times are stored in UTC (`DateTime(timezone=True)`); an event's own
zone (WIB/WITA/WIT) is used to build its slots and to show every time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from marketplace.accounts.models import Organisation, User
from marketplace.events import codes
from marketplace.events.scheduling.problems import PREFERENCES
from marketplace.extensions import db
from marketplace.models import (
    ActorId,
    EnterpriseId,
    EventId,
    TimestampMixin,
    UserId,
    children,
    one_of,
    parent_id,
    utcnow,
)
from marketplace.profiles.models import Enterprise


class PitchEvent(TimestampMixin, db.Model):
    """A pitch day run by a programme organisation's facilitators."""

    __tablename__ = "pitch_events"
    __table_args__ = (
        sa.CheckConstraint(one_of("mode", codes.MODES), name="mode"),
        sa.CheckConstraint(one_of("status", codes.EVENT_STATUSES), name="status"),
        sa.CheckConstraint(one_of("timezone", codes.ZONES), name="timezone"),
        sa.CheckConstraint("ends_on >= starts_on", name="dates_in_order"),
        sa.CheckConstraint("day_end > day_start", name="hours_in_order"),
        sa.CheckConstraint("slot_minutes BETWEEN 5 AND 240", name="slot_minutes"),
        sa.CheckConstraint("tables >= 0", name="tables_non_negative"),
        # The seat counter can never pass the capacity, whatever the code above it does.
        sa.CheckConstraint(
            "registered_count >= 0 AND registered_count <= capacity", name="within_capacity"
        ),
        sa.CheckConstraint("min_meetings >= 0 AND min_panel_size >= 0", name="minimums"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    # Raised on every UPDATE; forms send it back (marketplace.editing): no silent overwrite.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}
    programme_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("programmes.id", ondelete="SET NULL")
    )
    created_by_id: Mapped[ActorId]
    title: Mapped[str] = mapped_column(sa.String(160))
    description: Mapped[str | None] = mapped_column(sa.Text)
    mode: Mapped[str] = mapped_column(sa.String(10))
    status: Mapped[str] = mapped_column(sa.String(12), default="open", index=True)
    timezone: Mapped[str] = mapped_column(sa.String(40), default="Asia/Jakarta")
    starts_on: Mapped[dt.date] = mapped_column(sa.Date)
    ends_on: Mapped[dt.date] = mapped_column(sa.Date)
    day_start: Mapped[dt.time] = mapped_column(sa.Time)
    day_end: Mapped[dt.time] = mapped_column(sa.Time)
    slot_minutes: Mapped[int] = mapped_column(sa.Integer, default=15)
    # Breaks every day as [["12:00", "13:00"], …] in the event's zone.
    breaks: Mapped[list[list[str]]] = mapped_column(sa.JSON, default=list)
    block_friday_prayer: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    venue: Mapped[str | None] = mapped_column(sa.String(200))
    online_url: Mapped[str | None] = mapped_column(sa.String(300))
    tables: Mapped[int] = mapped_column(sa.Integer, default=0)
    capacity: Mapped[int] = mapped_column(sa.Integer, default=0)
    registered_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    registration_deadline: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    currency: Mapped[str] = mapped_column(sa.String(3), default="IDR")
    min_meetings: Mapped[int] = mapped_column(sa.Integer, default=1)
    max_meetings_enterprise: Mapped[int | None] = mapped_column(sa.Integer)
    max_meetings_investor: Mapped[int | None] = mapped_column(sa.Integer)
    min_panel_size: Mapped[int] = mapped_column(sa.Integer, default=1)
    published_version: Mapped[int] = mapped_column(sa.Integer, default=0)

    organisation: Mapped[Organisation] = relationship()
    rooms: Mapped[list[EventRoom]] = children("event", order_by="EventRoom.position")
    invitations: Mapped[list[EventInvitation]] = children("event", order_by="EventInvitation.id")
    registrations: Mapped[list[EventRegistration]] = children(
        "event", order_by="EventRegistration.id"
    )
    criteria: Mapped[list[Criterion]] = children("event", order_by="Criterion.position")
    judges: Mapped[list[EventJudge]] = children("event", order_by="EventJudge.id")


class EventRoom(db.Model):
    """A room where one panel sits (panel mode)."""

    __tablename__ = "event_rooms"
    __table_args__ = (sa.CheckConstraint("capacity_investors >= 0", name="capacity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[EventId]
    name: Mapped[str] = mapped_column(sa.String(80))
    capacity_investors: Mapped[int] = mapped_column(sa.Integer, default=3)
    position: Mapped[int] = mapped_column(sa.Integer, default=0)

    event: Mapped[PitchEvent] = relationship(back_populates="rooms")


class EventInvitation(TimestampMixin, db.Model):
    """An enterprise invited to pitch, its answer and the slots it can attend (None: all)."""

    __tablename__ = "event_invitations"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "enterprise_id"),
        sa.CheckConstraint(one_of("status", codes.INVITATION_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[EventId]
    enterprise_id: Mapped[EnterpriseId]
    status: Mapped[str] = mapped_column(sa.String(10), default="invited")
    available_slots: Mapped[list[int] | None] = mapped_column(sa.JSON)
    invited_by_id: Mapped[ActorId]
    responded_by_id: Mapped[ActorId]
    responded_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    feedback_sent_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))

    event: Mapped[PitchEvent] = relationship(back_populates="invitations")
    enterprise: Mapped[Enterprise] = relationship()


class EventRegistration(TimestampMixin, db.Model):
    """An investor's seat at the event. One row per (event, investor); a cancelled row keeps
    its place in history and is reused when the investor registers again."""

    __tablename__ = "event_registrations"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "user_id"),
        sa.CheckConstraint(one_of("status", codes.REGISTRATION_STATUSES), name="status"),
        # 'pending': a seat registered under the old per-event price, before tickets (issue 11);
        # no code sets it any more. 'refunded': a ticket holder whose money was given back.
        sa.CheckConstraint(one_of("payment_state", codes.PAYMENT_STATES), name="payment"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[EventId]
    user_id: Mapped[UserId]
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    status: Mapped[str] = mapped_column(sa.String(10), default="registered")
    payment_state: Mapped[str] = mapped_column(sa.String(12), default="not_required")
    price: Mapped[int | None] = mapped_column(sa.BigInteger)
    available_slots: Mapped[list[int] | None] = mapped_column(sa.JSON)
    room_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("event_rooms.id", ondelete="SET NULL")
    )

    event: Mapped[PitchEvent] = relationship(back_populates="registrations")
    user: Mapped[User] = relationship()
    organisation: Mapped[Organisation] = relationship()


class EventPreference(db.Model):
    """must / meet / no for one (enterprise, investor) pair, said by one side of it."""

    __tablename__ = "event_preferences"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "enterprise_id", "investor_id", "side"),
        sa.CheckConstraint("side IN ('enterprise','investor')", name="side"),
        sa.CheckConstraint(one_of("value", PREFERENCES), name="value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[EventId]
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id", ondelete="CASCADE"))
    investor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    side: Mapped[str] = mapped_column(sa.String(10))
    value: Mapped[str] = mapped_column(sa.String(4))
    set_by_id: Mapped[ActorId]


class ScheduleRun(db.Model):
    """One press of "Build schedule": its progress while the job runs, then the solver's report."""

    __tablename__ = "schedule_runs"
    __table_args__ = (sa.CheckConstraint(one_of("status", codes.RUN_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[EventId]
    requested_by_id: Mapped[ActorId]
    status: Mapped[str] = mapped_column(sa.String(10), default="queued")
    progress: Mapped[float] = mapped_column(sa.Float, default=0.0)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    # The last sign of life of a running build (its start, then each progress write): a run
    # silent for longer than its time budget lost its worker (jobs.sweep marks it failed).
    progress_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    solver_status: Mapped[str | None] = mapped_column(sa.String(12))
    objective: Mapped[int | None] = mapped_column(sa.Integer)
    bound: Mapped[int | None] = mapped_column(sa.Integer)
    gap_pct: Mapped[float | None] = mapped_column(sa.Float)
    solve_s: Mapped[float | None] = mapped_column(sa.Float)
    greedy_objective: Mapped[int | None] = mapped_column(sa.Integer)
    placed: Mapped[int | None] = mapped_column(sa.Integer)
    # [{"kind": "enterprise", "id": 3, "reason": "no_available_slot"}, …]
    unplaced: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    error: Mapped[str | None] = mapped_column(sa.String(300))


class EventReminder(db.Model):
    """The reminder e-mail one person got before one event: at most one each (the unique pair),
    so a reminder job that runs twice, or in two workers, reminds nobody twice."""

    __tablename__ = "event_reminders"
    __table_args__ = (sa.UniqueConstraint("event_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[EventId]
    user_id: Mapped[UserId]
    sent_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class Schedule(db.Model):
    """A timetable of an event. Version 0 is the facilitator's working draft; each publication
    freezes a copy as version 1, 2, … that is never changed again."""

    __tablename__ = "event_schedules"
    __table_args__ = (sa.UniqueConstraint("event_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[EventId]
    version: Mapped[int] = mapped_column(sa.Integer, default=0)
    run_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("schedule_runs.id", ondelete="SET NULL")
    )
    # Panel mode: each investor's room, {"<user id>": room id}.
    seating: Mapped[dict[str, int]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    published_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))

    items: Mapped[list[ScheduleItem]] = children(
        "schedule", order_by="(ScheduleItem.slot, ScheduleItem.room)"
    )


class ScheduleItem(db.Model):
    """One pitch (room = an event_rooms id) or one meeting (room = a table number from 1)."""

    __tablename__ = "schedule_items"
    __table_args__ = (sa.UniqueConstraint("schedule_id", "slot", "room"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = parent_id("event_schedules")
    slot: Mapped[int] = mapped_column(sa.Integer)
    room: Mapped[int] = mapped_column(sa.Integer)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id", ondelete="CASCADE"))
    investor_ids: Mapped[list[int]] = mapped_column(sa.JSON, default=list)

    schedule: Mapped[Schedule] = relationship(back_populates="items")
    enterprise: Mapped[Enterprise] = relationship()


class Criterion(db.Model):
    """A line of the event's score sheet: a standard code (translated) or a custom name."""

    __tablename__ = "judging_criteria"
    __table_args__ = (sa.CheckConstraint("weight BETWEEN 1 AND 10", name="weight"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[EventId]
    code: Mapped[str | None] = mapped_column(sa.String(30))
    name: Mapped[str | None] = mapped_column(sa.String(120))
    weight: Mapped[int] = mapped_column(sa.Integer, default=1)
    position: Mapped[int] = mapped_column(sa.Integer, default=0)

    event: Mapped[PitchEvent] = relationship(back_populates="criteria")


class EventJudge(db.Model):
    """A judge of the event, on one panel (room) or on all of them (room None)."""

    __tablename__ = "event_judges"
    __table_args__ = (sa.UniqueConstraint("event_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[EventId]
    user_id: Mapped[UserId]
    room_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("event_rooms.id", ondelete="SET NULL")
    )

    event: Mapped[PitchEvent] = relationship(back_populates="judges")
    user: Mapped[User] = relationship()
    room: Mapped[EventRoom | None] = relationship()


class JudgeInvitation(TimestampMixin, db.Model):
    """An organiser's invitation to judge, sent to an e-mail address as typed.

    It names an address, not a user: the organiser learns nothing about accounts. Whoever holds
    an account of a role that may judge under that address (now, or after registering with it)
    may accept or decline; accepting makes them an `EventJudge` on `room_id` (None: all panels).
    """

    __tablename__ = "judge_invitations"
    __table_args__ = (
        sa.CheckConstraint(
            "status IN ('pending','accepted','declined','withdrawn')", name="status"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[EventId]
    # As the organiser typed it (shown back to them), and normalised (matched to accounts).
    email: Mapped[str] = mapped_column(sa.String(254))
    email_key: Mapped[str] = mapped_column(sa.String(254), index=True)
    room_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("event_rooms.id", ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(sa.String(10), default="pending")
    invited_by_id: Mapped[ActorId]
    decided_by_id: Mapped[ActorId]
    decided_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))

    event: Mapped[PitchEvent] = relationship()
    room: Mapped[EventRoom | None] = relationship()


class Review(TimestampMixin, db.Model):
    """One judge's scores and comment for one enterprise's pitch."""

    __tablename__ = "judge_reviews"
    __table_args__ = (sa.UniqueConstraint("event_id", "judge_id", "enterprise_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[EventId]
    judge_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id", ondelete="CASCADE"))
    comment: Mapped[str | None] = mapped_column(sa.Text)

    scores: Mapped[list[ReviewScore]] = children("review")


class ReviewScore(db.Model):
    __tablename__ = "review_scores"
    __table_args__ = (
        sa.UniqueConstraint("review_id", "criterion_id"),
        sa.CheckConstraint("value BETWEEN 1 AND 10", name="value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = parent_id("judge_reviews")
    criterion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("judging_criteria.id", ondelete="CASCADE")
    )
    value: Mapped[int] = mapped_column(sa.Integer)

    review: Mapped[Review] = relationship(back_populates="scores")


class Outcome(TimestampMixin, db.Model):
    """Where one enterprise stands with one investor or lender on one track (an investment
    ladder, or a loan route), with the latest amount and date; `steps` keep the history."""

    __tablename__ = "outcomes"
    __table_args__ = (
        sa.CheckConstraint(one_of("track", codes.OUTCOME_TRACKS), name="track"),
        sa.CheckConstraint(
            one_of("status", codes.OUTCOME_STATUSES),
            name="status",
        ),
        sa.CheckConstraint("amount IS NULL OR amount >= 0", name="amount_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[EnterpriseId]
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    lender_name: Mapped[str | None] = mapped_column(sa.String(160))
    event_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("pitch_events.id", ondelete="SET NULL"), index=True
    )
    track: Mapped[str] = mapped_column(sa.String(12))
    status: Mapped[str] = mapped_column(sa.String(16))
    amount: Mapped[int | None] = mapped_column(sa.BigInteger)
    status_on: Mapped[dt.date] = mapped_column(sa.Date)
    recorded_by_id: Mapped[ActorId]

    enterprise: Mapped[Enterprise] = relationship(
        backref=backref("outcomes", order_by="Outcome.status_on.desc()", viewonly=True)
    )
    organisation: Mapped[Organisation | None] = relationship()
    steps: Mapped[list[OutcomeStep]] = children("outcome", order_by="OutcomeStep.id")

    @property
    def party(self) -> str:
        return self.organisation.name if self.organisation else (self.lender_name or "")


class OutcomeStep(db.Model):
    """One recorded step of an outcome: the status reached, when, and the amount then."""

    __tablename__ = "outcome_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    outcome_id: Mapped[int] = parent_id("outcomes")
    status: Mapped[str] = mapped_column(sa.String(16))
    on: Mapped[dt.date] = mapped_column(sa.Date)
    amount: Mapped[int | None] = mapped_column(sa.BigInteger)
    recorded_by_id: Mapped[ActorId]
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    outcome: Mapped[Outcome] = relationship(back_populates="steps")
