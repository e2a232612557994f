"""Test data builders. Each flushes what it creates and returns it; none commits.

Hand-written rather than factory_boy: each builder is a few lines, reads like the domain
(`make.enterprise_of(owner)`, `make.enrol(...)`), and needs no declarations to keep in step
with the models; factory_boy was pinned but never used, and is gone from the requirements."""

from __future__ import annotations

import datetime as dt
import itertools

from marketplace.accounts import passwords
from marketplace.accounts.models import Organisation, User
from marketplace.models import utcnow
from marketplace.profiles.models import Enterprise, Mandate
from marketplace.programmes.models import Cohort, Enrolment, Programme

PASSWORD = "kopi-susu-gula-aren"
_HASH: list[str] = []
_counter = itertools.count(1)


def password_hash() -> str:
    # Hash once per test run: argon2 is slow on purpose.
    if not _HASH:
        _HASH.append(passwords.hash_password(PASSWORD))
    return _HASH[0]


class Factories:
    def __init__(self, db):
        self.db = db

    def _add(self, *objects):
        self.db.session.add_all(objects)
        self.db.session.flush()
        return objects[0]

    def organisation(self, kind: str, *, name: str | None = None, verified: bool = True):
        n = next(_counter)
        return self._add(
            Organisation(
                kind=kind,
                name=name or f"{kind.title()} {n}",
                verified_at=utcnow() if verified else None,
            )
        )

    def user(
        self,
        role: str,
        *,
        organisation=None,
        email: str | None = None,
        name: str | None = None,
        verified: bool = True,
        **fields,
    ):
        from marketplace.vocab import ROLE_ORGANISATION_KIND

        n = next(_counter)
        if organisation is None:
            # The user who creates an organisation administers it (as in register_user).
            fields.setdefault("organisation_admin", True)
            organisation = self.organisation(ROLE_ORGANISATION_KIND[role], verified=verified)
        return self._add(
            User(
                email=email or f"{role}{n}@example.id",
                name=name or f"{role} {n}",
                password_hash=password_hash(),
                role=role,
                organisation=organisation,
                **{"email_confirmed_at": utcnow(), **fields},
            )
        )

    def owner(self, **kwargs):
        user = self.user("owner", **kwargs)
        self.enterprise(organisation=user.organisation, created_by_id=user.id)
        return user

    def enterprise(self, *, organisation=None, published: bool = False, **fields):
        organisation = organisation or self.organisation("enterprise")
        values = {"name": organisation.name}
        if published:
            values.update(
                status="published",
                published_at=utcnow(),
                sector="food",
                legal_form="perorangan",
                province_code="32",
                regency_code="32.01",
                products="Keripik tempe",
                ask_amount=25_000_000,
                ask_instruments=["kur"],
            )
        values.update(fields)
        return self._add(Enterprise(organisation=organisation, **values))

    def enterprise_of(self, owner) -> Enterprise:
        from sqlalchemy import select

        return self.db.session.scalar(
            select(Enterprise).where(Enterprise.organisation_id == owner.organisation_id)
        )

    def facilitator(self, **kwargs):
        return self.user("facilitator", **kwargs)

    def investor(self, *, verified: bool = True, **kwargs):
        return self.user("investor", verified=verified, **kwargs)

    def admin(self, **kwargs):
        return self.user("admin", **kwargs)

    def programme(self, facilitator, *, name: str = "ACTION"):
        return self._add(Programme(organisation_id=facilitator.organisation_id, name=name))

    def cohort(self, programme, *, name: str = "Angkatan 1", regency_code: str = "32.01"):
        return self._add(
            Cohort(
                programme=programme,
                name=name,
                province_code=regency_code[:2],
                regency_code=regency_code,
                starts_on=dt.date(2026, 1, 5),
            )
        )

    def enrol(
        self, facilitator, enterprise, *, cohort=None, status: str = "active", consent="accepted"
    ):
        """The facilitator of this enterprise: an enrolment its owner accepted (by default)."""
        if cohort is None:
            cohort = self.cohort(self.programme(facilitator))
        return self._add(
            Enrolment(
                cohort=cohort,
                enterprise=enterprise,
                facilitator_id=facilitator.id,
                status=status,
                enrolled_on=dt.date(2026, 1, 5),
                consent=consent,
                consent_at=utcnow() if consent != "pending" else None,
                notified_at=utcnow(),
            )
        )

    def mandate(self, investor, **fields):
        values = {
            "investor_kind": "impact_fund",
            "instruments": ["loan", "revenue_share"],
            "ticket_min": 10_000_000,
            "ticket_max": 100_000_000,
            "min_stage": "layak",
        }
        values.update(fields)
        return self._add(Mandate(organisation_id=investor.organisation_id, **values))
