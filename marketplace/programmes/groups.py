"""Business groups (KUBE, Mekaar groups, cooperatives, centres) and programmes' priority areas.

KemenkopUKM's extreme-poverty programme works with micro businesses through groups, centres,
clusters and cooperatives, in priority kabupaten/kota. A programme's facilitators register a
group with member enterprises (only enterprises their organisation acts for, by the owner's
consent: `programmes.consent`), see the group's combined profile, and keep the programme's list
of priority kabupaten/kota. Services flush, never commit.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace import audit, regions, vocab
from marketplace.accounts.models import User
from marketplace.errors import Conflict, PermissionDenied, ValidationError
from marketplace.extensions import db
from marketplace.profiles import enterprises
from marketplace.profiles import permissions as profile_permissions
from marketplace.profiles.models import Enterprise
from marketplace.programmes import consent, permissions
from marketplace.programmes.models import BusinessGroup, GroupMember, PriorityArea, Programme

# Routes that lend to groups, per group kind: what the group page says to its members.
GROUP_ROUTES = {"kelompok_mekaar": ("mekaar",), "koperasi": ("lpdb",)}


def _require_manager(actor: User, programme: Programme) -> None:
    if not permissions.can_manage_programme(actor, programme):
        raise PermissionDenied(_l("You cannot change this programme."))


def _check_regency(regency_code: str | None, field_name: str) -> None:
    if regency_code and regency_code not in regions.regencies():
        raise ValidationError(_l("Choose a regency or city from the list."), field=field_name)


# --- groups -----------------------------------------------------------------------------------
def create_group(
    *, actor: User, programme: Programme, kind: str, name: str, regency_code: str | None = None
) -> BusinessGroup:
    """Register a business group of `programme`. Raises PermissionDenied (not one of its
    facilitators) or ValidationError (kind, name, regency). Side effect: audit `group.created`."""
    _require_manager(actor, programme)
    if kind not in vocab.GROUP_KINDS:
        raise ValidationError(_l("Choose the kind of group."), field="kind")
    if not (name or "").strip():
        raise ValidationError(_l("Give the group's name."), field="name")
    _check_regency(regency_code, "regency_code")
    group = BusinessGroup(
        programme=programme,
        kind=kind,
        name=name.strip(),
        regency_code=regency_code or None,
        created_by_id=actor.id,
    )
    db.session.add(group)
    db.session.flush()
    audit.on_group("group.created", group.id, by=actor.id)
    return group


def candidate_members(*, actor: User, group: BusinessGroup) -> list[Enterprise]:
    """Enterprises the actor's organisation acts for and that are not members yet, by name."""
    ids = consent.mentored_enterprise_ids(actor.organisation_id)
    members = {m.enterprise_id for m in group.members}
    rows = db.session.scalars(
        select(Enterprise).where(Enterprise.id.in_(ids)).order_by(Enterprise.name)
    ).all()
    return [e for e in rows if e.id not in members]


def add_member(
    *, actor: User, group: BusinessGroup, enterprise: Enterprise, today: dt.date | None = None
) -> GroupMember:
    """Add `enterprise` to `group`. Only the programme's facilitators, and only for an
    enterprise their organisation acts for (the owner's consent). Raises PermissionDenied or
    Conflict (already a member). Side effect: audit `group.member_added`; reindex after commit."""
    _require_manager(actor, group.programme)
    if not profile_permissions.is_facilitator_of(actor, enterprise):
        raise PermissionDenied(_l("You can add only enterprises your programme mentors."))
    if any(m.enterprise_id == enterprise.id for m in group.members):
        raise Conflict(_l("This enterprise is already a member."))
    member = GroupMember(group=group, enterprise=enterprise, joined_on=today or dt.date.today())
    db.session.add(member)
    db.session.flush()
    audit.on_group("group.member_added", group.id, by=actor.id)
    enterprises.reindex_later(enterprise)
    return member


def remove_member(*, actor: User, group: BusinessGroup, enterprise_id: int) -> None:
    """Take an enterprise out of `group` (any facilitator of the programme, even after the
    owner withdrew consent). Raises PermissionDenied. Audit `group.member_removed`."""
    _require_manager(actor, group.programme)
    for member in list(group.members):
        if member.enterprise_id == enterprise_id:
            group.members.remove(member)
            db.session.flush()
            audit.on_group("group.member_removed", group.id, by=actor.id)
            enterprises.reindex_later(member.enterprise)
            return


@dataclass(frozen=True)
class GroupProfile:
    """A group's combined profile over the members its programme still acts for."""

    members: tuple[Enterprise, ...]
    hidden_members: int  # members whose owners no longer let the programme act for them
    turnover: int  # sum of known annual turnovers
    turnover_unknown: int  # members without a turnover
    employees: int
    ask: int
    stages: dict[str, int] = field(default_factory=dict)  # vocab.STAGES order
    group_routes: tuple[str, ...] = ()  # routes that lend through this kind of group


def group_profile(*, viewer: User, group: BusinessGroup, today: dt.date) -> GroupProfile:
    """The combined figures of `group` as `viewer` may see them: a member whose owner no longer
    consents to the programme is counted but not shown or summed. No side effects."""
    visible = [
        m.enterprise
        for m in group.members
        if profile_permissions.can_view_full_profile(viewer, m.enterprise)
    ]
    counts = Counter(enterprises.assess(e, today=today).stage for e in visible)
    return GroupProfile(
        members=tuple(visible),
        hidden_members=len(group.members) - len(visible),
        turnover=sum(e.annual_turnover or 0 for e in visible),
        turnover_unknown=sum(1 for e in visible if e.annual_turnover is None),
        employees=sum(e.employees or 0 for e in visible),
        ask=sum(e.ask_amount or 0 for e in visible),
        stages={code: counts[code] for code in vocab.STAGES},
        group_routes=GROUP_ROUTES.get(group.kind, ()),
    )


# --- priority areas ---------------------------------------------------------------------------
def set_priority_areas(*, actor: User, programme: Programme, regency_codes: list[str]) -> None:
    """Replace the programme's priority kabupaten/kota with `regency_codes`. Only its
    facilitators. Raises PermissionDenied or ValidationError (an unknown code). Audit
    `programme.priority_areas`."""
    _require_manager(actor, programme)
    codes = sorted(set(regency_codes))
    for code in codes:
        _check_regency(code, "regency_codes")
    existing = {
        area.regency_code: area
        for area in db.session.scalars(
            select(PriorityArea).where(PriorityArea.programme_id == programme.id)
        )
    }
    for code, area in existing.items():
        if code not in codes:
            db.session.delete(area)
    for code in codes:
        if code not in existing:
            db.session.add(PriorityArea(programme_id=programme.id, regency_code=code))
    db.session.flush()
    audit.on_programme("programme.priority_areas", programme.id, by=actor.id)


def priority_regencies(programme_ids: list[int] | tuple[int, ...]) -> list[str]:
    """The priority kabupaten/kota codes of the given programmes (their union), sorted."""
    if not programme_ids:
        return []
    return sorted(
        set(
            db.session.scalars(
                select(PriorityArea.regency_code).where(
                    PriorityArea.programme_id.in_(list(programme_ids))
                )
            )
        )
    )
