"""A small pitch day: facilitator F of programme ACTION with a cohort of enterprises, investors
with mandates, and a panel event on Friday 21 August 2026 in WITA."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest

from marketplace.events import judge_invitations, registrations, services
from marketplace.events.models import PitchEvent

FRIDAY = dt.date(2026, 8, 21)


@pytest.fixture
def app_config():
    # Builds run synchronously in the request's after-commit hook, so a test sees the result
    # at once; the background-thread path has a test of its own.
    return {"EVENTS_BUILD_IN_THREAD": False, "EVENT_SCHEDULE_TIME_LIMIT_S": 5.0}


def event_data(**overrides) -> services.EventData:
    values = dict(
        title="Hari Pitching ACTION Makassar",
        mode="panel",
        timezone="Asia/Makassar",
        starts_on=FRIDAY,
        ends_on=None,
        day_start="09.00",
        day_end="12.00",
        slot_minutes=30,
        breaks="",
        block_friday_prayer=True,
        venue="Hotel Aston Makassar",
        rooms=2,
        panel_size=2,
        capacity=10,
        min_panel_size=1,
    )
    values.update(overrides)
    return services.EventData(**values)


@dataclass
class PitchDay:
    facilitator: object
    programme: object
    cohort: object
    owners: list
    enterprises: list
    investors: list
    event: PitchEvent | None = None
    extra: dict = field(default_factory=dict)


@pytest.fixture
def pitch_day(db, make):
    """Facilitator F (programme ACTION, one cohort of three published enterprises with their
    owners) and two verified investors with mandates; no event yet."""
    facilitator = make.facilitator(name="Fitri Pendamping")
    programme = make.programme(facilitator)
    cohort = make.cohort(programme)
    owners, enterprises = [], []
    for name in ("Keripik Bu Sri", "Batik Pak Joko", "Kopi Toraja Ibu Rina"):
        owner = make.user("owner", name=f"Pemilik {name}")
        enterprise = make.enterprise(organisation=owner.organisation, published=True, name=name)
        make.enrol(facilitator, enterprise, cohort=cohort)
        owners.append(owner)
        enterprises.append(enterprise)
    investors = []
    for n in range(2):
        investor = make.investor(name=f"Investor {n + 1}", locale="en")
        make.mandate(
            investor, sectors=["food"], min_stage="belum_layak", instruments=["kur", "loan"]
        )
        investors.append(investor)
    db.session.commit()
    return PitchDay(facilitator, programme, cohort, owners, enterprises, investors)


@pytest.fixture
def open_event(db, pitch_day):
    """pitch_day with a panel event: every enterprise invited and confirmed, both investors
    registered."""
    event = services.save_event(actor=pitch_day.facilitator, data=event_data())
    registrations.invite_cohort(actor=pitch_day.facilitator, event=event, cohort=pitch_day.cohort)
    for invitation in event.invitations:
        registrations.answer_invitation(
            actor=pitch_day.facilitator, invitation=invitation, attending=True, available_slots=None
        )
    for investor in pitch_day.investors:
        registrations.register_investor(actor=investor, event=event)
    db.session.commit()
    pitch_day.event = event
    return pitch_day


def free_slot(event: PitchEvent, draft, room: int) -> int:
    """The latest slot in which `room` has nothing scheduled (the solver decides the rest)."""
    used = {i.slot for i in draft.items if i.room == room}
    return max(s.index for s in services.event_slots(event) if s.index not in used)


def make_judge(facilitator, event: PitchEvent, user, room_id: int | None = None):
    """Invite `user` to judge by e-mail and let them accept, as the two of them would."""
    invitation = judge_invitations.invite_judge(
        actor=facilitator, event=event, email=user.email, room_id=room_id
    )
    return judge_invitations.answer_judge_invitation(actor=user, invitation=invitation, accept=True)
