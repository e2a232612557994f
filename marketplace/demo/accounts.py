"""The platform organisation, its administrator, verification, and the demo logins."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from flask_babel import lazy_gettext as _l

from marketplace import vocab
from marketplace.accounts import administration as account_administration
from marketplace.accounts.models import Organisation, User
from marketplace.demo.world import DEMO_NOW, DEMO_PASSWORD, World, make_user, moment
from marketplace.extensions import db


class DemoLogin(NamedTuple):
    """One demo account: its role code (vocab.ROLES), e-mail, password and what to try with it."""

    role: str
    email: str
    password: str
    try_this: str


DEMO_LOGINS: list[DemoLogin] = [
    DemoLogin(
        "admin",
        "admin@temumodal.example.org",
        DEMO_PASSWORD,
        _l("Verify the investor organisations still waiting; read the audit log."),
    ),
    DemoLogin(
        "facilitator",
        "pendamping@ypuk.example.org",
        DEMO_PASSWORD,
        _l(
            "Open your cohorts in Jakarta Timur and Yogyakarta; edit a profile on behalf "
            "of its owner. Events (/events): the past pitching day has its schedule, ranking, "
            "feedback and outcomes; the upcoming one its published schedule; build the "
            "schedule of the one still in preparation. Two-factor login is off."
        ),
    ),
    DemoLogin(
        "investor",
        "investor@brn-jatinegara.example.org",
        DEMO_PASSWORD,
        _l(
            "A verified bank channelling KUR: search enterprises and see ranked matches; "
            "your shortlist in several stages (/shortlist); meeting requests, one waiting "
            "for your answer (/meetings); decks and data rooms opened to you; the upcoming "
            "event you are registered for and the past one you judged (/events)."
        ),
    ),
    DemoLogin(
        "investor",
        "investor@sahabatmodal.example.org",
        DEMO_PASSWORD,
        _l("An organisation not verified yet: only public summaries are visible."),
    ),
    DemoLogin(
        "owner",
        "pemilik@sarirasa.example.org",
        DEMO_PASSWORD,
        _l(
            "A bankable snack producer: the readiness page and the routes that fit; your "
            "pitch deck and data room with a pending access request to answer; meeting "
            "requests (/meetings); your events, the judges' feedback and the KUR outcome "
            "(/events)."
        ),
    ),
    DemoLogin(
        "owner",
        "pemilik@jamudarmi.example.org",
        DEMO_PASSWORD,
        _l("A draft profile: see what is missing before it can be published."),
    ),
]


def platform_admin(world: World) -> User:
    platform = Organisation(kind="platform", name="TemuModal", verified_at=DEMO_NOW)
    db.session.add(platform)
    world.stamp(platform, dt.date(2025, 1, 6))
    admin = make_user(
        world,
        email=DEMO_LOGINS[0].email,
        name="Admin TemuModal",
        role="admin",
        organisation=platform,
        phone=None,
        when=dt.date(2025, 1, 6),
    )
    db.session.flush()
    return admin


def verify(world: World, admin: User, organisation: Organisation, when: dt.date) -> None:
    # Verified in the demo's past: the inboxes hold what tests/fixtures/demo_world_before.json
    # recorded, with no "organisation verified" notice on top.
    account_administration.verify_organisation(
        admin=admin, organisation=organisation, notify_members=False
    )
    organisation.verified_at = moment(when)


# --- printing ---------------------------------------------------------------------------------
def logins_table(logins: list[DemoLogin] | None = None) -> str:
    """The demo logins (default DEMO_LOGINS) as a plain-text table for the terminal.

    No side effects; raises nothing.
    """
    logins = DEMO_LOGINS if logins is None else logins
    rows = [(str(_l("Role")), str(_l("E-mail")), str(_l("Password")), str(_l("Try")))]
    rows += [
        (vocab.label(vocab.ROLES, login.role), login.email, login.password, str(login.try_this))
        for login in logins
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    lines = []
    for index, row in enumerate(rows):
        cells = [row[column].ljust(widths[column]) for column in range(3)]
        lines.append("  ".join([*cells, row[3]]).rstrip())
        if index == 0:
            lines.append("  ".join("-" * width for width in widths) + "  ---")
    return "\n".join(lines)
