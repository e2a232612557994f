"""Two colleagues editing one event never silently overwrite each other."""

from __future__ import annotations

import pytest

from marketplace import editing
from marketplace.events import services
from marketplace.events.models import PitchEvent
from marketplace.extensions import db
from tests.events.conftest import event_data
from tests.events.test_views import _form
from tests.profiles.test_editing import _opened_form


def test_a_colleagues_change_since_opening_refuses_the_save(open_event):
    event = open_event.event
    version = event.version
    opened = editing.fingerprint(services.event_values(event))
    services.save_event(
        actor=open_event.facilitator, data=event_data(venue="Aula Dinas"), event=event
    )
    db.session.commit()
    with pytest.raises(editing.EditConflict) as caught:
        services.save_event(
            actor=open_event.facilitator,
            data=event_data(title="Hari Pitching Baru"),
            event=event,
            version=version,
            opened=opened,
        )
    assert caught.value.changed == ["venue"]


def test_the_event_form_refuses_the_later_save_and_keeps_the_typing(app, make, login, pitch_day):
    colleague = make.user("facilitator", organisation=pitch_day.facilitator.organisation)
    event = services.save_event(actor=pitch_day.facilitator, data=event_data())
    db.session.commit()
    url = f"/events/{event.id}/edit"
    a = login(pitch_day.facilitator, on=app.test_client())
    b = login(colleague, on=app.test_client())
    a_opened, b_opened = _opened_form(a, url), _opened_form(b, url)
    assert a.post(url, data={**_form(venue="Aula Dinas"), **a_opened}).status_code == 302
    response = b.post(url, data={**_form(title="Temu Modal Makassar"), **b_opened})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="venue-error"' in page and "Temu Modal Makassar" in page
    db.session.expire_all()
    saved = db.session.get(PitchEvent, event.id)
    assert saved.venue == "Aula Dinas" and saved.title == "Hari Pitching Damping UMKM"
