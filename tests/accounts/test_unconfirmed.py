"""Until an account's address is confirmed it cannot contact anyone, be invited or be given
rights over others' data (issue 10): each guarded action refuses it, through the one
predicate `marketplace.permissions.is_confirmed` (docs/security.md lists them)."""

from __future__ import annotations

import pytest

from marketplace import permissions as shared
from marketplace.errors import PermissionDenied
from marketplace.matching import permissions as matching_permissions
from marketplace.pitches import permissions as pitch_permissions
from marketplace.programmes import permissions as programme_permissions
from marketplace.programmes import services as programme_services


@pytest.fixture
def published(db, make):
    owner = make.user("owner")
    enterprise = make.enterprise(
        organisation=owner.organisation, published=True, created_by_id=owner.id
    )
    db.session.commit()
    return enterprise


@pytest.mark.parametrize("confirmed", [True, False])
def test_an_unconfirmed_investor_cannot_ask_for_a_meeting(
    db, make, login, client, published, confirmed
):
    investor = make.investor(**({} if confirmed else {"email_confirmed_at": None}))
    db.session.commit()
    login(investor)

    assert matching_permissions.can_request_meeting(investor, published) is confirmed
    page = client.get(f"/enterprises/{published.id}/meetings/new")
    assert page.status_code == (200 if confirmed else 403)


@pytest.mark.parametrize("confirmed", [True, False])
def test_an_unconfirmed_investor_cannot_request_the_data_room(
    db, make, login, client, published, confirmed
):
    from marketplace.pitches.models import AccessRequest

    investor = make.investor(**({} if confirmed else {"email_confirmed_at": None}))
    db.session.commit()
    login(investor)

    assert pitch_permissions.can_request_access(investor, published) is confirmed
    response = client.post(
        f"/enterprises/{published.id}/data-room/request", data={"message": "KUR"}
    )
    assert (response.status_code == 403) is not confirmed
    assert (db.session.query(AccessRequest).count() == 1) is confirmed


def test_an_unconfirmed_facilitator_cannot_invite_to_or_manage_a_programme(db, make, published):
    facilitator = make.facilitator(email_confirmed_at=None)
    programme = make.programme(facilitator)
    cohort = make.cohort(programme)
    db.session.commit()
    owner_email = published.organisation.members[0].email

    assert not programme_permissions.can_manage_programme(facilitator, programme)
    with pytest.raises(PermissionDenied):
        programme_services.enrol_by_email(facilitator=facilitator, cohort=cohort, email=owner_email)
    with pytest.raises(PermissionDenied):
        programme_services.enrol_enterprise(
            facilitator=facilitator, cohort=cohort, enterprise=published
        )
    facilitator.email_confirmed_at = facilitator.created_at
    assert programme_permissions.can_manage_programme(facilitator, programme)


def test_is_confirmed_needs_an_active_signed_in_user_with_a_confirmed_address(db, make):
    user = make.owner()
    assert shared.is_confirmed(user)
    user.email_confirmed_at = None
    assert not shared.is_confirmed(user)
    user.email_confirmed_at = user.created_at
    user.active = False
    assert not shared.is_confirmed(user)
    assert not shared.is_confirmed(None)
