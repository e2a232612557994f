"""The right to erasure (UU PDP 27/2022 art. 8, 16 (2) h; issue 16): deletion requests, the
72-hour pending period, and the erasure itself.

A user asks to delete their own account (`request_deletion`); a facilitator asks for a
phone-only owner's enterprise (`request_enterprise_deletion`, recorded as on the owner's
behalf). The account is blocked at once (sessions ended, login refused with a message saying
how to cancel) and the profile hidden; the requester gets a one-time cancel link by e-mail
(only its SHA-256 is kept, as for every link: marketplace.tokens). Once `due_at` has passed the
periodic job "privacy.erase_due" (`flask privacy erase-due`) erases it (`erase`).

How each table is treated is written once, in `REGISTRY`: every column that names a user or an
enterprise is listed there with what happens to rows naming the erased one: DELETE the rows,
KEEP them (the id then names a tombstone, "Pengguna terhapus #45" / "Usaha terhapus #123", so
others' pages still render), or REDACT (keep the row, replace the personal fields in
`redact`). `scrub` columns are free text other people wrote (messages, notes, audit details,
mail copies): any occurrence of the erased person's name, e-mail, phone or NIK is replaced, in
every row. tests/privacy/test_erasure.py walks the models and fails on a table or column the
registry does not cover.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import Text, cast, delete, func, or_, select, update

from marketplace import audit, formatting, storage, tasks, tokens
from marketplace.accounts import mails as account_mails
from marketplace.accounts import passwords
from marketplace.accounts import services as accounts
from marketplace.accounts.models import Organisation, User
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationError
from marketplace.extensions import db
from marketplace.mail import send as send_mail
from marketplace.models import as_utc, utcnow
from marketplace.privacy.erasure_models import AccountDeletion
from marketplace.privacy.models import RightsRequest
from marketplace.profiles import crypto, permissions
from marketplace.profiles import enterprises as enterprise_services
from marketplace.profiles.models import Enterprise

log = logging.getLogger(__name__)

JOB = "privacy.erase_due"
PENDING_PERIOD = dt.timedelta(hours=72)
ROLES = frozenset({"owner", "investor", "facilitator"})

DELETE, KEEP, REDACT = "delete", "keep", "redact"


class Label:
    """In `redact`: the erased user's tombstone name ("Pengguna terhapus #45")."""


class Placeholder:
    """In `redact`: the erased user's non-deliverable address (deleted-45@deleted.invalid)."""


@dataclass(frozen=True)
class Handling:
    """How erasure treats one table. `refs`: each column naming a user or an enterprise, with
    what happens to the rows naming the erased one (DELETE, KEEP, REDACT); `redact`: the
    fields replaced on REDACT rows (a value, None, Label or Placeholder); `scrub`: text or JSON
    columns where the erased one's personal values are replaced in every row; `why`: the
    reason, also in docs/privacy.md."""

    why: str
    refs: dict[str, str] = field(default_factory=dict)
    redact: dict[str, Any] = field(default_factory=dict)
    scrub: tuple[str, ...] = ()


# Tables the erasure rewrites by hand (the tombstones), and all the others by the rules below.
TOMBSTONES = frozenset({"users", "enterprises", "organisations"})

REGISTRY: dict[str, Handling] = {
    # --- the tombstones themselves --------------------------------------------------------
    "users": Handling(
        "tombstone: name 'Pengguna terhapus #id', a non-deliverable address, phone, password,"
        " two-factor secret removed; the row stays so others' records still name someone"
    ),
    "enterprises": Handling(
        "tombstone: name 'Usaha terhapus #id', owner's name, phone and NIK, description,"
        " finances and ask removed; sector, region and the counted attributes stay for"
        " aggregate M&E figures without identity",
        refs={"created_by_id": KEEP},
    ),
    "organisations": Handling(
        "an erased enterprise's organisation gets the same tombstone name; others' are kept",
        refs={"verified_by_id": KEEP},
        scrub=("name", "description", "rejection_reason"),
    ),
    # --- the person's own data: deleted ---------------------------------------------------
    "user_sessions": Handling("login sessions end with the account", {"user_id": DELETE}),
    "email_tokens": Handling("e-mailed links die with the account", {"user_id": DELETE}),
    "notifications": Handling(
        "their own notifications go; others' keep the fact with the name scrubbed",
        {"user_id": DELETE},
        scrub=("params",),
    ),
    "notification_settings": Handling("their own choices", {"user_id": DELETE}),
    "notification_digests": Handling("their own digests", {"user_id": DELETE}),
    "saved_searches": Handling("their own searches (hits go with them)", {"user_id": DELETE}),
    "saved_search_hits": Handling(
        "an erased enterprise leaves others' saved-search results", {"enterprise_id": DELETE}
    ),
    "event_reminders": Handling("only marks a reminder sent to them", {"user_id": DELETE}),
    "documents": Handling(
        "the enterprise's documents and their files",
        {"enterprise_id": DELETE, "uploaded_by_id": KEEP},
    ),
    "legal_documents": Handling("the enterprise's licence numbers", {"enterprise_id": DELETE}),
    "decks": Handling(
        "the enterprise's pitch decks, versions, pages and files", {"enterprise_id": DELETE}
    ),
    "deck_versions": Handling(
        "an erased uploader's name is not stored; the deck is the enterprise's",
        {"created_by_id": KEEP},
    ),
    "product_photos": Handling("the enterprise's photos and files", {"enterprise_id": DELETE}),
    "monthly_revenues": Handling("the enterprise's finances", {"enterprise_id": DELETE}),
    "mentoring_records": Handling("the enterprise's own records", {"enterprise_id": DELETE}),
    "match_cards": Handling("built from the profile; removed with it", {"enterprise_id": DELETE}),
    "invitations": Handling(
        "hand-over links of the enterprise hold the owner's phone",
        {"enterprise_id": DELETE, "created_by_id": KEEP, "accepted_by_id": KEEP},
        scrub=("phone",),
    ),
    "access_requests": Handling(
        "an erased enterprise has no data room left to open; others' requests keep the"
        " requester as a tombstone",
        {"enterprise_id": DELETE, "requested_by_id": KEEP, "decided_by_id": KEEP},
        scrub=("message",),
    ),
    "attestations": Handling(
        "a facilitator's attestation belongs to the erased profile; an erased facilitator's"
        " name is replaced on attestations of others",
        {"enterprise_id": DELETE, "attested_by_id": REDACT},
        redact={"attested_by_name": Label},
        scrub=("note",),
    ),
    # --- records others depend on: kept, naming a tombstone -------------------------------
    "shortlist_entries": Handling(
        "investors' shortlists keep the row (a tombstone) so their pipeline stays whole",
        {"enterprise_id": KEEP, "added_by_id": KEEP},
    ),
    "shortlist_moves": Handling(
        "the investor's pipeline history; the mover's stored name is replaced",
        {"moved_by_id": REDACT},
        redact={"moved_by_name": Label},
    ),
    "shortlist_notes": Handling(
        "the investor's notes; an erased author's stored name is replaced",
        {"author_id": REDACT},
        redact={"author_name": Label},
        scrub=("body",),
    ),
    "meeting_requests": Handling(
        "the other side's meeting history",
        {"enterprise_id": KEEP, "requested_by_id": KEEP, "decided_by_id": KEEP},
        scrub=("message", "place"),
    ),
    "introduction_requests": Handling(
        "the other side's introduction history",
        {"enterprise_id": KEEP, "requested_by_id": KEEP, "decided_by_id": KEEP},
        scrub=("message",),
    ),
    "judge_reviews": Handling(
        "judges' scores make the event's results; kept against the tombstone",
        {"judge_id": KEEP, "enterprise_id": KEEP},
        scrub=("comment",),
    ),
    "event_judges": Handling("the event's panel", {"user_id": KEEP}),
    "judge_invitations": Handling(
        "the organiser's invitation record; an erased judge's address is replaced",
        {"invited_by_id": KEEP, "decided_by_id": KEEP},
        scrub=("email", "email_key"),
    ),
    "event_invitations": Handling(
        "the event's schedule and attendance",
        {"enterprise_id": KEEP, "invited_by_id": KEEP, "responded_by_id": KEEP},
    ),
    "event_preferences": Handling(
        "inputs of the event's published schedule",
        {"enterprise_id": KEEP, "investor_id": KEEP, "set_by_id": KEEP},
    ),
    "event_registrations": Handling("seats and payments of the event", {"user_id": KEEP}),
    "schedule_items": Handling("the event's schedule", {"enterprise_id": KEEP}),
    "schedule_runs": Handling("the organiser's scheduling runs", {"requested_by_id": KEEP}),
    "pitch_events": Handling("the organiser's event", {"created_by_id": KEEP}),
    "outcomes": Handling(
        "financing outcomes are counted in M&E figures (without identity once erased)",
        {"enterprise_id": KEEP, "recorded_by_id": KEEP},
    ),
    "outcome_steps": Handling("steps of a kept outcome", {"recorded_by_id": KEEP}),
    "enrolments": Handling(
        "the programme's records and M&E counts (without identity once erased)",
        {
            "enterprise_id": KEEP,
            "facilitator_id": KEEP,
            "consent_by_id": KEEP,
            "withdrawn_by_id": KEEP,
        },
    ),
    "group_members": Handling("the business group's membership counts", {"enterprise_id": KEEP}),
    "business_groups": Handling("the programme's group", {"created_by_id": KEEP}),
    "ticket_orders": Handling(
        "kept for tax (amount, date, receipt number); the buyer is the tombstone",
        {"user_id": KEEP},
        scrub=("note",),
    ),
    "order_refunds": Handling(
        "part of a kept payment", {"requested_by_id": KEEP}, scrub=("reason",)
    ),
    "organisation_invitations": Handling(
        "the organisation's invitation record; an erased invitee's address is replaced",
        {"invited_by_id": KEEP, "accepted_by_id": KEEP},
        scrub=("email",),
    ),
    "search_outbox": Handling(
        "pending index changes (ids only), applied within seconds; carries the removal",
        {"enterprise_id": KEEP},
    ),
    # --- records the law asks to keep: personal fields redacted ---------------------------
    "audit_events": Handling(
        "the record of processing and security: kept, the erased one's IP addresses removed"
        " and personal values in the details replaced",
        {"actor_id": REDACT},
        redact={"ip": None},
        scrub=("details",),
    ),
    "monitoring_targets": Handling(
        "a programme's targets: whoever set one is named by the tombstone", {"set_by_id": KEEP}
    ),
    "monitoring_check_ins": Handling(
        "monthly figures keep counting in aggregate M&E figures without identity (the"
        " enterprise is a tombstone; its sensitive attributes are no longer shared)",
        {"enterprise_id": KEEP, "entered_by_id": KEEP},
    ),
    "rights_requests": Handling(
        "the record of how each right was answered, which the law asks to keep: ids and dates"
        " stay, the texts are scrubbed, a copy's file is let go (the nightly clean-up removes it)",
        {
            "requester_id": REDACT,
            "subject_user_id": REDACT,
            "subject_enterprise_id": REDACT,
            "answered_by_id": KEEP,
        },
        redact={"export_key": None},
        scrub=("details", "answer"),
    ),
    "consent_records": Handling(
        "proof of consent the law asks to keep: ids and dates only, IP addresses removed",
        {"enterprise_id": REDACT, "user_id": REDACT, "actor_id": REDACT},
        redact={"ip": None},
    ),
    "breach_incidents": Handling(
        "the incident record the law asks to keep",
        {"recorded_by_id": KEEP},
        scrub=("title", "how_discovered", "what_happened", "handling"),
    ),
    "breach_notices": Handling(
        "proof the notice was sent; the address is replaced",
        {"user_id": REDACT, "sent_by_id": KEEP},
        redact={"email": Placeholder},
    ),
    "account_deletions": Handling(
        "the record that the request was honoured (ids and dates only)",
        {"user_id": KEEP, "enterprise_id": KEEP, "requested_by_id": KEEP},
    ),
    # Copies of mails: those to the erased address go (`erase`), others' are scrubbed.
    "outbound_mails": Handling(
        "copies of mails sent to them are deleted; others' mails that named them are scrubbed",
        scrub=("recipient", "subject", "text", "html"),
    ),
}


# --- who may ask -------------------------------------------------------------------------------
def pending_for_user(user: User) -> AccountDeletion | None:
    return db.session.scalar(
        select(AccountDeletion).where(
            AccountDeletion.user_id == user.id,
            AccountDeletion.cancelled_at.is_(None),
            AccountDeletion.done_at.is_(None),
        )
    )


def pending_for_enterprise(enterprise: Enterprise) -> AccountDeletion | None:
    return db.session.scalar(
        select(AccountDeletion).where(
            AccountDeletion.enterprise_id == enterprise.id,
            AccountDeletion.cancelled_at.is_(None),
            AccountDeletion.done_at.is_(None),
        )
    )


def is_erased(enterprise: Enterprise) -> bool:
    return (
        db.session.scalar(
            select(AccountDeletion.id).where(
                AccountDeletion.enterprise_id == enterprise.id, AccountDeletion.done_at.is_not(None)
            )
        )
        is not None
    )


def _active_owners(enterprise: Enterprise) -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(
                User.organisation_id == enterprise.organisation_id,
                User.role == "owner",
                User.active.is_(True),
            )
        )
    )


def may_request_for(user, enterprise: Enterprise) -> bool:
    """A facilitator of the enterprise's programme, when the owner has no account (a
    phone-only owner): the one who can ask on their behalf."""
    return permissions.is_facilitator_of(user, enterprise) and not _active_owners(enterprise)


def phone_only_enterprises(user) -> list[Enterprise]:
    """Enterprises `user` (a facilitator) may ask to delete on their owner's behalf."""
    if getattr(user, "role", None) != "facilitator":
        return []
    from marketplace.programmes.models import Enrolment

    ids = db.session.scalars(select(Enrolment.enterprise_id).distinct()).all()
    found = [db.session.get(Enterprise, i) for i in ids]
    return [e for e in found if e is not None and not is_erased(e) and may_request_for(user, e)]


def _check_password(user: User, password: str | None) -> None:
    if not passwords.verify_password(user.password_hash, password or ""):
        raise ValidationError(_l("The password is not correct."), field="password")


def _hide(enterprise: Enterprise) -> bool:
    was_published = enterprise.status == "published"
    if was_published:
        enterprise.status = "draft"
        enterprise_services.reindex_later(enterprise)
    return was_published


def _mail_cancel_link(deletion: AccountDeletion, to: User, token: str) -> None:
    with force_locale(to.locale or "id"):
        subject = str(_l("TemuModal: deletion requested; you can cancel it for 72 hours"))
        body = str(
            _l(
                "We received a request to delete %(what)s on TemuModal. It is blocked"
                " now and everything will be deleted on %(due)s. To cancel, open this"
                " link before then (it works once):\n\n%(link)s\n\nIf you did not ask for this,"
                " open the link and change your password.",
                what=_deletion_subject(deletion),
                due=formatting.datetime(deletion.due_at),
                link=account_mails.external_url("erasure.cancel", token=token),
            )
        )
    send_mail(to.email, subject, body, kind="account", locale=to.locale or "id")


def _deletion_subject(deletion: AccountDeletion) -> str:
    if deletion.on_behalf and deletion.enterprise_id:
        enterprise = db.session.get(Enterprise, deletion.enterprise_id)
        return str(_l("the profile of %(name)s", name=enterprise.name if enterprise else "?"))
    return str(_l("your account"))


# --- the deletion in the rights-request queue (/admin/privacy) ----------------------------------
def _queue(deletion: AccountDeletion) -> None:
    """List the deletion in the admin's rights-request queue with its 72-hour deadline."""
    db.session.add(
        RightsRequest(
            kind="deletion",
            requester_id=deletion.requested_by_id,
            subject_user_id=deletion.user_id,
            subject_enterprise_id=deletion.enterprise_id,
            on_behalf=deletion.on_behalf,
            created_at=deletion.requested_at,
            due_at=deletion.due_at,
        )
    )


def _queued(deletion: AccountDeletion) -> RightsRequest | None:
    """The open queue entry of `deletion` (read before the erasure redacts its references)."""
    query = select(RightsRequest).where(
        RightsRequest.kind == "deletion", RightsRequest.status == "open"
    )
    if deletion.user_id is not None:
        query = query.where(RightsRequest.subject_user_id == deletion.user_id)
    else:
        query = query.where(RightsRequest.subject_enterprise_id == deletion.enterprise_id)
    return db.session.scalars(query.limit(1)).first()


def _close(entry: RightsRequest | None, *, status: str, answer: str) -> None:
    if entry is not None:
        entry.status = status
        entry.answered_at = utcnow()
        entry.answer = answer


def request_deletion(*, user: User, password: str | None) -> AccountDeletion:
    """Ask to delete `user`'s own account (an owner's enterprise too, when they are its last
    active owner), after checking their password.

    Raises PermissionDenied (an administrator: another admin removes them), ValidationError
    (wrong password), Conflict (already pending). Side effects: the account blocked and every
    session ended at once; the enterprise hidden (index updated after commit); an
    `account_deletions` row due in 72 hours; audit `erasure.requested`; the cancel link
    mailed after commit.
    """
    if user.role not in ROLES:
        raise PermissionDenied(_l("Administrators' accounts are removed by another administrator."))
    _check_password(user, password)
    if pending_for_user(user) is not None:
        raise Conflict(_l("A deletion of this account is already pending."))
    enterprise = enterprise_services.enterprise_of(user)
    if enterprise is not None and (
        [o for o in _active_owners(enterprise) if o.id != user.id]
        or pending_for_enterprise(enterprise) is not None
    ):
        enterprise = None  # another owner keeps the profile
    now = utcnow()
    token = tokens.new_token()
    deletion = AccountDeletion(
        user_id=user.id,
        enterprise_id=enterprise.id if enterprise else None,
        requested_by_id=user.id,
        on_behalf=False,
        requested_at=now,
        due_at=now + PENDING_PERIOD,
        cancel_token_hash=tokens.token_hash(token),
        was_published=_hide(enterprise) if enterprise else False,
        outcome={},
    )
    db.session.add(deletion)
    user.active = False
    accounts.end_all_sessions(user.id)
    _queue(deletion)
    db.session.flush()
    audit.on_user(
        "erasure.requested",
        user.id,
        by=user.id,
        deletion=deletion.id,
        enterprise=deletion.enterprise_id,
    )
    _mail_cancel_link(deletion, user, token)
    return deletion


def request_enterprise_deletion(
    *, actor: User, enterprise: Enterprise, password: str | None
) -> AccountDeletion:
    """Ask, as a facilitator, to delete a phone-only owner's enterprise on their behalf.

    Raises NotFound (not their enterprise), ValidationError (the owner has an account: they
    ask themselves; wrong password), Conflict (already pending). Side effects: the profile
    hidden; an `account_deletions` row (on_behalf) due in 72 hours; audit
    `erasure.requested`; the cancel link mailed to the facilitator after commit.
    """
    if not permissions.is_facilitator_of(actor, enterprise) or is_erased(enterprise):
        raise NotFound(_l("This profile does not exist."))
    if _active_owners(enterprise):
        raise ValidationError(
            _l("The owner has an account: only they can ask to delete it, from their account.")
        )
    _check_password(actor, password)
    if pending_for_enterprise(enterprise) is not None:
        raise Conflict(_l("A deletion of this profile is already pending."))
    now = utcnow()
    token = tokens.new_token()
    deletion = AccountDeletion(
        user_id=None,
        enterprise_id=enterprise.id,
        requested_by_id=actor.id,
        on_behalf=True,
        requested_at=now,
        due_at=now + PENDING_PERIOD,
        cancel_token_hash=tokens.token_hash(token),
        was_published=_hide(enterprise),
        outcome={},
    )
    db.session.add(deletion)
    _queue(deletion)
    db.session.flush()
    audit.on_enterprise(
        "erasure.requested", enterprise.id, by=actor.id, deletion=deletion.id, on_behalf=True
    )
    _mail_cancel_link(deletion, actor, token)
    return deletion


def open_cancel_link(token: str | None) -> AccountDeletion:
    """The pending deletion a cancel link is for. Raises NotFound (unknown, used, cancelled,
    done, or past its due time)."""
    deletion = db.session.scalar(
        select(AccountDeletion).where(
            AccountDeletion.cancel_token_hash == tokens.token_hash(token or "")
        )
    )
    if deletion is None or not deletion.is_pending or as_utc(deletion.due_at) <= utcnow():
        raise NotFound(_l("This link does not work any more: the deletion is not pending."))
    return deletion


def cancel_deletion(*, token: str | None) -> AccountDeletion:
    """Cancel a pending deletion through its mailed link, before it is due.

    Raises NotFound (see `open_cancel_link`). Side effects: the account unblocked (the user
    logs in again), the profile published again if the request hid it (index after commit);
    the link stops working; audit `erasure.cancelled`.
    """
    deletion = open_cancel_link(token)
    _close(_queued(deletion), status="cancelled", answer="Dibatalkan lewat tautan di e-mail.")
    deletion.cancelled_at = utcnow()
    deletion.cancel_token_hash = None
    if deletion.user_id is not None:
        db.session.get(User, deletion.user_id).active = True
    if deletion.enterprise_id is not None and deletion.was_published:
        enterprise = db.session.get(Enterprise, deletion.enterprise_id)
        enterprise.status = "published"
        enterprise_services.reindex_later(enterprise)
    audit.record(
        "erasure.cancelled",
        actor_id=deletion.requested_by_id,
        object_type="account_deletion",
        object_id=deletion.id,
    )
    db.session.flush()
    return deletion


def explain_inactive(user: User) -> str | None:
    """The login page's message for an account blocked by a pending deletion."""
    deletion = pending_for_user(user)
    if deletion is None:
        return None
    return str(
        _l(
            "Your account is blocked: you asked to delete it, and it will be deleted on %(due)s"
            ". To cancel, open the link in the e-mail we sent you when you asked.",
            due=formatting.datetime(deletion.due_at),
        )
    )


accounts.register_inactive_explainer(explain_inactive)


# --- the erasure -------------------------------------------------------------------------------
def user_label(user_id: int) -> str:
    return f"Pengguna terhapus #{user_id}"


def enterprise_label(enterprise_id: int) -> str:
    return f"Usaha terhapus #{enterprise_id}"


def placeholder_email(user_id: int) -> str:
    # .invalid is reserved (RFC 2606): no mail can ever be delivered there.
    return f"deleted-{user_id}@deleted.invalid"


def ref_target(column) -> str | None:
    """'users' or 'enterprises' when `column` names one (a foreign key to it, or a name such
    as `enterprise_id` / `*_user_id`), else None. The registry test uses the same rule."""
    for fk in column.foreign_keys:
        if fk.target_fullname in ("users.id", "enterprises.id"):
            return fk.target_fullname.split(".")[0]
    if column.foreign_keys:
        return None
    if column.name == "user_id" or column.name.endswith("_user_id"):
        return "users"
    if column.name == "enterprise_id" or column.name.endswith("_enterprise_id"):
        return "enterprises"
    return None


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
    entry = _queued(deletion)
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
    _close(
        db.session.get(RightsRequest, entry_id) if entry_id else None,
        status="done",
        answer="Dihapus; catatan yang dibutuhkan orang lain disimpan atas nama terhapus.",
    )
    audit.record(
        "erasure.done",
        actor_id=None,
        object_type="account_deletion",
        object_id=deletion.id,
        details=deletion.outcome,
    )
    db.session.flush()
    return deletion.outcome


def due_deletions(*, now: dt.datetime | None = None) -> list[int]:
    """Ids of the pending deletions whose 72 hours are over at `now` (default: the clock)."""
    return list(
        db.session.scalars(
            select(AccountDeletion.id)
            .where(
                AccountDeletion.cancelled_at.is_(None),
                AccountDeletion.done_at.is_(None),
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
