"""Limited seats (QUALITY.md): N investors released at once against an event of capacity C get
exactly C seats, no duplicate, no server error. Runs on SQLite by default and on PostgreSQL when
TEST_DATABASE_URL is set."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from marketplace.events import services
from marketplace.events.models import EventRegistration, PitchEvent
from tests.events.conftest import event_data

N_CLIENTS = 20
CAPACITY = 7


def _release_at_once(app, clients, url):
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []
    errors: list[BaseException] = []

    def go(client):
        try:
            barrier.wait(timeout=30)
            response = client.post(url)
            statuses.append(response.status_code)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=go, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return statuses


def _seats(db, event_id):
    db.session.expire_all()
    registered = db.session.scalar(
        select(func.count())
        .select_from(EventRegistration)
        .where(EventRegistration.event_id == event_id, EventRegistration.status == "registered")
    )
    distinct = db.session.scalar(
        select(func.count(func.distinct(EventRegistration.user_id))).where(
            EventRegistration.event_id == event_id
        )
    )
    rows = db.session.scalar(
        select(func.count())
        .select_from(EventRegistration)
        .where(EventRegistration.event_id == event_id)
    )
    counter = db.session.get(PitchEvent, event_id).registered_count
    return registered, distinct, rows, counter


def test_n_investors_at_once_get_exactly_the_capacity(app, db, make, login, pitch_day):
    event = services.save_event(actor=pitch_day.facilitator, data=event_data(capacity=CAPACITY))
    investors = [make.investor() for _ in range(N_CLIENTS)]
    db.session.commit()
    clients = [login(investor, on=app.test_client()) for investor in investors]

    statuses = _release_at_once(app, clients, f"/events/{event.id}/register")

    assert len(statuses) == N_CLIENTS and all(s < 500 for s in statuses)
    registered, distinct, rows, counter = _seats(db, event.id)
    assert registered == CAPACITY == counter
    assert distinct == rows == CAPACITY  # no duplicates, no stray rows from refused clients


def test_one_investor_clicking_many_times_at_once_gets_one_seat(app, db, make, login, pitch_day):
    event = services.save_event(actor=pitch_day.facilitator, data=event_data(capacity=CAPACITY))
    investor = pitch_day.investors[0]
    db.session.commit()
    clients = [login(investor, on=app.test_client()) for _ in range(8)]

    statuses = _release_at_once(app, clients, f"/events/{event.id}/register")

    assert all(s < 500 for s in statuses)
    assert _seats(db, event.id) == (1, 1, 1, 1)
