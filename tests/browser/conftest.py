"""Browser fixtures: the real application served over HTTP from a background thread, with CSRF
on, and Debian's Chromium driven by Playwright on a phone-sized window.

The server runs the same `create_app` as production on a SQLite file, so every request goes
through the real forms, sessions, CSRF tokens and security headers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from marketplace import create_app
from marketplace.extensions import db
from tests import factories

CHROMIUM = Path("/usr/bin/chromium")
# The flags keep Chromium from phoning home (updates, sync, safe browsing lists): the tests must
# run without network, and nothing may download at run time.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE_VIEWPORT = {"width": 390, "height": 844}
# Long enough for a slow CI machine, short enough that a missing element fails in seconds
# rather than after Playwright's default 30 s.
TIMEOUT_MS = 10_000


@dataclass(frozen=True)
class LiveServer:
    """Where the running app answers, and the people and profiles seeded before it started."""

    url: str
    app: Flask
    password: str
    admin_email: str
    published_enterprise_id: int
    published_enterprise_name: str
    published_capital: int


def _seed(app: Flask) -> dict:
    # The journeys register their own users through the forms; only what no form can create
    # (an administrator) or what another user must have published first is seeded here.
    with app.app_context():
        db.create_all()
        make = factories.Factories(db)
        admin = make.admin(email="admin@temumodal.id", name="Admin TemuModal")
        organisation = make.organisation("enterprise", name="Keripik Tempe Bu Sri")
        enterprise = make.enterprise(
            organisation=organisation,
            published=True,
            capital=35_000_000,
            annual_turnover=180_000_000,
            profit_last_year=24_000_000,
            has_bank_account=True,
            bank_name="BRI",
            keeps_books=True,
        )
        seeded = {
            "admin_email": admin.email,
            "published_enterprise_id": enterprise.id,
            "published_enterprise_name": enterprise.name,
            "published_capital": enterprise.capital,
        }
        db.session.commit()
        db.session.remove()
    return seeded


@pytest.fixture
def live_server(tmp_path) -> Iterator[LiveServer]:
    """The app on 127.0.0.1 and a free port, in a background thread; stopped after the test.

    Side effects: a SQLite file, uploads and a search index under `tmp_path`.
    """
    app = create_app(
        {
            "ENV_NAME": "testing",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'browser.sqlite'}",
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
            "SEARCH_INDEX_DIR": str(tmp_path / "search-index"),
            "TASKS_RAISE": True,
            # The point of a browser test is the real forms: tokens in pages, refused without.
            "WTF_CSRF_ENABLED": True,
        }
    )
    seeded = _seed(app)
    server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(
            url=f"http://127.0.0.1:{server.server_port}",
            app=app,
            password=factories.PASSWORD,
            **seeded,
        )
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run (starting it costs about a second)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, live_server) -> Iterator[Callable[[], object]]:
    """A factory of pages, each in a fresh browser context (its own cookies: another person
    on another phone), all closed after the test."""
    contexts = []

    def open_page():
        context = browser.new_context(
            viewport=PHONE_VIEWPORT, is_mobile=True, base_url=live_server.url
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A phone-sized page (390×844, mobile) whose relative URLs go to the live server."""
    return new_page()
