"""Pitch decks (versions, processing, previews) and the owner's activity page; data-room documents
and access requests are in `marketplace.pitches.data_room`.

Services flush, never commit; they take keyword-only arguments and raise
`marketplace.errors` domain errors or `uploads.UploadRejected` with messages in the user's
language. Files are stored through `marketplace.storage` and become final only when the
caller's transaction commits. Every view of a private file is written to the audit log, on the
enterprise (object_type "enterprise"), so the owner's activity page is one query.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from marketplace import audit, storage, tasks, uploads
from marketplace.accounts.models import Organisation, User
from marketplace.errors import Conflict, NotFound, PermissionDenied
from marketplace.extensions import db
from marketplace.models import utcnow
from marketplace.pitches import isolated, permissions
from marketplace.pitches.models import Deck, DeckPage, DeckVersion, Document
from marketplace.profiles.models import Enterprise

log = logging.getLogger(__name__)

PROCESS_JOB = "pitches.process_deck"
ACTIVITY_LIMIT = 200
# What the owner's activity page lists: file views and data-room decisions, not edits.
ACTIVITY_ACTIONS = (
    "deck.uploaded",
    "deck.page_viewed",
    "deck.original_downloaded",
    "document.uploaded",
    "document.removed",
    "document.viewed",
    "document.downloaded",
    "data_room.requested",
    "data_room.accepted",
    "data_room.declined",
    "data_room.revoked",
)


def require(allowed: bool, message=None) -> None:
    if not allowed:
        raise PermissionDenied(message or _l("You cannot change this profile's pitch material."))


def record(action: str, *, actor: User | None, enterprise: Enterprise, **details: Any) -> None:
    audit.on_enterprise(
        action, enterprise.id, by=actor.id if actor is not None else None, **details
    )


# --- decks -----------------------------------------------------------------------------------
def deck_of(enterprise: Enterprise) -> Deck | None:
    """The enterprise's deck, or None before the first upload. Reads only."""
    return db.session.scalar(select(Deck).where(Deck.enterprise_id == enterprise.id))


def current_deck_text(enterprise_id: int) -> str:
    """The extracted text of the enterprise's current deck ('' when none), for the search
    index. Reads only; raises nothing for an unknown id."""
    text = db.session.scalar(
        select(DeckVersion.text)
        .join(Deck, Deck.id == DeckVersion.deck_id)
        .where(Deck.enterprise_id == enterprise_id, DeckVersion.is_current.is_(True))
    )
    return text or ""


def upload_deck(
    *, actor: User, enterprise: Enterprise, files: list[tuple[str, bytes]]
) -> DeckVersion:
    """Accept a new deck version (one PDF, or photos in order) and queue its processing.

    The files get the fast checks of `decks.check_deck_files` (in a sandbox child); the
    originals are stored and a version is created in state 'processing'. Previews are rendered
    by the "pitches.process_deck" job after commit; the version becomes current when they are
    ready.
    Versions beyond DECK_VERSIONS_KEPT (oldest first, never the current one) are deleted.
    Raises PermissionDenied, UploadRejected. Side effects: files (final on commit), the job
    after commit, audit `deck.uploaded`.
    """
    require(permissions.can_manage_deck(actor, enterprise))
    limits = uploads.configured_limits()
    datas = [data for _name, data in files]
    source_kind, page_count = isolated.validate_deck_files(datas, limits=limits)
    try:
        # Two uploads of one deck at the same moment would both take the next number: the
        # unique (deck, number) constraint stops the second, which gets a Conflict, not a 500.
        with db.session.begin_nested():
            deck, version = _new_version(enterprise, files, datas, source_kind, page_count, actor)
    except IntegrityError as error:
        raise Conflict(
            _l(
                "Another upload of this deck was saved at the same moment. Reload the page and "
                "upload again if it is still needed."
            )
        ) from error
    number = version.number
    _prune_versions(deck, keep=current_app.config["DECK_VERSIONS_KEPT"])
    record(
        "deck.uploaded",
        actor=actor,
        enterprise=enterprise,
        version=number,
        pages=page_count,
        source=source_kind,
    )
    tasks.enqueue(PROCESS_JOB, version_id=version.id)
    return version


def _version_keys(version: DeckVersion) -> Iterator[str]:
    yield from version.original_keys or []
    for page in version.pages:
        yield page.small_key
        yield page.large_key


def _prune_versions(deck: Deck, *, keep: int) -> None:
    db.session.expire(deck, ["versions"])
    surplus = len(deck.versions) - keep
    # Oldest first; the current version and any still being processed are never pruned.
    for version in reversed(deck.versions):
        if surplus <= 0:
            break
        if version.is_current or version.state == "processing":
            continue
        storage.delete_after_commit(list(_version_keys(version)), session=db.session())
        db.session.delete(version)
        surplus -= 1
    db.session.flush()


def process_version(version_id: int, *, session: Session) -> DeckVersion | None:
    """Render a version's previews and make it current, or record why it failed.

    Runs in a job's own `session`. Does nothing (returns None) when the version is gone or
    not in state 'processing', so a job delivered twice is harmless. On a refusal the version
    is 'failed' with the refusal's code and the previous current version stays current.
    Photo decks' raw uploads are deleted either way. Side effects: preview files (final when
    `session` commits), rows in deck_pages. Raises only on storage or database failure.
    """
    version = session.get(DeckVersion, version_id)
    if version is None or version.state != "processing":
        return None
    try:
        files = [storage.read(key) for key in version.original_keys]
        result = isolated.process_deck_upload(files, limits=uploads.configured_limits())
    except uploads.UploadRejected as error:
        _fail(version, error.code, session=session)
        return version
    except FileNotFoundError:
        _fail(version, "missing_file", session=session)
        return version
    for index, ((small, large), (small_size, large_size)) in enumerate(
        zip(result.previews, result.preview_sizes, strict=True)
    ):
        session.add(
            DeckPage(
                version=version,
                index=index,
                mime=result.preview_mime,
                small_key=storage.save(small, suffix=".webp", session=session),
                small_width=small_size[0],
                small_height=small_size[1],
                small_size=len(small),
                large_key=storage.save(large, suffix=".webp", session=session),
                large_width=large_size[0],
                large_height=large_size[1],
                large_size=len(large),
                text=result.page_texts[index] if index < len(result.page_texts) else "",
            )
        )
    version.page_count = result.page_count
    version.text = result.text
    version.has_javascript = result.has_javascript
    version.state = "ready"
    version.processed_at = utcnow()
    if version.source_kind == "images":
        storage.delete_after_commit(version.original_keys, session=session)
        version.original_keys = []
    # Unset the old current version first: the partial unique index checks every row.
    for other in session.scalars(
        select(DeckVersion).where(
            DeckVersion.deck_id == version.deck_id, DeckVersion.is_current.is_(True)
        )
    ):
        other.is_current = False
    session.flush()
    version.is_current = True
    session.flush()
    return version


def _fail(version: DeckVersion, code: str, *, session: Session) -> None:
    version.state = "failed"
    version.error_code = code[:40]
    version.processed_at = utcnow()
    if version.source_kind == "images":
        storage.delete_after_commit(version.original_keys, session=session)
        version.original_keys = []
    session.flush()


def failure_message(version: DeckVersion) -> str:
    """What went wrong with a failed version, as a sentence telling the user what to do."""
    return uploads.rejection_message(uploads.UploadRejected(version.error_code or "unreadable"))


def set_current_version(*, actor: User, enterprise: Enterprise, version_id: int) -> DeckVersion:
    """Show an earlier ready version again instead of the current one.

    Raises PermissionDenied, NotFound (not a version of this deck), Conflict (not ready).
    Side effects: flags on the versions; audit `deck.version_made_current`.
    """
    require(permissions.can_manage_deck(actor, enterprise))
    version = db.session.get(DeckVersion, version_id)
    if version is None or version.deck.enterprise_id != enterprise.id:
        raise NotFound(_l("That version is not part of this deck."))
    if version.state != "ready":
        raise Conflict(_l("Only a version whose previews are ready can be shown."))
    for other in version.deck.versions:
        if other.is_current and other.id != version.id:
            other.is_current = False
    db.session.flush()
    version.is_current = True
    db.session.flush()
    record("deck.version_made_current", actor=actor, enterprise=enterprise, version=version.number)
    return version


def visible_pages(user, version: DeckVersion | None) -> list[DeckPage]:
    """The pages of `version` that `user` may see (all, the public first ones, or none)."""
    if version is None:
        return []
    enterprise = version.deck.enterprise
    # One permission check for the deck, not one per page (a deck has up to 60 pages).
    if permissions.can_view_full_deck(user, enterprise):
        return list(version.pages)
    if not permissions.can_view_enterprise(user, enterprise):
        return []
    return [page for page in version.pages if permissions.is_public_page(page)]


def record_page_view(*, viewer, page: DeckPage) -> None:
    """Log that someone other than the enterprise's editors opened a page of the full deck.

    Public pages and the editors' own views are not logged: they are not what the owner
    consented to share. Side effects: audit `deck.page_viewed`.
    """
    enterprise = page.version.deck.enterprise
    if permissions.is_public_page(page) or permissions.can_manage_deck(viewer, enterprise):
        return
    record(
        "deck.page_viewed",
        actor=viewer,
        enterprise=enterprise,
        version=page.version.number,
        page=page.number,
    )


def record_original_download(*, viewer: User, version: DeckVersion) -> None:
    """Side effects: audit `deck.original_downloaded`."""
    record(
        "deck.original_downloaded",
        actor=viewer,
        enterprise=version.deck.enterprise,
        version=version.number,
    )


# --- activity --------------------------------------------------------------------------------
@dataclass(frozen=True)
class ActivityEntry:
    """One line of the owner's activity page."""

    at: dt.datetime
    action: str
    actor_name: str | None
    organisation_name: str | None
    details: dict[str, Any]


def activity(enterprise: Enterprise, *, limit: int = ACTIVITY_LIMIT) -> list[ActivityEntry]:
    """Who looked at or changed the deck, the documents and the data room, newest first."""
    from marketplace.audit import AuditEvent

    rows = db.session.execute(
        select(AuditEvent, User.name, Organisation.name)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(
            AuditEvent.object_type == "enterprise",
            AuditEvent.object_id == enterprise.id,
            AuditEvent.action.in_(ACTIVITY_ACTIONS),
        )
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    return [
        ActivityEntry(
            at=event.created_at,
            action=event.action,
            actor_name=name,
            organisation_name=organisation,
            details=event.details or {},
        )
        for event, name, organisation in rows
    ]


# --- storage ---------------------------------------------------------------------------------
def _file_keys(session: Session) -> Iterator[str]:
    for (keys,) in session.execute(select(DeckVersion.original_keys)):
        yield from keys or []
    for small, large in session.execute(select(DeckPage.small_key, DeckPage.large_key)):
        yield small
        yield large
    yield from session.scalars(select(Document.file_key))


storage.register_key_source(_file_keys)


def _new_version(enterprise, files, datas, source_kind, page_count, actor):
    """The deck (created on first upload) and its next version, stored and flushed."""
    deck = deck_of(enterprise)
    if deck is None:
        deck = Deck(enterprise=enterprise)
        db.session.add(deck)
        db.session.flush()
    number = (
        db.session.scalar(
            select(func.max(DeckVersion.number)).where(DeckVersion.deck_id == deck.id)
        )
        or 0
    ) + 1
    keys = [
        storage.save(
            data, suffix=uploads.suffix_for(uploads.detect_kind(data)), session=db.session()
        )
        for data in datas
    ]
    digest = hashlib.sha256()
    for data in datas:
        digest.update(data)
    first_name, first_data = files[0]
    version = DeckVersion(
        deck=deck,
        number=number,
        source_kind=source_kind,
        original_keys=keys,
        filename=uploads.safe_filename(
            first_name, extension=uploads.EXTENSIONS[uploads.detect_kind(first_data)]
        ),
        sha256=digest.hexdigest(),
        size=sum(len(data) for data in datas),
        page_count=page_count,
        state="processing",
        created_by_id=actor.id,
        created_at=utcnow(),
    )
    db.session.add(version)
    db.session.flush()
    return deck, version
