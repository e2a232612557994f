"""Introduction requests: an enterprise asks a verified investor organisation to look at it.

The owner (or the facilitator the owner let in) writes a message and says what they ask; the
investor organisation's members see it in their inbox and accept (the enterprise goes on the
organisation's shortlist, from where meetings and the data room are one tap away) or decline.

Services flush, never commit; they take keyword-only arguments and raise `marketplace.errors`
domain errors with messages in the user's language.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from marketplace import audit, vocab
from marketplace.accounts.models import Organisation, User
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationError, message_text
from marketplace.extensions import db
from marketplace.matching import permissions, shortlists
from marketplace.matching.meetings import enterprise_side_users
from marketplace.matching.models import IntroductionRequest
from marketplace.models import utcnow
from marketplace.notifications import services as notifications
from marketplace.profiles.models import Enterprise

MAX_MESSAGE_CHARS = 1000
# An enterprise asks at most this many organisations a day: introductions are meant to be
# chosen from "investors that fit", not sent to the whole directory.
MAX_PER_DAY = 5
DECISIONS = ("accept", "decline")


def open_request(*, enterprise_id: int, organisation_id: int) -> IntroductionRequest | None:
    """The pending request of the enterprise to the organisation, if any. Reads only."""
    return db.session.scalar(
        select(IntroductionRequest).where(
            IntroductionRequest.enterprise_id == enterprise_id,
            IntroductionRequest.organisation_id == organisation_id,
            IntroductionRequest.status == "pending",
        )
    )


def sent_today(enterprise_id: int, *, now: dt.datetime | None = None) -> int:
    """How many introduction requests the enterprise sent in the last 24 hours. Reads only."""
    since = (now or utcnow()) - dt.timedelta(hours=24)
    return db.session.scalar(
        select(func.count(IntroductionRequest.id)).where(
            IntroductionRequest.enterprise_id == enterprise_id,
            IntroductionRequest.created_at >= since,
        )
    )


def _investor_members(organisation_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(User.organisation_id == organisation_id, User.role == "investor")
        )
    )


def request_introduction(
    *,
    actor: User,
    enterprise: Enterprise,
    organisation: Organisation,
    message: str,
    instrument: str | None = None,
    now: dt.datetime | None = None,
) -> IntroductionRequest:
    """Ask a verified investor organisation to look at the enterprise's profile.

    Raises PermissionDenied (not the owner or a consenting facilitator, e-mail not confirmed,
    draft profile), NotFound (not a verified investor organisation), ValidationError (message,
    instrument), Conflict (an open request to this organisation already, or the day's limit of
    `MAX_PER_DAY` reached). Side effects: the request; a notification
    `introduction_request` to each investor of the organisation; audit `introduction.requested`.
    """
    if not permissions.can_request_introduction(actor, enterprise):
        raise PermissionDenied(
            _l(
                "Only the owner or their facilitator can ask for an introduction, once the"
                " profile is published and the e-mail address confirmed."
            )
        )
    if organisation.kind != "investor" or not organisation.is_verified:
        raise NotFound(_l("Introductions go only to verified investor organisations."))
    message = message_text(
        message,
        limit=MAX_MESSAGE_CHARS,
        empty=_l("Write a few words: what your business does and what you would like to discuss."),
    )
    if instrument and instrument not in vocab.INSTRUMENTS:
        raise ValidationError(_l("Choose one of the options offered."), field="instrument")
    if open_request(enterprise_id=enterprise.id, organisation_id=organisation.id):
        raise Conflict(_l("You have already asked this organisation; wait for its answer."))
    if sent_today(enterprise.id, now=now) >= MAX_PER_DAY:
        raise Conflict(
            _l(
                "You can ask at most %(num)s organisations a day. Try again tomorrow.",
                num=MAX_PER_DAY,
            )
        )
    introduction = IntroductionRequest(
        enterprise_id=enterprise.id,
        organisation_id=organisation.id,
        requested_by_id=actor.id,
        message=message,
        instrument=instrument or None,
        status="pending",
    )
    if now is not None:
        introduction.created_at = now
    try:
        # The partial unique index decides a race between the owner and the facilitator.
        with db.session.begin_nested():
            db.session.add(introduction)
    except IntegrityError:
        raise Conflict(
            _l("You have already asked this organisation; wait for its answer.")
        ) from None
    audit.on_enterprise(
        "introduction.requested",
        enterprise.id,
        by=actor.id,
        organisation=organisation.id,
        introduction=introduction.id,
    )
    notifications.notify(
        users=_investor_members(organisation.id),
        kind="introduction_request",
        params={"enterprise": enterprise.name, "organisation": organisation.name},
        link="/introductions",
    )
    return introduction


def answer_introduction(
    *, actor: User, introduction: IntroductionRequest, decision: str
) -> IntroductionRequest:
    """Accept or decline an introduction request on behalf of the investor organisation.

    Accepting puts the enterprise on the organisation's shortlist (the usual contact path:
    from the entry the investor asks for a meeting or the data room). Raises PermissionDenied
    (not a confirmed member of the verified organisation asked), ValidationError (unknown
    decision), Conflict (answered already). Side effects: status; the shortlist entry when
    accepted; a notification `introduction_answer` to the enterprise side; audit
    `introduction.<accepted|declined>`.
    """
    if not permissions.can_answer_introduction(actor, introduction):
        raise PermissionDenied(_l("Only a member of the organisation asked can answer."))
    if decision not in DECISIONS:
        raise ValidationError(_l("Choose one of the options offered."))
    if introduction.status != "pending":
        raise Conflict(_l("This introduction request has already been answered."))
    introduction.status = "accepted" if decision == "accept" else "declined"
    introduction.decided_by_id = actor.id
    introduction.decided_at = utcnow()
    enterprise = introduction.enterprise
    if decision == "accept":
        shortlists.add_to_shortlist(actor=actor, enterprise=enterprise)
    audit.on_enterprise(
        f"introduction.{introduction.status}",
        enterprise.id,
        by=actor.id,
        introduction=introduction.id,
    )
    db.session.flush()
    notifications.notify(
        # The owner, and the facilitator who asked on the owner's behalf.
        users=[*enterprise_side_users(enterprise), *filter(None, [introduction.requested_by])],
        kind="introduction_answer",
        params={
            "enterprise": enterprise.name,
            "organisation": introduction.organisation.name,
            "status": introduction.status,
        },
        link=f"/enterprises/{enterprise.id}/introductions",
    )
    return introduction


def inbox_of(organisation_id: int) -> list[IntroductionRequest]:
    """The organisation's introduction requests, open ones first, newest first. Reads only."""
    return list(
        db.session.scalars(
            select(IntroductionRequest)
            .where(IntroductionRequest.organisation_id == organisation_id)
            .options(selectinload(IntroductionRequest.enterprise))
            .order_by(
                (IntroductionRequest.status == "pending").desc(),
                IntroductionRequest.created_at.desc(),
                IntroductionRequest.id.desc(),
            )
        )
    )


def sent_by(enterprise_id: int) -> list[IntroductionRequest]:
    """The enterprise's introduction requests, newest first. Reads only."""
    return list(
        db.session.scalars(
            select(IntroductionRequest)
            .where(IntroductionRequest.enterprise_id == enterprise_id)
            .options(selectinload(IntroductionRequest.organisation))
            .order_by(IntroductionRequest.created_at.desc(), IntroductionRequest.id.desc())
        )
    )


def open_organisation_ids(enterprise_id: int) -> set[int]:
    """Organisations the enterprise has an open request with. Reads only."""
    return set(
        db.session.scalars(
            select(IntroductionRequest.organisation_id).where(
                IntroductionRequest.enterprise_id == enterprise_id,
                IntroductionRequest.status == "pending",
            )
        )
    )
