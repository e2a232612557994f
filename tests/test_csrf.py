"""CSRF stays switched on in this module: every state-changing route needs the session's token.

QUALITY.md: every POST refuses a missing, wrong or other-session token with 400 and changes
nothing; no GET changes state. The routes are walked from `app.url_map` with the access
matrix's world and policy, so a new POST route is covered (or fails for want of a policy).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from marketplace.profiles.models import Enterprise
from tests.factories import PASSWORD
from tests.test_access_matrix import (
    POLICY,
    ROLES,
    TO_LOGIN,
    build_world,
    changed_tables,
    client_for,
    send,
)

TOKEN_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')
TOKEN_VALUE = re.compile(r'value="([^"]+)"')


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


@pytest.fixture
def world(app, db):
    return build_world(db, Path(app.config["UPLOAD_FOLDER"]))


def csrf_token_from(client, path: str = "/login") -> str:
    """The CSRF token a page of the site gives this client's session."""
    html = client.get(path).get_data(as_text=True)
    tag = TOKEN_INPUT.search(html)
    assert tag is not None, f"no csrf_token field on {path}"
    return TOKEN_VALUE.search(tag.group(0)).group(1)


def post_routes(app) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}


def acting_role(allow) -> str:
    """A role the policy lets through, preferring a logged-in one, so that only the token
    stands between the request and a change."""
    if allow == TO_LOGIN:
        return "anonymous"
    logged_in = [role for role in ROLES if role in allow and role != "anonymous"]
    return logged_in[0] if logged_in else "anonymous"


def _refusals(app, db, world, token_for) -> list[str]:
    """POST every route as an allowed role with the token `token_for(client)` gives (None: no
    token field at all) and list every request that was not refused with 400 or that changed
    the database."""
    problems = []
    for endpoint in sorted(post_routes(app)):
        case = POLICY[(endpoint, "POST")][0]
        role = acting_role(case.allow)
        client = client_for(app, world, role)
        data = dict(case.data)
        token = token_for(client)
        if token is not None:
            data["csrf_token"] = token
        world.writes.tables.clear()
        response = send(client, "POST", world.url(case.path), data)
        if response.status_code != 400:
            problems.append(f"{endpoint} as {role}: {response.status_code}")
        if changed_tables(db, world):
            problems.append(f"{endpoint} as {role}: the database changed")
    return problems


def test_every_post_route_has_a_policy_to_walk(app):
    assert sorted(post_routes(app) - {endpoint for endpoint, _method in POLICY}) == []


def test_every_post_route_refuses_a_missing_token_and_changes_nothing(app, db, world):
    assert _refusals(app, db, world, lambda client: None) == []


def test_every_post_route_refuses_a_wrong_token(app, db, world):
    assert _refusals(app, db, world, lambda client: "IjAxMjM0NTY3ODki.not-a-token") == []


def test_every_post_route_refuses_a_token_from_another_session(app, db, world):
    # A token the site really issued, but to another visitor's session.
    stranger_token = csrf_token_from(app.test_client())
    assert _refusals(app, db, world, lambda client: stranger_token) == []


def test_a_refused_logout_keeps_the_session_alive(app, world):
    client = client_for(app, world, "owner")

    assert client.post("/logout").status_code == 400

    assert client.get("/dashboard").status_code == 200


def test_a_post_with_the_sessions_own_token_is_accepted(app, db, world):
    client = client_for(app, world, "owner")
    token = csrf_token_from(client, world.url("/enterprises/{A}/edit"))

    response = client.post(world.url("/enterprises/{A}/unpublish"), data={"csrf_token": token})

    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Enterprise, world.ids["A"]).status == "draft"


def test_login_with_the_forms_token_logs_in(app, db, make):
    user = make.owner()
    db.session.commit()
    client = app.test_client()
    token = csrf_token_from(client)

    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/dashboard")
    assert client.get("/dashboard").status_code == 200


def test_login_without_a_token_is_refused(app, db, make):
    user = make.owner()
    db.session.commit()
    client = app.test_client()

    response = client.post("/login", data={"email": user.email, "password": PASSWORD})

    assert response.status_code == 400
    assert client.get("/dashboard").status_code == 302


def test_logout_cannot_be_triggered_by_a_get(app, world):
    client = client_for(app, world, "owner")

    assert client.get("/logout").status_code == 405

    assert client.get("/dashboard").status_code == 200


def test_the_language_cannot_be_switched_by_a_get(app):
    client = app.test_client()

    assert client.get("/language?locale=en").status_code == 405

    assert 'lang="id"' in client.get("/").get_data(as_text=True)


# Opening one's own notification from its link marks that notification read (as every inbox
# does); it changes nothing but the reader's own read mark, so a forged GET can do no harm.
MARKS_OWN_READ = {"notifications.open_one"}


def test_no_get_route_changes_the_database_for_any_role(app, db, world):
    changed = []
    for (endpoint, method), cases in POLICY.items():
        if method != "GET" or endpoint in MARKS_OWN_READ:
            continue
        for case in cases:
            for role in ROLES:
                world.writes.tables.clear()
                send(client_for(app, world, role), "GET", world.url(case.path))
                if changed_tables(db, world):
                    changed.append(f"{endpoint} {world.url(case.path)} as {role}")
    assert changed == []


def test_opening_the_two_factor_page_does_not_change_the_database(app, db, world):
    response = send(client_for(app, world, "facilitator"), "GET", "/account/two-factor")

    assert response.status_code == 200
    assert changed_tables(db, world) == {}
