"""The builder's shared state and the small helpers every builder module uses.

Deterministic: one `random.Random(SEED)` drives every choice of the original world, and every
date is fixed relative to `DEMO_TODAY` (timestamps written by services are re-stamped at the
end), so two runs on two empty databases hold the same world.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from marketplace import phones
from marketplace.accounts import services as account_services
from marketplace.accounts.models import Organisation, User
from marketplace.demo.data import NAMES
from marketplace.extensions import db
from marketplace.profiles.models import Enterprise

SEED = 2026
DEMO_TODAY = dt.date(2026, 11, 1)
# 08.00 WIB on DEMO_TODAY: the moment the demo world "was set up", for rows without a domain date.
DEMO_NOW = dt.datetime(2026, 11, 1, 1, 0, tzinfo=dt.UTC)
# Published in the README and printed by `make run`; it passes accounts.passwords' rules.
DEMO_PASSWORD = "demo-umkm-2026"  # noqa: S105 - public on purpose, demo accounts only
STAGE_TARGETS = {"belum_layak": 35, "layak": 40, "bankable": 25}

JT = 1_000_000
Progress = Callable[[int, int, str], None]


# --- the builder ------------------------------------------------------------------------------
@dataclass
class World:
    """Everything built so far, and the dates to stamp on rows once the services are done."""

    rng: random.Random
    password_hash: str
    progress: Progress | None
    total: int
    done: int = 0
    emails: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    stamps: list[tuple[object, dt.datetime]] = field(default_factory=list)
    enterprises: list[Enterprise] = field(default_factory=list)
    owners: int = 0
    on_behalf: int = 0
    facilitators: int = 0
    programme_orgs: int = 0
    programmes: int = 0
    cohorts: int = 0
    investor_orgs: list[tuple[Organisation, str]] = field(default_factory=list)
    investor_users: int = 0
    attestations: int = 0
    targets: list[str] = field(default_factory=list)

    def step(self, message: str) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total, message)

    def stamp(self, row: object, when: dt.date | dt.datetime) -> None:
        self.stamps.append((row, moment(when)))


def moment(when: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(when, dt.datetime):
        return when
    # 09.00 WIB on the day: office hours, and the same calendar day in Jakarta and in UTC.
    return dt.datetime(when.year, when.month, when.day, 2, 0, tzinfo=dt.UTC)


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return ".".join(
        part for part in "".join(c.lower() if c.isalnum() else " " for c in ascii_text).split()
    )


def person(rng: random.Random, people: str, *, woman: bool) -> str:
    first = rng.choice(NAMES.women[people] if woman else NAMES.men[people])
    if rng.random() < 0.75:
        return f"{first} {rng.choice(NAMES.surnames[people])}"
    return first


def unique_email(world: World, local: str, domain: str) -> str:
    email = f"{local}@{domain}"
    number = 2
    while email in world.emails:
        email = f"{local}{number}@{domain}"
        number += 1
    world.emails.add(email)
    return email


def make_user(
    world: World,
    *,
    email: str,
    name: str,
    role: str,
    organisation: Organisation,
    phone: str | None,
    when: dt.date,
) -> User:
    """A demo user with the shared demo password hash (see seed_demo for why it is shared).
    The first user of an organisation is its admin, as whoever registers one is (README)."""
    world.emails.add(email)
    first = not organisation.members
    user = User(
        email=account_services.normalise_email(email),
        name=name,
        phone=phone,
        password_hash=world.password_hash,
        role=role,
        organisation=organisation,
        locale="id",
        active=True,
        password_changed_at=moment(when),
        email_confirmed_at=moment(when),  # demo accounts count as confirmed
        totp_enabled=False,
        organisation_admin=first,
    )
    db.session.add(user)
    world.stamp(user, when)
    return user


def phone_number(rng: random.Random) -> str:
    number = (
        f"{rng.choice(NAMES.mobile_prefixes)}-{rng.randint(1000, 9999)}-{rng.randint(100, 9999)}"
    )
    return phones.normalise_phone(number)


def log_uniform(rng: random.Random, low: int, high: int) -> float:
    return math.exp(rng.uniform(math.log(low), math.log(high)))


def round_to(amount: float, step: int) -> int:
    return max(step, int(round(amount / step)) * step)


def day_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    if last <= first:
        return first
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))
