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
