"""Every page of every role, opened in Chromium on a 390 px phone: none may answer non-2xx, none
may scroll sideways (issue 13), and axe-core may find no WCAG 2.1 A/AA violation on any of them.

The pages are the GET routes of the access matrix (tests/test_access_matrix.py), each opened by
each walked role that the matrix allows on it, in the matrix's world (a published and a draft
enterprise with decks and data rooms, programmes and cohorts, events with schedules, judging
and tickets, matches, introductions, meetings, notifications). A route added to the matrix is
walked here without further ado. One server, one browser; each role logs in once per language
(its session cookie is made with the test client, as the matrix does).

axe-core comes from the pinned PyPI package `axe-playwright-python`, which ships axe.min.js:
it is read from disk and evaluated in the page, nothing is downloaded while the tests run.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from werkzeug.serving import make_server

from marketplace import create_app
from marketplace.extensions import db
from tests.browser.conftest import CHROMIUM, PHONE_VIEWPORT, TIMEOUT_MS
from tests.test_access_matrix import POLICY, TO_LOGIN, build_world, client_for

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"browser tests need Chromium at {CHROMIUM}"),
]

# The roles a person walks in: the matrix's other owner, facilitator and investor see the same
# pages as these (with other objects), so walking them adds time and no page.
WALKED_ROLES = ("anonymous", "owner", "facilitator", "investor", "admin")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "every-page"


def axe_source() -> str:
    return resources.files("axe_playwright_python").joinpath("axe.min.js").read_text("utf-8")


def journey_pages(world, role: str) -> Iterator[tuple[str, str]]:
    """(endpoint, path) of every GET the matrix lets `role` open, each path once."""
    seen = set()
    for (endpoint, method), cases in POLICY.items():
        if method != "GET":
            continue
        for case in cases:
            if case.allow == TO_LOGIN or role not in case.allow:
                continue
            path = world.url(case.path)
            if path not in seen:
                seen.add(path)
                yield endpoint, path


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The app serving the matrix's world over HTTP; yields (base url, app, world)."""
    tmp_path = tmp_path_factory.mktemp("every-page")
    app = create_app(
        {
            "ENV_NAME": "testing",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'pages.sqlite'}",
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
            "SEARCH_INDEX_DIR": str(tmp_path / "search-index"),
            "SEARCH_BACKEND": "whoosh",
            "TASKS_RAISE": True,
            "WTF_CSRF_ENABLED": True,
            # One browser opens a few hundred pages a minute: more than a person would.
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        db.create_all()
        world = build_world(db, Path(app.config["UPLOAD_FOLDER"]))
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="every-page", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", app, world
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


def open_as(browser, site, role: str, locale: str):
    """A phone-sized browser context logged in as `role` (none for anonymous) in `locale`."""
    url, app, world = site
    client = client_for(app, world, role)
    with client.session_transaction() as session:
        session["locale"] = locale
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    context = browser.new_context(viewport=PHONE_VIEWPORT, is_mobile=True, base_url=url)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": url}])
    return context


def open_html(page, path: str) -> str | None:
    """Open `path`; the problem when it does not answer 2xx, else None. The page is left on
    about:blank when `path` is a file (image, PDF, calendar, CSV) rather than a page."""
    try:
        response = page.goto(path)
    except PlaywrightError as error:
        if "Download is starting" not in str(error):
            raise
        # An attachment: the browser downloads it (only a 2xx answer starts a download).
        page.goto("about:blank")
        return None
    if response is None or not response.ok:
        return f"{path}: {response and response.status}"
    if not response.headers.get("content-type", "").startswith("text/html"):
        page.goto("about:blank")
    return None


FIRST_FOCUSABLE = """() => {
    const first = document.querySelector('a[href], button, input:not([type=hidden]), select');
    return first && first.matches('a.skip-link[href="#main"]') && !!document.getElementById('main');
}"""


def every_page_problems(page, locale: str) -> list[str]:
    """What every page owes everyone: its language declared, a skip link to the content first."""
    problems = []
    if page.locator("html").get_attribute("lang") != locale:
        problems.append(f"<html lang> is not {locale}")
    if not page.evaluate(FIRST_FOCUSABLE):
        problems.append("the first thing to tab to is not a skip link to #main")
    return problems


def walk(browser, site, role: str, locale: str, check) -> list[str]:
    """Open every page of `role` in `locale` and return the problems `check(page)` names."""
    _, _, world = site
    context = open_as(browser, site, role, locale)
    page = context.new_page()
    problems = []
    try:
        for endpoint, path in journey_pages(world, role):
            problem = open_html(page, path)
            if problem:
                problems.append(f"{role}/{locale} {endpoint} {problem}")
                continue
            if urlsplit(page.url).path != urlsplit(path).path:
                # A file, or a redirect to another page (walked in its own right).
                continue
            found = every_page_problems(page, locale) + check(page)
            problems.extend(f"{role}/{locale} {endpoint} {path}: {p}" for p in found)
    finally:
        context.close()
    return problems


# What a thumb must hit on a phone (issue 13): menu links, the language switch, buttons, sub-menus,
# and checkbox and radio rows.
TAP_TARGETS = (
    ".nav a, .nav button, .lang button, .subnav a, main button:not(.link), main a.button, "
    "ul.checks li, .field.check, form.confirm label.check"
)
SMALL_TARGETS = """targets => [...document.querySelectorAll(targets)]
    .filter(e => e.getClientRects().length && e.getBoundingClientRect().height < 44)
    .map(e => `${e.tagName.toLowerCase()}.${e.className} “${e.textContent.trim().slice(0, 30)}”`
              + ` ${Math.round(e.getBoundingClientRect().height)}px`)"""


def phone_problems(page) -> list[str]:
    """Sideways scrolling, or tap targets under 44 px tall; a screenshot of a page too wide."""
    problems = [f"tap target under 44 px: {t}" for t in page.evaluate(SMALL_TARGETS, TAP_TARGETS)]
    width = page.evaluate("document.scrollingElement.scrollWidth")
    # Not window.innerWidth: a mobile browser widens its layout viewport to a page too wide.
    inner = PHONE_VIEWPORT["width"]
    if width > inner:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = urlsplit(page.url).path.strip("/").replace("/", "_") or "home"
        page.screenshot(path=str(ARTIFACTS / f"wide-{name}.png"), full_page=True)
        problems.append(f"{width}px wide on a {inner}px screen")
        return problems
    # The reader's text at 200 % (WCAG 1.4.4): still nothing sideways.
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    width = page.evaluate("document.scrollingElement.scrollWidth")
    if width > inner:
        problems.append(f"{width}px wide on a {inner}px screen at 200 % text")
    return problems


AXE = "[axe] "


def axe_violations(page, source: str) -> list[str]:
    """What axe-core finds on the page against WCAG 2.1 A/AA, one line per rule."""
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    page.evaluate(source)
    result = page.evaluate("options => axe.run(document, options)", options)
    return [
        f"{AXE}{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(str(node["target"][0]) for node in v["nodes"][:3])
        + (f" … {len(v['nodes'])} in all" if len(v["nodes"]) > 3 else "")
        for v in result["violations"]
    ]


@pytest.fixture(scope="module")
def walks(browser, site) -> dict[str, list[str]]:
    """The problems on every page of every walked role, per language. The Indonesian walk also
    runs axe on each page, before the phone checks set the text to 200 %: one walk serves both
    tests (a walk of every page takes about two minutes)."""
    source = axe_source()

    def indonesian(page) -> list[str]:
        return axe_violations(page, source) + phone_problems(page)

    return {
        locale: [
            problem
            for role in WALKED_ROLES
            for problem in walk(
                browser, site, role, locale, indonesian if locale == "id" else phone_problems
            )
        ]
        for locale in ("id", "en")
    }


@pytest.mark.parametrize("locale", ["id", "en"])
def test_no_page_of_any_role_scrolls_sideways_on_a_phone(walks, locale):
    problems = [p for p in walks[locale] if AXE not in p]
    assert not problems, "\n".join(problems)


def test_axe_finds_no_wcag_violation_on_any_page(walks):
    problems = [p for p in walks["id"] if AXE in p]
    assert not problems, "\n".join(problems)
