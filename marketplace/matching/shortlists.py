"""The investor organisation's shortlist: entries by stage, their history and private notes,
and the CSV export.

Services flush, never commit; they take keyword-only arguments and raise `marketplace.errors`
domain errors with messages in the user's language.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from marketplace import audit, vocab
from marketplace.accounts.models import User
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationError
from marketplace.extensions import db
from marketplace.formatting import csv_datetime, csv_text, local_date
from marketplace.matching import permissions
from marketplace.matching.models import ShortlistEntry, ShortlistMove, ShortlistNote
from marketplace.profiles.models import Enterprise

MAX_NOTE_CHARS = 2000


def _entry_for(organisation_id: int, enterprise_id: int) -> ShortlistEntry | None:
    return db.session.scalar(
        select(ShortlistEntry).where(
            ShortlistEntry.organisation_id == organisation_id,
            ShortlistEntry.enterprise_id == enterprise_id,
        )
    )


def on_shortlist(organisation_id: int, enterprise_id: int) -> bool:
    """Whether the enterprise is on the organisation's shortlist (its id read, not the entry
    with its notes: the profile page asks on every view). Reads only."""
    return bool(shortlisted_among(organisation_id, [enterprise_id]))


def entry_id(organisation_id: int, enterprise_id: int) -> int | None:
    """The id of the organisation's entry for the enterprise, or None. Reads only."""
    entry = _entry_for(organisation_id, enterprise_id)
    return entry.id if entry is not None else None


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
    audit.on_enterprise("shortlist.added", enterprise.id, by=actor.id)
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
    audit.on_enterprise("shortlist.moved", entry.enterprise_id, by=actor.id, stage=stage)
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


# Every search and match page and every profile asks: built once per process.
_SHORTLISTED_AMONG = select(ShortlistEntry.enterprise_id).where(
    ShortlistEntry.organisation_id == bindparam("organisation_id"),
    ShortlistEntry.enterprise_id.in_(bindparam("enterprise_ids", expanding=True)),
)


def shortlisted_among(organisation_id: int, enterprise_ids: Sequence[int]) -> set[int]:
    """Which of `enterprise_ids` are on the organisation's shortlist (for the buttons of a list
    of cards: one small query, not the whole shortlist). Reads only."""
    if not enterprise_ids:
        return set()
    return set(
        db.session.scalars(
            _SHORTLISTED_AMONG,
            {"organisation_id": organisation_id, "enterprise_ids": list(enterprise_ids)},
        )
    )


def shortlist_csv(entries: Sequence[ShortlistEntry]) -> str:
    """The shortlist as CSV, labels in the current language. No side effects."""
    header = [
        gettext("Enterprise"),
        gettext("Sector"),
        gettext("Province"),
        gettext("Funding ask (Rp)"),
        gettext("Stage"),
        gettext("Added on"),
        gettext("Last moved (WIB)"),
        gettext("Moved by"),
        gettext("Notes"),
    ]
    return csv_text(header, (_shortlist_row(entry) for entry in entries))


def _shortlist_row(entry: ShortlistEntry) -> tuple:
    enterprise = entry.enterprise
    last = entry.moves[-1] if entry.moves else None
    return (
        enterprise.name,
        vocab.label(vocab.SECTORS, enterprise.sector),
        enterprise.province_code and _province_name(enterprise.province_code),
        enterprise.ask_amount if enterprise.ask_amount is not None else "",
        vocab.label(vocab.DEAL_STAGES, entry.stage),
        local_date(entry.created_at).isoformat(),
        csv_datetime(last.moved_at) if last else "",
        last.moved_by_name if last else "",
        len(entry.notes),
    )


def _province_name(code: str) -> str:
    from marketplace import regions

    return regions.province_name(code)
