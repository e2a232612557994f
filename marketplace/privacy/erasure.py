"""The erasure itself (UU PDP 27/2022 art. 8, 16 (2) h; issue 16): once a deletion request's
72 hours are over (marketplace.privacy.deletion_requests), the periodic job "privacy.erase_due"
(`flask privacy erase-due`) erases it (`erase`): the user and the enterprise become tombstones,
and every other table is treated as marketplace.privacy.erasure_registry says.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from typing import Any

from sqlalchemy import Text, cast, delete, func, or_, select, update

from marketplace import audit, storage, tasks
from marketplace.accounts.models import Organisation, User
from marketplace.extensions import db
from marketplace.models import utcnow
from marketplace.privacy import deletion_requests
from marketplace.privacy.erasure_models import AccountDeletion
from marketplace.privacy.erasure_registry import (
    DELETE,
    KEEP,
    REGISTRY,
    Label,
    Placeholder,
    ref_target,
)
from marketplace.privacy.models import RightsRequest
from marketplace.profiles import crypto
from marketplace.profiles.models import Enterprise

log = logging.getLogger(__name__)

JOB = "privacy.erase_due"


def user_label(user_id: int) -> str:
    return f"Pengguna terhapus #{user_id}"


def enterprise_label(enterprise_id: int) -> str:
    return f"Usaha terhapus #{enterprise_id}"


def placeholder_email(user_id: int) -> str:
    # .invalid is reserved (RFC 2606): no mail can ever be delivered there.
    return f"deleted-{user_id}@deleted.invalid"


def _personal_values(user: User | None, enterprise: Enterprise | None) -> dict[str, str]:
    """Each personal value of the erased -> its replacement (longest first when applied)."""
    values: dict[str, str] = {}
    if user is not None:
        values[user.email] = placeholder_email(user.id)
        values[user.name] = user_label(user.id)
        if user.phone:
            values[user.phone] = "—"
    if enterprise is not None:
        label = enterprise_label(enterprise.id)
        values[enterprise.name] = label
        organisation = db.session.get(Organisation, enterprise.organisation_id)
        if organisation is not None and organisation.name:
            values[organisation.name] = label
        if enterprise.owner_name:
            values[enterprise.owner_name] = label
        if enterprise.owner_phone:
            values[enterprise.owner_phone] = "—"
        if enterprise.owner_nik_encrypted:
            try:
                values[crypto.decrypt(enterprise.owner_nik_encrypted)] = "—"
            except Exception:  # an undecryptable NIK has no plain text to look for
                log.warning("erasure: NIK of enterprise %s not decryptable", enterprise.id)
    # Very short values ("Ani") would clobber other words; they are matched as whole words.
    return {k.strip(): v for k, v in values.items() if k and len(k.strip()) >= 3}


def _pattern(values: dict[str, str]) -> re.Pattern:
    ordered = sorted(values, key=len, reverse=True)
    return re.compile(
        "|".join(rf"(?<!\w){re.escape(v)}(?!\w)" for v in ordered), flags=re.IGNORECASE
    )


def _replace(value: Any, pattern: re.Pattern, values: dict[str, str]) -> Any:
    lowered = {k.lower(): v for k, v in values.items()}
    if isinstance(value, str):
        return pattern.sub(lambda m: lowered[m.group(0).lower()], value)
    if isinstance(value, list):
        return [_replace(v, pattern, values) for v in value]
    if isinstance(value, dict):
        return {k: _replace(v, pattern, values) for k, v in value.items()}
    return value


def _scrub(table, columns: tuple[str, ...], values: dict[str, str]) -> int:
    """Replace `values` in `columns` of every row of `table` holding one. Returns rows
    changed."""
    if not values or not columns:
        return 0
    pattern = _pattern(values)
    needles = set()
    for v in values:
        needles.add(v.lower())
        needles.add(json.dumps(v)[1:-1].lower())  # as a JSON column stores it
    pk = table.primary_key.columns.values()[0]
    changed = 0
    for name in columns:
        column = table.c[name]
        text = func.lower(cast(column, Text))
        rows = db.session.execute(
            select(pk, column).where(or_(*(text.contains(n, autoescape=True) for n in needles)))
        ).all()
        for key, old in rows:
            new = _replace(old, pattern, values)
            if new != old:
                db.session.execute(update(table).where(pk == key).values({name: new}))
                changed += 1
    return changed


def _redaction(value: Any, user_id: int | None) -> Any:
    if value is Label:
        return user_label(user_id) if user_id else "—"
    if value is Placeholder:
        return placeholder_email(user_id) if user_id else "deleted@deleted.invalid"
    return value


def _apply_registry(user_id: int | None, enterprise_id: int | None) -> dict[str, int]:
    counts: dict[str, int] = {}
    tables = db.Model.metadata.tables
    ids = {"users": user_id, "enterprises": enterprise_id}
    for name, handling in REGISTRY.items():
        table = tables[name]
        for column_name, how in handling.refs.items():
            column = table.c[column_name]
            target_id = ids[ref_target(column)]
            if target_id is None or how == KEEP:
                continue
            if how == DELETE:
                result = db.session.execute(delete(table).where(column == target_id))
            else:
                values = {k: _redaction(v, user_id) for k, v in handling.redact.items()}
                result = db.session.execute(update(table).where(column == target_id).values(values))
            if result.rowcount:
                counts[f"{name}.{how}"] = counts.get(f"{name}.{how}", 0) + result.rowcount
    return counts


def _tombstone_user(user: User) -> None:
    user.name = user_label(user.id)
    user.email = placeholder_email(user.id)
    user.phone = None
    user.password_hash = "!erased"  # noqa: S105 (no password verifies against it)
    user.active = False
    user.totp_secret = None
    user.totp_enabled = False
    user.organisation_admin = False
    user.email_confirmed_at = None


ENTERPRISE_CLEARED = (
    "products",
    "description",
    "founded_on",
    "owner_name",
    "owner_phone",
    "owner_nik_encrypted",
    "owner_nik_last4",
    "owner_nik_prefix",
    "owner_birth_year",
    "graduated_from",
    "graduated_on",
    "capital",
    "annual_turnover",
    "profit_last_year",
    "ask_amount",
    "use_of_funds",
    "tenor_months",
    "bank_name",
    "published_at",
)


def _tombstone_enterprise(enterprise: Enterprise) -> None:
    label = enterprise_label(enterprise.id)
    enterprise.name = label
    for name in ENTERPRISE_CLEARED:
        setattr(enterprise, name, None)
    enterprise.ask_instruments = []
    enterprise.status = "draft"
    # Never shown again; the counted attributes stay for aggregate figures.
    enterprise.share_women_led = False
    enterprise.share_disability_inclusive = False
    enterprise.share_pkh_graduate = False
    enterprise.share_owner_age = False
    organisation = db.session.get(Organisation, enterprise.organisation_id)
    if organisation is not None:
        organisation.name = label
        organisation.website = None
        organisation.description = None


def erase(deletion: AccountDeletion) -> dict[str, int]:
    """Erase what `deletion` names, now (the job calls it once due; tests call it directly).

    Personal data rows deleted and the person's files removed after commit (the storage
    seam); the user and the enterprise become tombstones; records others depend on kept; free
    text scrubbed (`REGISTRY`); copies of mails to them deleted; the enterprise leaves the
    search index after commit. Returns counts per table (no personal data), also stored on
    the request and in the audit entry `erasure.done`. Flushes, never commits.
    """
    user = db.session.get(User, deletion.user_id) if deletion.user_id else None
    enterprise = (
        db.session.get(Enterprise, deletion.enterprise_id) if deletion.enterprise_id else None
    )
    values = _personal_values(user, enterprise)
    keys_before = storage.referenced_keys(db.session)
    entry = deletion_requests.queue_entry(deletion)
    entry_id = entry.id if entry is not None else None

    # The tombstones first, through the ORM (the enterprise's version rises as for any edit).
    if enterprise is not None:
        _tombstone_enterprise(enterprise)
    if user is not None:
        email = user.email
        _tombstone_user(user)
    db.session.flush()

    counts = _apply_registry(user.id if user else None, enterprise.id if enterprise else None)
    if user is not None:
        from marketplace.mail.models import OutboundMail

        result = db.session.execute(
            delete(OutboundMail).where(func.lower(OutboundMail.recipient) == email.lower())
        )
        counts["outbound_mails.delete"] = result.rowcount or 0
    tables = db.Model.metadata.tables
    for name, handling in REGISTRY.items():
        changed = _scrub(tables[name], handling.scrub, values)
        if changed:
            counts[f"{name}.scrub"] = changed
    db.session.expire_all()

    removed = keys_before - storage.referenced_keys(db.session)
    storage.delete_after_commit(removed, session=db.session)
    counts["files"] = len(removed)
    if enterprise is not None:
        tasks.enqueue("search.sync_enterprise", enterprise_id=enterprise.id)

    deletion.done_at = utcnow()
    deletion.cancel_token_hash = None
    deletion.outcome = {k: v for k, v in counts.items() if v}
    deletion_requests.close_entry(
        db.session.get(RightsRequest, entry_id) if entry_id else None,
        status="done",
        answer="deletion_done",  # requests.SYSTEM_ANSWERS: shown in the reader's language
    )
    audit.on_account_deletion("erasure.done", deletion.id, by=None, **deletion.outcome)
    db.session.flush()
    return deletion.outcome


def due_deletions(*, now: dt.datetime | None = None) -> list[int]:
    """Ids of the pending deletions whose 72 hours are over at `now` (default: the clock)."""
    return list(
        db.session.scalars(
            select(AccountDeletion.id)
            .where(
                AccountDeletion.is_pending,
                AccountDeletion.due_at <= (now or utcnow()),
            )
            .order_by(AccountDeletion.id)
        )
    )


def erase_due(*, now: dt.datetime | None = None, commit_each: bool = False) -> int:
    """Erase every pending deletion whose 72 hours are over at `now`. Returns how many.
    Flushes; with `commit_each` (the job and the command) commits after each one, so that
    one failing deletion does not hold back the others (it is logged and tried next run)."""
    done = 0
    for deletion_id in due_deletions(now=now):
        deletion = db.session.get(AccountDeletion, deletion_id)
        if not commit_each:
            erase(deletion)
            done += 1
            continue
        try:
            erase(deletion)
            db.session.commit()
            done += 1
        except Exception:
            db.session.rollback()
            log.exception("erasure: deletion %s failed; tried again next run", deletion_id)
    return done


@tasks.job(JOB)
def erase_due_job() -> int:
    return erase_due(commit_each=True)
