"""Programmes, attestations and the hand-over of a profile made on an owner's behalf (the
owner's consent to enrolment: test_consent.py)."""

import datetime as dt

import pytest
from sqlalchemy import select

from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationError
from marketplace.profiles import enterprises as enterprise_services
from marketplace.programmes import handover
from marketplace.programmes import services as programme_services
from marketplace.programmes.models import Invitation


@pytest.fixture
def owner(make):
    return make.owner()


@pytest.fixture
def enterprise(make, owner):
    return make.enterprise_of(owner)


def test_only_the_enterprises_facilitator_can_attest(make, owner, enterprise):
    other = make.facilitator()
    with pytest.raises(PermissionDenied):
        programme_services.attest_item(
            facilitator=other, enterprise=enterprise, item_code="identity"
        )
    with pytest.raises(PermissionDenied):
        programme_services.attest_item(
            facilitator=owner, enterprise=enterprise, item_code="identity"
        )


def test_attesting_an_unknown_item_is_refused(make, enterprise):
    facilitator = make.facilitator()
    make.enrol(facilitator, enterprise)
    with pytest.raises(ValidationError):
        programme_services.attest_item(
            facilitator=facilitator, enterprise=enterprise, item_code="bogus"
        )


def test_facilitator_creates_a_profile_on_behalf_and_hands_it_over(db, make):
    facilitator = make.facilitator()
    cohort = make.cohort(make.programme(facilitator), regency_code="52.03")
    with pytest.raises(ValidationError) as error:
        programme_services.create_enterprise_on_behalf(
            facilitator=facilitator,
            cohort=cohort,
            name="Dodol Rumput Laut",
            owner_name="Inaq Sahnun",
            owner_phone="12345",
        )
    assert error.value.field == "owner_phone"
    enterprise = programme_services.create_enterprise_on_behalf(
        facilitator=facilitator,
        cohort=cohort,
        name="Dodol Rumput Laut",
        owner_name="Inaq Sahnun",
        owner_phone="0819 1234 5678",
    )
    assert enterprise.regency_code == "52.03" and enterprise.owner_phone == "+6281912345678"
    token = handover.create_invitation(facilitator=facilitator, enterprise=enterprise)
    db.session.commit()
    stored = db.session.scalar(select(Invitation.token_hash))
    assert token not in stored

    user = handover.accept_invitation(
        token=token, email="sahnun@example.id", name="Inaq Sahnun", password="dodol-rumput-laut"
    )
    db.session.commit()
    assert user.role == "owner" and user.organisation_id == enterprise.organisation_id
    assert enterprise_services.enterprise_of(user).id == enterprise.id
    with pytest.raises(NotFound):
        handover.accept_invitation(
            token=token, email="other@example.id", name="X", password="dodol-rumput-laut"
        )
    with pytest.raises(Conflict):
        handover.create_invitation(facilitator=facilitator, enterprise=enterprise)


def test_expired_invitations_are_refused(db, make):
    facilitator = make.facilitator()
    enterprise = make.enterprise(owner_phone="+6281912345678")
    make.enrol(facilitator, enterprise)
    token = handover.create_invitation(facilitator=facilitator, enterprise=enterprise)
    invitation = db.session.scalar(select(Invitation))
    invitation.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    db.session.commit()
    with pytest.raises(NotFound):
        handover.find_invitation(token)


def test_facilitator_of_another_programme_cannot_enrol_into_a_cohort(make, enterprise):
    facilitator = make.facilitator()
    cohort = make.cohort(make.programme(facilitator))
    with pytest.raises(PermissionDenied):
        programme_services.enrol_enterprise(
            facilitator=make.facilitator(), cohort=cohort, enterprise=enterprise
        )
    programme_services.enrol_enterprise(
        facilitator=facilitator, cohort=cohort, enterprise=enterprise
    )
    with pytest.raises(Conflict):
        programme_services.enrol_enterprise(
            facilitator=facilitator, cohort=cohort, enterprise=enterprise
        )
