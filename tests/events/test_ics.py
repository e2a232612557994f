"""The .ics files parse back with the icalendar library: times in the event's zone, the UIDs
stay the same across versions and SEQUENCE follows the version."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar

from marketplace.events import schedule_edits, schedules
from tests.events.conftest import free_slot


def _publish(db, day):
    schedules.start_build(actor=day.facilitator, event=day.event)
    db.session.commit()
    schedules.publish(actor=day.facilitator, event=day.event)
    db.session.commit()
    return schedules.draft_of(day.event)


def _events(response):
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    calendar = icalendar.Calendar.from_ical(response.data)
    return calendar, {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def test_an_owners_ics_has_its_pitch_in_wita_with_a_stable_uid(db, client, login, open_event):
    draft = _publish(db, open_event)
    enterprise = open_event.enterprises[0]
    item = next(i for i in draft.items if i.enterprise_id == enterprise.id)
    login(open_event.owners[0])
    url = f"/events/{open_event.event.id}/enterprises/{enterprise.id}/agenda.ics"

    calendar, events = _events(client.get(url))

    uid = f"pitch-{open_event.event.id}-{enterprise.id}@temumodal.id"
    assert list(events) == [uid]
    start = events[uid].decoded("dtstart")
    slot_start = dt.datetime(2026, 8, 21, 9, 0) + dt.timedelta(minutes=30 * item.slot)
    assert start == slot_start.replace(tzinfo=ZoneInfo("Asia/Makassar"))
    assert events[uid]["dtstart"].params["TZID"] == "Asia/Makassar"
    assert events[uid].decoded("dtend") - start == dt.timedelta(minutes=30)
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Makassar"]
    assert int(events[uid]["sequence"]) == 1

    # A new version moves the pitch: same UID, another time, higher SEQUENCE.
    first_slot = item.slot
    schedule_edits.move_item(
        actor=open_event.facilitator,
        event=open_event.event,
        item_id=item.id,
        slot=(target := free_slot(open_event.event, draft, item.room)),
        room=item.room,
    )
    schedules.publish(actor=open_event.facilitator, event=open_event.event)
    db.session.commit()
    _calendar, moved = _events(client.get(url))
    assert list(moved) == [uid]
    assert (
        moved[uid].decoded("dtstart") == start + dt.timedelta(minutes=30 * (target - first_slot))
        and int(moved[uid]["sequence"]) == 2
    )


def test_an_investors_ics_lists_the_pitches_they_hear(db, client, login, open_event):
    draft = _publish(db, open_event)
    investor = open_event.investors[0]
    heard = {i.enterprise_id for i in draft.items if investor.id in i.investor_ids}
    login(investor)

    _calendar, events = _events(client.get(f"/events/{open_event.event.id}/agenda.ics"))

    assert set(events) == {f"pitch-{open_event.event.id}-{e}@temumodal.id" for e in heard}


def test_no_ics_before_the_schedule_is_published(db, client, login, open_event):
    login(open_event.investors[0])
    assert client.get(f"/events/{open_event.event.id}/agenda.ics").status_code == 404


def test_a_cancelled_events_calendar_entries_keep_their_uids_and_say_cancelled(
    db, client, login, open_event
):
    _publish(db, open_event)
    enterprise = open_event.enterprises[0]
    login(open_event.owners[0])
    url = f"/events/{open_event.event.id}/enterprises/{enterprise.id}/agenda.ics"
    _calendar, before = _events(client.get(url))
    open_event.event.status = "cancelled"
    db.session.commit()

    _calendar, after = _events(client.get(url))

    assert before and list(after) == list(before)
    for uid, entry in after.items():
        assert str(entry["status"]) == "CANCELLED"
        assert int(entry["sequence"]) == int(before[uid]["sequence"]) + 1
