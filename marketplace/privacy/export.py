"""A copy of everything TemuModal holds about a person (UU PDP art. 32): the export.

`REGISTRY` names every table that refers to a user or an enterprise, and says either how its
rows are exported or why they are not (tests/privacy/test_export.py fails on a table it does
not know). The export of a subject holds every row that names them or their enterprise, with
three kinds of columns left out:

- secrets (password and token hashes, the two-factor secret, the encrypted NIK): never;
- other people's personal data on a row that is not the subject's own (a facilitator's export
  lists the profiles they created, not their owners' phone numbers; an owner's export shows
  that a facilitator attested, not the facilitator's name);
- columns `withheld` with a reason (an investor's saved search that matched a profile).

The ZIP holds `data.json` (every table), `csv/<table>.csv`, the uploaded files of the subject's
own rows under `files/`, and a README in the subject's language. The audit log and login
sessions are in it as the record of processing (who did what with the data, and when).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from marketplace import storage, tasks
from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.models import as_utc, utcnow
from marketplace.privacy.models import DOWNLOAD_VALID, RightsRequest
from marketplace.profiles.models import Enterprise

log = logging.getLogger(__name__)

EXPORT_JOB = "privacy.build_export"
_TOKEN_SALT = "privacy-export-download"  # noqa: S105 - a salt, not a secret


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


def subject_of(user: User | None, *, enterprise: Enterprise | None = None) -> Subject:
    """The subject of an export: `user` with the enterprises they own, or `enterprise` alone."""
    if user is None:
        assert enterprise is not None
        return Subject(user_id=None, enterprise_ids=frozenset({enterprise.id}))
    ids: set[int] = set()
    if user.role == "owner" and user.organisation_id is not None:
        ids.update(
            db.session.scalars(
                select(Enterprise.id).where(Enterprise.organisation_id == user.organisation_id)
            )
        )
    return Subject(
        user_id=user.id,
        enterprise_ids=frozenset(ids),
        organisation_id=user.organisation_id,
        email=user.email,
    )


def _value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return as_utc(value).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@dataclass
class Collected:
    tables: dict[str, list[dict[str, Any]]]
    files: list[str]


def collect(session: Session, subject: Subject) -> Collected:
    """Every exported row about `subject`, table by table, and the storage keys of their files.
    Reads only."""
    from marketplace.profiles import crypto

    tables: dict[str, list[dict[str, Any]]] = {}
    own_ids: dict[str, set[Any]] = {}
    all_ids: dict[str, set[Any]] = {}
    files: list[str] = []
    for table in db.metadata.sorted_tables:
        rule = REGISTRY.get(table.name)
        if not isinstance(rule, Exported):
            continue
        own_names = rule.own_columns
        if own_names is None:
            own_names = rule.user_columns + rule.enterprise_columns + rule.organisation_columns
        conditions: list[ColumnElement[bool]] = []
        for name in rule.user_columns:
            if subject.user_id is not None:
                conditions.append(table.c[name] == subject.user_id)
        for name in rule.enterprise_columns:
            if subject.enterprise_ids:
                conditions.append(table.c[name].in_(sorted(subject.enterprise_ids)))
        for name in rule.organisation_columns:
            if subject.organisation_id is not None:
                conditions.append(table.c[name] == subject.organisation_id)
        if rule.parent is not None:
            column, parent = rule.parent
            if all_ids.get(parent):
                conditions.append(table.c[column].in_(sorted(all_ids[parent])))
        if rule.match is not None:
            extra = rule.match(table, subject)
            if extra is not None:
                conditions.append(extra)
        rows: list[dict[str, Any]] = []
        if conditions:
            query = select(table).where(or_(*conditions)).order_by(*table.primary_key.columns)
            for row in session.execute(query).mappings():
                own = _is_own(row, rule, own_names, subject, own_ids)
                out = {k: _value(v) for k, v in row.items() if k not in rule.secret}
                if not own:
                    if rule.foreign_keep is not None:
                        out = {k: v for k, v in out.items() if k in rule.foreign_keep}
                    for name in rule.others:
                        if name in out:
                            out[name] = None
                else:
                    for name in rule.files:
                        keys = row[name]
                        files.extend([keys] if isinstance(keys, str) else list(keys or ()))
                    if table.name == "enterprises" and row["owner_nik_encrypted"]:
                        out["owner_nik"] = crypto.decrypt(row["owner_nik_encrypted"])
                if "id" in row:
                    all_ids.setdefault(table.name, set()).add(row["id"])
                    if own:
                        own_ids.setdefault(table.name, set()).add(row["id"])
                rows.append(out)
        tables[table.name] = rows
    return Collected(tables=tables, files=files)


def _is_own(row, rule: Exported, own_names, subject: Subject, own_ids) -> bool:
    for name in own_names:
        value = row[name]
        if value is None:
            continue
        if name in rule.user_columns and value == subject.user_id:
            return True
        if name in rule.enterprise_columns and value in subject.enterprise_ids:
            return True
        if name in rule.organisation_columns and value == subject.organisation_id:
            return True
    if rule.parent is not None:
        column, parent = rule.parent
        if row[column] in own_ids.get(parent, ()):
            return True
    if rule.match is not None and not rule.others and rule.foreign_keep is None:
        return True  # nothing of anyone else's to blank
    return False


def _csv(rows: Iterable[dict[str, Any]]) -> str:
    rows = list(rows)
    columns: list[str] = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                k: json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v
                for k, v in row.items()
            }
        )
    return buffer.getvalue()


def _readme(collected: Collected, *, made_at: dt.datetime) -> str:
    lines = [
        _("A copy of your data on TemuModal"),
        "",
        _("Made at %(time)s (UTC).", time=made_at.strftime("%Y-%m-%d %H:%M")),
        "",
        _(
            "data.json holds every table below; csv/ holds one file per table; files/ holds the"
            " files you or others uploaded for you. The audit log (audit_events), your logins"
            " (user_sessions) and the e-mails sent to you (outbound_mails) are the record of"
            " how your data was processed."
        ),
        _(
            "Passwords, secret tokens and other people's personal data are left out; other"
            " people appear only as numbers (ids)."
        ),
        "",
    ]
    for name, rows in collected.tables.items():
        rule = REGISTRY[name]
        assert isinstance(rule, Exported)
        lines.append(f"{name}: {len(rows)} — {rule.how!s}")
    return "\n".join(lines) + "\n"


def build_zip(session: Session, subject: Subject, *, locale: str = "id") -> bytes:
    """The ZIP of `subject`'s data (see the module's docstring). Reads only."""
    collected = collect(session, subject)
    made_at = utcnow()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with force_locale(locale):
            archive.writestr("README.txt", _readme(collected, made_at=made_at))
        archive.writestr(
            "data.json", json.dumps(collected.tables, ensure_ascii=False, indent=1, default=str)
        )
        for name, rows in collected.tables.items():
            if rows:
                archive.writestr(f"csv/{name}.csv", _csv(rows))
        for key in dict.fromkeys(collected.files):
            try:
                archive.write(storage.open_path(key), f"files/{key}")
            except (FileNotFoundError, ValueError):
                log.warning("export: file %s is missing", key)
    return buffer.getvalue()


# --- the download link -------------------------------------------------------------------
def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_TOKEN_SALT)


def download_token(request: RightsRequest) -> str:
    """The signed token of `request`'s download link (holds its id and the file's key)."""
    return _serializer().dumps({"id": request.id, "key": request.export_key})


def check_download_token(request: RightsRequest, token: str) -> str:
    """What `token` does for `request`'s copy now: "ok" (signed by us for this request and
    this file, younger than DOWNLOAD_VALID), "expired" (it was, and is no longer) or "bad"."""
    try:
        data = _serializer().loads(token, max_age=int(DOWNLOAD_VALID.total_seconds()))
    except SignatureExpired as error:
        data, expired = error.payload, True
        try:
            data = _serializer().load_payload(data)
        except BadSignature:
            return "bad"
    except BadSignature:
        return "bad"
    else:
        expired = False
    if not (
        isinstance(data, dict)
        and data.get("id") == request.id
        and data.get("key") == request.export_key
    ):
        return "bad"
    return "expired" if expired or not request.export_available() else "ok"


def _live_export_keys(session: Session) -> Iterable[str]:
    # An expired copy is no longer referenced: `flask files cleanup` removes it.
    return session.scalars(
        select(RightsRequest.export_key).where(
            RightsRequest.export_key.is_not(None), RightsRequest.export_expires_at > utcnow()
        )
    )


storage.register_key_source(_live_export_keys)


# --- the job -------------------------------------------------------------------------------
@tasks.job(EXPORT_JOB)
def build_export(*, request_id: int) -> bool:
    """Build the copy asked for by access request `request_id`, answer the request and tell
    the requester. Idempotent: a request already answered is left alone (returns False).

    Side effects: a ZIP in storage; the request marked done with its expiry; a notification
    and its e-mail to the requester; all committed together.
    """
    from marketplace.privacy import requests as privacy_requests

    app = current_app._get_current_object()
    # A context (and session) of its own: inline, a job runs in the request's after-commit hook.
    with app.app_context():
        request = db.session.get(RightsRequest, request_id)
        if request is None or request.kind != "access" or not request.is_open:
            return False
        subject = (
            subject_of(request.subject_user)
            if request.subject_user is not None
            else subject_of(None, enterprise=request.subject_enterprise)
        )
        locale = (request.requester.locale if request.requester else None) or "id"
        data = build_zip(db.session, subject, locale=locale)
        key = storage.save(data, suffix=".zip", session=db.session())
        privacy_requests.complete_export(request=request, export_key=key)
        db.session.commit()
    return True
