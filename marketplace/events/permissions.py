"""Who may run, join, see, judge and record outcomes of a pitching event.

Rights come from the role plus ownership (the event's organisation, the enterprise's owner or
pendamping, the investor's own registration), never from the URL. Every predicate denies when
anything inside it fails.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from marketplace.accounts.services import normalise_email
from marketplace.events.models import (
    EventInvitation,
    EventJudge,
    EventRegistration,
    JudgeInvitation,
    PitchEvent,
)
from marketplace.extensions import db
from marketplace.permissions import deny_on_error, is_admin, is_confirmed
from marketplace.permissions import is_active as _active
from marketplace.profiles.models import Enterprise
from marketplace.profiles.permissions import can_edit_enterprise, is_verified_investor


@deny_on_error
def can_create_event(user) -> bool:
    return _active(user) and user.role == "facilitator"


@deny_on_error
def can_manage_event(user, event: PitchEvent) -> bool:
    """The facilitators of the organisation that runs the event."""
    return (
        _active(user)
        and user.role == "facilitator"
        and user.organisation_id == event.organisation_id
    )


def _invitation(event: PitchEvent, enterprise: Enterprise) -> EventInvitation | None:
    return db.session.scalar(
        select(EventInvitation).where(
            EventInvitation.event_id == event.id,
            EventInvitation.enterprise_id == enterprise.id,
        )
    )


def registration_of(user, event: PitchEvent) -> EventRegistration | None:
    """The user's live registration at the event, or None."""
    if not _active(user):
        return None
    return db.session.scalar(
        select(EventRegistration).where(
            EventRegistration.event_id == event.id,
            EventRegistration.user_id == user.id,
            EventRegistration.status == "registered",
        )
    )


def judge_of(user, event: PitchEvent) -> EventJudge | None:
    if not _active(user):
        return None
    return db.session.scalar(
        select(EventJudge).where(EventJudge.event_id == event.id, EventJudge.user_id == user.id)
    )


@deny_on_error
def can_answer_for(user, event: PitchEvent, enterprise: Enterprise) -> bool:
    """The owner or pendamping of an invited enterprise: confirm, availability, preferences,
    its agenda and its feedback."""
    return _invitation(event, enterprise) is not None and can_edit_enterprise(user, enterprise)


@deny_on_error
def can_register(user, event: PitchEvent) -> bool:
    """Investors of a verified organisation may take a seat while the event is not cancelled."""
    return is_verified_investor(user) and event.status != "cancelled"


@deny_on_error
def is_registered(user, event: PitchEvent) -> bool:
    return registration_of(user, event) is not None


@deny_on_error
def had_seat_at_cancelled_event(user, event: PitchEvent) -> bool:
    """The event is cancelled and the user held a seat that was then given back (a refunded
    ticket): they keep the event page and its calendar, which now says cancelled."""
    if event.status != "cancelled" or not _active(user):
        return False
    return (
        db.session.scalar(
            select(EventRegistration.id).where(
                EventRegistration.event_id == event.id,
                EventRegistration.user_id == user.id,
                EventRegistration.payment_state == "refunded",
            )
        )
        is not None
    )


_viewer_rules: list[Callable[[object, PitchEvent], bool]] = []


def register_viewer_rule(rule: Callable[[object, PitchEvent], bool]) -> None:
    """Let a higher package let more people see an event (payments: observers)."""
    if rule not in _viewer_rules:
        _viewer_rules.append(rule)


@deny_on_error
def can_view_event(user, event: PitchEvent) -> bool:
    """The event page: its organisers, investors (who may register), invited enterprises'
    editors, judges, admins, and whoever a registered viewer rule lets in (observers)."""
    if can_manage_event(user, event) or is_admin(user) or is_verified_investor(user):
        return True
    if any(rule(user, event) for rule in _viewer_rules):
        return True
    if judge_of(user, event) is not None or is_registered(user, event):
        return True
    if had_seat_at_cancelled_event(user, event):
        return True
    return any(can_edit_enterprise(user, invitation.enterprise) for invitation in event.invitations)


@deny_on_error
def can_judge(user, event: PitchEvent) -> bool:
    return judge_of(user, event) is not None


JUDGE_ROLES = ("investor", "facilitator")


@deny_on_error
def may_judge(user) -> bool:
    """Investors and facilitators with a confirmed e-mail address may judge pitches (when an
    organiser invites them and they accept): until confirmed, an account is not invited."""
    return is_confirmed(user) and user.role in JUDGE_ROLES


@deny_on_error
def can_answer_judge_invitation(user, invitation: JudgeInvitation) -> bool:
    """The person behind the invited address, with an account of a role that may judge,
    while the invitation is pending."""
    return (
        may_judge(user)
        and invitation.status == "pending"
        and invitation.email_key == normalise_email(user.email)
    )


@deny_on_error
def can_record_outcome(user, event: PitchEvent) -> bool:
    """After the event: the organisers, and the investors who were registered."""
    return can_manage_event(user, event) or is_registered(user, event)
