"""What the showcase builders share: who the demo's main characters are, who acts for an
enterprise, and the day the showcase is dated from.

The original world (accounts, programmes, enterprises, investors) is fixed to DEMO_TODAY. The
showcase (meetings, upcoming events) must lie ahead of whoever opens the demo, and the services
refuse meeting times and registrations in the past, so its future dates count from the day the
seed runs (`anchor_day`); its past event stays before DEMO_TODAY. It draws its choices from a
random generator of its own, so the original world is built exactly as before.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from sqlalchemy import select

from marketplace.accounts import services as account_services
from marketplace.accounts.models import Organisation, User
from marketplace.demo.accounts import DEMO_LOGINS
from marketplace.demo.data import SHOWCASE
from marketplace.demo.world import DEMO_TODAY, SEED
from marketplace.extensions import db
from marketplace.profiles import enterprises as enterprise_services
from marketplace.profiles.models import Enterprise
from marketplace.programmes import consent
from marketplace.programmes.models import Enrolment

# The demo logins the showcase is built around (see accounts.DEMO_LOGINS).
ADMIN, FACILITATOR, INVESTOR, UNVERIFIED_INVESTOR, OWNER, DRAFT_OWNER = (
    login.email for login in DEMO_LOGINS
)


@dataclass
class Cast:
    """The people and enterprises the showcase builders share."""

    rng: random.Random
    today: dt.date  # the day the seed runs, or DEMO_TODAY if that is later
    facilitator: User
    investor: User
    owner: User
    owner_enterprise: Enterprise
    investors: list[User]  # the first user of every verified investor organisation
    published: list[Enterprise]  # published enterprises someone may act for, by id
    decks: int = 0
    documents: int = 0
    access_requests: int = 0
    shortlist_entries: int = 0
    meetings: int = 0
    events: int = 0

    def nearby(self, enterprises: list[Enterprise] | None = None) -> list[Enterprise]:
        """Of `enterprises` (the published ones by default), those in the demo investor's
        province other than the demo owner's: its shortlist and data-room requests go there."""
        return [
            e
            for e in (self.published if enterprises is None else enterprises)
            if e.province_code == SHOWCASE.investor_province and e.id != self.owner_enterprise.id
        ]


def anchor_day() -> dt.date:
    return max(DEMO_TODAY, dt.date.today())


def user(email: str) -> User:
    found = account_services.find_user_by_email(email)
    if found is None:
        raise LookupError(f"demo user {email} is missing")
    return found


def cast(enterprises: list[Enterprise]) -> Cast:
    """The cast of the showcase, read from the world built so far. No side effects."""
    owner = user(OWNER)
    investors = list(
        db.session.scalars(
            select(User)
            .join(Organisation, Organisation.id == User.organisation_id)
            .where(
                User.role == "investor",
                Organisation.kind == "investor",
                Organisation.verified_at.is_not(None),
            )
            .order_by(User.id)
        )
    )
    first_of_each: dict[int, User] = {}
    for person in investors:
        first_of_each.setdefault(person.organisation_id, person)
    return Cast(
        rng=random.Random(SEED + 1),
        today=anchor_day(),
        facilitator=user(FACILITATOR),
        investor=user(INVESTOR),
        owner=owner,
        owner_enterprise=enterprise_services.enterprise_of(owner),
        investors=list(first_of_each.values()),
        # Published enterprises someone may still act for (not those made on behalf whose
        # programme withdrew them): the showcase acts for them.
        published=sorted(
            (e for e in enterprises if e.is_published and acting_for(e) is not None),
            key=lambda e: e.id,
        ),
    )


def acting_for(enterprise: Enterprise) -> User | None:
    """Who acts for the enterprise: its owner, or its pendamping for a profile made on the
    owner's behalf (as the services allow both); None when nobody may (a profile made on
    behalf whose programme has withdrawn it)."""
    owner = db.session.scalar(
        select(User)
        .where(User.organisation_id == enterprise.organisation_id, User.role == "owner")
        .order_by(User.id)
        .limit(1)
    )
    if owner is not None:
        return owner
    row = db.session.execute(
        consent.consented_enrolments()
        .where(Enrolment.enterprise_id == enterprise.id)
        .order_by(Enrolment.id)
        .limit(1)
    ).first()
    return None if row is None else db.session.get(User, row.facilitator_id)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """`hour`.`minute` WIB on `day`, in UTC."""
    return dt.datetime(day.year, day.month, day.day, hour - 7, minute, tzinfo=dt.UTC)


def weekday_after(day: dt.date, days: int, weekday: int = 3) -> dt.date:
    """The first `weekday` (Monday 0; Thursday by default) at least `days` after `day`."""
    target = day + dt.timedelta(days=days)
    return target + dt.timedelta(days=(weekday - target.weekday()) % 7)
