"""Every link in the top menu opens for the role that sees it, in both languages."""

import re

import pytest

NAV = re.compile(r'<nav class="nav"[^>]*>(.*?)</nav>', re.S)
HREF = re.compile(r'<a href="([^"]+)"')


@pytest.mark.parametrize("role", ["owner", "facilitator", "investor", "admin", None])
@pytest.mark.parametrize("locale", ["id", "en"])
def test_every_menu_link_opens(app, make, login, client, db, role, locale):
    if role:
        user = make.owner() if role == "owner" else make.user(role)
        if role == "investor":
            make.mandate(user)
        db.session.commit()
        login(user)
    client.post("/language", data={"locale": locale, "next": "/"})
    page = client.get("/dashboard" if role else "/").get_data(as_text=True)
    links = HREF.findall(NAV.search(page).group(1))
    assert links
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, (role, link, response.status_code)


@pytest.mark.parametrize("locale", ["id", "en"])
def test_the_investor_menu_is_a_short_row_and_a_more_menu(app, make, login, client, db, locale):
    # Issue 13: eleven links in four rows at 390 px; the rest sits behind "More" (no script).
    investor = make.investor()
    make.mandate(investor)
    db.session.commit()
    login(investor)
    client.post("/language", data={"locale": locale, "next": "/"})
    nav = NAV.search(client.get("/dashboard").get_data(as_text=True)).group(1)
    primary, more = nav.split('<details class="nav-more">')
    assert len(HREF.findall(primary)) == 5  # home, search, matches, shortlist, notifications
    summary = more.split("<summary>")[1].split("</summary>")[0]
    assert summary == {"id": "Lainnya", "en": "More"}[locale]
    assert 'href="/introductions"' in more and 'href="/searches"' in more
    assert "/logout" in more
