"""The notifications page lists the reader's own notices in their language and marks them read."""

from __future__ import annotations

from marketplace.notifications import services


def test_the_page_shows_the_own_notices_and_marking_them_read_clears_unread(
    client, db, login, make
):
    owner, other = make.owner(locale="en"), make.owner()
    services.notify(
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
    login(owner)

    page = client.get("/notifications").get_data(as_text=True)
    assert "Kopi Sri" in page and "Teh Ani" not in page
    assert 'class="unread"' in page and 'href="/cohorts/1"' in page

    response = client.post("/notifications/read")
    assert response.status_code == 302 and response.headers["Location"] == "/notifications"
    assert 'class="unread"' not in client.get("/notifications").get_data(as_text=True)


def test_the_page_without_notices_says_so(client, login, make, db):
    owner = make.owner(locale="en")
    db.session.commit()
    login(owner)
    assert "No notifications." in client.get("/notifications").get_data(as_text=True)
