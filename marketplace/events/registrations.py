"""Who comes to a pitching event: inviting enterprises (one by one or a cohort), their
confirmations and availability, investor registration against the capacity, and must-meet /
meet / no-thanks preferences of both sides.

Services flush, never commit; they raise `marketplace.errors` domain errors with messages in the
user's language and take keyword-only arguments.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from marketplace import audit
from marketplace.accounts.models import User
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationError
from marketplace.events import notices, permissions
from marketplace.events.models import (
    EventInvitation,
    EventPreference,
    EventRegistration,
    PitchEvent,
)
from marketplace.events.scheduling import PREFERENCES
from marketplace.events.services import event_slots, lock_for_write
from marketplace.extensions import db
from marketplace.models import as_utc, utcnow
from marketplace.profiles import permissions as profile_permissions
from marketplace.profiles.models import Enterprise
from marketplace.programmes import consent
from marketplace.programmes import permissions as programme_permissions
from marketplace.programmes.models import Cohort


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
    Conflict (event cancelled). Side effects: audit `event.invited`; a notification (and the
    invitation e-mail) to each invited enterprise's owners (or its pendamping when it has no
    owner account yet)."""
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
        audit.on_event(
            "event.invited", event.id, by=actor.id, enterprises=[i.enterprise_id for i in created]
        )
        notices.notify_invited(event, [i.enterprise for i in created])
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
    Conflict (event cancelled). Side effects: audit `event.answered`; when a confirmed
    enterprise withdraws after the schedule was published, a notification to the organisers."""
    event = invitation.event
    if not permissions.can_answer_for(actor, event, invitation.enterprise):
        raise PermissionDenied(_l("You cannot answer for this enterprise."))
    if event.status == "cancelled":
        raise Conflict(_l("This event is cancelled."))
    slots = _check_slots(event, available_slots)
    if attending and slots == []:
        raise ValidationError(_l("Tick at least one time you can attend."), field="available")
    withdrawn = not attending and invitation.status == "confirmed" and event.published_version > 0
    invitation.status = "confirmed" if attending else "declined"
    invitation.available_slots = slots if attending else None
    invitation.responded_by_id = actor.id
    invitation.responded_at = utcnow()
    audit.on_event(
        "event.answered",
        event.id,
        by=actor.id,
        enterprise=invitation.enterprise_id,
        status=invitation.status,
    )
    if withdrawn:
        notices.notify_withdrawn(event, invitation.enterprise)
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
# Rules of packages above events (payments: an event that sells tickets takes seats through its
# orders) that refuse the free register button; each returns a message or None.
_registration_refusals: list[Callable[[PitchEvent], object | None]] = []


def register_registration_refusal(rule: Callable[[PitchEvent], object | None]) -> None:
    """Let a higher package refuse `register_investor` for some events (its message shown)."""
    if rule not in _registration_refusals:
        _registration_refusals.append(rule)


# --- the seat counter: one conditional UPDATE each way, never past capacity nor below zero, ---
# --- whatever runs at once (callers hold the event's write lock) ----------------------------
def _take_seat(event: PitchEvent) -> bool:
    """One of the event's seats; False, changing nothing, when every seat is taken."""
    taken = db.session.execute(
        update(PitchEvent)
        .where(PitchEvent.id == event.id, PitchEvent.registered_count < PitchEvent.capacity)
        .values(registered_count=PitchEvent.registered_count + 1)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        return False
    db.session.expire(event, ["registered_count"])
    return True


def _give_seat_back(event: PitchEvent) -> None:
    db.session.execute(
        update(PitchEvent)
        .where(PitchEvent.id == event.id, PitchEvent.registered_count > 0)
        .values(registered_count=PitchEvent.registered_count - 1)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(event, ["registered_count"])


def _registration_afresh(event: PitchEvent, user: User) -> EventRegistration | None:
    """The user's registration for the event (any status), read again from the database."""
    return db.session.scalar(
        select(EventRegistration)
        .where(EventRegistration.event_id == event.id, EventRegistration.user_id == user.id)
        .execution_options(populate_existing=True)
    )


def register_investor(
    *, actor: User, event: PitchEvent, now: dt.datetime | None = None
) -> EventRegistration:
    """Take one of the event's seats for the actor (an investor of a verified organisation).

    Safe under concurrent registrations on SQLite and PostgreSQL: the seat is taken by one
    conditional UPDATE (`registered_count < capacity`) in a transaction that holds the write
    lock, backed by a CHECK on the counter and a UNIQUE (event, investor) constraint. The seat
    is free: a priced seat is bought through a ticket (payments). Raises PermissionDenied,
    Conflict (already registered, full, deadline passed). Side effects: the registration row
    and the counter; audit `event.registered`. The caller must roll back on any error (a
    duplicate found by the constraint is rolled back here already).
    """
    if not permissions.can_register(actor, event):
        raise PermissionDenied(_l("Only investors of a verified organisation can register."))
    now = now or utcnow()
    if event.registration_deadline is not None and now > as_utc(event.registration_deadline):
        raise Conflict(_l("Registration for this event has closed."))
    for refusal in _registration_refusals:
        message = refusal(event)
        if message is not None:
            raise Conflict(message)
    lock_for_write(db.session())
    existing = _registration_afresh(event, actor)
    if existing is not None and existing.status == "registered":
        raise Conflict(_l("You are registered for this event already."))
    if not _take_seat(event):
        raise Conflict(_l("The event is full: every seat is taken."))
    registration = existing or EventRegistration(
        event_id=event.id, user_id=actor.id, organisation_id=actor.organisation_id
    )
    registration.status = "registered"
    registration.price = None
    registration.payment_state = "not_required"
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
    audit.on_event("event.registered", event.id, by=actor.id)
    db.session.flush()
    return registration


def seat_ticket_holder(*, event: PitchEvent, user: User, price: int) -> EventRegistration | None:
    """Give a ticket holder their seat: one of the event's seats by the same conditional UPDATE
    as `register_investor`, and their registration (reused when they had one). Returns None,
    changing nothing, when every seat is taken or the user is registered already. The caller
    holds the event's write lock (payments.services). Side effects: the counter, the row."""
    existing = _registration_afresh(event, user)
    if existing is not None and existing.status == "registered":
        return None
    if not _take_seat(event):
        return None
    registration = existing or EventRegistration(
        event_id=event.id, user_id=user.id, organisation_id=user.organisation_id
    )
    registration.status = "registered"
    registration.price = price or None
    registration.payment_state = "paid" if price else "not_required"
    registration.room_id = None
    db.session.add(registration)
    db.session.flush()
    return registration


def release_seat(*, registration: EventRegistration) -> None:
    """Take back a ticket holder's seat (their order was refunded). The caller holds the
    event's write lock. Side effects: the registration cancelled, the counter decremented."""
    if registration.status != "registered":
        return
    registration.status = "cancelled"
    _give_seat_back(registration.event)
    db.session.flush()


def cancel_registration(*, actor: User, event: PitchEvent) -> None:
    """Give the actor's seat back. Raises NotFound (not registered), Conflict (the schedule is
    published: ask the organiser). Side effects: counter decremented; audit."""
    lock_for_write(db.session())
    registration = permissions.registration_of(actor, event)
    if registration is None:
        raise NotFound(_l("You are not registered for this event."))
    if registration.payment_state == "paid":
        raise Conflict(_l("You paid for this seat: ask the organiser for a refund."))
    if event.status == "published":
        raise Conflict(_l("The schedule is published: ask the organiser to take you off it."))
    registration.status = "cancelled"
    _give_seat_back(event)
    audit.on_event("event.unregistered", event.id, by=actor.id)
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


def own_preferences(event: PitchEvent, *, side: str, party_id: int) -> dict[int, str]:
    """{counterpart id: value} said by one party: an investor's (`party_id` its user id) by
    enterprise id, an enterprise's (`party_id` the enterprise id) by investor user id."""
    mine = 1 if side == "investor" else 0
    return {
        pair[1 - mine]: value
        for pair, value in preferences(event, side=side).items()
        if pair[mine] == party_id
    }


def preference_counterparts(event: PitchEvent, *, side: str) -> list[tuple[int, str]]:
    """Whom a `side` may state preferences about, (id, label) by label: an investor about the
    invited enterprises that have not declined, an enterprise about the registered investors
    ("organisation (name)")."""
    if side == "investor":
        invited = (i for i in event.invitations if i.status != "declined")
        people = ((i.enterprise_id, i.enterprise.name) for i in invited)
    else:
        people = (
            (r.user_id, f"{r.organisation.name} ({r.user.name})") for r in live_registrations(event)
        )
    return sorted(people, key=lambda p: p[1])


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
    audit.on_event("event.preferences", event.id, by=actor.id, side=side, count=saved)
    db.session.flush()
    return saved
