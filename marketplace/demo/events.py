"""Three pitching events of the demo facilitator's organisation, through the events services:

- a past one (before DEMO_TODAY) with its published schedule, scores, feedback and outcomes;
- an upcoming one, schedule published, that the demo investor is registered for;
- a later one still being prepared: invitations answered, investors registered, no schedule
  yet, so that the demo facilitator can build it.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app
from sqlalchemy import select

from marketplace.demo.data import SHOWCASE, ShowcaseEvent
from marketplace.demo.showcase import Cast, acting_for, weekday_after
from marketplace.events import jobs as event_jobs
from marketplace.events import judge_invitations, judging, outcomes, schedules
from marketplace.events import permissions as event_permissions
from marketplace.events import registrations as event_registrations
from marketplace.events import services as event_services
from marketplace.events.models import PitchEvent
from marketplace.extensions import db
from marketplace.profiles.models import Enterprise
from marketplace.programmes.models import Programme

PITCHES = SHOWCASE.pitches  # enterprises invited to each event
# Build the demo's small schedules quickly; the solver proves them optimal well within this.
SCHEDULE_SECONDS = 3.0


def _day(cast: Cast, spec: ShowcaseEvent) -> dt.date:
    return spec.day or weekday_after(cast.today, spec.days_ahead or 0)


def _save(cast: Cast, key: str) -> PitchEvent:
    """The showcase event `key` of data/showcase.toml, saved as the demo facilitator."""
    spec = SHOWCASE.events[key]
    day = _day(cast, spec)
    closes = spec.registration_closes_days_before
    return event_services.save_event(
        actor=cast.facilitator,
        data=_data(
            cast,
            title=spec.title,
            day=day,
            description=spec.description,
            deadline=None if closes is None else day - dt.timedelta(days=closes),
        ),
    )


def _invite(cast: Cast, event: PitchEvent, key: str) -> None:
    spec = SHOWCASE.events[key]
    _invite_and_answer(cast, event, _line_up(cast, spec.line_up), confirm=spec.confirmed)


def _data(
    cast: Cast, *, title: str, day: dt.date, description: str, deadline: dt.date | None
) -> event_services.EventData:
    programme = db.session.scalar(
        select(Programme)
        .where(Programme.organisation_id == cast.facilitator.organisation_id)
        .order_by(Programme.id.desc())
        .limit(1)
    )
    return event_services.EventData(
        title=title,
        mode="panel",
        timezone="Asia/Jakarta",
        starts_on=day,
        ends_on=day,
        day_start="09.00",
        day_end="12.00",
        slot_minutes=20,
        breaks="10.20-10.40",
        venue=SHOWCASE.venue,
        description=description,
        rooms=2,
        panel_size=3,
        capacity=12,
        registration_deadline=deadline,
        programme_id=programme.id if programme is not None else None,
    )


def _line_up(cast: Cast, offset: int) -> list[Enterprise]:
    """PITCHES published enterprises for an event: the demo owner first, then a stride through
    the published ones, a different stride for each event."""
    others = [e for e in cast.published if e.id != cast.owner_enterprise.id]
    picked = others[offset :: max(1, len(others) // (PITCHES * 3))][: PITCHES - 1]
    return [cast.owner_enterprise, *picked]


def _invite_and_answer(
    cast: Cast, event: PitchEvent, enterprises: list[Enterprise], *, confirm: int
) -> None:
    """Invite the enterprises; the first `confirm` confirm, one declines, the rest have not
    answered yet."""
    invitations = event_registrations.invite_enterprises(
        actor=cast.facilitator, event=event, enterprises=enterprises
    )
    for index, invitation in enumerate(invitations):
        if index < confirm:
            attending = True
        elif index == confirm:
            attending = False
        else:
            continue
        event_registrations.answer_invitation(
            actor=acting_for(invitation.enterprise),
            invitation=invitation,
            attending=attending,
            available_slots=None,
        )


def _register(cast: Cast, event: PitchEvent, count: int) -> list:
    investors = [cast.investor] + [
        i for i in cast.investors if i.organisation_id != cast.investor.organisation_id
    ][: count - 1]
    for investor in investors:
        event_registrations.register_investor(actor=investor, event=event)
    return investors


def _build_schedule(cast: Cast, event: PitchEvent) -> None:
    """Ask for a build as the facilitator's button does, then run it here rather than in the
    after-commit job (the seed commits only at the end); the job then finds the run done."""
    run = schedules.start_build(actor=cast.facilitator, event=event)
    limit = min(SCHEDULE_SECONDS, current_app.config["EVENT_SCHEDULE_TIME_LIMIT_S"])
    problem = schedules.build_problem(event, time_limit_s=limit)
    result = event_jobs.build_schedule(problem)
    schedules.store_result(event=event, run=run, result=result)


def _judge_and_record(cast: Cast, event: PitchEvent, judges: list) -> None:
    judging.use_standard_sheet(actor=cast.facilitator, event=event)
    for judge in judges:
        # Invited by e-mail, and each judge accepts (judging needs the judge's consent).
        invitation = judge_invitations.invite_judge(
            actor=cast.facilitator, event=event, email=judge.email
        )
        judge_invitations.answer_judge_invitation(actor=judge, invitation=invitation, accept=True)
    comments = SHOWCASE.judge_comments
    for number, judge in enumerate(judges):
        entry = event_permissions.judge_of(judge, event)
        for position, item in enumerate(judging.queue(event, entry)):
            if item.conflict is not None:
                continue
            scores = {
                c.id: 4 + (item.enterprise.id * 7 + c.position * 3 + number) % 6
                for c in event.criteria
            }
            judging.save_review(
                actor=judge,
                event=event,
                enterprise=item.enterprise,
                scores=scores,
                comment=comments[(position + number) % len(comments)],
            )
    judging.send_feedback(actor=cast.facilitator, event=event)
    confirmed = [i.enterprise for i in event_registrations.confirmed_invitations(event)]
    after = _day(cast, SHOWCASE.events["past"]) + dt.timedelta(days=14)
    # The demo investor (a KUR bank) records the loans it made after the event; another
    # investor an investment in progress; the facilitator a Mekaar loan from outside.
    pitched = [cast.owner_enterprise, *[e for e in confirmed if e.id != cast.owner_enterprise.id]]
    for enterprise, statuses in (
        (pitched[0], ("applied", "approved", "disbursed")),
        (pitched[1], ("applied",)),
    ):
        for step, status in enumerate(statuses):
            outcomes.record_outcome(
                actor=cast.investor,
                enterprise=enterprise,
                track="kur",
                status=status,
                on=after + dt.timedelta(days=10 * step),
                amount=75_000_000 if status != "applied" else None,
                event=event,
            )
    outcomes.record_outcome(
        actor=judges[1],
        enterprise=pitched[2],
        track="investment",
        status="due_diligence",
        on=after,
        event=event,
    )
    outcomes.record_outcome(
        actor=cast.facilitator,
        enterprise=pitched[3],
        track="mekaar",
        status="approved",
        on=after + dt.timedelta(days=5),
        amount=10_000_000,
        lender_name="PNM Mekaar Jatinegara",
        event=event,
    )


def build_events(cast: Cast) -> dict[str, PitchEvent]:
    """The past, upcoming and draft events. Returns them by that name."""
    past = _save(cast, "past")
    _invite(cast, past, "past")
    judges = _register(cast, past, 4)
    _build_schedule(cast, past)
    schedules.publish(actor=cast.facilitator, event=past)
    _judge_and_record(cast, past, judges[:2])

    upcoming = _save(cast, "upcoming")
    _invite(cast, upcoming, "upcoming")
    _register(cast, upcoming, 4)
    _build_schedule(cast, upcoming)
    schedules.publish(actor=cast.facilitator, event=upcoming)

    draft = _save(cast, "draft")
    _invite(cast, draft, "draft")
    others = [i for i in cast.investors if i.organisation_id != cast.investor.organisation_id]
    for investor in others[3:6]:
        event_registrations.register_investor(actor=investor, event=draft)
    cast.events += 3
    return {"past": past, "upcoming": upcoming, "draft": draft}
