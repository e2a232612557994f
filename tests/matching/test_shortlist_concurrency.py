"""Two colleagues adding the same enterprise to their shared shortlist at the same moment both
land on the one entry: no server error, no duplicate (issue 8, part 5). Runs on SQLite by default
and on PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from marketplace.matching.models import ShortlistEntry, ShortlistMove
from tests.matching.helpers import published

COLLEAGUES = 8


def test_colleagues_adding_the_same_enterprise_at_once_get_one_entry(app, db, make, login):
    _, enterprise = published(make)
    first = make.investor()
    colleagues = [first] + [
        make.investor(organisation=first.organisation) for _ in range(COLLEAGUES - 1)
    ]
    db.session.commit()
    url = f"/shortlist/add/{enterprise.id}"
    clients = [login(user, on=app.test_client()) for user in colleagues]
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []
    errors: list[BaseException] = []

    def add(client):
        try:
            barrier.wait(timeout=30)
            statuses.append(client.post(url).status_code)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=add, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert statuses == [302] * COLLEAGUES
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(ShortlistEntry)) == 1
    assert db.session.scalar(select(func.count()).select_from(ShortlistMove)) == 1
