"""The data room: an enterprise's documents (financial statements, permits …) and investors'
requests to see them, which the owner accepts, declines or revokes.

Services flush, never commit; they raise `marketplace.errors` domain errors or
`uploads.UploadRejected`. Every view of a document is written to the audit log on the
enterprise, for the owner's activity page.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select

from marketplace import storage, uploads
from marketplace.accounts.models import User
from marketplace.errors import Conflict, ValidationError, message_text
from marketplace.extensions import db
from marketplace.models import utcnow
from marketplace.notifications import services as notifications
from marketplace.pitches import isolated, permissions
from marketplace.pitches.models import DOCUMENT_KINDS, OPEN_STATUSES, AccessRequest, Document
from marketplace.pitches.services import record, require
from marketplace.profiles.enterprises import row_of
from marketplace.profiles.models import Enterprise
from marketplace.programmes import services as programmes

# Photos of documents stay legible (a financial statement shot on a phone) at this size.
DOCUMENT_IMAGE_SIDE = 2400
MAX_MESSAGE_CHARS = 1000
_DECISIONS = {
    # decision: (states it may start from, resulting state)
    "accept": (("pending",), "accepted"),
    "decline": (("pending",), "declined"),
    "revoke": (("accepted",), "revoked"),
}


# --- documents -------------------------------------------------------------------------------
def documents_of(enterprise: Enterprise) -> list[Document]:
    """The enterprise's data-room documents, by kind then newest first. Reads only."""
    return list(
        db.session.scalars(
            select(Document)
            .where(Document.enterprise_id == enterprise.id)
            .order_by(Document.kind, Document.created_at.desc(), Document.id.desc())
        )
    )


def add_document(
    *, actor: User, enterprise: Enterprise, kind: str, filename: str, data: bytes
) -> Document:
    """Store a document in the enterprise's data room; private until someone is let in.

    PDFs are checked like decks (and refused when they carry JavaScript, since the original
    is what gets downloaded); photos are re-encoded upright as WebP without metadata (a phone
    photo of an NPWP card carries its GPS position otherwise).
    Raises PermissionDenied, ValidationError (unknown kind, too many documents),
    UploadRejected. Side effects: one file (final on commit); audit `document.uploaded`.
    """
    require(permissions.can_manage_deck(actor, enterprise))
    if kind not in DOCUMENT_KINDS:
        raise ValidationError(_l("Choose one of the options offered."), field="kind")
    limit = current_app.config["DOCUMENTS_PER_ENTERPRISE"]
    count = db.session.scalar(
        select(func.count()).select_from(Document).where(Document.enterprise_id == enterprise.id)
    )
    if count >= limit:
        raise ValidationError(
            _l("A data room can hold at most %(count)s documents. Remove one first.", count=limit)
        )
    stored, mime, extension = isolated.prepare_document(
        data, limits=uploads.configured_limits(), image_side=DOCUMENT_IMAGE_SIDE
    )
    document = Document(
        enterprise_id=enterprise.id,
        kind=kind,
        file_key=storage.save(stored, suffix=f".{extension}", session=db.session()),
        filename=uploads.safe_filename(filename or "", extension=extension),
        mime=mime,
        size=len(stored),
        sha256=hashlib.sha256(stored).hexdigest(),
        uploaded_by_id=actor.id,
        created_at=utcnow(),
    )
    db.session.add(document)
    db.session.flush()
    record("document.uploaded", actor=actor, enterprise=enterprise, document=document.id, kind=kind)
    return document


def remove_document(*, actor: User, enterprise: Enterprise, document_id: int) -> None:
    """Raises PermissionDenied, NotFound. Side effects: the file is deleted after commit;
    audit `document.removed`."""
    require(permissions.can_manage_deck(actor, enterprise))
    document = row_of(
        Document, document_id, enterprise, _l("That document is not in this data room.")
    )
    storage.delete_after_commit([document.file_key], session=db.session())
    record(
        "document.removed",
        actor=actor,
        enterprise=enterprise,
        document=document.id,
        kind=document.kind,
    )
    db.session.delete(document)
    db.session.flush()


def record_document_access(*, viewer: User, document: Document, download: bool) -> None:
    """Write one view or download of a document to the audit log, whoever the viewer is.

    Raises PermissionDenied when `viewer` may not open it (and logs nothing: the denial is in
    the security log already). Side effects: audit `document.viewed` or `document.downloaded`.
    """
    require(
        permissions.can_view_document(viewer, document),
        _l("You do not have access to this document."),
    )
    record(
        "document.downloaded" if download else "document.viewed",
        actor=viewer,
        enterprise=document.enterprise,
        document=document.id,
        kind=document.kind,
    )


# --- access requests -------------------------------------------------------------------------
def request_access(*, investor: User, enterprise: Enterprise, message: str) -> AccessRequest:
    """An investor asks to see the full deck and the documents.

    Raises PermissionDenied (not a verified investor, draft profile), ValidationError (no
    message, too long), Conflict (the organisation already has an open request).
    Side effects: a pending request; audit `data_room.requested`; a notification (and mail)
    to the owners and the consenting facilitators.
    """
    require(
        permissions.can_request_access(investor, enterprise),
        _l("Only investors of a verified organisation can ask for access."),
    )
    message = message_text(
        message,
        limit=MAX_MESSAGE_CHARS,
        empty=_l("Write a few words about who you are and why you want to see the documents."),
        too_long=_l("Keep the message under %(count)s characters.", count=MAX_MESSAGE_CHARS),
    )
    if open_request(organisation_id=investor.organisation_id, enterprise=enterprise):
        raise Conflict(_l("Your organisation has already asked for access to this data room."))
    access_request = AccessRequest(
        enterprise_id=enterprise.id,
        organisation_id=investor.organisation_id,
        requested_by_id=investor.id,
        message=message,
        status="pending",
    )
    db.session.add(access_request)
    db.session.flush()
    record(
        "data_room.requested",
        actor=investor,
        enterprise=enterprise,
        request=access_request.id,
        organisation=investor.organisation_id,
    )
    notifications.notify(
        users=programmes.owners_and_facilitators(enterprise),
        kind="data_room_requested",
        params={"organisation": investor.organisation.name, "enterprise": enterprise.name},
        link=f"/enterprises/{enterprise.id}/data-room",
    )
    return access_request


def open_request(*, organisation_id: int, enterprise: Enterprise) -> AccessRequest | None:
    """The organisation's pending or accepted request for this enterprise, if any."""
    return db.session.scalar(
        select(AccessRequest).where(
            AccessRequest.enterprise_id == enterprise.id,
            AccessRequest.organisation_id == organisation_id,
            AccessRequest.status.in_(OPEN_STATUSES),
        )
    )


# The cards of every search and match page ask: built once per process.
_OPEN_REQUEST_STATES = select(AccessRequest.enterprise_id, AccessRequest.status).where(
    AccessRequest.organisation_id == bindparam("organisation_id"),
    AccessRequest.enterprise_id.in_(bindparam("enterprise_ids", expanding=True)),
    AccessRequest.status.in_(OPEN_STATUSES),
)


def open_request_states(*, organisation_id: int, enterprise_ids: Sequence[int]) -> dict[int, str]:
    """enterprise id -> status ('pending' or 'accepted') of the organisation's open requests
    among `enterprise_ids` (for the action buttons of a list of cards). Reads only."""
    if not enterprise_ids:
        return {}
    rows = db.session.execute(
        _OPEN_REQUEST_STATES,
        {"organisation_id": organisation_id, "enterprise_ids": list(enterprise_ids)},
    )
    return {enterprise_id: status for enterprise_id, status in rows}


def latest_request(*, organisation_id: int, enterprise: Enterprise) -> AccessRequest | None:
    """The organisation's most recent request for this enterprise, whatever its status."""
    return db.session.scalar(
        select(AccessRequest)
        .where(
            AccessRequest.enterprise_id == enterprise.id,
            AccessRequest.organisation_id == organisation_id,
        )
        .order_by(AccessRequest.id.desc())
        .limit(1)
    )


def requests_for(enterprise: Enterprise) -> list[AccessRequest]:
    """Every request made to the enterprise, open ones first, newest first."""
    return list(
        db.session.scalars(
            select(AccessRequest)
            .where(AccessRequest.enterprise_id == enterprise.id)
            .order_by(AccessRequest.status.notin_(OPEN_STATUSES), AccessRequest.id.desc())
        )
    )


def decide_access(*, actor: User, access_request: AccessRequest, decision: str) -> AccessRequest:
    """Accept or decline a pending request, or revoke an accepted one.

    Raises PermissionDenied (not the owner or their facilitator), ValidationError (unknown
    decision), Conflict (the request is not in a state that allows it).
    Side effects: the request's status; audit `data_room.accepted|declined|revoked`; a
    notification (and mail) to the investor who asked.
    """
    enterprise = access_request.enterprise
    require(permissions.can_decide_access(actor, enterprise))
    if decision not in _DECISIONS:
        raise ValidationError(_l("Choose one of the options offered."))
    allowed_from, new_status = _DECISIONS[decision]
    if access_request.status not in allowed_from:
        raise Conflict(_l("This request has already been answered."))
    access_request.status = new_status
    access_request.decided_by_id = actor.id
    access_request.decided_at = utcnow()
    db.session.flush()
    record(
        f"data_room.{new_status}",
        actor=actor,
        enterprise=enterprise,
        request=access_request.id,
        organisation=access_request.organisation_id,
    )
    if access_request.requested_by is not None:
        notifications.notify(
            users=[access_request.requested_by],
            kind=f"data_room_{new_status}",
            params={
                "organisation": access_request.organisation.name,
                "enterprise": enterprise.name,
            },
            link=f"/enterprises/{enterprise.id}/data-room",
        )
    return access_request
