"""`seed_demo`: the order in which the demo world is built, and what it reports."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from marketplace import audit, regions, vocab
from marketplace.accounts import passwords
from marketplace.accounts.models import User
from marketplace.demo import decks, events, monitoring, pipeline, showcase
from marketplace.demo.accounts import DEMO_LOGINS, DemoLogin, platform_admin
from marketplace.demo.data import INVESTORS, OWNERS, PROGRAMME_ORGS
from marketplace.demo.investors import investor
from marketplace.demo.programmes import programme_organisation
from marketplace.demo.world import (
    DEMO_NOW,
    DEMO_PASSWORD,
    DEMO_TODAY,
    SEED,
    STAGE_TARGETS,
    Progress,
    World,
)
from marketplace.errors import Conflict
from marketplace.extensions import db
from marketplace.profiles import enterprises as enterprise_services
from marketplace.profiles import permissions as profile_permissions
from marketplace.profiles import records as record_services
from marketplace.profiles.readiness_facts import HALAL_MANDATORY_FROM_UMK


@dataclass(frozen=True)
class DemoSummary:
    """What `seed_demo` built; counts are of rows it added."""

    enterprises: int
    published: int
    owner_accounts: int
    created_on_behalf: int
    programme_organisations: int
    programmes: int
    cohorts: int
    facilitators: int
    investor_organisations: int
    verified_investor_organisations: int
    investor_users: int
    investor_kinds: dict[str, int]
    stages: dict[str, int]
    regencies: dict[str, int]
    attestations: int
    showcase: dict[str, int] = field(default_factory=dict)
    logins: tuple[DemoLogin, ...] = field(default_factory=lambda: tuple(DEMO_LOGINS))


def seed_demo(*, progress: Progress | None = None) -> DemoSummary:
    """Build the demo world in the current session (flushes, never commits).

    `progress(done, total, message)` is called after each step (for a CLI progress bar).
    Raises Conflict when the database has any user already: the demo needs an empty database,
    and mixing it into real data would publish fictional enterprises beside real ones.
    Side effects: organisations, users (all with DEMO_PASSWORD), programmes, cohorts,
    enterprises with documents, revenues, enrolments and attestations, mandates; audit entries
    written by the services, re-dated to DEMO_NOW; search reindex jobs queued by the profile
    services (they run after the caller commits). Then the showcase (`build_showcase`): decks
    and documents (previews rendered by the deck job after commit), data-room requests,
    shortlists, meeting requests with their notifications, and three pitching events.
    """
    if db.session.scalar(select(func.count()).select_from(User)):
        raise Conflict(_l("The database has users already; the demo needs an empty database."))
    # The demo password is public; checking it here keeps DEMO_LOGINS honest if the rules change.
    passwords.check_password_rules(DEMO_PASSWORD)
    first_audit_id = db.session.scalar(select(func.max(audit.AuditEvent.id))) or 0
    enterprise_count = sum(
        cohort.size for org in PROGRAMME_ORGS for p in org.programmes for cohort in p.cohorts
    )
    world = World(
        rng=random.Random(SEED),
        # Argon2 costs ~50 ms a hash by design. Every demo user has the same, published
        # password, so one hash serves them all and the seed stays fast; a unique hash per
        # user would hide nothing here.
        password_hash=passwords.hash_password(DEMO_PASSWORD),
        progress=progress,
        total=1 + enterprise_count + len(INVESTORS) + len(SHOWCASE_STEPS) + 1,
    )
    world.names.update(owner.business for owner in OWNERS)
    world.targets = stage_targets(world.rng, enterprise_count)

    admin = platform_admin(world)
    world.step("platform")
    for org_spec in PROGRAMME_ORGS:
        programme_organisation(world, org_spec, admin)
    for org_spec in INVESTORS:
        investor(world, org_spec, admin)
        world.step(org_spec.name)

    certify_halal(world)
    stages: Counter[str] = Counter()
    for enterprise in world.enterprises:
        stages[enterprise_services.assess(enterprise, today=DEMO_TODAY).stage] += 1
    showcase = build_showcase(world)
    _restamp(world, first_audit_id)
    world.step("timestamps")

    kinds = Counter(kind for _org, kind in world.investor_orgs)
    return DemoSummary(
        enterprises=len(world.enterprises),
        published=sum(e.status == "published" for e in world.enterprises),
        owner_accounts=world.owners,
        created_on_behalf=world.on_behalf,
        programme_organisations=world.programme_orgs,
        programmes=world.programmes,
        cohorts=world.cohorts,
        facilitators=world.facilitators,
        investor_organisations=len(world.investor_orgs),
        verified_investor_organisations=sum(o.is_verified for o, _kind in world.investor_orgs),
        investor_users=world.investor_users,
        investor_kinds={code: kinds[code] for code in vocab.INVESTOR_KINDS if kinds[code]},
        stages={code: stages[code] for code in vocab.STAGES},
        regencies=dict(sorted(Counter(e.regency_code for e in world.enterprises).items())),
        attestations=world.attestations,
        showcase=showcase,
    )


def certify_halal(world: World) -> int:
    """Halal certificates for the food businesses that were bankable but for halal.

    Halal became mandatory for micro and small food businesses on 18 October 2026 (PP 42/2024
    art. 160), before DEMO_TODAY: a programme that got a food business bankable got it certified.
    Added after the original world (and drawing nothing from its random stream) so that world stays
    row for row what it was; the certificate numbers derive from the enterprise id. Returns the
    number of certificates recorded.
    """
    added = 0
    for enterprise in world.enterprises:
        result = enterprise_services.assess(enterprise, today=DEMO_TODAY)
        unmet = [item.code for item in result.checklist if item.counts and not item.met]
        if unmet != ["halal"]:
            continue
        editor = (
            db.session.get(User, enterprise.created_by_id) if enterprise.created_by_id else None
        )
        if editor is None or not profile_permissions.can_edit_enterprise(editor, enterprise):
            continue
        issued = HALAL_MANDATORY_FROM_UMK - dt.timedelta(days=30 + enterprise.id % 200)
        record_services.set_document(
            actor=editor,
            enterprise=enterprise,
            kind="halal",
            number=f"ID{enterprise.province_code}1100{enterprise.id:09d}",
            issued_on=issued,
            expires_on=None,
        )
        added += 1
    return added


SHOWCASE_STEPS = ("decks", "data rooms", "shortlist", "meetings", "events", "monitoring")


def build_showcase(world: World) -> dict[str, int]:
    """Everything a visitor needs to see each feature without creating it first, built after
    (and apart from) the original world. Returns counts by thing built."""
    cast = showcase.cast(world.enterprises)
    with_deck = decks.build_decks(cast)
    world.step("decks")
    decks.build_access_requests(cast, with_deck)
    world.step("data rooms")
    shortlisted = pipeline.build_shortlist(cast)
    world.step("shortlist")
    pipeline.build_meetings(cast, shortlisted)
    world.step("meetings")
    events.build_events(cast)
    world.step("events")
    monitored = monitoring.build_monitoring(world.enterprises)
    world.step("monitoring")
    return {
        "decks": cast.decks,
        "documents": cast.documents,
        "access_requests": cast.access_requests,
        "shortlist_entries": cast.shortlist_entries,
        "meetings": cast.meetings,
        "events": cast.events,
        "check_ins": monitored["check_ins"],
        "targets": monitored["targets"],
    }


def stage_targets(rng: random.Random, count: int) -> list[str]:
    """The stage each enterprise is built towards, in STAGE_TARGETS' proportions, shuffled.

    Dealt from a shuffled deck rather than drawn one by one, so that the demo shows the
    intended spread instead of whatever 230 coin tosses happen to give.
    """
    total = sum(STAGE_TARGETS.values())
    deck: list[str] = []
    for code, share in STAGE_TARGETS.items():
        deck += [code] * round(count * share / total)
    deck += ["bankable"] * (count - len(deck))
    rng.shuffle(deck)
    return deck[:count]


def _restamp(world: World, first_audit_id: int) -> None:
    """Replace clock times written during seeding with the world's fixed dates.

    Services stamp `created_at`, `published_at`, `verified_at` and audit entries with the
    clock; the demo must be the same on every run, and a demo dated "today" would show every
    enterprise as created in the same second.
    """
    for row, when in world.stamps:
        for column in ("created_at", "updated_at"):
            if hasattr(row, column):
                setattr(row, column, when)
    db.session.flush()
    db.session.execute(
        update(audit.AuditEvent)
        .where(audit.AuditEvent.id > first_audit_id)
        .values(created_at=DEMO_NOW)
    )


def summary_text(summary: DemoSummary) -> str:
    """A few lines describing the seeded world, with the readiness distribution. No effects."""
    total = max(1, summary.enterprises)
    stages = ", ".join(
        f"{vocab.label(vocab.STAGES, code)} {count} ({100 * count / total:.0f}%)"
        for code, count in summary.stages.items()
    )
    kinds = ", ".join(
        f"{vocab.label(vocab.INVESTOR_KINDS, code)} {count}"
        for code, count in summary.investor_kinds.items()
    )
    places = ", ".join(
        f"{regions.regency_name(code)} {count}" for code, count in summary.regencies.items()
    )
    return "\n".join(
        (
            str(
                _l(
                    "%(count)s enterprises (%(published)s published, %(owners)s with an owner "
                    "account, %(behalf)s created on behalf by facilitators)",
                    count=summary.enterprises,
                    published=summary.published,
                    owners=summary.owner_accounts,
                    behalf=summary.created_on_behalf,
                )
            ),
            str(_l("Readiness: %(stages)s", stages=stages)),
            str(_l("Places: %(places)s", places=places)),
            str(
                _l(
                    "%(orgs)s programme organisations, %(programmes)s programmes, %(cohorts)s "
                    "cohorts, %(facilitators)s facilitators",
                    orgs=summary.programme_organisations,
                    programmes=summary.programmes,
                    cohorts=summary.cohorts,
                    facilitators=summary.facilitators,
                )
            ),
            str(
                _l(
                    "%(count)s investor organisations (%(verified)s verified): %(kinds)s",
                    count=summary.investor_organisations,
                    verified=summary.verified_investor_organisations,
                    kinds=kinds,
                )
            ),
            str(
                _l(
                    "To try: %(decks)s pitch decks, %(requests)s data-room requests, "
                    "%(entries)s shortlist entries, %(meetings)s meeting requests, "
                    "%(events)s pitching events",
                    decks=summary.showcase.get("decks", 0),
                    requests=summary.showcase.get("access_requests", 0),
                    entries=summary.showcase.get("shortlist_entries", 0),
                    meetings=summary.showcase.get("meetings", 0),
                    events=summary.showcase.get("events", 0),
                )
            ),
        )
    )
