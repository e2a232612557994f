"""The audit log: who did what to which object, when and from where.

`record()` adds a row to the current transaction (so an audited change and its entry commit or
roll back together) and writes the same event to the `temumodal.security` logger. Details must
never contain secrets or full NIKs: callers pass ids and codes, not personal data.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from flask import has_request_context, request
from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.extensions import db
from marketplace.logging_filters import loggable_path
from marketplace.models import utcnow

security_log = logging.getLogger("temumodal.security")


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[int | None] = mapped_column(Integer)
    route: Mapped[str | None] = mapped_column(String(200))
    ip: Mapped[str | None] = mapped_column(String(45))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


def record(
    action: str,
    *,
    actor_id: int | None,
    object_type: str | None = None,
    object_id: int | None = None,
    details: dict[str, Any] | None = None,
    session=None,
) -> AuditEvent:
    """Add an audit entry to the session (flushed with the caller's work) and log it.

    Side effects: a row in `audit_events` when the caller commits; one line in the
    `temumodal.security` log at once (so denied attempts are logged even when rolled back).
    """
    route = ip = None
    if has_request_context():
        # The path with ids, but a one-time link's token masked (logging_filters).
        route = f"{request.method} {loggable_path()}"[:200]
        ip = request.remote_addr
    event = AuditEvent(
        action=action,
        actor_id=actor_id,
        object_type=object_type,
        object_id=object_id,
        route=route,
        ip=ip,
        details=details or {},
        created_at=utcnow(),
    )
    (session or db.session).add(event)
    security_log.info(
        "%s actor=%s object=%s:%s route=%s ip=%s at=%s",
        action,
        actor_id,
        object_type,
        object_id,
        route,
        ip,
        event.created_at.isoformat(),
    )
    return event


def _about(object_type: str) -> Callable[..., AuditEvent]:
    def record_about(action: str, object_id: int, *, by: int | None, **details: Any) -> AuditEvent:
        return record(
            action, actor_id=by, object_type=object_type, object_id=object_id, details=details
        )

    record_about.__doc__ = f"`record` an action on a {object_type} (by: the actor's user id)."
    return record_about


# One recorder per kind of object, so that the object types are named once:
# `audit.on_enterprise("document.recorded", enterprise.id, by=actor.id, kind=kind)`.
on_account_deletion = _about("account_deletion")
on_breach = _about("breach")
on_enterprise = _about("enterprise")
on_event = _about("pitch_event")
on_group = _about("group")
on_organisation = _about("organisation")
on_programme = _about("programme")
on_ticket_order = _about("ticket_order")
on_user = _about("user")
