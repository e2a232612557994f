"""The record of a job handed to the queue: written in the same transaction as the change that
asked for it, deleted by the worker once the job has run. A row that outlives its job in Redis
(a crash between commit and enqueue, a Redis outage or restart) is re-queued by the sweep."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.extensions import db
from marketplace.models import utcnow


class PendingJob(db.Model):
    """One job (a registered `tasks` job name and its keyword arguments) not yet run."""

    __tablename__ = "pending_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    kwargs: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )
