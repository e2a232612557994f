"""A copy of everything TemuModal holds about a person (UU PDP art. 32): the export.

`REGISTRY` (export_registry.py) names every table that refers to a user or an enterprise, and
says either how its rows are exported or why they are not (tests/privacy/test_export.py fails
on a table it does not know). The export of a subject holds every row that names them or
their enterprise, with three kinds of columns left out:

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
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from marketplace import storage, tasks
from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.models import as_utc, utcnow
from marketplace.privacy.export_registry import REGISTRY, Exported, Subject
from marketplace.privacy.models import DOWNLOAD_VALID, RightsRequest
from marketplace.profiles.models import Enterprise

log = logging.getLogger(__name__)

EXPORT_JOB = "privacy.build_export"
_TOKEN_SALT = "privacy-export-download"  # noqa: S105 - a salt, not a secret


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
