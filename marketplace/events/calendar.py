"""iCalendar (.ics) files of a person's agenda, in the event's own time zone.

UIDs name what a calendar entry *is* (this enterprise's pitch at this event, this pair's meeting),
not when it happens, so a new published version updates the entries people imported instead of
adding copies; SEQUENCE is the schedule's version, as RFC 5545 asks for an updated entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import icalendar
from flask_babel import gettext as _

from marketplace.events.agendas import AgendaEntry
from marketplace.events.models import PitchEvent

UID_DOMAIN = "temumodal.id"


def entry_uid(event: PitchEvent, entry: AgendaEntry) -> str:
    """A stable UID: the pitch of an enterprise (panel mode) or the meeting of a pair."""
    if event.mode == "panel":
        return f"pitch-{event.id}-{entry.enterprise_id}@{UID_DOMAIN}"
    investor = entry.investor_ids[0] if entry.investor_ids else 0
    return f"meeting-{event.id}-{entry.enterprise_id}-{investor}@{UID_DOMAIN}"


def agenda_ics(
    event: PitchEvent,
    entries: Iterable[AgendaEntry],
    *,
    version: int,
    as_investor: bool,
    now: dt.datetime | None = None,
) -> bytes:
    """The .ics file of one person's agenda (texts in the current language); every entry of a
    cancelled event carries STATUS:CANCELLED. No side effects."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//TemuModal//Pitching events//ID")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", event.title)
    calendar.add("x-wr-timezone", event.timezone)
    stamp = now or dt.datetime.now(dt.UTC)
    cancelled = event.status == "cancelled"
    for entry in entries:
        item = icalendar.Event()
        item.add("uid", entry_uid(event, entry))
        item.add("dtstamp", stamp)
        # A cancelled event keeps each entry's UID and raises its sequence, so calendars that
        # imported the agenda replace the entry with the cancelled one.
        item.add("sequence", version + 1 if cancelled else version)
        if cancelled:
            item.add("status", "CANCELLED")
        item.add("dtstart", entry.slot.start)
        item.add("dtend", entry.slot.end)
        if as_investor:
            summary = _("Pitch: %(enterprise)s", enterprise=entry.enterprise_name)
        elif event.mode == "panel":
            summary = _("Your pitch at %(title)s", title=event.title)
        else:
            summary = _("Meeting with %(investor)s", investor=", ".join(entry.investor_names))
        item.add("summary", summary)
        location = ", ".join(p for p in (entry.place, event.venue or "") if p)
        item.add("location", location)
        description = [event.title]
        if entry.investor_names and event.mode == "panel":
            description.append(_("Panel: %(names)s", names=", ".join(entry.investor_names)))
        if event.online_url:
            description.append(event.online_url)
        item.add("description", "\n".join(description))
        calendar.add_component(item)
    calendar.add_missing_timezones()
    return calendar.to_ical()
