"""Programme organisations, their facilitators, programmes, cohorts and enrolments."""

from __future__ import annotations

import datetime as dt

from marketplace.accounts.models import Organisation, User
from marketplace.demo.accounts import verify
from marketplace.demo.data import PLACES, ProgrammeOrgSpec
from marketplace.demo.enterprises import build_enterprise
from marketplace.demo.world import World, make_user, phone_number
from marketplace.extensions import db
from marketplace.programmes import services as programme_services


# --- programme organisations, cohorts and their enterprises -----------------------------------
def programme_organisation(world: World, spec: ProgrammeOrgSpec, admin: User) -> None:
    rng = world.rng
    first_start = min(c.starts_on for p in spec.programmes for c in p.cohorts)
    joined = first_start - dt.timedelta(days=45)
    organisation = Organisation(
        kind="programme",
        name=spec.name,
        province_code=spec.province,
        description=spec.description,
        website=f"https://{spec.slug}.example.org",
    )
    db.session.add(organisation)
    world.stamp(organisation, joined)
    facilitators = [
        make_user(
            world,
            email=f"{local}@{spec.slug}.example.org",
            name=name,
            role="facilitator",
            organisation=organisation,
            phone=phone_number(rng),
            when=joined,
        )
        for name, local in spec.facilitators
    ]
    db.session.flush()
    verify(world, admin, organisation, joined + dt.timedelta(days=2))
    world.programme_orgs += 1
    world.facilitators += len(facilitators)

    for programme_spec in spec.programmes:
        programme = programme_services.create_programme(
            facilitator=facilitators[0],
            name=programme_spec.name,
            description=programme_spec.description,
            donor=programme_spec.donor,
        )
        world.stamp(
            programme, min(c.starts_on for c in programme_spec.cohorts) - dt.timedelta(days=30)
        )
        world.programmes += 1
        for cohort_spec in programme_spec.cohorts:
            facilitator = facilitators[cohort_spec.facilitator]
            cohort = programme_services.create_cohort(
                facilitator=facilitator,
                programme=programme,
                name=cohort_spec.name,
                province_code=PLACES[cohort_spec.regency].province,
                regency_code=cohort_spec.regency,
                starts_on=cohort_spec.starts_on,
                ends_on=cohort_spec.ends_on,
            )
            cohort.modules = list(programme_spec.modules)
            world.stamp(cohort, cohort_spec.starts_on - dt.timedelta(days=14))
            world.cohorts += 1
            for position in range(cohort_spec.size):
                enterprise = build_enterprise(
                    world, programme_spec, cohort_spec, cohort, facilitator, position
                )
                world.enterprises.append(enterprise)
                world.step(enterprise.name)
