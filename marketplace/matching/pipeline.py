"""Deals in progress: the investor organisation's shortlist, meeting requests, notifications.

Services flush, never commit; they take keyword-only arguments and raise `marketplace.errors`
domain errors with messages in the user's language. E-mails go through `marketplace.mail` after
the commit (job "matching.send_mail"), written in each recipient's own language; in-app
notifications are rows written with the change.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from marketplace import audit, formatting, mail, tasks, vocab
from marketplace.accounts.models import User
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationError
from marketplace.extensions import db
from marketplace.matching import permissions
from marketplace.matching.models import (
    MeetingRequest,
    MeetingTime,
    Notification,
    ShortlistEntry,
    ShortlistMove,
    ShortlistNote,
)
from marketplace.models import as_utc, utcnow
from marketplace.profiles import permissions as profile_permissions
from marketplace.profiles.models import Enterprise

MAIL_JOB = "matching.send_mail"
MAX_NOTE_CHARS = 2000
MAX_MESSAGE_CHARS = 1000
MAX_PROPOSED_TIMES = 3
MEETING_ZONE = "Asia/Jakarta"  # times are typed and shown in WIB unless a zone is given
OPEN_MEETING_STATUSES = ("pending", "countered")

NOTIFICATION_TEXTS = {
    "meeting_requested": _l("%(organisation)s asks %(enterprise)s for a meeting."),
    "meeting_accepted": _l(
        "The meeting of %(organisation)s with %(enterprise)s is set for %(time)s."
    ),
    "meeting_declined": _l(
        "The meeting request of %(organisation)s to %(enterprise)s was declined."
    ),
    "meeting_countered": _l(
        "Other times were proposed for the meeting of %(organisation)s with %(enterprise)s."
    ),
    "programme_invited": _l(
        "%(organisation)s (a verified programme organisation) invites your enterprise to"
        " %(programme)s, cohort %(cohort)s. If you accept, its facilitators can edit your"
        " profile, see your full NIK and phone number, your documents and activity log, answer"
        " data-room requests and confirm event attendance for you. Accept or decline it in your"
        " settings."
    ),
    "programme_accepted": _l("%(enterprise)s accepted the invitation to %(cohort)s."),
    "programme_declined": _l("%(enterprise)s declined the invitation to %(cohort)s."),
    "programme_left": _l("%(enterprise)s left %(cohort)s: you cannot act for it any more."),
}
MAIL_SUBJECTS = {
    "meeting_requested": _l("TemuModal: a meeting request"),
    "meeting_accepted": _l("TemuModal: meeting accepted"),
    "meeting_declined": _l("TemuModal: meeting declined"),
    "meeting_countered": _l("TemuModal: other meeting times proposed"),
    "programme_invited": _l("TemuModal: an invitation to a programme"),
    "programme_accepted": _l("TemuModal: invitation accepted"),
    "programme_declined": _l("TemuModal: invitation declined"),
    "programme_left": _l("TemuModal: an enterprise left your programme"),
}


# --- notifications -----------------------------------------------------------------------------
@tasks.job(MAIL_JOB)
def send_mail(*, to: str, subject: str, body: str) -> None:
    """Send one e-mail through the mail seam (the after-commit job)."""
    mail.send(to, subject, body)


def notification_text(notification: Notification) -> str:
    """The notification in the current request's language."""
    params = dict(notification.params or {})
    if "time" in params:
        params["time"] = formatting.datetime(dt.datetime.fromisoformat(params["time"]))
    return str(NOTIFICATION_TEXTS[notification.kind]) % params


def notify(*, users: Iterable[User], kind: str, params: dict, link: str) -> list[Notification]:
    """Tell `users` about something: an in-app notification each and an e-mail after commit.

    `params` hold names and an ISO `time`, never personal data beyond names. The e-mail is
    written in each user's language. Side effects: rows; mail jobs enqueued. Raises KeyError
    for an unknown kind.
    """
    notices = []
    base = current_app.config.get("PUBLIC_BASE_URL", "").rstrip("/")
    for user in {u.id: u for u in users if u.active}.values():
        notice = Notification(user_id=user.id, kind=kind, params=params, link=link)
        db.session.add(notice)
        notices.append(notice)
        with force_locale(user.locale or "id"):
            subject = str(MAIL_SUBJECTS[kind])
            body = notification_text(notice) + "\n\n" + base + link
        tasks.enqueue(MAIL_JOB, to=user.email, subject=subject, body=body)
    db.session.flush()
    return notices


def notifications_for(user: User, *, limit: int = 50) -> list[Notification]:
    """The user's latest notifications, newest first. Reads only."""
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.user_id == user.id)
            .order_by(Notification.id.desc())
            .limit(limit)
        )
    )


def mark_notifications_read(*, user: User) -> int:
    """Mark all the user's notifications read; returns how many changed."""
    unread = db.session.scalars(
        select(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    ).all()
    now = utcnow()
    for notice in unread:
        notice.read_at = now
    db.session.flush()
    return len(unread)


# --- shortlist -------------------------------------------------------------------------------
def _entry_for(organisation_id: int, enterprise_id: int) -> ShortlistEntry | None:
    return db.session.scalar(
        select(ShortlistEntry).where(
            ShortlistEntry.organisation_id == organisation_id,
            ShortlistEntry.enterprise_id == enterprise_id,
        )
    )


def on_shortlist(organisation_id: int, enterprise_id: int) -> bool:
    """Whether the enterprise is on the organisation's shortlist. Reads only."""
    return _entry_for(organisation_id, enterprise_id) is not None


def add_to_shortlist(*, actor: User, enterprise: Enterprise) -> ShortlistEntry:
    """Put a published enterprise on the actor's organisation's shortlist, at 'observing'.

    Idempotent: when the enterprise is on the shortlist already (a colleague added it, perhaps
    at the same moment), the existing entry is returned and nothing else happens. Raises
    PermissionDenied (not an investor), NotFound (not published). Side effects when added: the
    entry and its first history row; audit `shortlist.added`.
    """
    if not permissions.can_use_shortlist(actor):
        raise PermissionDenied(_l("Only investors keep a shortlist."))
    if not enterprise.is_published:
        raise NotFound(_l("This profile does not exist."))
    existing = _entry_for(actor.organisation_id, enterprise.id)
    if existing is not None:
        return existing
    entry = ShortlistEntry(
        organisation_id=actor.organisation_id,
        enterprise_id=enterprise.id,
        stage="observing",
        added_by_id=actor.id,
    )
    entry.moves.append(
        ShortlistMove(to_stage="observing", moved_by_id=actor.id, moved_by_name=actor.name)
    )
    try:
        # The unique (organisation, enterprise) constraint decides a race between colleagues;
        # the loser's savepoint is rolled back and it gets the winner's entry.
        with db.session.begin_nested():
            db.session.add(entry)
    except IntegrityError:
        existing = _entry_for(actor.organisation_id, enterprise.id)
        if existing is None:
            raise
        return existing
    audit.record(
        "shortlist.added", actor_id=actor.id, object_type="enterprise", object_id=enterprise.id
    )
    db.session.flush()
    return entry


def move_entry(*, actor: User, entry: ShortlistEntry, stage: str) -> ShortlistEntry:
    """Move a shortlist entry to `stage`, recording who did it and when.

    Raises PermissionDenied (another organisation), ValidationError (unknown stage), Conflict
    (already at that stage). Side effects: the stage, a history row; audit `shortlist.moved`.
    """
    if not permissions.can_view_entry(actor, entry):
        raise PermissionDenied(_l("This shortlist belongs to another organisation."))
    if stage not in vocab.DEAL_STAGES:
        raise ValidationError(_l("Choose one of the options offered."), field="stage")
    if stage == entry.stage:
        raise Conflict(_l("The entry is at this stage already."))
    entry.moves.append(
        ShortlistMove(
            from_stage=entry.stage, to_stage=stage, moved_by_id=actor.id, moved_by_name=actor.name
        )
    )
    entry.stage = stage
    audit.record(
        "shortlist.moved",
        actor_id=actor.id,
        object_type="enterprise",
        object_id=entry.enterprise_id,
        details={"stage": stage},
    )
    db.session.flush()
    return entry


def add_note(*, actor: User, entry: ShortlistEntry, body: str) -> ShortlistNote:
    """A private note on a shortlist entry, visible to the organisation's members only.

    Raises PermissionDenied, ValidationError (empty or longer than 2,000 characters).
    """
    if not permissions.can_view_entry(actor, entry):
        raise PermissionDenied(_l("This shortlist belongs to another organisation."))
    body = (body or "").strip()
    if not body:
        raise ValidationError(_l("Write the note first."), field="body")
    if len(body) > MAX_NOTE_CHARS:
        raise ValidationError(
            _l("A note has at most %(num)s characters.", num=MAX_NOTE_CHARS), field="body"
        )
    note = ShortlistNote(entry=entry, author_id=actor.id, author_name=actor.name, body=body)
    db.session.add(note)
    db.session.flush()
    return note


def shortlist_of(organisation_id: int, *, stage: str | None = None) -> list[ShortlistEntry]:
    """The organisation's shortlist, most recently changed first. Reads only."""
    query = (
        select(ShortlistEntry)
        .where(ShortlistEntry.organisation_id == organisation_id)
        .options(
            selectinload(ShortlistEntry.enterprise),
            selectinload(ShortlistEntry.moves),
            selectinload(ShortlistEntry.notes),
        )
        .order_by(ShortlistEntry.updated_at.desc(), ShortlistEntry.id.desc())
    )
    if stage:
        query = query.where(ShortlistEntry.stage == stage)
    return list(db.session.scalars(query))


def _cell(value: object) -> str:
    # A cell starting with = + - @ runs as a formula in a spreadsheet (CSV injection).
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def shortlist_csv(entries: Sequence[ShortlistEntry]) -> str:
    """The shortlist as CSV, labels in the current language. No side effects."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            gettext("Enterprise"),
            gettext("Sector"),
            gettext("Province"),
            gettext("Funding ask (Rp)"),
            gettext("Stage"),
            gettext("Added on"),
            gettext("Last moved"),
            gettext("Moved by"),
            gettext("Notes"),
        ]
    )
    for entry in entries:
        enterprise = entry.enterprise
        last = entry.moves[-1] if entry.moves else None
        writer.writerow(
            [
                _cell(v)
                for v in (
                    enterprise.name,
                    vocab.label(vocab.SECTORS, enterprise.sector),
                    enterprise.province_code and _province_name(enterprise.province_code),
                    enterprise.ask_amount if enterprise.ask_amount is not None else "",
                    vocab.label(vocab.DEAL_STAGES, entry.stage),
                    as_utc(entry.created_at).date().isoformat(),
                    as_utc(last.moved_at).date().isoformat() if last else "",
                    last.moved_by_name if last else "",
                    len(entry.notes),
                )
            ]
        )
    return buffer.getvalue()


def _province_name(code: str) -> str:
    from marketplace import regions

    return regions.province_name(code)


# --- meeting requests --------------------------------------------------------------------------
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
    rows = profile_permissions.consented_enrolments().subquery()
    return list(
        db.session.scalars(
            select(User)
            .join(rows, rows.c.facilitator_id == User.id)
            .where(rows.c.enterprise_id == enterprise.id)
        ).unique()
    )


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
    message = (message or "").strip()
    if not message:
        raise ValidationError(
            _l("Write a short message: who you are and what you would like to discuss."),
            field="message",
        )
    if len(message) > MAX_MESSAGE_CHARS:
        raise ValidationError(
            _l("A message has at most %(num)s characters.", num=MAX_MESSAGE_CHARS), field="message"
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
    audit.record(
        "meeting.requested",
        actor_id=actor.id,
        object_type="enterprise",
        object_id=enterprise.id,
        details={"meeting": meeting.id},
    )
    notify(
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
    audit.record(
        f"meeting.{kind.removeprefix('meeting_')}",
        actor_id=actor.id,
        object_type="enterprise",
        object_id=meeting.enterprise_id,
        details={"meeting": meeting.id, "on_behalf": meeting.decided_on_behalf},
    )
    recipients = (
        _investor_side_users(meeting)
        if side == "enterprise"
        else _enterprise_side_users(meeting.enterprise)
    )
    notify(users=recipients, kind=kind, params=_notice_params(meeting), link=_link(meeting))
    return meeting


def get_meeting(meeting_id: int) -> MeetingRequest:
    """The meeting request, or NotFound."""
    meeting = db.session.get(MeetingRequest, meeting_id)
    if meeting is None:
        raise NotFound(_l("This meeting request does not exist."))
    return meeting


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
        mentored = profile_permissions.mentored_enterprise_ids(user.organisation_id)
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
