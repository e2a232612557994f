"""What a published (or draft) schedule says to each person: agenda entries of one enterprise
or one investor, room and table names, and the full timetable grid for the pages. Reads only.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.events import services
from marketplace.events.models import PitchEvent, Schedule, ScheduleItem
from marketplace.events.scheduling import Slot
from marketplace.extensions import db


@dataclass(frozen=True)
class AgendaEntry:
    """One line of a person's agenda."""

    slot: Slot
    room: int
    place: str
    enterprise_id: int
    enterprise_name: str
    investor_ids: tuple[int, ...]
    investor_names: tuple[str, ...]


def place_name(event: PitchEvent, room: int) -> str:
    """A room's name (panel mode) or 'Table N' (meetings), in the current language."""
    if event.mode == "panel":
        names = {r.id: r.name for r in event.rooms}
        return names.get(room, "?")
    return _("Table %(n)s", n=room)


def agenda(
    event: PitchEvent,
    schedule: Schedule | None,
    *,
    enterprise_id: int | None = None,
    investor_id: int | None = None,
) -> list[AgendaEntry]:
    """The entries of one enterprise or one investor (or all, when neither is given), in time
    order, without the pitches and meetings of enterprises that withdrew since the schedule was
    published (:func:`withdrawn_entries` lists those). No side effects."""
    gone = withdrawn_ids(event)
    return [
        e
        for e in _entries(event, schedule, enterprise_id=enterprise_id, investor_id=investor_id)
        if e.enterprise_id not in gone
    ]


def withdrawn_entries(
    event: PitchEvent,
    schedule: Schedule | None,
    *,
    enterprise_id: int | None = None,
    investor_id: int | None = None,
) -> list[AgendaEntry]:
    """The entries :func:`agenda` leaves out because their enterprise withdrew after the
    schedule was published: the agenda pages name them. No side effects."""
    gone = withdrawn_ids(event)
    if not gone:
        return []
    return [
        e
        for e in _entries(event, schedule, enterprise_id=enterprise_id, investor_id=investor_id)
        if e.enterprise_id in gone
    ]


def withdrawn_ids(event: PitchEvent) -> set[int]:
    """The enterprises whose invitation now says they will not come."""
    return {i.enterprise_id for i in event.invitations if i.status == "declined"}


def _entries(
    event: PitchEvent,
    schedule: Schedule | None,
    *,
    enterprise_id: int | None,
    investor_id: int | None,
) -> list[AgendaEntry]:
    if schedule is None:
        return []
    slots = {s.index: s for s in services.event_slots(event)}
    items = [
        i
        for i in schedule.items
        if (enterprise_id is None or i.enterprise_id == enterprise_id)
        and (investor_id is None or investor_id in i.investor_ids)
        and i.slot in slots
    ]
    user_ids = {u for i in items for u in i.investor_ids}
    names = (
        {
            u.id: u.organisation.name
            for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))
        }
        if user_ids
        else {}
    )
    return [
        AgendaEntry(
            slot=slots[i.slot],
            room=i.room,
            place=place_name(event, i.room),
            enterprise_id=i.enterprise_id,
            enterprise_name=i.enterprise.name,
            investor_ids=tuple(i.investor_ids),
            investor_names=tuple(names.get(u, "") for u in i.investor_ids),
        )
        for i in sorted(items, key=lambda i: (i.slot, i.room))
    ]


def grid(
    event: PitchEvent, schedule: Schedule | None
) -> tuple[list[Slot], list[int], dict[tuple[int, int], ScheduleItem]]:
    """The full timetable as (slots, rooms or tables, {(slot, room): item}) for the pages."""
    slots = services.event_slots(event)
    cells = {(i.slot, i.room): i for i in (schedule.items if schedule else [])}
    if event.mode == "panel":
        rooms = [r.id for r in event.rooms]
    else:
        rooms = list(range(1, event.tables + 1))
    return slots, rooms, cells
