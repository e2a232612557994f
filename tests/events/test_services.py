"""Events, invitations, attendance, investor registration and preferences."""

from __future__ import annotations

import datetime as dt

import pytest
from flask_babel import force_locale

from marketplace import mail
from marketplace.errors import Conflict, PermissionDenied, ValidationError
from marketplace.events import registrations, services
from marketplace.events.models import EventPreference
from tests.events.conftest import FRIDAY, event_data


def _times(slots):
    return [(s.start.strftime("%H:%M"), s.end.strftime("%H:%M")) for s in slots]


def test_friday_prayer_is_blocked_by_default_on_fridays_only(db, pitch_day):
    friday = services.save_event(
        actor=pitch_day.facilitator,
        data=event_data(day_start="11.00", day_end="14.00", slot_minutes=30),
    )
    thursday = services.save_event(
        actor=pitch_day.facilitator,
        data=event_data(
            starts_on=FRIDAY - dt.timedelta(days=1),
            day_start="11.00",
            day_end="14.00",
            slot_minutes=30,
        ),
    )
    assert _times(services.event_slots(friday)) == [
        ("11:00", "11:30"),
        ("13:00", "13:30"),
        ("13:30", "14:00"),
    ]
    assert len(services.event_slots(thursday)) == 6


def test_breaks_are_not_slots_and_slots_are_in_the_events_zone(db, pitch_day):
    event = services.save_event(
        actor=pitch_day.facilitator,
        data=event_data(
            timezone="Asia/Jayapura",
            starts_on=FRIDAY + dt.timedelta(days=1),
            ends_on=FRIDAY + dt.timedelta(days=2),
            day_start="08.00",
            day_end="10.00",
            breaks="09.00-09.20",
            slot_minutes=20,
        ),
    )
    slots = services.event_slots(event)
    assert _times(slots[:4]) == [
        ("08:00", "08:20"),
        ("08:20", "08:40"),
        ("08:40", "09:00"),
        ("09:20", "09:40"),
    ]
    assert len(slots) == 10  # five a day, two days
    assert slots[0].start.utcoffset() == dt.timedelta(hours=9)  # WIT
    assert [s.index for s in slots] == list(range(10))


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": " "}, "title"),
        ({"day_start": "9 pagi"}, "day_start"),
        ({"day_end": "08.00"}, "day_end"),
        ({"breaks": "12.00 sampai 13.00"}, "breaks"),
        ({"mode": "panel", "rooms": 0}, "rooms"),
        ({"mode": "meetings", "tables": 0}, "tables"),
        ({"online_url": "javascript:alert(1)"}, "online_url"),
        ({"ends_on": FRIDAY - dt.timedelta(days=1)}, "ends_on"),
        ({"timezone": "Europe/Amsterdam"}, "timezone"),
    ],
)
def test_event_form_mistakes_name_their_field(db, pitch_day, overrides, field):
    with pytest.raises(ValidationError) as caught:
        services.save_event(actor=pitch_day.facilitator, data=event_data(**overrides))
    assert caught.value.field == field


def test_only_facilitators_create_events(db, pitch_day):
    with pytest.raises(PermissionDenied):
        services.save_event(actor=pitch_day.owners[0], data=event_data())


def test_inviting_a_cohort_invites_each_enterprise_once_and_mails_the_owners(db, pitch_day):
    event = services.save_event(actor=pitch_day.facilitator, data=event_data())
    first = registrations.invite_cohort(
        actor=pitch_day.facilitator, event=event, cohort=pitch_day.cohort
    )
    db.session.commit()
    again = registrations.invite_cohort(
        actor=pitch_day.facilitator, event=event, cohort=pitch_day.cohort
    )
    assert len(first) == 3 and again == []
    assert sorted(m.to for m in mail.outbox) == sorted(o.email for o in pitch_day.owners)
    assert "Keripik Bu Sri" in " ".join(m.body for m in mail.outbox)


def test_a_facilitator_cannot_invite_another_programmes_draft(db, make, pitch_day):
    event = services.save_event(actor=pitch_day.facilitator, data=event_data())
    draft = make.enterprise_of(make.owner())
    with pytest.raises(PermissionDenied):
        registrations.invite_enterprises(
            actor=pitch_day.facilitator, event=event, enterprises=[draft]
        )


def test_the_owner_confirms_with_the_times_the_enterprise_can_attend(db, pitch_day):
    event = services.save_event(actor=pitch_day.facilitator, data=event_data())
    [invitation, *_rest] = registrations.invite_cohort(
        actor=pitch_day.facilitator, event=event, cohort=pitch_day.cohort
    )
    registrations.answer_invitation(
        actor=pitch_day.owners[0], invitation=invitation, attending=True, available_slots=[0, 1]
    )
    assert (invitation.status, invitation.available_slots) == ("confirmed", [0, 1])
    every = [s.index for s in services.event_slots(event)]
    registrations.answer_invitation(
        actor=pitch_day.owners[0], invitation=invitation, attending=True, available_slots=every
    )
    assert invitation.available_slots is None  # all day


def test_confirming_with_no_time_ticked_is_refused(db, pitch_day):
    event = services.save_event(actor=pitch_day.facilitator, data=event_data())
    [invitation, *_rest] = registrations.invite_cohort(
        actor=pitch_day.facilitator, event=event, cohort=pitch_day.cohort
    )
    with pytest.raises(ValidationError):
        registrations.answer_invitation(
            actor=pitch_day.owners[0], invitation=invitation, attending=True, available_slots=[]
        )


def test_the_pendamping_answers_for_an_enterprise_only_while_its_owner_lets_the_programme_in(
    db, pitch_day
):
    from marketplace.programmes import services as programme_services

    event = services.save_event(actor=pitch_day.facilitator, data=event_data())
    [invitation, *_rest] = registrations.invite_cohort(
        actor=pitch_day.facilitator, event=event, cohort=pitch_day.cohort
    )
    [enrolment] = invitation.enterprise.enrolments
    programme_services.leave_programme(owner=pitch_day.owners[0], enrolment=enrolment)

    with pytest.raises(PermissionDenied):
        registrations.answer_invitation(
            actor=pitch_day.facilitator, invitation=invitation, attending=True, available_slots=None
        )
    # Nor is an enterprise that left invited with the cohort again.
    other = services.save_event(actor=pitch_day.facilitator, data=event_data())
    invited = registrations.invite_cohort(
        actor=pitch_day.facilitator, event=other, cohort=pitch_day.cohort
    )
    assert invitation.enterprise not in [i.enterprise for i in invited]


def test_another_owner_cannot_answer_for_an_enterprise(db, pitch_day):
    event = services.save_event(actor=pitch_day.facilitator, data=event_data())
    [invitation, *_rest] = registrations.invite_cohort(
        actor=pitch_day.facilitator, event=event, cohort=pitch_day.cohort
    )
    with pytest.raises(PermissionDenied):
        registrations.answer_invitation(
            actor=pitch_day.owners[1], invitation=invitation, attending=False, available_slots=None
        )


def test_registration_takes_a_seat_and_refuses_a_second_one(db, pitch_day):
    event = services.save_event(actor=pitch_day.facilitator, data=event_data(capacity=5))
    registrations.register_investor(actor=pitch_day.investors[0], event=event)
    db.session.commit()
    with pytest.raises(Conflict):
        registrations.register_investor(actor=pitch_day.investors[0], event=event)
    db.session.rollback()
    db.session.refresh(event)
    assert event.registered_count == 1


def test_a_full_event_refuses_the_next_investor(db, pitch_day):
    event = services.save_event(actor=pitch_day.facilitator, data=event_data(capacity=1))
    registrations.register_investor(actor=pitch_day.investors[0], event=event)
    db.session.commit()
    with pytest.raises(Conflict) as caught:
        registrations.register_investor(actor=pitch_day.investors[1], event=event)
    with force_locale("en"):
        assert str(caught.value.message) == "The event is full: every seat is taken."


def test_a_cancelled_seat_can_be_taken_again(db, pitch_day):
    event = services.save_event(actor=pitch_day.facilitator, data=event_data(capacity=1))
    registrations.register_investor(actor=pitch_day.investors[0], event=event)
    db.session.commit()
    registrations.cancel_registration(actor=pitch_day.investors[0], event=event)
    db.session.commit()
    registration = registrations.register_investor(actor=pitch_day.investors[1], event=event)
    db.session.commit()
    db.session.refresh(event)
    assert event.registered_count == 1 and registration.status == "registered"


def test_registration_closes_after_the_deadline_in_the_events_zone(db, pitch_day):
    event = services.save_event(
        actor=pitch_day.facilitator,
        data=event_data(registration_deadline=FRIDAY - dt.timedelta(days=2)),
    )
    # 23.59 WITA on 19 August is 15.59 UTC.
    inside = dt.datetime(2026, 8, 19, 15, 58, tzinfo=dt.UTC)
    registrations.register_investor(actor=pitch_day.investors[0], event=event, now=inside)
    with pytest.raises(Conflict):
        registrations.register_investor(
            actor=pitch_day.investors[1], event=event, now=inside + dt.timedelta(minutes=2)
        )


def test_the_register_button_takes_a_free_seat_and_nothing_waits_for_payment(db, pitch_day):
    # Priced seats are sold through ticket types only (payments); the button is free.
    event = services.save_event(actor=pitch_day.facilitator, data=event_data())
    registration = registrations.register_investor(actor=pitch_day.investors[0], event=event)
    assert (registration.payment_state, registration.price) == ("not_required", None)


def test_an_unverified_investor_cannot_register(db, make, pitch_day):
    event = services.save_event(actor=pitch_day.facilitator, data=event_data())
    with pytest.raises(PermissionDenied):
        registrations.register_investor(actor=make.investor(verified=False), event=event)


def test_capacity_cannot_go_below_the_seats_taken(db, pitch_day):
    event = services.save_event(actor=pitch_day.facilitator, data=event_data(capacity=3))
    for investor in pitch_day.investors:
        registrations.register_investor(actor=investor, event=event)
    with pytest.raises(ValidationError) as caught:
        services.save_event(actor=pitch_day.facilitator, data=event_data(capacity=1), event=event)
    assert caught.value.field == "capacity"


def test_preferences_are_saved_per_side_and_blank_removes_them(db, open_event):
    event, investor = open_event.event, open_event.investors[0]
    a, b = open_event.enterprises[0].id, open_event.enterprises[1].id
    registrations.set_preferences(
        actor=investor, event=event, side="investor", values={a: "must", b: "no"}
    )
    registrations.set_preferences(
        actor=open_event.owners[0],
        event=event,
        side="enterprise",
        enterprise=open_event.enterprises[0],
        values={investor.id: "no"},
    )
    assert registrations.preferences(event, side="investor") == {
        (a, investor.id): "must",
        (b, investor.id): "no",
    }
    assert registrations.preferences(event, side="enterprise") == {(a, investor.id): "no"}
    # Each party reads back its own, keyed by the counterpart.
    assert registrations.own_preferences(event, side="investor", party_id=investor.id) == {
        a: "must",
        b: "no",
    }
    assert registrations.own_preferences(event, side="enterprise", party_id=a) == {
        investor.id: "no"
    }
    assert registrations.own_preferences(event, side="enterprise", party_id=b) == {}
    registrations.set_preferences(actor=investor, event=event, side="investor", values={b: ""})
    assert db.session.query(EventPreference).count() == 2


def test_preferences_for_someone_not_at_the_event_are_refused(db, make, open_event):
    stranger = make.enterprise(published=True)
    with pytest.raises(ValidationError):
        registrations.set_preferences(
            actor=open_event.investors[0],
            event=open_event.event,
            side="investor",
            values={stranger.id: "must"},
        )
    with pytest.raises(ValidationError):
        registrations.set_preferences(
            actor=open_event.investors[0],
            event=open_event.event,
            side="investor",
            values={open_event.enterprises[0].id: "maybe"},
        )


def test_timing_is_fixed_once_a_schedule_exists(db, open_event):
    from marketplace.events import schedules

    schedules.start_build(actor=open_event.facilitator, event=open_event.event)
    db.session.commit()
    with pytest.raises(Conflict):
        services.save_event(
            actor=open_event.facilitator, data=event_data(slot_minutes=20), event=open_event.event
        )
    services.save_event(
        actor=open_event.facilitator, data=event_data(title="Baru"), event=open_event.event
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        # Registration closing after the event has begun: nobody could register in time.
        ({"registration_deadline": FRIDAY + dt.timedelta(days=3)}, "registration_deadline"),
        # A pitch that needs more investors than its panel seats can never be scheduled.
        ({"panel_size": 3, "min_panel_size": 5}, "min_panel_size"),
        # A panel of nobody: no pitch could be heard.
        ({"panel_size": 0, "min_panel_size": 1}, "panel_size"),
        ({"panel_size": None, "min_panel_size": 0}, "panel_size"),
    ],
)
def test_contradicting_settings_are_named_on_their_field(overrides, field):
    problems = services.event_problems(event_data(**overrides))
    assert [p.field for p in problems.errors] == [field]


def test_registration_may_close_on_the_first_day_and_a_pitch_may_fill_its_panel():
    data = event_data(registration_deadline=FRIDAY, panel_size=3, min_panel_size=3)
    assert services.event_problems(data).errors == []
