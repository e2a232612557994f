"""The notifications page lists the reader's own notices by day in their language, marks them
read (all at once, or one when its link is opened), the header counts the unread ones, and
each user chooses how every kind reaches them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from marketplace.notifications import services
from marketplace.notifications.models import Notification, NotificationSetting


def _two_notices(make, db):
    owner, other = make.owner(locale="en"), make.owner()
    [mine] = services.notify(
        users=[owner],
        kind="programme_left",
        params={"enterprise": "Kopi Sri", "cohort": "A1"},
        link="/cohorts/1",
    )
    services.notify(
        users=[other],
        kind="programme_left",
        params={"enterprise": "Teh Ani", "cohort": "B2"},
        link="/cohorts/2",
    )
    db.session.commit()
    return owner, other, mine


def test_the_page_shows_the_own_notices_and_marking_them_read_clears_unread(
    client, db, login, make
):
    owner, _other, mine = _two_notices(make, db)
    login(owner)

    page = client.get("/notifications").get_data(as_text=True)
    assert "Kopi Sri" in page and "Teh Ani" not in page
    assert 'class="unread"' in page and f'href="/notifications/{mine.id}"' in page

    response = client.post("/notifications/read")
    assert response.status_code == 302 and response.headers["Location"] == "/notifications"
    assert 'class="unread"' not in client.get("/notifications").get_data(as_text=True)


def test_opening_a_notice_marks_only_it_read_and_goes_to_its_link(client, db, login, make):
    owner, _other, mine = _two_notices(make, db)
    [second] = services.notify(
        users=[owner], kind="programme_left", params={"enterprise": "X", "cohort": "Y"}, link="/"
    )
    db.session.commit()
    login(owner)

    response = client.get(f"/notifications/{mine.id}")
    assert response.status_code == 302 and response.headers["Location"] == "/cohorts/1"
    db.session.expire_all()
    assert db.session.get(Notification, mine.id).read_at is not None
    assert db.session.get(Notification, second.id).read_at is None


def test_another_users_notice_cannot_be_opened(client, db, login, make):
    owner, other, _mine = _two_notices(make, db)
    [theirs] = db.session.scalars(select(Notification).where(Notification.user_id == other.id))
    login(owner)
    assert client.get(f"/notifications/{theirs.id}").status_code == 404
    db.session.expire_all()
    assert db.session.get(Notification, theirs.id).read_at is None


def test_the_header_shows_the_unread_count_on_every_page(client, db, login, make):
    owner, _other, _mine = _two_notices(make, db)
    services.notify(
        users=[owner], kind="programme_left", params={"enterprise": "X", "cohort": "Y"}, link="/"
    )
    db.session.commit()
    login(owner)
    for path in ("/dashboard", "/notifications", "/events"):
        page = client.get(path).get_data(as_text=True)
        assert '<span class="count">2<span class="visually-hidden"> unread</span>' in page, path
    client.post("/notifications/read")
    assert 'class="count"' not in client.get("/dashboard").get_data(as_text=True)


def test_notices_are_grouped_by_their_day_in_wib(client, db, login, make):
    owner = make.owner(locale="en")
    late = dt.datetime(2026, 8, 16, 18, 30, tzinfo=dt.UTC)  # 17 August, 01.30 WIB
    early = dt.datetime(2026, 8, 16, 9, 0, tzinfo=dt.UTC)  # 16 August, 16.00 WIB
    for when, name in ((early, "Kopi Sri"), (late, "Teh Ani")):
        [notice] = services.notify(
            users=[owner],
            kind="programme_left",
            params={"enterprise": name, "cohort": "A"},
            link="/",
        )
        notice.created_at = when
    db.session.commit()
    login(owner)
    page = client.get("/notifications").get_data(as_text=True)
    assert page.index("17 August 2026") < page.index("Teh Ani") < page.index("16 August 2026")
    assert page.index("16 August 2026") < page.index("Kopi Sri")
    owner.locale = "id"
    db.session.commit()
    assert "<h2>17 Agustus 2026</h2>" in client.get("/notifications").get_data(as_text=True)


def test_the_settings_page_offers_the_roles_kinds_and_saves_a_choice(client, db, login, make):
    investor = make.investor(locale="en")
    db.session.commit()
    login(investor)
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert "Data rooms opened to you" in page and "Requests to see your data room" not in page

    response = client.post(
        "/notifications/settings", data={"data_room_accepted": "digest", "judge_invited": "app"}
    )
    assert response.status_code == 302
    chosen = dict(
        db.session.execute(
            select(NotificationSetting.kind, NotificationSetting.delivery).where(
                NotificationSetting.user_id == investor.id
            )
        ).all()
    )
    assert chosen["data_room_accepted"] == "digest" and chosen["judge_invited"] == "app"
    assert chosen["meeting_accepted"] == "email"  # not sent: the radio's default is kept


def test_an_unknown_delivery_is_refused_with_a_message_and_nothing_saved(client, db, login, make):
    investor = make.investor(locale="en")
    db.session.commit()
    login(investor)
    response = client.post("/notifications/settings", data={"data_room_accepted": "pigeon"})
    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert db.session.scalars(select(NotificationSetting)).all() == []


def test_the_page_without_notices_says_so(client, login, make, db):
    owner = make.owner(locale="en")
    db.session.commit()
    login(owner)
    assert "No notifications." in client.get("/notifications").get_data(as_text=True)
