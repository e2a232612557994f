"""Personal data breaches: the incident, the people affected, and the notices UU PDP asks for.

UU 27/2022 art. 46: on a failure to protect personal data, the controller notifies in writing,
within 3 x 24 hours, (a) the people whose data it is and (b) the supervisory agency ("lembaga").
The notice holds at least (a) the personal data disclosed, (b) when and how it was disclosed,
and (c) what the controller did to handle it and recover. The drafts here are in Indonesian
whatever the admin's language, and go out through the mail transport after the commit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from marketplace import audit, formatting, mail
from marketplace.accounts.models import User
from marketplace.errors import Problems, ValidationError
from marketplace.extensions import db
from marketplace.models import as_utc, utcnow
from marketplace.privacy.consent_models import BreachIncident, BreachNotice
from marketplace.profiles.models import Enterprise, LegalDocument

DEADLINE = dt.timedelta(hours=72)  # 3 x 24 hours from discovery (art. 46 (1))
NOTICE_LOCALE = "id"

# What may have been disclosed: the label, and whose data it is ("enterprise": the owners of
# the enterprises concerned; "user": every account holder).
DATA_KINDS = {
    "identity": (_l("Owners' identity: name, NIK, phone number"), "enterprise"),
    "finances": (_l("Enterprises' finances and credit history"), "enterprise"),
    "social": (
        _l("Sensitive attributes: social assistance, disability, woman-led"),
        "enterprise",
    ),
    "documents": (_l("Uploaded legal documents and data-room files"), "enterprise"),
    "accounts": (_l("Accounts: names and e-mail addresses"), "user"),
    "passwords": (_l("Accounts: password hashes"), "user"),
}


@dataclass(frozen=True)
class Affected:
    people: list[User]  # to be notified by e-mail
    # Profiles made on behalf of an owner who has no account yet: their facilitator tells them.
    without_account: list[Enterprise]


def record_incident(
    *,
    actor: User,
    title: str,
    data_kinds: list[str],
    occurred_from: dt.datetime,
    occurred_until: dt.datetime,
    discovered_at: dt.datetime,
    how_discovered: str,
    what_happened: str,
    handling: str,
    enterprise_ids: list[int] | None = None,
) -> BreachIncident:
    """Record an incident (times in UTC). Raises ValidationError(s), every broken rule at once.
    Side effects: a row; audit `breach.recorded`."""
    problems = Problems()
    if not data_kinds or set(data_kinds) - set(DATA_KINDS):
        problems.add(_l("Choose at least one kind of data from the list."), field="data_kinds")
    if occurred_until < occurred_from:
        problems.add(_l("The end comes before the start."), field="occurred_until")
    if discovered_at < occurred_from:
        problems.add(_l("It cannot be discovered before it started."), field="discovered_at")
    if discovered_at > utcnow() + dt.timedelta(minutes=5):
        problems.add(_l("The discovery cannot be in the future."), field="discovered_at")
    ids = sorted(set(enterprise_ids or []))
    if ids:
        found = set(db.session.scalars(select(Enterprise.id).where(Enterprise.id.in_(ids))))
        missing = [str(i) for i in ids if i not in found]
        if missing:
            problems.add(
                _l("No enterprise has these numbers: %(ids)s.", ids=", ".join(missing)),
                field="enterprise_ids",
            )
    for name, value in (
        ("title", title),
        ("how_discovered", how_discovered),
        ("what_happened", what_happened),
        ("handling", handling),
    ):
        if not (value or "").strip():
            problems.add(_l("Fill in this field."), field=name)
    problems.raise_any()
    incident = BreachIncident(
        recorded_by_id=actor.id,
        title=title.strip(),
        data_kinds=[k for k in DATA_KINDS if k in data_kinds],
        occurred_from=occurred_from,
        occurred_until=occurred_until,
        discovered_at=discovered_at,
        how_discovered=how_discovered.strip(),
        what_happened=what_happened.strip(),
        handling=handling.strip(),
        enterprise_ids=ids,
    )
    db.session.add(incident)
    db.session.flush()
    audit.on_breach("breach.recorded", incident.id, by=actor.id, data_kinds=incident.data_kinds)
    return incident


def deadline(incident: BreachIncident) -> dt.datetime:
    """When the notices are due: 3 x 24 hours after the discovery."""
    return as_utc(incident.discovered_at) + DEADLINE


def affected(incident: BreachIncident) -> Affected:
    """The people whose data of the incident's kinds existed by its end (and, when the admin
    chose enterprises, only theirs). No side effects."""
    until = as_utc(incident.occurred_until)
    scopes = {DATA_KINDS[k][1] for k in incident.data_kinds if k in DATA_KINDS}
    chosen = incident.enterprise_ids or []
    people: dict[int, User] = {}
    without_account: list[Enterprise] = []
    if "enterprise" in scopes:
        query = select(Enterprise).where(Enterprise.created_at <= until)
        if chosen:
            query = query.where(Enterprise.id.in_(chosen))
        kinds = set(incident.data_kinds) & {
            k for k, v in DATA_KINDS.items() if v[1] == "enterprise"
        }
        if kinds == {"social"}:
            query = query.where(
                or_(
                    Enterprise.women_led,
                    Enterprise.disability_inclusive,
                    Enterprise.pkh_graduate,
                    Enterprise.low_income_household,
                    Enterprise.graduated_from.is_not(None),
                )
            )
        elif kinds == {"documents"}:
            query = query.where(Enterprise.id.in_(select(LegalDocument.enterprise_id)))
        for enterprise in db.session.scalars(query.order_by(Enterprise.id)):
            owners = db.session.scalars(
                select(User).where(
                    User.organisation_id == enterprise.organisation_id,
                    User.role == "owner",
                    User.created_at <= until,
                )
            ).all()
            if not owners:
                without_account.append(enterprise)
            for owner in owners:
                people[owner.id] = owner
    if "user" in scopes:
        query = select(User).where(User.created_at <= until)
        if chosen:
            organisations = select(Enterprise.organisation_id).where(Enterprise.id.in_(chosen))
            query = query.where(User.organisation_id.in_(organisations))
        for user in db.session.scalars(query):
            people[user.id] = user
    return Affected(
        people=sorted(people.values(), key=lambda u: (u.name or "", u.id)),
        without_account=without_account,
    )


def _facts(incident: BreachIncident) -> dict[str, str]:
    """The notice's facts in the current locale."""
    return {
        "kinds": "\n".join(f"- {DATA_KINDS[k][0]}" for k in incident.data_kinds),
        "start": formatting.datetime(incident.occurred_from),
        "end": formatting.datetime(incident.occurred_until),
        "discovered": formatting.datetime(incident.discovered_at),
        "how_discovered": incident.how_discovered,
        "what_happened": incident.what_happened,
        "handling": incident.handling,
    }


def _disclosure(facts: dict[str, str]) -> list[str]:
    """The two paragraphs both notices give alike: which data, and when and how (art. 46)."""
    return [
        _("Personal data disclosed:") + "\n" + facts["kinds"],
        _("When and how it was disclosed:")
        + "\n"
        + _("Between %(start)s and %(end)s.", start=facts["start"], end=facts["end"])
        + " "
        + facts["what_happened"],
    ]


def person_notice(incident: BreachIncident, *, name: str) -> tuple[str, str]:
    """(subject, body) of the notice to one affected person, in Indonesian (art. 46 (2))."""
    with force_locale(NOTICE_LOCALE):
        facts = _facts(incident)
        subject = _("Notice of a personal data breach at TemuModal")
        body = "\n\n".join(
            [
                _("Dear %(name)s,", name=name),
                _(
                    "We must tell you that personal data of yours held by TemuModal was not"
                    " protected as it should have been (Law 27 of 2022 on Personal Data"
                    " Protection, article 46)."
                ),
                *_disclosure(facts),
                _("How we found out (%(when)s):", when=facts["discovered"])
                + "\n"
                + facts["how_discovered"],
                _("What we have done to handle it and recover:") + "\n" + facts["handling"],
                _(
                    "Be careful with messages that ask for your password, NIK or a payment in"
                    " TemuModal's name: we never ask for them. If account data was disclosed,"
                    " change your password."
                ),
                _("For questions, reply to this e-mail."),
            ]
        )
    return subject, body


def agency_notice(
    incident: BreachIncident, *, people: int, without_account: int
) -> tuple[str, str]:
    """(subject, body) of the notice to the supervisory agency, in Indonesian (art. 46)."""
    controller = current_app.config["PRIVACY_CONTROLLER"]
    with force_locale(NOTICE_LOCALE):
        facts = _facts(incident)
        subject = _("Notice of a personal data breach: %(controller)s", controller=controller)
        body = "\n\n".join(
            [
                _(
                    "Under article 46 of Law 27 of 2022 on Personal Data Protection,"
                    " %(controller)s, as personal data controller, notifies a failure to protect"
                    " personal data.",
                    controller=controller,
                ),
                _("Incident: %(title)s", title=incident.title),
                *_disclosure(facts),
                _("Discovered %(when)s:", when=facts["discovered"])
                + "\n"
                + facts["how_discovered"],
                _("Handling and recovery:") + "\n" + facts["handling"],
                _(
                    "People affected: %(people)s with an account, notified by e-mail;"
                    " %(others)s without an account, told by their facilitator.",
                    people=people,
                    others=without_account,
                ),
            ]
        )
    return subject, body


def notify_people(*, actor: User, incident: BreachIncident) -> int:
    """Queue the notice to every affected person with an e-mail address who has not had it.
    Returns how many were queued. Side effects: `mail.send` (delivered after the commit), a
    BreachNotice row each, `people_notified_at`, audit `breach.people_notified`."""
    sent = 0
    for person in affected(incident).people:
        if not person.email:
            continue
        key = f"breach-{incident.id}-user-{person.id}"
        if db.session.scalar(select(BreachNotice.id).where(BreachNotice.mail_key == key)):
            continue
        subject, body = person_notice(incident, name=person.name or person.email)
        mail.send(person.email, subject, body, kind="account", locale=NOTICE_LOCALE, key=key)
        db.session.add(
            BreachNotice(
                incident=incident,
                recipient_kind="person",
                user_id=person.id,
                email=person.email,
                sent_by_id=actor.id,
                mail_key=key,
            )
        )
        sent += 1
    incident.people_notified_at = incident.people_notified_at or utcnow()
    db.session.flush()
    audit.on_breach("breach.people_notified", incident.id, by=actor.id, queued=sent)
    return sent


def notify_agency(*, actor: User, incident: BreachIncident, email: str) -> None:
    """Queue the notice to the supervisory agency at `email`. Raises ValidationError when it
    was already sent to that address. Side effects: `mail.send`, a BreachNotice row,
    `agency_notified_at`, audit `breach.agency_notified`."""
    email = (email or "").strip().lower()
    if "@" not in email:
        raise ValidationError(_l("Give the agency's e-mail address."), field="email")
    key = f"breach-{incident.id}-agency-{email}"
    if db.session.scalar(select(BreachNotice.id).where(BreachNotice.mail_key == key)):
        raise ValidationError(_l("The notice was already sent to this address."), field="email")
    found = affected(incident)
    subject, body = agency_notice(
        incident, people=len(found.people), without_account=len(found.without_account)
    )
    mail.send(email, subject, body, kind="account", locale=NOTICE_LOCALE, key=key)
    db.session.add(
        BreachNotice(
            incident=incident,
            recipient_kind="agency",
            email=email,
            sent_by_id=actor.id,
            mail_key=key,
        )
    )
    incident.agency_notified_at = incident.agency_notified_at or utcnow()
    db.session.flush()
    audit.on_breach("breach.agency_notified", incident.id, by=actor.id)
