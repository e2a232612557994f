"""Inviting judges by e-mail without revealing accounts, and the judge's consent.

The organiser types an address and always hears the same answer: an invitation went to it.
Behind that answer the address decides what happens: an account of a role that may judge
(investor or facilitator) gets an in-app notice and an e-mail; an address without an account
gets an e-mail that invites the person to register with it and then accept; any other account
gets nothing. The person becomes a judge (`EventJudge`) only by accepting, and conflicts of
interest apply to their pitches as to every judge's (`judging.conflict_of_interest`).

Services flush, never commit, and take keyword-only arguments.
"""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace import audit, mail
from marketplace.accounts import services as account_services
from marketplace.accounts.models import User
from marketplace.errors import Conflict, PermissionDenied, ValidationError
from marketplace.events import permissions
from marketplace.events.models import EventJudge, JudgeInvitation, PitchEvent
from marketplace.extensions import db
from marketplace.models import row_or_not_found, utcnow
from marketplace.notifications import services as notifications

# Where the invited person accepts or declines.
ANSWER_PATH = "/events/judge-invitations"


def _require_manager(actor: User, event: PitchEvent) -> None:
    if not permissions.can_manage_event(actor, event):
        raise PermissionDenied(_l("You cannot change this event."))


def invite_judge(
    *, actor: User, event: PitchEvent, email: str, room_id: int | None = None
) -> JudgeInvitation:
    """Invite whoever holds `email` to judge the event, on one panel (room) or on all.

    The result is the same for every address (a pending invitation showing the address as
    typed); inviting an address again only changes the panel. Raises PermissionDenied (not the
    organiser), Conflict (event cancelled), ValidationError (not an address, unknown room).
    Side effects: the invitation row; audit `judging.judge_invited`; for a new invitation,
    an in-app notice and e-mail to an account that may judge, or an e-mail inviting an address
    without an account to register (mails are delivered after the commit).
    """
    _require_manager(actor, event)
    if event.status == "cancelled":
        raise Conflict(_l("This event is cancelled."))
    typed = (email or "").strip()
    key = account_services.normalise_email(typed)
    if "@" not in key.strip("@") or len(key) > 254:
        raise ValidationError(_l("Check the e-mail address."), field="email")
    if room_id is not None and room_id not in {r.id for r in event.rooms}:
        raise ValidationError(_l("Choose one of the options offered."), field="room_id")
    invitation = db.session.scalar(
        select(JudgeInvitation).where(
            JudgeInvitation.event_id == event.id,
            JudgeInvitation.email_key == key,
            JudgeInvitation.status == "pending",
        )
    )
    new = invitation is None
    if new:
        invitation = JudgeInvitation(
            event=event, email=typed, email_key=key, status="pending", invited_by_id=actor.id
        )
        db.session.add(invitation)
    invitation.room_id = room_id
    db.session.flush()
    audit.on_event("judging.judge_invited", event.id, by=actor.id, invitation=invitation.id)
    if new:
        _tell_invitee(event, invitation)
    db.session.flush()
    return invitation


def _tell_invitee(event: PitchEvent, invitation: JudgeInvitation) -> None:
    user = account_services.find_user_by_email(invitation.email_key)
    params = {"organisation": event.organisation.name, "event": event.title}
    if user is not None:
        if permissions.may_judge(user):
            notifications.notify(
                users=[user], kind="judge_invited", params=params, link=ANSWER_PATH
            )
        return
    base = mail.public_url()
    # No account, so no language of theirs to go by: the platform's first language.
    locale = mail.recipient_locale(None)
    with force_locale(locale):
        subject = _("TemuModal: an invitation to judge")
        body = "\n\n".join(
            [
                _("%(organisation)s invites you to judge the pitches at %(event)s.", **params),
                _(
                    "To accept, register on TemuModal as an investor or a facilitator with this"
                    " e-mail address (%(email)s), then accept or decline the invitation here:"
                    " %(url)s",
                    email=invitation.email_key,
                    url=base + ANSWER_PATH,
                ),
                _("If you do not know this organiser, ignore this e-mail."),
            ]
        )
    # Footer reason "account": someone entered this address on TemuModal.
    mail.send(invitation.email_key, subject, body, kind="account", locale=locale)


def pending_for(user: User) -> list[JudgeInvitation]:
    """The invitations to judge that `user` may answer (their address, a role that may judge,
    the event not cancelled), oldest first. Reads only."""
    if not permissions.may_judge(user):
        return []
    invitations = db.session.scalars(
        select(JudgeInvitation)
        .where(
            JudgeInvitation.email_key == account_services.normalise_email(user.email),
            JudgeInvitation.status == "pending",
        )
        .order_by(JudgeInvitation.id)
    )
    return [i for i in invitations if i.event.status != "cancelled"]


def pending_of_event(event: PitchEvent) -> list[JudgeInvitation]:
    """The event's invitations nobody has answered yet, for its organisers. Reads only."""
    return list(
        db.session.scalars(
            select(JudgeInvitation)
            .where(JudgeInvitation.event_id == event.id, JudgeInvitation.status == "pending")
            .order_by(JudgeInvitation.id)
        )
    )


def answer_judge_invitation(
    *, actor: User, invitation: JudgeInvitation, accept: bool
) -> EventJudge | None:
    """The invited person accepts (becoming a judge of the event on the invitation's panel) or
    declines. Returns the judge when accepted. Raises PermissionDenied (not theirs to answer,
    or answered already), Conflict (event cancelled). Side effects: the invitation's status;
    on acceptance the judge row (or its new panel); audit `judging.judge_accepted` or
    `judging.judge_declined`."""
    if not permissions.can_answer_judge_invitation(actor, invitation):
        raise PermissionDenied(_l("This invitation is not yours to answer."))
    event = invitation.event
    if event.status == "cancelled":
        raise Conflict(_l("This event is cancelled."))
    invitation.status = "accepted" if accept else "declined"
    invitation.decided_by_id = actor.id
    invitation.decided_at = utcnow()
    judge = None
    if accept:
        judge = permissions.judge_of(actor, event)
        if judge is None:
            judge = EventJudge(event=event, user_id=actor.id)
            db.session.add(judge)
        judge.room_id = invitation.room_id
    audit.on_event(
        "judging.judge_accepted" if accept else "judging.judge_declined",
        event.id,
        by=actor.id,
        invitation=invitation.id,
    )
    db.session.flush()
    return judge


def withdraw_judge_invitation(*, actor: User, event: PitchEvent, invitation_id: int) -> None:
    """The organiser takes back an invitation nobody has answered. Raises PermissionDenied,
    NotFound (not a pending invitation of this event). Side effects: the invitation's status."""
    _require_manager(actor, event)
    invitation = row_or_not_found(
        JudgeInvitation,
        invitation_id,
        _l("This invitation is not pending."),
        event_id=event.id,
        status="pending",
    )
    invitation.status = "withdrawn"
    invitation.decided_by_id = actor.id
    invitation.decided_at = utcnow()
    db.session.flush()
