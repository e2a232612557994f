"""What the export does with each table (UU PDP art. 32), written once: `REGISTRY` names every
table that refers to a user or an enterprise and says how its rows are exported (`Exported`)
or why they are not (`Excluded`). The export itself (marketplace.privacy.export) applies it;
tests/privacy/test_export.py fails on a table the registry does not know.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_
from sqlalchemy.sql import ColumnElement


@dataclass(frozen=True)
class Subject:
    """Whose data: a user (with the enterprises they own), or an enterprise alone."""

    user_id: int | None
    enterprise_ids: frozenset[int]
    organisation_id: int | None = None
    email: str | None = None


Match = Callable[[Any, Subject], ColumnElement[bool] | None]


@dataclass(frozen=True)
class Exported:
    """How a table's rows are exported.

    A row is exported when one of `user_columns` holds the subject user's id, one of
    `enterprise_columns` one of their enterprises, one of `organisation_columns` their
    organisation, `parent` (column, table) points at an exported row of that table, or
    `match` says so. The row is the subject's *own* when it matched through `own_columns`
    (default: any of the columns above) or through an own parent row; on a row that is not
    their own, `others` are blanked, or only `foreign_keep` is kept when it is set.
    """

    how: str  # a lazy gettext string: the README shows it in the subject's language
    user_columns: tuple[str, ...] = ()
    enterprise_columns: tuple[str, ...] = ()
    organisation_columns: tuple[str, ...] = ()
    parent: tuple[str, str] | None = None
    match: Match | None = None
    own_columns: tuple[str, ...] | None = None
    secret: tuple[str, ...] = ()
    others: tuple[str, ...] = ()
    foreign_keep: tuple[str, ...] | None = None
    files: tuple[str, ...] = ()
    withheld: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Excluded:
    """A table with a user or enterprise reference that the export leaves out, and why."""

    why: str


def _audit_about(table, subject: Subject) -> ColumnElement[bool] | None:
    parts = []
    if subject.user_id is not None:
        parts.append(and_(table.c.object_type == "user", table.c.object_id == subject.user_id))
    if subject.enterprise_ids:
        parts.append(
            and_(
                table.c.object_type == "enterprise",
                table.c.object_id.in_(sorted(subject.enterprise_ids)),
            )
        )
    return or_(*parts) if parts else None


def _mails_to(table, subject: Subject) -> ColumnElement[bool] | None:
    return table.c.recipient == subject.email if subject.email else None


_OWNER_FIELDS = (
    "owner_name",
    "owner_phone",
    "owner_nik_last4",
    "owner_nik_prefix",
    "owner_birth_year",
)

REGISTRY: dict[str, Exported | Excluded] = {
    # --- accounts ------------------------------------------------------------------------
    "users": Exported(
        _l("your account"),
        user_columns=("id",),
        secret=("password_hash", "totp_secret", "totp_last_step"),
    ),
    "organisations": Exported(
        _l("your organisation; organisations you verified as an administrator"),
        user_columns=("verified_by_id",),
        organisation_columns=("id",),
    ),
    "user_sessions": Exported(
        _l("record of processing: your logins (time, address, browser)"),
        user_columns=("user_id",),
        secret=("token_hash",),
    ),
    "email_tokens": Exported(
        _l("links e-mailed to you (purpose and dates)"),
        user_columns=("user_id",),
        secret=("token_hash",),
    ),
    "organisation_invitations": Exported(
        _l("invitations to your organisation you sent or accepted"),
        user_columns=("invited_by_id", "accepted_by_id"),
        own_columns=("accepted_by_id",),
        secret=("token_hash",),
        others=("email",),
    ),
    "audit_events": Exported(
        _l("record of processing: what you did, and what was done to your account and enterprise"),
        user_columns=("actor_id",),
        match=_audit_about,
        own_columns=("actor_id",),
        others=("ip", "details"),
    ),
    "outbound_mails": Exported(
        _l("record of processing: the e-mails sent to you (the messages are in your mailbox)"),
        match=_mails_to,
        secret=("text", "html", "key", "message_id"),
    ),
    "account_deletions": Exported(
        _l("your requests to delete your account or enterprise (dates and outcome)"),
        user_columns=("user_id", "requested_by_id"),
        enterprise_columns=("enterprise_id",),
        own_columns=("user_id", "enterprise_id"),
        secret=("cancel_token_hash",),
    ),
    "consent_records": Exported(
        _l("record of processing: each consent you (or your facilitator for you) gave or withdrew"),
        user_columns=("user_id", "actor_id"),
        enterprise_columns=("enterprise_id",),
        own_columns=("user_id", "enterprise_id"),
        others=("ip",),
    ),
    "breach_incidents": Excluded(
        "the administrator's incident record; what concerns you is the notice sent to you"
        " (breach_notices)"
    ),
    "breach_notices": Exported(
        _l("data-breach notices sent to you"),
        user_columns=("user_id",),
        foreign_keep=("id", "incident_id", "recipient_kind", "sent_at"),
        withheld={
            "sent_by_id": "the administrator who sent a notice acted for TemuModal; the notice"
            " is exported to the person it was sent to"
        },
    ),
    "notifications": Exported(_l("your notifications"), user_columns=("user_id",)),
    "notification_settings": Exported(_l("your notification settings"), user_columns=("user_id",)),
    "notification_digests": Exported(_l("your daily digests"), user_columns=("user_id",)),
    # --- profiles ------------------------------------------------------------------------
    "enterprises": Exported(
        _l("your enterprise's profile; the profiles you created for others (name only)"),
        user_columns=("created_by_id",),
        enterprise_columns=("id",),
        own_columns=("id",),
        secret=("owner_nik_encrypted",),
        others=_OWNER_FIELDS,
        foreign_keep=("id", "name", "status", "created_by_id", "created_at"),
    ),
    "legal_documents": Exported(_l("legal documents"), enterprise_columns=("enterprise_id",)),
    "mentoring_records": Exported(_l("mentoring records"), enterprise_columns=("enterprise_id",)),
    "monthly_revenues": Exported(_l("monthly revenue"), enterprise_columns=("enterprise_id",)),
    "product_photos": Exported(
        _l("product photos"), enterprise_columns=("enterprise_id",), files=("large_key",)
    ),
    "match_cards": Exported(
        _l("what matching computed from your profile"), enterprise_columns=("enterprise_id",)
    ),
    # --- monitoring (issue 15) -------------------------------------------------------------
    "monitoring_check_ins": Exported(
        _l(
            "your monthly check-ins (revenue, employees, readiness on the day); the months you"
            " entered for others (month only)"
        ),
        user_columns=("entered_by_id",),
        enterprise_columns=("enterprise_id",),
        own_columns=("enterprise_id",),
        foreign_keep=("id", "enterprise_id", "month", "entered_by_id", "created_at"),
    ),
    "monitoring_finance": Exported(
        _l("finance received in a check-in's month, by route"),
        parent=("check_in_id", "monitoring_check_ins"),
        foreign_keep=("id", "check_in_id"),
    ),
    "monitoring_targets": Excluded(
        "a programme's targets for its donor (programme data: figures the programme promised,"
        " nothing about an enterprise); only the facilitator who set one is named on it"
    ),
    "search_outbox": Excluded(
        "a transient work queue: an enterprise id waiting for the search index to be updated,"
        " deleted within minutes; it holds nothing the enterprise row does not"
    ),
    # --- programmes ----------------------------------------------------------------------
    "enrolments": Exported(
        _l("programme enrolments and consent"),
        user_columns=("facilitator_id", "consent_by_id", "withdrawn_by_id"),
        enterprise_columns=("enterprise_id",),
    ),
    "attestations": Exported(
        _l("facilitators' attestations"),
        user_columns=("attested_by_id",),
        enterprise_columns=("enterprise_id",),
        own_columns=("attested_by_id",),
        others=("attested_by_name",),
    ),
    "business_groups": Exported(_l("business groups you created"), user_columns=("created_by_id",)),
    "group_members": Exported(
        _l("business group membership"), enterprise_columns=("enterprise_id",)
    ),
    "invitations": Exported(
        _l("hand-over invitations of your enterprise, or that you created"),
        user_columns=("created_by_id", "accepted_by_id"),
        enterprise_columns=("enterprise_id",),
        own_columns=("enterprise_id", "accepted_by_id"),
        secret=("token_hash",),
        others=("phone",),
    ),
    # --- pitches -------------------------------------------------------------------------
    "decks": Exported(_l("pitch decks"), enterprise_columns=("enterprise_id",)),
    "deck_versions": Exported(
        _l("pitch deck versions"),
        user_columns=("created_by_id",),
        parent=("deck_id", "decks"),
        own_columns=(),
        files=("original_keys",),
        foreign_keep=("id", "deck_id", "number", "filename", "created_by_id", "created_at"),
    ),
    "documents": Exported(
        _l("data-room documents"),
        user_columns=("uploaded_by_id",),
        enterprise_columns=("enterprise_id",),
        own_columns=("enterprise_id",),
        files=("file_key",),
        foreign_keep=("id", "enterprise_id", "kind", "uploaded_by_id", "created_at"),
    ),
    "access_requests": Exported(
        _l("data-room requests"),
        user_columns=("requested_by_id", "decided_by_id"),
        enterprise_columns=("enterprise_id",),
    ),
    # --- matching ------------------------------------------------------------------------
    "saved_searches": Exported(_l("your saved searches"), user_columns=("user_id",)),
    "saved_search_hits": Exported(
        _l("profiles that matched your saved searches"),
        parent=("saved_search_id", "saved_searches"),
        withheld={
            "enterprise_id": "an investor's saved search is the investor's own data: the"
            " profile it matched learns nothing about it"
        },
    ),
    "shortlist_entries": Exported(
        _l("shortlists your enterprise is on; entries you added"),
        user_columns=("added_by_id",),
        enterprise_columns=("enterprise_id",),
    ),
    "shortlist_moves": Exported(_l("shortlist moves you made"), user_columns=("moved_by_id",)),
    "shortlist_notes": Exported(_l("shortlist notes you wrote"), user_columns=("author_id",)),
    "introduction_requests": Exported(
        _l("introduction requests"),
        user_columns=("requested_by_id", "decided_by_id"),
        enterprise_columns=("enterprise_id",),
    ),
    "meeting_requests": Exported(
        _l("meeting requests"),
        user_columns=("requested_by_id", "decided_by_id"),
        enterprise_columns=("enterprise_id",),
    ),
    "meeting_times": Exported(
        _l("times proposed for those meetings"), parent=("request_id", "meeting_requests")
    ),
    # --- events --------------------------------------------------------------------------
    "pitch_events": Exported(_l("events you created"), user_columns=("created_by_id",)),
    "event_invitations": Exported(
        _l("invitations to pitch"),
        user_columns=("invited_by_id", "responded_by_id"),
        enterprise_columns=("enterprise_id",),
    ),
    "event_preferences": Exported(
        _l("meeting preferences at events"),
        user_columns=("investor_id", "set_by_id"),
        enterprise_columns=("enterprise_id",),
    ),
    "event_reminders": Exported(_l("event reminders sent to you"), user_columns=("user_id",)),
    "event_judges": Exported(_l("events you judge"), user_columns=("user_id",)),
    "event_registrations": Exported(_l("event registrations"), user_columns=("user_id",)),
    "judge_invitations": Exported(
        _l("invitations to judge you sent or answered"),
        user_columns=("invited_by_id", "decided_by_id"),
        own_columns=("decided_by_id",),
        others=("email", "email_key"),
    ),
    "judge_reviews": Exported(
        _l("judges' reviews of your pitch; reviews you wrote"),
        user_columns=("judge_id",),
        enterprise_columns=("enterprise_id",),
    ),
    "review_scores": Exported(
        _l("the scores of those reviews"), parent=("review_id", "judge_reviews")
    ),
    "schedule_runs": Exported(_l("schedules you asked for"), user_columns=("requested_by_id",)),
    "schedule_items": Exported(
        _l("your places in event schedules"), enterprise_columns=("enterprise_id",)
    ),
    "outcomes": Exported(
        _l("financing outcomes"),
        user_columns=("recorded_by_id",),
        enterprise_columns=("enterprise_id",),
    ),
    "outcome_steps": Exported(
        _l("steps of those outcomes"),
        user_columns=("recorded_by_id",),
        parent=("outcome_id", "outcomes"),
    ),
    # --- payments ------------------------------------------------------------------------
    "ticket_orders": Exported(_l("your ticket orders"), user_columns=("user_id",)),
    "order_refunds": Exported(
        _l("refunds of your orders, or that you asked for"),
        user_columns=("requested_by_id",),
        parent=("order_id", "ticket_orders"),
    ),
    # --- privacy -------------------------------------------------------------------------
    "rights_requests": Exported(
        _l("your requests about your data, and those you answered"),
        user_columns=("requester_id", "subject_user_id", "answered_by_id"),
        enterprise_columns=("subject_enterprise_id",),
        secret=("export_key",),
    ),
}


def is_reference(column) -> bool:
    """Whether `column` refers to a user or an enterprise (the test of REGISTRY's coverage)."""
    if column.name in ("user_id", "enterprise_id"):
        return True
    return any(fk.target_fullname in ("users.id", "enterprises.id") for fk in column.foreign_keys)
