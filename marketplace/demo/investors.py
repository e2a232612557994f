"""Investor organisations, their people and their mandates."""

from __future__ import annotations

import datetime as dt

from marketplace.accounts.models import Organisation, User
from marketplace.demo.accounts import verify
from marketplace.demo.data import DEMO_INVESTOR_NAMES, InvestorSpec
from marketplace.demo.world import (
    World,
    day_between,
    make_user,
    person,
    phone_number,
    slug,
    unique_email,
)
from marketplace.extensions import db
from marketplace.profiles import investors as investor_services


# --- investors --------------------------------------------------------------------------------
def investor(world: World, spec: InvestorSpec, admin: User) -> None:
    rng = world.rng
    joined = day_between(rng, dt.date(2025, 6, 2), dt.date(2026, 9, 30))
    organisation = Organisation(
        kind="investor",
        name=spec.name,
        province_code=spec.provinces[0] if len(spec.provinces) == 1 else None,
        website=f"https://{spec.slug}.example.org",
        description=spec.thesis,
    )
    db.session.add(organisation)
    world.stamp(organisation, joined)
    people = {"52": "sasak", "73": "bugis"}.get(spec.provinces[0] if spec.provinces else "", "java")
    users = []
    for index in range(rng.randint(1, 3)):
        if index == 0 and spec.slug in DEMO_INVESTOR_NAMES:
            name, local = DEMO_INVESTOR_NAMES[spec.slug], "investor"
        else:
            name = person(rng, people, woman=rng.random() < 0.5)
            local = slug(name)
        email = unique_email(world, local, f"{spec.slug}.example.org")
        users.append(
            make_user(
                world,
                email=email,
                name=name,
                role="investor",
                organisation=organisation,
                phone=phone_number(rng),
                when=joined,
            )
        )
    db.session.flush()
    world.investor_users += len(users)
    mandate = investor_services.save_mandate(
        actor=users[0],
        organisation=organisation,
        data=investor_services.MandateData(
            investor_kind=spec.kind,
            sectors=list(spec.sectors),
            provinces=list(spec.provinces),
            ticket_min=spec.ticket[0],
            ticket_max=spec.ticket[1],
            instruments=list(spec.instruments),
            sharia_only=spec.sharia_only,
            impact_themes=list(spec.themes),
            min_stage=spec.min_stage,
            thesis=spec.thesis,
        ),
    )
    world.stamp(mandate, joined + dt.timedelta(days=1))
    if spec.verified:
        verify(world, admin, organisation, joined + dt.timedelta(days=rng.randint(1, 10)))
    world.investor_orgs.append((organisation, spec.kind))
