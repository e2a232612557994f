"""Rights requests: asking for a copy of one's data or a correction, and answering them.

Every request gets its legal deadline when it is made (`models.DUE`); the admin queue lists the
open ones by deadline. Deletion requests share the table and the queue (their own services
build on these).
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace import audit, tasks
from marketplace.accounts.models import User
from marketplace.errors import Conflict, NotFound, PermissionDenied, Problems
from marketplace.extensions import db
from marketplace.models import utcnow
from marketplace.notifications import services as notifications
from marketplace.privacy import permissions
from marketplace.privacy.models import CORRECTION_TOPICS, DOWNLOAD_VALID, DUE, RightsRequest
from marketplace.profiles import permissions as profile_permissions
from marketplace.profiles.models import Enterprise

DETAILS_MAX = 2000
ANSWER_MAX = 2000
DECISIONS = ("accept", "reject")

# Answers the app gives by itself (no person wrote them): the row should hold the code, shown
# in the reader's language. A person's answer (a correction's) is shown as written.
SYSTEM_ANSWERS = {
    "deletion_cancelled": _l("Cancelled through the link in the e-mail."),
    "deletion_done": _l("Deleted; records others need are kept under the erased name."),
}
# Rows written before the codes held the Indonesian text itself: read as their code.
_STORED_TEXTS = {
    "Dibatalkan lewat tautan di e-mail.": "deletion_cancelled",
    "Dihapus; catatan yang dibutuhkan orang lain disimpan atas nama terhapus.": "deletion_done",
}


def answer_text(request: RightsRequest) -> str:
    """The request's answer in the current language: a system answer (a code, or its old
    Indonesian text) translated; a person's answer as they wrote it."""
    answer = request.answer or ""
    code = _STORED_TEXTS.get(answer.strip(), answer)
    return str(SYSTEM_ANSWERS[code]) if code in SYSTEM_ANSWERS else answer


def open_request(*, requester: User, kind: str, enterprise: Enterprise | None = None):
    """The requester's open request of `kind` (for `enterprise` when given), or None."""
    query = select(RightsRequest).where(
        RightsRequest.requester_id == requester.id,
        RightsRequest.kind == kind,
        RightsRequest.status == "open",
    )
    if enterprise is not None:
        query = query.where(RightsRequest.subject_enterprise_id == enterprise.id)
    return db.session.scalars(query.limit(1)).first()


def _new(*, kind: str, requester: User, **fields) -> RightsRequest:
    now = utcnow()
    request = RightsRequest(
        kind=kind, requester_id=requester.id, created_at=now, due_at=now + DUE[kind], **fields
    )
    db.session.add(request)
    db.session.flush()
    return request


def request_copy(*, requester: User, enterprise: Enterprise | None = None) -> RightsRequest:
    """Ask for a copy of one's own data, or (a facilitator, `enterprise`) of the data of an
    enterprise whose owner has no account, on their behalf.

    Raises Conflict while the requester has an open copy request, PermissionDenied when a
    facilitator may not act for `enterprise`. Side effects: the request row, an audit line,
    and the export job queued for after the commit.
    """
    if enterprise is not None and not permissions.can_request_for(requester, enterprise):
        raise PermissionDenied(_l("You cannot ask for the data of this enterprise."))
    if open_request(requester=requester, kind="access") is not None:
        raise Conflict(_l("Your copy is being prepared. You can ask again once it is ready."))
    if enterprise is None:
        request = _new(kind="access", requester=requester, subject_user_id=requester.id)
    else:
        request = _new(
            kind="access",
            requester=requester,
            subject_enterprise_id=enterprise.id,
            on_behalf=True,
        )
    audit.on_user("privacy.copy_requested", requester.id, by=requester.id, request=request.id)
    from marketplace.privacy.export import EXPORT_JOB

    tasks.enqueue(EXPORT_JOB, request_id=request.id)
    return request


def complete_export(*, request: RightsRequest, export_key: str) -> None:
    """Mark access request `request` answered by its ready copy, valid DOWNLOAD_VALID from now,
    and tell the requester. Side effects: the row; a notification and its e-mail."""
    now = utcnow()
    request.status = "done"
    request.answered_at = now
    request.export_key = export_key
    request.export_expires_at = now + DOWNLOAD_VALID
    audit.on_user("privacy.copy_ready", request.requester_id or 0, by=None, request=request.id)
    if request.requester is not None:
        notifications.notify(
            users=[request.requester],
            kind="privacy_copy_ready",
            params={"hours": int(DOWNLOAD_VALID.total_seconds() // 3600)},
            link="/data-saya",
        )
    db.session.flush()


def request_correction(
    *, requester: User, enterprise: Enterprise | None, topic: str, details: str
) -> RightsRequest:
    """Ask for data one cannot change oneself to be corrected (a facilitator's attestation, a
    mentoring record …). `enterprise` must be the requester's own.

    Raises ValidationError(s) for an unknown topic or empty or too long details,
    PermissionDenied for someone else's enterprise. Side effects: the row, an audit line, a
    notification to the enterprise's facilitators (with its e-mail).
    """
    if enterprise is not None and not profile_permissions.is_owner_of(requester, enterprise):
        raise PermissionDenied(_l("You can ask for corrections of your own data only."))
    problems = Problems()
    if topic not in CORRECTION_TOPICS:
        problems.add(_l("Choose what the correction is about."), field="topic")
    details = _text(
        problems,
        details,
        field="details",
        limit=DETAILS_MAX,
        missing=_l("Say what is wrong and what it should be."),
    )
    problems.raise_any()
    request = _new(
        kind="correction",
        requester=requester,
        subject_user_id=requester.id,
        subject_enterprise_id=enterprise.id if enterprise is not None else None,
        topic=topic,
        details=details,
    )
    audit.on_user("privacy.correction_requested", requester.id, by=requester.id, request=request.id)
    if enterprise is not None:
        notifications.notify(
            users=permissions.facilitators_of(enterprise),
            kind="privacy_correction_requested",
            params={"enterprise": enterprise.name},
            link=f"/data-saya/requests/{request.id}",
        )
    return request


def _text(problems: Problems, value: str | None, *, field: str, limit: int, missing) -> str:
    """`value` without surrounding spaces; a problem on `field` when that leaves nothing
    (`missing` says what to write) or more than `limit` characters."""
    value = (value or "").strip()
    if not value:
        problems.add(missing, field=field)
    elif len(value) > limit:
        problems.add(_l("At most %(count)s characters.", count=limit), field=field)
    return value


def answer_request(
    *, actor: User, request: RightsRequest, decision: str, answer: str
) -> RightsRequest:
    """Answer correction request `request`: "accept" (the change made, described in `answer`)
    or "reject" (the reason in `answer`).

    Raises PermissionDenied unless `actor` may answer it, Conflict when it is answered
    already or is not a correction, ValidationError(s) for a bad decision or answer. Side
    effects: the row, an audit line, a notification to the requester (with its e-mail).
    """
    if not permissions.can_answer(actor, request):
        raise PermissionDenied(_l("You cannot answer this request."))
    if request.kind != "correction":
        raise Conflict(_l("Only correction requests are answered here."))
    if not request.is_open:
        raise Conflict(_l("This request has been answered already."))
    problems = Problems()
    if decision not in DECISIONS:
        problems.add(_l("Choose whether you made the correction."), field="decision")
    answer = _text(
        problems,
        answer,
        field="answer",
        limit=ANSWER_MAX,
        missing=_l("Say what you changed, or why the data stays as it is."),
    )
    problems.raise_any()
    request.status = "done" if decision == "accept" else "rejected"
    request.answer = answer
    request.answered_at = utcnow()
    request.answered_by_id = actor.id
    audit.on_user(
        "privacy.correction_answered",
        request.requester_id or 0,
        by=actor.id,
        request=request.id,
        decision=decision,
    )
    if request.requester is not None:
        notifications.notify(
            users=[request.requester],
            kind="privacy_request_answered",
            params={},
            link="/data-saya",
        )
    db.session.flush()
    return request


def get_request(request_id: int) -> RightsRequest:
    """The request, or NotFound."""
    request = db.session.get(RightsRequest, request_id)
    if request is None:
        raise NotFound(_l("No such request."))
    return request


def requests_of(user: User) -> list[RightsRequest]:
    """The user's own requests, newest first. Reads only."""
    return list(
        db.session.scalars(
            select(RightsRequest)
            .where(RightsRequest.requester_id == user.id)
            .order_by(RightsRequest.created_at.desc(), RightsRequest.id.desc())
        )
    )


def corrections_to_answer(user: User) -> list[RightsRequest]:
    """Open correction requests `user` may answer as a facilitator, oldest deadline first."""
    if user.role != "facilitator":
        return []
    open_ones = db.session.scalars(
        select(RightsRequest)
        .where(
            RightsRequest.kind == "correction",
            RightsRequest.status == "open",
            RightsRequest.subject_enterprise_id.is_not(None),
        )
        .order_by(RightsRequest.due_at)
    )
    return [r for r in open_ones if permissions.can_answer(user, r)]


def queue(*, status: str | None = None) -> list[RightsRequest]:
    """Every rights request for the admin queue: open ones first by deadline, then the
    answered ones newest first. `status` "open" or "answered" narrows it. Reads only."""
    query = select(RightsRequest)
    if status == "open":
        query = query.where(RightsRequest.status == "open")
    elif status == "answered":
        query = query.where(RightsRequest.status != "open")
    rows: Iterable[RightsRequest] = db.session.scalars(query)
    rows = list(rows)
    open_ones = sorted((r for r in rows if r.is_open), key=lambda r: (r.due_at, r.id))
    done = sorted(
        (r for r in rows if not r.is_open),
        key=lambda r: (r.answered_at or r.created_at, r.id),
        reverse=True,
    )
    return open_ones + done


def rebuild_copy(*, actor: User, request: RightsRequest) -> None:
    """Queue the export job again for an open access request whose job failed (an admin).
    Raises PermissionDenied, Conflict when it is not an open access request."""
    if not permissions.can_administer(actor):
        raise PermissionDenied(_l("You cannot answer this request."))
    if request.kind != "access" or not request.is_open:
        raise Conflict(_l("Only an open request for a copy can be built again."))
    from marketplace.privacy.export import EXPORT_JOB

    audit.on_user(
        "privacy.copy_rebuilt", request.requester_id or 0, by=actor.id, request=request.id
    )
    tasks.enqueue(EXPORT_JOB, request_id=request.id)
