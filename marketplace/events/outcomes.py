"""What happened after the pitch: the investment ladder (observing → considering → meeting →
due diligence → committed → funded, or declined) and the loan routes (KUR, UMi, Mekaar, LPDB:
applied → approved → disbursed, or declined), each with amounts and dates, and the event's
summary.

An investor records for their own organisation; a facilitator (the event's organiser or the
enterprise's pendamping) records for a named lender or investor, since the people who run the
programme often hear of a KUR disbursement first.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace import audit, money
from marketplace.accounts.models import User
from marketplace.errors import PermissionDenied, Problems
from marketplace.events import codes, permissions, registrations, schedules
from marketplace.events.models import Outcome, OutcomeStep, PitchEvent
from marketplace.extensions import db
from marketplace.profiles import permissions as profile_permissions
from marketplace.profiles.models import Enterprise

# Outcomes are recent news about financing: a date before this is a typing slip (0001-01-01).
EARLIEST_OUTCOME = dt.date(2000, 1, 1)


def may_record(user: User, event: PitchEvent | None, enterprise: Enterprise) -> bool:
    """Investors of a verified organisation (registered at the event, when one is given),
    the event's organisers and the enterprise's pendamping."""
    if profile_permissions.is_facilitator_of(user, enterprise):
        return True
    if event is None:
        return profile_permissions.is_verified_investor(user)
    invited = any(i.enterprise_id == enterprise.id for i in event.invitations)
    return invited and permissions.can_record_outcome(user, event)


def outcome_problems(
    *,
    actor: User,
    track: str | None,
    status: str | None,
    on: dt.date | None,
    amount: int | None,
    lender_name: str | None,
) -> Problems:
    """Every rule an outcome breaks, each on its field (also run on a form that failed its own
    checks, so one submit shows every error). A value the form could not read is None and is
    left to the form's own message."""
    problems = Problems()
    if track not in codes.OUTCOME_TRACKS:
        problems.add(_l("Choose one of the options offered."), field="track")
    elif status not in codes.statuses_for(track):
        problems.add(_l("This status does not belong to the chosen track."), field="status")
    if (problem := money.amount_problem(amount)) is not None:
        problems.add(problem, field="amount")
    if on is not None and on > dt.date.today() + dt.timedelta(days=1):
        problems.add(_l("The date cannot be in the future."), field="on")
    elif on is not None and on < EARLIEST_OUTCOME:
        problems.add(_l("Give a date from the year 2000 onwards."), field="on")
    if actor.role != "investor" and not (lender_name or "").strip():
        problems.add(_l("Name the investor or lender."), field="lender_name")
    return problems


def record_outcome(
    *,
    actor: User,
    enterprise: Enterprise,
    track: str,
    status: str,
    on: dt.date,
    amount: int | None = None,
    lender_name: str | None = None,
    event: PitchEvent | None = None,
) -> Outcome:
    """Record that the enterprise reached `status` on `track` on day `on`.

    One outcome per (enterprise, track, investor organisation) for investors, or per (enterprise,
    track, lender name) for facilitators; each call adds a step to its history. Raises
    PermissionDenied, ValidationError (unknown track or status, amount, missing lender name,
    a date in the future). Side effects: the outcome and a step; audit `outcome.recorded`.
    """
    if not may_record(actor, event, enterprise):
        raise PermissionDenied(_l("You cannot record outcomes for this enterprise."))
    outcome_problems(
        actor=actor, track=track, status=status, on=on, amount=amount, lender_name=lender_name
    ).raise_any()
    investor = actor.role == "investor"
    lender = None if investor else (lender_name or "").strip()[:160]
    query = select(Outcome).where(Outcome.enterprise_id == enterprise.id, Outcome.track == track)
    if investor:
        query = query.where(Outcome.organisation_id == actor.organisation_id)
    else:
        query = query.where(Outcome.organisation_id.is_(None), Outcome.lender_name == lender)
    outcome = db.session.scalar(query)
    if outcome is None:
        outcome = Outcome(
            enterprise_id=enterprise.id,
            track=track,
            organisation_id=actor.organisation_id if investor else None,
            lender_name=lender,
        )
        db.session.add(outcome)
    outcome.status = status
    outcome.status_on = on
    if amount is not None:
        outcome.amount = amount
    if event is not None:
        outcome.event_id = event.id
    outcome.recorded_by_id = actor.id
    outcome.steps.append(OutcomeStep(status=status, on=on, amount=amount, recorded_by_id=actor.id))
    audit.on_enterprise("outcome.recorded", enterprise.id, by=actor.id, track=track, status=status)
    db.session.flush()
    return outcome


def outcomes_of(enterprise_ids: list[int]) -> list[Outcome]:
    if not enterprise_ids:
        return []
    return list(
        db.session.scalars(
            select(Outcome)
            .where(Outcome.enterprise_id.in_(enterprise_ids))
            .order_by(Outcome.status_on.desc(), Outcome.id.desc())
        )
    )


@dataclass(frozen=True)
class Summary:
    """The event in figures, for its summary page."""

    invited: int
    confirmed: int
    declined: int
    investors: int
    capacity: int
    scheduled: int
    items: int
    by_status: dict[str, int]
    funded_amount: int
    disbursed_amount: int
    outcomes: list[Outcome]


def summary(event: PitchEvent) -> Summary:
    """Counts of invitations, seats, the published (else draft) schedule and every outcome of
    the event's enterprises, with the amounts funded and disbursed. No side effects."""
    invitations = Counter(i.status for i in event.invitations)
    schedule = schedules.published_of(event) or schedules.draft_of(event)
    items = schedule.items if schedule else []
    outcomes = outcomes_of([i.enterprise_id for i in event.invitations])
    return Summary(
        invited=len(event.invitations),
        confirmed=invitations["confirmed"],
        declined=invitations["declined"],
        investors=len(registrations.live_registrations(event)),
        capacity=event.capacity,
        scheduled=len({i.enterprise_id for i in items}),
        items=len(items),
        by_status=dict(Counter(o.status for o in outcomes)),
        funded_amount=sum(o.amount or 0 for o in outcomes if o.status == "funded"),
        disbursed_amount=sum(o.amount or 0 for o in outcomes if o.status == "disbursed"),
        outcomes=outcomes,
    )
