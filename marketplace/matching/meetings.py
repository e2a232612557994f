"""Meeting requests between an investor organisation and an enterprise: up to three proposed
times, accept / decline / counter-propose, the calendar file.

Services flush, never commit; they take keyword-only arguments and raise `marketplace.errors`
domain errors with messages in the user's language. Each step notifies the other side
(`notifications.services`: a row now, an e-mail after the commit).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from marketplace import audit, vocab
from marketplace.accounts.models import User
from marketplace.errors import Conflict, PermissionDenied, ValidationError, message_text
from marketplace.extensions import db
from marketplace.matching import permissions
from marketplace.matching.models import MEETING_STATUSES, MeetingRequest, MeetingTime
from marketplace.models import as_utc, row_or_not_found, utcnow
from marketplace.notifications import services as notifications
from marketplace.profiles.models import Enterprise
from marketplace.programmes import consent

MAX_MESSAGE_CHARS = 1000
MAX_PROPOSED_TIMES = 3
MEETING_ZONE = "Asia/Jakarta"  # times are typed and shown in WIB unless a zone is given
OPEN_MEETING_STATUSES = ("pending", "countered")


# A meeting's status as the side whose answer it waits for reads it.
YOUR_TURN = {
    "pending": _l("Waiting for your answer"),
    "countered": _l("Other times proposed: waiting for your answer"),
}


def is_my_turn(user: User, meeting: MeetingRequest) -> bool:
    """Whether the next answer is the user's side's: a new request for the enterprise side,
    other times proposed for the investor side."""
    if meeting.status == "pending":
        return permissions.is_enterprise_side(user, meeting)
    if meeting.status == "countered":
        return permissions.is_investor_side(user, meeting)
    return False


def status_label(user: User, meeting: MeetingRequest) -> str:
    """The meeting's status in words for `user`: "Waiting for your answer" when it is their
    turn, else as anyone reads it ("Waiting for the enterprise" …)."""
    if is_my_turn(user, meeting):
        return str(YOUR_TURN[meeting.status])
    return vocab.label(MEETING_STATUSES, meeting.status)


def local_to_utc(value: dt.datetime, *, zone: str = MEETING_ZONE) -> dt.datetime:
    """A wall-clock time typed in `zone` (naive), or an aware time, as an aware UTC datetime."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(zone))
    return value.astimezone(dt.UTC)


def _check_times(
    times: Sequence[dt.datetime], *, now: dt.datetime, field: str
) -> list[dt.datetime]:
    unique = sorted({as_utc(t) for t in times})
    if not unique:
        raise ValidationError(_l("Propose at least one time."), field=field)
    if len(unique) > MAX_PROPOSED_TIMES:
        raise ValidationError(
            _l("Propose at most %(num)s times.", num=MAX_PROPOSED_TIMES), field=field
        )
    if any(t <= now for t in unique):
        raise ValidationError(_l("Proposed times must be in the future."), field=field)
    return unique


def _enterprise_side_users(enterprise: Enterprise) -> list[User]:
    """The owners, or, for a profile without an owner account, its facilitators."""
    owners = db.session.scalars(
        select(User).where(User.organisation_id == enterprise.organisation_id, User.role == "owner")
    ).all()
    if owners:
        return list(owners)
    rows = consent.consented_enrolments().subquery()
    return list(
        db.session.scalars(
            select(User)
            .join(rows, rows.c.facilitator_id == User.id)
            .where(rows.c.enterprise_id == enterprise.id)
        ).unique()
    )


# Introductions tell the same people about answers.
enterprise_side_users = _enterprise_side_users


def _investor_side_users(meeting: MeetingRequest) -> list[User]:
    users = [meeting.requested_by] if meeting.requested_by is not None else []
    if not users:
        users = list(
            db.session.scalars(
                select(User).where(
                    User.organisation_id == meeting.organisation_id, User.role == "investor"
                )
            )
        )
    return users


def _notice_params(meeting: MeetingRequest) -> dict:
    params = {"organisation": meeting.organisation.name, "enterprise": meeting.enterprise.name}
    if meeting.chosen_start is not None:
        params["time"] = as_utc(meeting.chosen_start).isoformat()
    return params


def _link(meeting: MeetingRequest) -> str:
    return f"/meetings/{meeting.id}"


def request_meeting(
    *,
    actor: User,
    enterprise: Enterprise,
    message: str,
    times: Sequence[dt.datetime],
    place: str | None = None,
    duration_minutes: int = 60,
    now: dt.datetime | None = None,
) -> MeetingRequest:
    """An investor asks an enterprise for a meeting at one of up to three proposed times.

    Raises PermissionDenied (not a verified investor, profile not published), ValidationError
    (message, times, duration), Conflict (the organisation has an open request already).
    Side effects: the request and its times; notifications to the owner (or, without an owner
    account, the facilitators); audit `meeting.requested`.
    """
    if not permissions.can_request_meeting(actor, enterprise):
        raise PermissionDenied(
            _l("Only investors of a verified organisation can ask for meetings.")
        )
    message = message_text(
        message,
        limit=MAX_MESSAGE_CHARS,
        empty=_l("Write a short message: who you are and what you would like to discuss."),
    )
    if not 15 <= duration_minutes <= 480:
        raise ValidationError(
            _l("A meeting lasts between 15 minutes and 8 hours."), field="duration_minutes"
        )
    proposed = _check_times(times, now=now or utcnow(), field="time_1")
    open_request = db.session.scalar(
        select(MeetingRequest.id).where(
            MeetingRequest.enterprise_id == enterprise.id,
            MeetingRequest.organisation_id == actor.organisation_id,
            MeetingRequest.status.in_(OPEN_MEETING_STATUSES),
        )
    )
    if open_request is not None:
        raise Conflict(
            _l("Your organisation already has an open meeting request with this enterprise.")
        )
    meeting = MeetingRequest(
        enterprise=enterprise,
        organisation_id=actor.organisation_id,
        requested_by=actor,
        message=message,
        place=(place or "").strip()[:200] or None,
        duration_minutes=duration_minutes,
        status="pending",
    )
    meeting.times = [MeetingTime(starts_at=t, proposed_by="investor") for t in proposed]
    db.session.add(meeting)
    db.session.flush()
    db.session.refresh(meeting, ["organisation"])
    audit.on_enterprise("meeting.requested", enterprise.id, by=actor.id, meeting=meeting.id)
    notifications.notify(
        users=_enterprise_side_users(enterprise),
        kind="meeting_requested",
        params=_notice_params(meeting),
        link=_link(meeting),
    )
    return meeting


def respond_to_meeting(
    *,
    actor: User,
    meeting: MeetingRequest,
    action: str,
    time_id: int | None = None,
    new_times: Sequence[dt.datetime] = (),
    now: dt.datetime | None = None,
) -> MeetingRequest:
    """Answer a meeting request: accept one proposed time, decline, or propose other times.

    The enterprise side (owner, or facilitator on the owner's behalf) answers a pending
    request; the investor side answers the enterprise's counter-proposal. Raises
    PermissionDenied (not a party, or not their turn), ValidationError (unknown action, a time
    not proposed by the other side, bad new times), Conflict (already answered).
    Side effects: status, chosen time, new times; notification of the other side; audit
    `meeting.<accepted|declined|countered>`.
    """
    if permissions.is_enterprise_side(actor, meeting):
        side, waiting_status, other = "enterprise", "pending", "investor"
    elif permissions.is_investor_side(actor, meeting):
        side, waiting_status, other = "investor", "countered", "enterprise"
    else:
        raise PermissionDenied(_l("You cannot answer this meeting request."))
    if meeting.status not in OPEN_MEETING_STATUSES:
        raise Conflict(_l("This meeting request has already been answered."))
    if meeting.status != waiting_status:
        raise PermissionDenied(_l("The other side has to answer first."))
    if action == "accept":
        chosen = next(
            (t for t in meeting.times if t.id == time_id and t.proposed_by == other), None
        )
        if chosen is None:
            raise ValidationError(_l("Choose one of the proposed times."), field="time_id")
        if as_utc(chosen.starts_at) <= (now or utcnow()):
            raise ValidationError(_l("That time has passed; propose another."), field="time_id")
        meeting.status, meeting.chosen_start = "accepted", chosen.starts_at
    elif action == "decline":
        meeting.status = "declined"
    elif action == "propose":
        proposed = _check_times(new_times, now=now or utcnow(), field="new_time_1")
        taken = {as_utc(t.starts_at) for t in meeting.times}
        for start in proposed:
            if start not in taken:
                meeting.times.append(MeetingTime(starts_at=start, proposed_by=side))
        # The answer passes back to the other side, who chooses among the new times.
        for time in meeting.times:
            if as_utc(time.starts_at) in proposed:
                time.proposed_by = side
        meeting.status = "countered" if side == "enterprise" else "pending"
    else:
        raise ValidationError(_l("Choose one of the options offered."))
    meeting.decided_by_id = actor.id
    meeting.decided_on_behalf = actor.role == "facilitator"
    meeting.decided_at = utcnow()
    db.session.flush()
    kind = {
        "accept": "meeting_accepted",
        "decline": "meeting_declined",
        "propose": "meeting_countered",
    }[action]
    audit.on_enterprise(
        f"meeting.{kind.removeprefix('meeting_')}",
        meeting.enterprise_id,
        by=actor.id,
        meeting=meeting.id,
        on_behalf=meeting.decided_on_behalf,
    )
    recipients = (
        _investor_side_users(meeting)
        if side == "enterprise"
        else _enterprise_side_users(meeting.enterprise)
    )
    notifications.notify(
        users=recipients, kind=kind, params=_notice_params(meeting), link=_link(meeting)
    )
    return meeting


def get_meeting(meeting_id: int) -> MeetingRequest:
    """The meeting request, or NotFound."""
    return row_or_not_found(MeetingRequest, meeting_id, _l("This meeting request does not exist."))


def meetings_for(user: User) -> list[MeetingRequest]:
    """The meeting requests the user is a party to (as investor, owner or facilitator)."""
    query = select(MeetingRequest).order_by(MeetingRequest.id.desc())
    if user.role == "investor":
        query = query.where(MeetingRequest.organisation_id == user.organisation_id)
    elif user.role == "owner":
        query = query.join(Enterprise, Enterprise.id == MeetingRequest.enterprise_id).where(
            Enterprise.organisation_id == user.organisation_id
        )
    elif user.role == "facilitator":
        mentored = consent.mentored_enterprise_ids(user.organisation_id)
        query = query.where(MeetingRequest.enterprise_id.in_(mentored))
    else:
        return []
    return list(db.session.scalars(query))


def meeting_ics(meeting: MeetingRequest) -> bytes:
    """An iCalendar file (one VEVENT) for an accepted meeting. No side effects.

    Raises Conflict when the meeting is not accepted.
    """
    from icalendar import Calendar, Event

    if meeting.status != "accepted" or meeting.chosen_start is None:
        raise Conflict(_l("Only an accepted meeting has a calendar file."))
    start = as_utc(meeting.chosen_start)
    calendar = Calendar()
    calendar.add("prodid", "-//TemuModal//meetings//ID")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"meeting-{meeting.id}@temumodal")
    event.add("dtstamp", as_utc(meeting.decided_at) or utcnow())
    event.add("dtstart", start)
    event.add("dtend", start + dt.timedelta(minutes=meeting.duration_minutes))
    event.add("summary", f"TemuModal: {meeting.organisation.name} × {meeting.enterprise.name}")
    event.add("description", meeting.message)
    if meeting.place:
        event.add("location", meeting.place)
    calendar.add_component(event)
    return calendar.to_ical()


def open_meeting_exists(*, organisation_id: int, enterprise_id: int) -> bool:
    """Whether the organisation has a pending or countered request with the enterprise."""
    return (
        db.session.scalar(
            select(MeetingRequest.id).where(
                MeetingRequest.organisation_id == organisation_id,
                MeetingRequest.enterprise_id == enterprise_id,
                or_(*(MeetingRequest.status == s for s in OPEN_MEETING_STATUSES)),
            )
        )
        is not None
    )
