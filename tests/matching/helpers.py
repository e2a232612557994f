"""Builders shared by the matching service, view and index tests."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.matching import search
from marketplace.matching.search.postgres import create_pg_schema
from marketplace.profiles import enterprises as profile_services
from marketplace.profiles.models import Enterprise, LegalDocument

PUBLISHABLE = {
    "sector": "food",
    "legal_form": "perorangan",
    "province_code": "32",
    "regency_code": "32.01",
    "products": "Keripik tempe",
    "ask_amount": 25_000_000,
    "ask_instruments": ["kur"],
}


def published(make, *, documents: tuple[str, ...] = (), **fields) -> tuple[object, Enterprise]:
    """An owner and their enterprise, published through the service (so it reaches the index
    the way a real one does). Commits."""
    owner = make.owner()
    enterprise = make.enterprise_of(owner)
    for name, value in {**PUBLISHABLE, **fields}.items():
        setattr(enterprise, name, value)
    for kind in documents:
        db.session.add(LegalDocument(enterprise=enterprise, kind=kind))
    db.session.flush()
    profile_services.publish_profile(actor=owner, enterprise=enterprise)
    db.session.commit()
    return owner, enterprise


def published_together(make, profiles: list[dict]) -> list[Enterprise]:
    """Like `published` for each of `profiles` (fields over PUBLISHABLE), all in one commit:
    they reach the index in one batch, as a bulk change does. Commits."""
    made = []
    for fields in profiles:
        owner = make.owner()
        enterprise = make.enterprise_of(owner)
        for name, value in {**PUBLISHABLE, **fields}.items():
            setattr(enterprise, name, value)
        made.append((owner, enterprise))
    db.session.flush()
    for owner, enterprise in made:
        profile_services.publish_profile(actor=owner, enterprise=enterprise)
    db.session.commit()
    return [enterprise for _owner, enterprise in made]


def published_ids() -> set[int]:
    return set(db.session.scalars(sa.select(Enterprise.id).where(Enterprise.status == "published")))


def prepare_backend(app) -> None:
    """Create the PostgreSQL search table when the app uses the postgres backend (the test
    schema is built with create_all, which does not know it)."""
    if app.config["SEARCH_BACKEND"] == "postgres":
        with db.engine.begin() as conn:
            create_pg_schema(conn)


def future(days: int = 7, hour: int = 3) -> dt.datetime:
    """A UTC time `days` from now at `hour`:00 (10:00 WIB for hour 3)."""
    day = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=days)
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


def ids_for(text: str, **filters) -> list[int]:
    return search.search(search.SearchQuery(text=text, **filters)).ids
