"""Setting up pitching events: creating and editing them (times, slots, rooms), the events a
user sees, and the database write lock the seat-taking services share.

Services flush, never commit; they raise `marketplace.errors` domain errors with messages in the
user's language and take keyword-only arguments. Who comes lives in `registration`, scheduling
in `schedules` (agendas in `agendas`), judging in `judging` and `judge_invitations`, outcomes
in `outcomes`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from marketplace import audit, editing
from marketplace.accounts.models import User
from marketplace.errors import Conflict, PermissionDenied, Problems, ValidationError
from marketplace.events import codes, permissions
from marketplace.events.models import EventInvitation, EventRoom, PitchEvent, Schedule
from marketplace.events.scheduling import Slot
from marketplace.extensions import db
from marketplace.models import row_or_not_found
from marketplace.profiles import permissions as profile_permissions
from marketplace.profiles.models import Enterprise
from marketplace.programmes import consent
from marketplace.programmes import permissions as programme_permissions
from marketplace.programmes.models import Programme

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


def event_problems(data: EventData) -> Problems:
    """Every rule the event's settings break, each on its field (also run on a form that failed
    its own checks, so one submit shows every error)."""
    problems = Problems()
    if not (data.title or "").strip():
        problems.add(_l("Give the event a title."), field="title")
    if data.mode not in codes.MODES:
        problems.add(_l("Choose one of the options offered."), field="mode")
    if data.timezone not in codes.ZONES:
        problems.add(_l("Choose one of the options offered."), field="timezone")
    if data.starts_on is None:
        problems.add(_l("Give the date of the event."), field="starts_on")
    else:
        ends_on = data.ends_on or data.starts_on
        if ends_on < data.starts_on:
            problems.add(_l("The last day is before the first day."), field="ends_on")
        elif (ends_on - data.starts_on).days >= MAX_DAYS:
            problems.add(
                _l("An event lasts at most %(days)s days.", days=MAX_DAYS), field="ends_on"
            )
    day_start = day_end = None
    with problems.check():
        day_start = parse_time(data.day_start, "day_start")
    with problems.check():
        day_end = parse_time(data.day_end, "day_end")
    if day_start is not None and day_end is not None and day_end <= day_start:
        problems.add(_l("The day must end after it starts."), field="day_end")
    with problems.check():
        parse_breaks(data.breaks)
    if not data.slot_minutes or not 5 <= data.slot_minutes <= 240:
        problems.add(_l("A slot lasts between 5 and 240 minutes."), field="slot_minutes")
    if data.mode == "panel" and not data.rooms:
        problems.add(_l("Panel pitching needs at least one room."), field="rooms")
    if data.mode == "meetings" and not data.tables:
        problems.add(_l("1:1 meetings need at least one table."), field="tables")
    if data.online_url and not re.match(r"^https://\S+$", data.online_url.strip()):
        problems.add(_l("Give the online link starting with https://."), field="online_url")
    low, high = data.max_meetings_enterprise, data.min_meetings or 0
    if low is not None and low < high:
        problems.add(_l("The maximum is below the minimum."), field="max_meetings_enterprise")
    if data.mode == "panel" and not data.panel_size:
        problems.add(_l("A panel needs at least one investor."), field="panel_size")
    elif data.mode == "panel" and (data.min_panel_size or 0) > data.panel_size:
        problems.add(
            _l("A pitch cannot need more investors than a panel seats."), field="min_panel_size"
        )
    closes, first_day = data.registration_deadline, data.starts_on
    if closes is not None and first_day is not None and closes > first_day:
        problems.add(
            _l("Registration must close on or before the first day."),
            field="registration_deadline",
        )
    return problems


def event_values(event: PitchEvent) -> dict:
    """The event's values as its form shows them, by field (see `marketplace.editing`)."""
    values = {
        name: getattr(event, name)
        for name in EventData.__dataclass_fields__
        if name not in ("breaks", "rooms", "panel_size", "day_start", "day_end")
    }
    values["day_start"], values["day_end"] = event.day_start, event.day_end
    values["breaks"] = breaks_text(event)
    values["rooms"] = len(event.rooms)
    values["panel_size"] = event.rooms[0].capacity_investors if event.rooms else None
    return values


def save_event(
    *,
    actor: User,
    data: EventData,
    event: PitchEvent | None = None,
    version: int | None = None,
    opened: str | None = None,
) -> PitchEvent:
    """Create an event of the actor's organisation, or change `event`.

    Once a schedule exists the mode, days, hours, slots, breaks and rooms are fixed (the slots
    would no longer mean the same times). `version` and `opened` (from a form: see
    `marketplace.editing`) refuse the change when a colleague changed the event since the form
    was opened. Raises PermissionDenied, ValidationError (with the field), Conflict,
    EditConflict. Side effects: rooms created or resized; audit `event.created`/`updated`.
    """
    if event is None and not permissions.can_create_event(actor):
        raise PermissionDenied(_l("Only facilitators run pitching events."))
    if event is not None and not permissions.can_manage_event(actor, event):
        raise PermissionDenied(_l("You cannot change this event."))
    if event is not None:
        editing.check_unchanged(event, version=version, opened=opened, values=event_values(event))
    event_problems(data).raise_any()
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
    audit.on_event("event.created" if created else "event.updated", event.id, by=actor.id)
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
    return row_or_not_found(PitchEvent, event_id, _l("This event does not exist."))


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
            return _also_listed(user, [])
        query = query.where(PitchEvent.status != "cancelled")
    elif user.role == "owner":
        query = (
            query.join(EventInvitation)
            .join(Enterprise)
            .where(Enterprise.organisation_id == user.organisation_id)
        )
    return _also_listed(user, list(db.session.scalars(query).unique()))


_listing_rules: list[Callable[[User], list[PitchEvent]]] = []


def register_listing_rule(rule: Callable[[User], list[PitchEvent]]) -> None:
    """Let a higher package add events to a user's list (payments: events with observer
    places, and those the user holds one at)."""
    if rule not in _listing_rules:
        _listing_rules.append(rule)


def _also_listed(user: User, events: list[PitchEvent]) -> list[PitchEvent]:
    seen = {e.id for e in events}
    for rule in _listing_rules:
        events += [e for e in rule(user) if e.id not in seen]
        seen = {e.id for e in events}
    return sorted(events, key=lambda e: (e.starts_on, e.id), reverse=True)
