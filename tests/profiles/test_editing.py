"""Two people editing one profile or mandate never silently overwrite each other."""

import datetime as dt
import re

import pytest

from marketplace import editing
from marketplace.extensions import db
from marketplace.profiles import enterprises, investors, records
from marketplace.profiles.models import Enterprise, Mandate
from tests.profiles.test_views import _profile_form


def _opened_form(client, url):
    """What the form holds when a person opens it: the hidden version and fingerprint."""
    page = client.get(url).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    opened = re.search(r'name="opened" type="hidden" value="([0-9a-f.]*)"', page).group(1)
    return {"version": version, "opened": opened}


@pytest.fixture
def owner_and_facilitator(make):
    owner = make.owner()
    enterprise = make.enterprise_of(owner)
    facilitator = make.facilitator()
    make.enrol(facilitator, enterprise)
    db.session.commit()
    return owner, facilitator, enterprise


def test_the_later_save_names_the_fields_changed_since_opening(owner_and_facilitator):
    owner, facilitator, enterprise = owner_and_facilitator
    version = enterprise.version
    opened = editing.fingerprint(enterprises.editable_values(enterprise))
    enterprises.update_profile(actor=facilitator, enterprise=enterprise, data={"capital": 9_000})
    db.session.commit()
    with pytest.raises(editing.EditConflict) as caught:
        enterprises.update_profile(
            actor=owner,
            enterprise=enterprise,
            data={"capital": 5_000, "products": "Keripik"},
            version=version,
            opened=opened,
        )
    assert caught.value.changed == ["capital"]


def test_a_newer_version_that_changed_none_of_the_fields_does_not_block(owner_and_facilitator):
    owner, _facilitator, enterprise = owner_and_facilitator
    version = enterprise.version
    opened = editing.fingerprint(enterprises.editable_values(enterprise))
    enterprise.status = "published"  # changed elsewhere, not by the form
    db.session.commit()
    assert enterprise.version == version + 1
    enterprises.update_profile(
        actor=owner,
        enterprise=enterprise,
        data={"products": "Keripik"},
        version=version,
        opened=opened,
    )
    assert enterprise.products == "Keripik"


def test_owner_and_facilitator_on_one_profile_the_later_save_is_refused_and_kept(
    owner_and_facilitator, app, login
):
    owner, facilitator, enterprise = owner_and_facilitator
    url = f"/enterprises/{enterprise.id}/edit"
    owner_client = login(owner, on=app.test_client())
    facilitator_client = login(facilitator, on=app.test_client())
    owner_opened = _opened_form(owner_client, url)
    facilitator_opened = _opened_form(facilitator_client, url)

    first = facilitator_client.post(
        url, data={**_profile_form(capital="20.000.000"), **facilitator_opened}
    )
    assert first.status_code == 302

    typed = _profile_form(capital="15.000.000", products="Keripik tempe balado pedas")
    second = owner_client.post(url, data={**typed, **owner_opened})
    page = second.get_data(as_text=True)
    assert second.status_code == 422
    assert "Orang lain menyimpan" in page  # the conflict, in Indonesian
    assert 'id="capital-error"' in page and 'href="#capital"' in page  # names what changed
    assert "Keripik tempe balado pedas" in page and 'value="15.000.000"' in page  # kept
    db.session.expire_all()
    assert db.session.get(Enterprise, enterprise.id).capital == 20_000_000  # not overwritten

    # Having seen it, the owner saves again knowingly: the refreshed form goes through.
    resent = {
        **typed,
        "version": re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1),
        "opened": re.search(r'name="opened" type="hidden" value="([0-9a-f.]*)"', page).group(1),
    }
    assert owner_client.post(url, data=resent).status_code == 302
    db.session.expire_all()
    assert db.session.get(Enterprise, enterprise.id).capital == 15_000_000


def _mandate_form(**overrides):
    data = {
        "investor_kind": "impact_fund",
        "ticket_min": "10.000.000",
        "ticket_max": "100.000.000",
        "instruments": ["loan"],
        "min_stage": "layak",
    }
    data.update(overrides)
    return data


def test_two_colleagues_on_one_mandate_the_later_save_is_refused(make, app, login):
    first_officer = make.investor()
    colleague = make.user("investor", organisation=first_officer.organisation)
    make.mandate(first_officer)
    db.session.commit()
    a = login(first_officer, on=app.test_client())
    b = login(colleague, on=app.test_client())
    a_opened, b_opened = _opened_form(a, "/mandate"), _opened_form(b, "/mandate")
    assert (
        a.post("/mandate", data={**_mandate_form(thesis="Pangan"), **a_opened}).status_code == 302
    )
    response = b.post("/mandate", data={**_mandate_form(thesis="Kerajinan"), **b_opened})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="thesis-error"' in page and "Kerajinan" in page
    db.session.expire_all()
    assert db.session.query(Mandate).one().thesis == "Pangan"


def test_a_mandate_created_by_a_colleague_meanwhile_is_not_overwritten(make):
    investor = make.investor()
    db.session.commit()
    make.mandate(investor, thesis="Pangan")
    db.session.commit()
    data = investors.MandateData(
        investor_kind="impact_fund",
        sectors=[],
        provinces=[],
        ticket_min=None,
        ticket_max=None,
        instruments=["loan"],
        sharia_only=False,
        impact_themes=[],
        min_stage="layak",
        thesis="Kerajinan",
    )
    with pytest.raises(editing.EditConflict):
        investors.save_mandate(
            actor=investor, organisation=investor.organisation, data=data, version=0, opened=""
        )


def test_a_save_racing_another_between_read_and_write_is_an_edit_conflict(
    owner_and_facilitator, app
):
    from sqlalchemy import update

    from marketplace.forms import Attempt

    owner, _facilitator, enterprise = owner_and_facilitator
    assert enterprise.products is None
    # Another request's save lands after this one read the row (version_id_col notices it).
    db.session.execute(
        update(Enterprise)
        .where(Enterprise.id == enterprise.id)
        .values(version=Enterprise.version + 1, products="Kopi")
        .execution_options(synchronize_session=False)
    )
    with app.test_request_context("/"):
        with Attempt() as outcome:
            enterprises.update_profile(actor=owner, enterprise=enterprise, data={"capital": 1_000})
    assert not outcome.ok and isinstance(outcome.error, editing.EditConflict)
    db.session.expire_all()
    assert db.session.get(Enterprise, enterprise.id).capital is None


def test_revenue_saved_by_someone_else_meanwhile_refuses_the_later_profile_save(
    owner_and_facilitator,
):
    owner, facilitator, enterprise = owner_and_facilitator
    month = records.recent_months(dt.date.today())[0]
    version = enterprise.version
    opened = editing.fingerprint(enterprises.editable_values(enterprise))
    records.set_revenues(actor=facilitator, enterprise=enterprise, revenues={month: 7_000_000})
    db.session.commit()
    assert enterprise.version == version + 1  # a revenue row is part of the profile's version
    with pytest.raises(editing.EditConflict) as caught:
        enterprises.update_profile(
            actor=owner,
            enterprise=enterprise,
            data={"products": "Keripik"},
            version=version,
            opened=opened,
        )
    assert caught.value.changed == [enterprises.revenue_field(month)]


def test_saving_the_same_revenue_again_leaves_the_version_alone(owner_and_facilitator):
    owner, _facilitator, enterprise = owner_and_facilitator
    month = records.recent_months(dt.date.today())[0]
    records.set_revenues(actor=owner, enterprise=enterprise, revenues={month: 5_000_000})
    db.session.commit()
    version = enterprise.version
    records.set_revenues(actor=owner, enterprise=enterprise, revenues={month: 5_000_000})
    db.session.commit()
    assert enterprise.version == version


def test_two_editors_typing_revenue_the_later_save_is_refused_with_the_month_marked(
    owner_and_facilitator, app, login
):
    owner, facilitator, enterprise = owner_and_facilitator
    month = records.recent_months(dt.date.today())[0]
    name = enterprises.revenue_field(month)
    url = f"/enterprises/{enterprise.id}/edit"
    owner_client = login(owner, on=app.test_client())
    facilitator_client = login(facilitator, on=app.test_client())
    owner_opened = _opened_form(owner_client, url)
    facilitator_opened = _opened_form(facilitator_client, url)

    first = facilitator_client.post(
        url, data={**_profile_form(**{name: "7.000.000"}), **facilitator_opened}
    )
    assert first.status_code == 302
    second = owner_client.post(url, data={**_profile_form(**{name: "9.500.000"}), **owner_opened})
    page = second.get_data(as_text=True)
    assert second.status_code == 422
    assert "Orang lain menyimpan" in page
    assert f'id="{name}-error"' in page and f'href="#{name}"' in page  # the month is named
    assert 'value="9.500.000"' in page  # what the owner typed is kept
    db.session.expire_all()
    saved = db.session.get(Enterprise, enterprise.id)
    assert {r.month: r.amount for r in saved.revenues} == {month: 7_000_000}
