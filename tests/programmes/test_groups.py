"""Business groups (KUBE, Mekaar groups, cooperatives, centres) and priority kabupaten/kota:
only the programme's facilitators change them, and a group holds only enterprises the
programme acts for by their owners' consent."""

from __future__ import annotations

import datetime as dt

import pytest

from marketplace.errors import Conflict, PermissionDenied, ValidationError
from marketplace.extensions import db
from marketplace.profiles import enterprises
from marketplace.programmes import groups, services

TODAY = dt.date(2026, 12, 6)


@pytest.fixture
def world(make):
    facilitator = make.facilitator()
    programme = make.programme(facilitator)
    cohort = make.cohort(programme)
    members = []
    for name, turnover, employees, ask in (
        ("Kue Bu Ani", 60_000_000, 2, 5_000_000),
        ("Jahit Bu Rina", None, 1, 10_000_000),
    ):
        enterprise = make.enterprise(
            name=name, annual_turnover=turnover, employees=employees, ask_amount=ask
        )
        make.enrol(facilitator, enterprise, cohort=cohort)
        members.append(enterprise)
    return facilitator, programme, cohort, members


def test_a_facilitator_registers_a_group_and_sees_its_combined_profile(world):
    facilitator, programme, _cohort, members = world
    group = groups.create_group(
        actor=facilitator, programme=programme, kind="kelompok_mekaar", name=" Mawar "
    )
    for enterprise in members:
        groups.add_member(actor=facilitator, group=group, enterprise=enterprise, today=TODAY)
    profile = groups.group_profile(viewer=facilitator, group=group, today=TODAY)
    assert group.name == "Mawar"
    assert [e.name for e in profile.members] == ["Kue Bu Ani", "Jahit Bu Rina"]
    assert (profile.turnover, profile.turnover_unknown) == (60_000_000, 1)
    assert (profile.employees, profile.ask, profile.hidden_members) == (3, 15_000_000, 0)
    assert sum(profile.stages.values()) == 2 and list(profile.stages)[0] == "embrio"
    assert profile.group_routes == ("mekaar",)


def test_members_of_a_group_count_as_in_a_business_group_and_hear_of_group_lending(world):
    facilitator, programme, _cohort, members = world
    group = groups.create_group(actor=facilitator, programme=programme, kind="koperasi", name="K")
    groups.add_member(actor=facilitator, group=group, enterprise=members[0])
    facts = enterprises.readiness_facts(members[0])
    assert facts.in_business_group and facts.group_kinds == frozenset({"koperasi"})
    lpdb = enterprises.assess(members[0], today=TODAY).route("lpdb")
    assert "lpdb_through_koperasi" in [r.code for r in lpdb.reasons]


def test_a_facilitator_of_another_programme_cannot_create_or_change_a_group(world, make):
    facilitator, programme, _cohort, members = world
    stranger = make.facilitator()
    with pytest.raises(PermissionDenied):
        groups.create_group(actor=stranger, programme=programme, kind="kube", name="X")
    group = groups.create_group(actor=facilitator, programme=programme, kind="kube", name="X")
    with pytest.raises(PermissionDenied):
        groups.add_member(actor=stranger, group=group, enterprise=members[0])
    groups.add_member(actor=facilitator, group=group, enterprise=members[0])
    with pytest.raises(PermissionDenied):
        groups.remove_member(actor=stranger, group=group, enterprise_id=members[0].id)
    assert len(group.members) == 1


def test_only_enterprises_the_programme_acts_for_can_join(world, make):
    facilitator, programme, cohort, _members = world
    group = groups.create_group(actor=facilitator, programme=programme, kind="kube", name="X")
    outsider = make.enterprise(name="Bukan binaan")
    invited = make.enterprise(name="Belum setuju")
    make.enrol(facilitator, invited, cohort=cohort, consent="pending")
    for enterprise in (outsider, invited):
        with pytest.raises(PermissionDenied):
            groups.add_member(actor=facilitator, group=group, enterprise=enterprise)
    names = [e.name for e in groups.candidate_members(actor=facilitator, group=group)]
    assert "Bukan binaan" not in names and "Belum setuju" not in names


def test_a_member_twice_is_refused(world):
    facilitator, programme, _cohort, members = world
    group = groups.create_group(actor=facilitator, programme=programme, kind="kube", name="X")
    groups.add_member(actor=facilitator, group=group, enterprise=members[0])
    with pytest.raises(Conflict):
        groups.add_member(actor=facilitator, group=group, enterprise=members[0])


def test_a_member_who_left_the_programme_is_counted_but_not_shown(world, make):
    facilitator, programme, _cohort, members = world
    group = groups.create_group(actor=facilitator, programme=programme, kind="kube", name="X")
    for enterprise in members:
        groups.add_member(actor=facilitator, group=group, enterprise=enterprise)
    enrolment = members[1].enrolments[0]
    owner = make.user("owner", organisation=members[1].organisation)
    services.leave_programme(owner=owner, enrolment=enrolment)
    db.session.flush()
    profile = groups.group_profile(viewer=facilitator, group=group, today=TODAY)
    assert [e.name for e in profile.members] == ["Kue Bu Ani"]
    assert profile.hidden_members == 1 and profile.employees == 2


@pytest.mark.parametrize(
    ("kind", "name", "regency", "field"),
    [
        ("arisan", "X", None, "kind"),
        ("kube", "  ", None, "name"),
        ("kube", "X", "99.99", "regency_code"),
    ],
)
def test_a_wrong_group_is_refused_with_its_field(world, kind, name, regency, field):
    facilitator, programme, _cohort, _members = world
    with pytest.raises(ValidationError) as error:
        groups.create_group(
            actor=facilitator, programme=programme, kind=kind, name=name, regency_code=regency
        )
    assert error.value.field == field


# --- priority kabupaten/kota ------------------------------------------------------------------
def test_a_programme_keeps_its_own_priority_list(world, make):
    facilitator, programme, _cohort, _members = world
    groups.set_priority_areas(
        actor=facilitator, programme=programme, regency_codes=["32.01", "31.71"]
    )
    assert groups.priority_regencies([programme.id]) == ["31.71", "32.01"]
    groups.set_priority_areas(actor=facilitator, programme=programme, regency_codes=["32.01"])
    assert groups.priority_regencies([programme.id]) == ["32.01"]
    other = make.programme(make.facilitator(), name="Lain")
    assert groups.priority_regencies([other.id]) == []


def test_only_the_programmes_facilitators_edit_its_priority_list(world, make):
    _facilitator, programme, _cohort, _members = world
    for actor in (make.facilitator(), make.investor(), make.admin()):
        with pytest.raises(PermissionDenied):
            groups.set_priority_areas(actor=actor, programme=programme, regency_codes=["32.01"])
    assert groups.priority_regencies([programme.id]) == []


def test_an_unknown_regency_is_refused(world):
    facilitator, programme, _cohort, _members = world
    with pytest.raises(ValidationError):
        groups.set_priority_areas(actor=facilitator, programme=programme, regency_codes=["99.99"])
    assert groups.priority_regencies([programme.id]) == []
