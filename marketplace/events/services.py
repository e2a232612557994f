"""Pitching events: creating them, inviting enterprises, confirmations and availability,
investor registration against a capacity, and must-meet / meet / no-thanks preferences.

Services flush, never commit; they raise `marketplace.errors` domain errors with messages in the
user's language and take keyword-only arguments. Scheduling lives in `schedules`, judging in
`judging`, outcomes in `outcomes`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from marketplace import audit, tasks
from marketplace.accounts.models import User
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationError
from marketplace.events import codes, permissions
from marketplace.events.models import (
    EventInvitation,
    EventPreference,
    EventRegistration,
    EventRoom,
    PitchEvent,
    Schedule,
)
from marketplace.events.scheduling import PREFERENCES, Slot
from marketplace.extensions import db
from marketplace.models import as_utc, utcnow
from marketplace.profiles import permissions as profile_permissions
from marketplace.profiles.models import Enterprise
from marketplace.programmes import consent
from marketplace.programmes import permissions as programme_permissions
from marketplace.programmes.models import Cohort, Programme

MAX_DAYS = 7
MAX_SLOTS = 400  # far above a real pitch day; keeps a mistyped slot length from exploding
_HHMM = re.compile(r"^([01]?\d|2[0-3])[.:]([0-5]\d)$")


# --- the database write lock ------------------------------------------------------------------
def lock_for_write(session: Session) -> None:
    """Make the session's transaction hold the database's write lock from now on.

    On SQLite a deferred transaction that reads and then writes can fail at once with "database
    is locked" when another writer committed in between; BEGIN IMMEDIATE takes the lock first
    (waiting up to the busy timeout), so the check-and-update that follows is serialised. On
    PostgreSQL the conditional UPDATE's row lock does the same job and nothing is needed.
    Side effects: may start a transaction. Raises nothing of its own.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    raw = connection.connection.dbapi_connection
    if raw is not None and not raw.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


# --- events -----------------------------------------------------------------------------------
@dataclass
class EventData:
    """What the event form holds; the service checks every rule."""

    title: str
    mode: str
    timezone: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    day_start: str
    day_end: str
    slot_minutes: int | None
    breaks: str = ""
    block_friday_prayer: bool = True
    venue: str | None = None
    online_url: str | None = None
    description: str | None = None
    rooms: int | None = 0
    panel_size: int | None = 3
    tables: int | None = 0
    capacity: int | None = 0
    registration_deadline: dt.date | None = None
    ticket_price: int | None = None
    min_meetings: int | None = 1
    max_meetings_enterprise: int | None = None
    max_meetings_investor: int | None = None
    min_panel_size: int | None = 1
    programme_id: int | None = None


def parse_time(text: str, field: str) -> dt.time:
    """`09:30` or `09.30` as a time; raises ValidationError naming `field` otherwise."""
    match = _HHMM.match((text or "").strip())
    if not match:
        raise ValidationError(_l("Write the time as hours and minutes, e.g. 09.30."), field=field)
    return dt.time(int(match.group(1)), int(match.group(2)))


def parse_breaks(text: str) -> list[list[str]]:
    """Breaks written one a line as `12.00-13.00`; returns [["12:00", "13:00"], …].
    Raises ValidationError (field 'breaks') on a line that is not two times in order."""
    breaks = []
    for line in (text or "").replace(",", "\n").splitlines():
        if not line.strip():
            continue
        parts = re.split(r"\s*[-–]\s*", line.strip())
        if len(parts) != 2:
            raise ValidationError(
                _l("Write each break as start-end, e.g. 12.00-13.00."), field="breaks"
            )
        start, end = (parse_time(p, "breaks") for p in parts)
        if end <= start:
            raise ValidationError(_l("A break must end after it starts."), field="breaks")
        breaks.append([start.strftime("%H:%M"), end.strftime("%H:%M")])
    return breaks


def breaks_text(event: PitchEvent) -> str:
    """The breaks as the form shows them: `12.00-13.00`, one a line."""
    return "\n".join(f"{a.replace(':', '.')}-{b.replace(':', '.')}" for a, b in event.breaks or [])


def event_slots(event: PitchEvent) -> list[Slot]:
    """The event's slots in order, in the event's zone: every day from `day_start` to `day_end`
    in steps of `slot_minutes`, skipping the breaks and, on Fridays when asked, Friday prayer.
    A slot that would overlap a break starts after it. No side effects; raises nothing."""
    zone = ZoneInfo(event.timezone)
    step = dt.timedelta(minutes=event.slot_minutes)
    breaks = [(dt.time.fromisoformat(a), dt.time.fromisoformat(b)) for a, b in event.breaks or []]
    slots: list[Slot] = []
    day = event.starts_on
    while day <= event.ends_on and len(slots) < MAX_SLOTS:
        today_breaks = list(breaks)
        if event.block_friday_prayer and day.weekday() == 4:
            today_breaks.append(codes.FRIDAY_PRAYER)
        at = dt.datetime.combine(day, event.day_start, zone)
        closing = dt.datetime.combine(day, event.day_end, zone)
        while at + step <= closing and len(slots) < MAX_SLOTS:
            end = at + step
            clash = [b for b in today_breaks if at.time() < b[1] and end.time() > b[0]]
            if clash:
                at = dt.datetime.combine(day, max(b[1] for b in clash), zone)
                continue
            slots.append(Slot(len(slots), at, end))
            at = end
        day += dt.timedelta(days=1)
    return slots


def has_schedule(event: PitchEvent) -> bool:
    """True once a schedule has been built or published: timing and rooms are then fixed."""
    return (
        db.session.scalar(select(Schedule.id).where(Schedule.event_id == event.id).limit(1))
        is not None
    )


def _check_event_data(data: EventData) -> None:
    if not (data.title or "").strip():
        raise ValidationError(_l("Give the event a title."), field="title")
    if data.mode not in codes.MODES:
        raise ValidationError(_l("Choose one of the options offered."), field="mode")
    if data.timezone not in codes.ZONES:
        raise ValidationError(_l("Choose one of the options offered."), field="timezone")
    if data.starts_on is None:
        raise ValidationError(_l("Give the date of the event."), field="starts_on")
    ends_on = data.ends_on or data.starts_on
    if ends_on < data.starts_on:
        raise ValidationError(_l("The last day is before the first day."), field="ends_on")
    if (ends_on - data.starts_on).days >= MAX_DAYS:
        raise ValidationError(
            _l("An event lasts at most %(days)s days.", days=MAX_DAYS), field="ends_on"
        )
    if parse_time(data.day_end, "day_end") <= parse_time(data.day_start, "day_start"):
        raise ValidationError(_l("The day must end after it starts."), field="day_end")
    if not data.slot_minutes or not 5 <= data.slot_minutes <= 240:
        raise ValidationError(_l("A slot lasts between 5 and 240 minutes."), field="slot_minutes")
    if data.mode == "panel" and not data.rooms:
        raise ValidationError(_l("Panel pitching needs at least one room."), field="rooms")
    if data.mode == "meetings" and not data.tables:
        raise ValidationError(_l("1:1 meetings need at least one table."), field="tables")
    if data.online_url and not re.match(r"^https://\S+$", data.online_url.strip()):
        raise ValidationError(
            _l("Give the online link starting with https://."), field="online_url"
        )
    low, high = data.max_meetings_enterprise, data.min_meetings or 0
    if low is not None and low < high:
        raise ValidationError(
            _l("The maximum is below the minimum."), field="max_meetings_enterprise"
        )


def save_event(*, actor: User, data: EventData, event: PitchEvent | None = None) -> PitchEvent:
    """Create an event of the actor's organisation, or change `event`.

    Once a schedule exists the mode, days, hours, slots, breaks and rooms are fixed (the slots
    would no longer mean the same times). Raises PermissionDenied, ValidationError (with the
    field), Conflict. Side effects: rooms created or resized; audit `event.created`/`updated`.
    """
    if event is None and not permissions.can_create_event(actor):
        raise PermissionDenied(_l("Only facilitators run pitching events."))
    if event is not None and not permissions.can_manage_event(actor, event):
        raise PermissionDenied(_l("You cannot change this event."))
    _check_event_data(data)
    breaks = parse_breaks(data.breaks)
    capacity = data.capacity or 0
    if event is not None and capacity < event.registered_count:
        raise ValidationError(
            _l(
                "%(n)s investors are registered already: the capacity cannot be lower.",
                n=event.registered_count,
            ),
            field="capacity",
        )
    programme_id = data.programme_id or None
    if programme_id is not None:
        programme = db.session.get(Programme, programme_id)
        if programme is None or not programme_permissions.can_manage_programme(actor, programme):
            raise ValidationError(_l("Choose one of the options offered."), field="programme_id")
    timing = {
        "mode": data.mode,
        "timezone": data.timezone,
        "starts_on": data.starts_on,
        "ends_on": data.ends_on or data.starts_on,
        "day_start": parse_time(data.day_start, "day_start"),
        "day_end": parse_time(data.day_end, "day_end"),
        "slot_minutes": data.slot_minutes,
        "breaks": breaks,
        "block_friday_prayer": bool(data.block_friday_prayer),
        "tables": (data.tables or 0) if data.mode == "meetings" else 0,
    }
    created = event is None
    if created:
        event = PitchEvent(
            organisation_id=actor.organisation_id,
            created_by_id=actor.id,
            registered_count=0,
            published_version=0,
            status="open",
        )
        db.session.add(event)
    elif has_schedule(event):
        changed = [k for k, v in timing.items() if getattr(event, k) != v]
        if changed or _rooms_change(event, data):
            raise Conflict(
                _l(
                    "A schedule exists already: the mode, days, hours, slots, breaks "
                    "and rooms can no longer change."
                )
            )
    for key, value in timing.items():
        setattr(event, key, value)
    deadline = None
    if data.registration_deadline is not None:
        # The deadline is the end of that day in the event's own zone.
        deadline = dt.datetime.combine(
            data.registration_deadline, dt.time(23, 59), ZoneInfo(data.timezone)
        ).astimezone(dt.UTC)
    event.title = data.title.strip()
    event.description = (data.description or "").strip() or None
    event.venue = (data.venue or "").strip() or None
    event.online_url = (data.online_url or "").strip() or None
    event.capacity = capacity
    event.registration_deadline = deadline
    event.ticket_price = data.ticket_price or None
    event.min_meetings = data.min_meetings if data.min_meetings is not None else 1
    event.max_meetings_enterprise = data.max_meetings_enterprise
    event.max_meetings_investor = data.max_meetings_investor
    event.min_panel_size = data.min_panel_size if data.min_panel_size is not None else 1
    event.programme_id = programme_id
    db.session.flush()
    if data.mode == "panel":
        _resize_rooms(event, data.rooms or 0, data.panel_size or 0)
    if not event_slots(event):
        raise ValidationError(
            _l("No slot fits between the start and the end of the day."), field="day_end"
        )
    audit.record(
        "event.created" if created else "event.updated",
        actor_id=actor.id,
        object_type="pitch_event",
        object_id=event.id,
    )
    db.session.flush()
    return event


def _rooms_change(event: PitchEvent, data: EventData) -> bool:
    if data.mode != "panel":
        return False
    return len(event.rooms) != (data.rooms or 0) or any(
        r.capacity_investors != (data.panel_size or 0) for r in event.rooms
    )


def _resize_rooms(event: PitchEvent, count: int, panel_size: int) -> None:
    rooms = list(event.rooms)
    for room in rooms[count:]:
        event.rooms.remove(room)
    for room in rooms[:count]:
        room.capacity_investors = panel_size
    for n in range(len(rooms), count):
        event.rooms.append(
            EventRoom(name=f"Panel {n + 1}", capacity_investors=panel_size, position=n)
        )
    db.session.flush()


def get_event(event_id: int) -> PitchEvent:
    """The event; raises NotFound."""
    event = db.session.get(PitchEvent, event_id)
    if event is None:
        raise NotFound(_l("This event does not exist."))
    return event


def events_for(user: User) -> list[PitchEvent]:
    """The events a user sees in their list: their organisation's (facilitators), every event
    not cancelled (verified investors), the ones their enterprise is invited to (owners)."""
    query = select(PitchEvent).order_by(PitchEvent.starts_on.desc(), PitchEvent.id.desc())
    if user.role == "facilitator":
        query = query.where(
            or_(
                PitchEvent.organisation_id == user.organisation_id,
                PitchEvent.id.in_(
                    select(EventInvitation.event_id).where(
                        EventInvitation.enterprise_id.in_(
                            consent.mentored_enterprise_ids(user.organisation_id)
                        )
                    )
                ),
            )
        )
    elif user.role == "investor":
        if not profile_permissions.is_verified_investor(user):
            return []
        query = query.where(PitchEvent.status != "cancelled")
    elif user.role == "owner":
        query = (
            query.join(EventInvitation)
            .join(Enterprise)
            .where(Enterprise.organisation_id == user.organisation_id)
        )
    return list(db.session.scalars(query).unique())


# --- invitations and attendance ---------------------------------------------------------------
def invitable_enterprises(*, actor: User, event: PitchEvent, query: str = "") -> list[Enterprise]:
    """Enterprises the organiser may invite, by name: published ones and the organisation's own
    mentees (drafts included). At most 50, by name. No side effects."""
    mentored = consent.mentored_enterprise_ids(actor.organisation_id)
    statement = select(Enterprise).where(
        or_(Enterprise.status == "published", Enterprise.id.in_(mentored))
    )
    if query.strip():
        statement = statement.where(Enterprise.name.ilike(f"%{query.strip()}%"))
    return list(db.session.scalars(statement.order_by(Enterprise.name).limit(50)))


def _may_invite(actor: User, enterprise: Enterprise) -> bool:
    return enterprise.is_published or profile_permissions.is_facilitator_of(actor, enterprise)


def invite_enterprises(
    *, actor: User, event: PitchEvent, enterprises: Iterable[Enterprise]
) -> list[EventInvitation]:
    """Invite enterprises to pitch; those already invited are skipped. Returns the new
    invitations. Raises PermissionDenied (not the organiser, or a draft of another programme),
    Conflict (event cancelled). Side effects: audit `event.invited`; after commit an e-mail to
    each invited enterprise's owners (or its pendamping when it has no owner account yet)."""
    if not permissions.can_manage_event(actor, event):
        raise PermissionDenied(_l("You cannot change this event."))
    if event.status == "cancelled":
        raise Conflict(_l("This event is cancelled."))
    invited = {i.enterprise_id for i in event.invitations}
    created = []
    for enterprise in enterprises:
        if enterprise.id in invited:
            continue
        if not _may_invite(actor, enterprise):
            raise PermissionDenied(_l("This profile is a draft of another programme."))
        invitation = EventInvitation(
            event=event, enterprise=enterprise, status="invited", invited_by_id=actor.id
        )
        db.session.add(invitation)
        invited.add(enterprise.id)
        created.append(invitation)
    db.session.flush()
    if created:
        audit.record(
            "event.invited",
            actor_id=actor.id,
            object_type="pitch_event",
            object_id=event.id,
            details={"enterprises": [i.enterprise_id for i in created]},
        )
        tasks.enqueue(
            "events.mail",
            kind="invited",
            event_id=event.id,
            enterprise_ids=[i.enterprise_id for i in created],
        )
    return created


def invite_cohort(*, actor: User, event: PitchEvent, cohort: Cohort) -> list[EventInvitation]:
    """Invite every enterprise of a cohort whose owner let the programme in (accepted, not
    withdrawn or left: pending invitations are not the programme's to answer for). Raises
    PermissionDenied when the cohort is not the actor's programme's; otherwise as
    `invite_enterprises`."""
    if not programme_permissions.can_manage_programme(actor, cohort.programme):
        raise PermissionDenied(_l("You cannot change this programme."))
    return invite_enterprises(
        actor=actor,
        event=event,
        enterprises=[
            e.enterprise
            for e in cohort.enrolments
            if e.is_accepted and profile_permissions.is_facilitator_of(actor, e.enterprise)
        ],
    )


def _check_slots(event: PitchEvent, slots: Iterable[int] | None) -> list[int] | None:
    if slots is None:
        return None
    known = {s.index for s in event_slots(event)}
    chosen = sorted(set(slots))
    if any(s not in known for s in chosen):
        raise ValidationError(_l("Choose one of the options offered."), field="available")
    # Every slot ticked means "all day": stored as None so later-added slots count too.
    return None if set(chosen) == known else chosen


def answer_invitation(
    *,
    actor: User,
    invitation: EventInvitation,
    attending: bool,
    available_slots: Iterable[int] | None,
) -> None:
    """The owner or pendamping confirms (with the slots the enterprise can attend, None for
    all) or declines. Raises PermissionDenied, ValidationError (no slot ticked, unknown slot),
    Conflict (event cancelled). Side effects: audit `event.answered`."""
    event = invitation.event
    if not permissions.can_answer_for(actor, event, invitation.enterprise):
        raise PermissionDenied(_l("You cannot answer for this enterprise."))
    if event.status == "cancelled":
        raise Conflict(_l("This event is cancelled."))
    slots = _check_slots(event, available_slots)
    if attending and slots == []:
        raise ValidationError(_l("Tick at least one time you can attend."), field="available")
    invitation.status = "confirmed" if attending else "declined"
    invitation.available_slots = slots if attending else None
    invitation.responded_by_id = actor.id
    invitation.responded_at = utcnow()
    audit.record(
        "event.answered",
        actor_id=actor.id,
        object_type="pitch_event",
        object_id=event.id,
        details={"enterprise": invitation.enterprise_id, "status": invitation.status},
    )
    db.session.flush()


def invitation_for(event: PitchEvent, enterprise_id: int) -> EventInvitation:
    """The enterprise's invitation to the event; raises NotFound."""
    invitation = db.session.scalar(
        select(EventInvitation).where(
            EventInvitation.event_id == event.id, EventInvitation.enterprise_id == enterprise_id
        )
    )
    if invitation is None:
        raise NotFound(_l("This enterprise is not invited to the event."))
    return invitation


# --- investor registration against the capacity -----------------------------------------------
def register_investor(
    *, actor: User, event: PitchEvent, now: dt.datetime | None = None
) -> EventRegistration:
    """Take one of the event's seats for the actor (an investor of a verified organisation).

    Safe under concurrent registrations on SQLite and PostgreSQL: the seat is taken by one
    conditional UPDATE (`registered_count < capacity`) in a transaction that holds the write
    lock, backed by a CHECK on the counter and a UNIQUE (event, investor) constraint. A priced
    event leaves the registration 'pending' payment. Raises PermissionDenied, Conflict (already
    registered, full, deadline passed). Side effects: the registration row and the counter;
    audit `event.registered`. The caller must roll back on any error (a duplicate
    found by the constraint is rolled back here already).
    """
    if not permissions.can_register(actor, event):
        raise PermissionDenied(_l("Only investors of a verified organisation can register."))
    now = now or utcnow()
    if event.registration_deadline is not None and now > as_utc(event.registration_deadline):
        raise Conflict(_l("Registration for this event has closed."))
    lock_for_write(db.session())
    existing = db.session.scalar(
        select(EventRegistration)
        .where(EventRegistration.event_id == event.id, EventRegistration.user_id == actor.id)
        .execution_options(populate_existing=True)
    )
    if existing is not None and existing.status == "registered":
        raise Conflict(_l("You are registered for this event already."))
    taken = db.session.execute(
        update(PitchEvent)
        .where(PitchEvent.id == event.id, PitchEvent.registered_count < PitchEvent.capacity)
        .values(registered_count=PitchEvent.registered_count + 1)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        raise Conflict(_l("The event is full: every seat is taken."))
    db.session.expire(event, ["registered_count"])
    registration = existing or EventRegistration(
        event_id=event.id, user_id=actor.id, organisation_id=actor.organisation_id
    )
    registration.status = "registered"
    registration.price = event.ticket_price or None
    registration.payment_state = "pending" if event.ticket_price else "not_required"
    registration.room_id = None
    db.session.add(registration)
    try:
        db.session.flush()
    except IntegrityError as error:
        # The same investor registering twice at once: the UNIQUE constraint stops the second.
        # The failed flush has spoiled the transaction (and the seat it took): end it now, so
        # the error message can still be rendered with the user's language.
        db.session.rollback()
        raise Conflict(_l("You are registered for this event already.")) from error
    audit.record(
        "event.registered", actor_id=actor.id, object_type="pitch_event", object_id=event.id
    )
    db.session.flush()
    return registration


def cancel_registration(*, actor: User, event: PitchEvent) -> None:
    """Give the actor's seat back. Raises NotFound (not registered), Conflict (the schedule is
    published: ask the organiser). Side effects: counter decremented; audit."""
    lock_for_write(db.session())
    registration = permissions.registration_of(actor, event)
    if registration is None:
        raise NotFound(_l("You are not registered for this event."))
    if event.status == "published":
        raise Conflict(_l("The schedule is published: ask the organiser to take you off it."))
    registration.status = "cancelled"
    db.session.execute(
        update(PitchEvent)
        .where(PitchEvent.id == event.id, PitchEvent.registered_count > 0)
        .values(registered_count=PitchEvent.registered_count - 1)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(event, ["registered_count"])
    audit.record(
        "event.unregistered", actor_id=actor.id, object_type="pitch_event", object_id=event.id
    )
    db.session.flush()


def set_investor_availability(
    *, actor: User, event: PitchEvent, available_slots: Iterable[int] | None
) -> None:
    """The slots a registered investor can attend (None: all). Raises NotFound (not
    registered), ValidationError (none ticked or unknown slot)."""
    registration = permissions.registration_of(actor, event)
    if registration is None:
        raise NotFound(_l("You are not registered for this event."))
    slots = _check_slots(event, available_slots)
    if slots == []:
        raise ValidationError(_l("Tick at least one time you can attend."), field="available")
    registration.available_slots = slots
    db.session.flush()


def confirmed_invitations(event: PitchEvent) -> list[EventInvitation]:
    return [i for i in event.invitations if i.status == "confirmed"]


def live_registrations(event: PitchEvent) -> list[EventRegistration]:
    return [r for r in event.registrations if r.status == "registered"]


# --- preferences -----------------------------------------------------------------------------
def preferences(event: PitchEvent, *, side: str) -> dict[tuple[int, int], str]:
    """{(enterprise id, investor user id): value} said by `side` ('enterprise'/'investor')."""
    rows = db.session.scalars(
        select(EventPreference).where(
            EventPreference.event_id == event.id, EventPreference.side == side
        )
    )
    return {(p.enterprise_id, p.investor_id): p.value for p in rows}


def set_preferences(
    *,
    actor: User,
    event: PitchEvent,
    side: str,
    values: dict[int, str],
    enterprise: Enterprise | None = None,
) -> int:
    """Save must / meet / no thanks. Investor side: `values` maps invited enterprise ids, said
    by the actor (a registered investor). Enterprise side: `values` maps registered investors'
    user ids, said for `enterprise` by its owner or pendamping. A blank value removes the
    preference. Returns how many were saved. Raises PermissionDenied, ValidationError (unknown
    value or counterpart). Side effects: preference rows; audit `event.preferences`."""
    if side == "investor":
        if permissions.registration_of(actor, event) is None:
            raise PermissionDenied(_l("Register for the event first."))
        counterparts = {i.enterprise_id for i in event.invitations}
    elif side == "enterprise" and enterprise is not None:
        if not permissions.can_answer_for(actor, event, enterprise):
            raise PermissionDenied(_l("You cannot answer for this enterprise."))
        counterparts = {r.user_id for r in live_registrations(event)}
    else:
        raise ValueError("side must be 'investor', or 'enterprise' with an enterprise")
    for other, value in values.items():
        if other not in counterparts or (value and value not in PREFERENCES):
            raise ValidationError(_l("Choose one of the options offered."))
    existing = {
        (p.enterprise_id if side == "investor" else p.investor_id): p
        for p in db.session.scalars(
            select(EventPreference).where(
                EventPreference.event_id == event.id,
                EventPreference.side == side,
                (EventPreference.investor_id == actor.id)
                if side == "investor"
                else (EventPreference.enterprise_id == enterprise.id),
            )
        )
    }
    saved = 0
    for other, value in values.items():
        row = existing.get(other)
        if not value:
            if row is not None:
                db.session.delete(row)
            continue
        if row is None:
            row = EventPreference(
                event_id=event.id,
                side=side,
                enterprise_id=other if side == "investor" else enterprise.id,
                investor_id=actor.id if side == "investor" else other,
            )
            db.session.add(row)
        row.value = value
        row.set_by_id = actor.id
        saved += 1
    audit.record(
        "event.preferences",
        actor_id=actor.id,
        object_type="pitch_event",
        object_id=event.id,
        details={"side": side, "count": saved},
    )
    db.session.flush()
    return saved
