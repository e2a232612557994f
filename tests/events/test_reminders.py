"""The reminder before an event: about 24 hours before it starts, once to each judge, registered
investor and person of an enterprise with confirmed attendance, in their own language; never
for a cancelled event or one that has started."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from marketplace import mail, tasks
from marketplace.events import registrations, reminders
from marketplace.events.models import EventReminder
from marketplace.jobs.periodic import PERIODIC
from tests.events.conftest import make_judge

# The conftest's event: Friday 21 August 2026 from 09.00 WITA (UTC+8), i.e. 01.00 UTC.
START = dt.datetime(2026, 8, 21, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
def day(db, make, open_event, outbox):
    """The open event with a judge, one enterprise that declined after all and one investor
    who gave their seat back."""
    judge = make.investor(name="Juri Bu Dewi", locale="id")
    db.session.commit()
    make_judge(open_event.facilitator, open_event.event, judge)
    declined = registrations.invitation_for(open_event.event, open_event.enterprises[2].id)
    registrations.answer_invitation(
        actor=open_event.facilitator, invitation=declined, attending=False, available_slots=None
    )
    registrations.cancel_registration(actor=open_event.investors[1], event=open_event.event)
    db.session.commit()
    outbox.clear()  # the setup's own mail is not what these tests read
    open_event.extra["judge"] = judge
    return open_event


def remind(at: dt.datetime) -> int:
    return tasks.run_job(reminders.REMIND_JOB, now=at.isoformat())


def test_the_event_starts_at_its_first_days_start_in_its_own_zone(db, open_event):
    assert reminders.starts_at(open_event.event) == START


def test_the_reminder_goes_once_to_exactly_the_people_expected_in_their_language(db, day):
    assert remind(START - dt.timedelta(hours=23)) == 4

    expected = {
        day.extra["judge"].email,
        day.investors[0].email,
        day.owners[0].email,
        day.owners[1].email,
    }
    assert {m.to for m in mail.outbox} == expected  # not the declined one, not the cancelled seat
    by_to = {m.to: m for m in mail.outbox}
    english = by_to[day.investors[0].email]
    assert english.subject.startswith("Reminder: Hari Pitching ACTION Makassar starts on")
    assert "09.00 WITA" in english.subject
    assert f"/events/{day.event.id}/agenda" in english.body
    owner = by_to[day.owners[0].email]
    assert owner.subject.startswith("Pengingat: Hari Pitching ACTION Makassar dimulai")
    assert "Hotel Aston Makassar" in owner.body
    assert f"/events/{day.event.id}/enterprises/{day.enterprises[0].id}/agenda" in owner.body
    assert f"/events/{day.event.id}/judging" in by_to[day.extra["judge"].email].body

    mail.outbox.clear()
    assert remind(START - dt.timedelta(hours=22)) == 0  # a later run reminds nobody again
    assert remind(START - dt.timedelta(hours=22)) == 0
    assert mail.outbox == []
    count = db.session.scalar(select(func.count()).select_from(EventReminder))
    assert count == 4


def test_someone_who_joins_after_the_reminders_went_out_gets_theirs_on_the_next_run(db, make, day):
    assert remind(START - dt.timedelta(hours=23)) == 4
    registrations.register_investor(actor=day.investors[1], event=day.event)
    db.session.commit()
    mail.outbox.clear()
    assert remind(START - dt.timedelta(hours=22, minutes=45)) == 1
    assert [m.to for m in mail.outbox] == [day.investors[1].email]


@pytest.mark.parametrize(
    "before", [dt.timedelta(hours=25), dt.timedelta(0), dt.timedelta(hours=-3)], ids=str
)
def test_no_reminder_too_early_nor_once_the_event_has_started(db, day, before):
    assert remind(START - before) == 0
    assert mail.outbox == []


def test_no_reminder_for_a_cancelled_event(db, day):
    day.event.status = "cancelled"
    db.session.commit()
    assert remind(START - dt.timedelta(hours=12)) == 0
    assert mail.outbox == []


def test_the_reminders_are_periodic_work_and_a_command(db, runner, day):
    entry = next(p for p in PERIODIC if p.job == reminders.REMIND_JOB)
    assert entry.every_s and entry.command == "flask events remind"
    result = runner.invoke(args=["events", "remind"])  # the real clock: long after the event
    assert result.exit_code == 0 and "0 reminder(s) sent" in result.output
