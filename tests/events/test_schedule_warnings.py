"""The schedule's check names who and when, groups a rule broken in several places, and names
an enterprise that withdrew after publication (issue 13)."""

from __future__ import annotations

from marketplace import formatting
from marketplace.events import agendas, registrations, schedules
from marketplace.events.scheduling import Conflict
from tests.events.test_notices import _ahead, _publish


def test_a_rule_broken_twice_is_one_warning_with_who_and_when(db, open_event):
    event = open_event.event
    first, second = open_event.enterprises[0], open_event.enterprises[1]
    investor = open_event.investors[0]
    conflicts = [
        Conflict("unavailable", "hard", 0, (first.id,), ()),
        Conflict("unavailable", "hard", 1, (second.id,), (investor.id,)),
        Conflict("below_min_meetings", "soft", None, (first.id,), ()),
    ]
    groups = schedules.grouped_conflicts(event, conflicts)
    assert [(g.severity, len(g.cases)) for g in groups] == [("hard", 2), ("soft", 1)]
    one, two = groups[0].cases
    zone = formatting.ZONE_ABBREVIATIONS[event.timezone]
    assert one.startswith(first.name) and one.endswith(zone)  # who, then when in the zone
    assert second.name in two and investor.organisation.name in two
    assert groups[1].cases == [first.name]  # no time: the rule is about the whole day


def test_an_enterprise_that_withdrew_after_publication_is_named_in_the_check(
    db, client, login, open_event
):
    open_event.event.starts_on = open_event.event.ends_on = _ahead()
    db.session.commit()
    _publish(db, open_event)
    leaving = open_event.event.invitations[1]
    registrations.answer_invitation(
        actor=open_event.owners[1], invitation=leaving, attending=False, available_slots=None
    )
    db.session.commit()

    login(open_event.facilitator)
    page = client.get(f"/events/{open_event.event.id}/schedule").get_data(as_text=True)
    assert f"{leaving.enterprise.name} (mengundurkan diri)" in page


def test_a_withdrawn_enterprise_leaves_the_agendas_with_a_notice(db, client, login, open_event):
    event = open_event.event
    event.starts_on = event.ends_on = _ahead()
    db.session.commit()
    _publish(db, open_event)
    leaving = event.invitations[1]
    published = schedules.published_of(event)
    pitch = [i for i in published.items if i.enterprise_id == leaving.enterprise_id]
    assert pitch, "the solver placed the enterprise"
    listening = {u for i in pitch for u in i.investor_ids}
    assert agendas.agenda(event, published, enterprise_id=leaving.enterprise_id)

    registrations.answer_invitation(
        actor=open_event.owners[1], invitation=leaving, attending=False, available_slots=None
    )
    db.session.commit()

    assert agendas.agenda(event, published, enterprise_id=leaving.enterprise_id) == []
    assert [e.enterprise_id for e in agendas.withdrawn_entries(event, published)] == [
        leaving.enterprise_id
    ] * len(pitch)
    login(open_event.owners[1])
    page = client.get(f"/events/{event.id}/enterprises/{leaving.enterprise_id}/agenda").get_data(
        as_text=True
    )
    assert 'id="withdrawn"' in page and "mengundurkan diri dari acara ini" in page
    investor = next(i for i in open_event.investors if i.id in listening)
    login(investor)
    page = client.get(f"/events/{event.id}/agenda").get_data(as_text=True)
    assert 'id="withdrawn"' in page and leaving.enterprise.name in page
    assert agendas.withdrawn_entries(event, published, investor_id=investor.id)
