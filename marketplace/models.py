"""Column helpers shared by every domain's models, and the one way a row is looked up by id for a
service (`row_or_not_found`) or a view (`web.visible_or_404`, through `row_belonging`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Annotated, TypeVar

from sqlalchemy import DateTime, ForeignKey, Index, select, text
from sqlalchemy.orm import Mapped, MappedColumn, Relationship, mapped_column, relationship

from marketplace.errors import NotFound
from marketplace.extensions import db

Row = TypeVar("Row")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


_EASTERNMOST = dt.timezone(dt.timedelta(hours=9))  # WIT (Papua, Maluku), no daylight saving


def latest_today(now: dt.datetime | None = None) -> dt.date:
    """Today's date where it is latest in Indonesia (WIT, UTC+9): a date that is today
    anywhere in the country is never refused as being in the future."""
    return (now or utcnow()).astimezone(_EASTERNMOST).date()


# References shared by many tables, each rule written once: `enterprise_id: Mapped[EnterpriseId]`.
# A row that belongs to an enterprise, an event, an organisation or a user goes when it goes
# (and is found by it); a user named as the one who did something (recorded_by_id …) outlives
# it as NULL.
EnterpriseId = Annotated[
    int, mapped_column(ForeignKey("enterprises.id", ondelete="CASCADE"), index=True)
]
EventId = Annotated[
    int, mapped_column(ForeignKey("pitch_events.id", ondelete="CASCADE"), index=True)
]
OrganisationId = Annotated[
    int, mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
]
UserId = Annotated[int, mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)]
ActorId = Annotated[int | None, mapped_column(ForeignKey("users.id", ondelete="SET NULL"))]


def parent_id(table: str) -> MappedColumn[int]:
    """The same rule for a domain's own parent tables: `version_id: Mapped[int] =
    parent_id("deck_versions")`, a row that goes when its parent goes (and is found by it)."""
    return mapped_column(ForeignKey(f"{table}.id", ondelete="CASCADE"), index=True)


def children(back_populates: str, *, order_by: str | None = None) -> Relationship:
    """The parent's side of `parent_id`: rows saved and deleted with their parent, and deleted
    when taken out of the list (`delete-orphan`)."""
    if order_by is None:
        return relationship(back_populates=back_populates, cascade="all, delete-orphan")
    return relationship(
        back_populates=back_populates, cascade="all, delete-orphan", order_by=order_by
    )


class TimestampMixin:
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


def one_of(column: str, values: Iterable[str]) -> str:
    """The SQL condition "`column` is one of `values`", for a CheckConstraint."""
    return f"{column} IN ({','.join(repr(v) for v in values)})"


def unique_where(name: str, *columns: str, where: str) -> Index:
    """A unique index over the rows that meet `where` only (a partial index, on SQLite and
    PostgreSQL alike): "at most one open request per pair", "one current version per deck"."""
    return Index(
        name, *columns, unique=True, sqlite_where=text(where), postgresql_where=text(where)
    )


def row_belonging(model: type[Row], row_id: int, **belongs_to: object) -> Row | None:
    """The `model` row `row_id` if it exists and belongs where the caller says
    (`event_id=event.id`, `user_id=user.id` …), else None: an id taken from another event,
    user or profile is treated as one that does not exist, never acted on."""
    row = db.session.get(model, row_id)
    if row is None or any(getattr(row, column) != value for column, value in belongs_to.items()):
        return None
    return row


def row_or_not_found(model: type[Row], row_id: int, missing, **belongs_to: object) -> Row:
    """`row_belonging` for a service: raises NotFound(`missing`) when there is no such row
    (views answer 404 instead: `marketplace.web.visible_or_404`)."""
    row = row_belonging(model, row_id, **belongs_to)
    if row is None:
        raise NotFound(missing)
    return row


def row_or_new(model: type[Row], **key: object) -> Row:
    """The `model` row with these values (`enterprise=enterprise, kind="npwp"`), or a new one
    with them, added to the session: for what there is one of per key (a legal document per
    kind, an attestation per checklist item, a target per indicator and period)."""
    row = db.session.scalar(select(model).filter_by(**key))
    if row is None:
        row = model(**key)
        db.session.add(row)
    return row


def as_utc(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands back naive datetimes; treat them as the UTC they were stored in."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value
