"""Who hears about a pitching event, and what they read: notifications with their e-mails.

Each `notify_*` runs inside the service's transaction (`notifications.notify`): the rows and the
mail rows commit with the change, and the mails leave after the commit. The e-mail of an
invitation, a schedule or feedback is the fuller message composed here (the agenda, the scores)
in each recipient's language, not the notification's one line.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace import formatting, mail
from marketplace.accounts import members
from marketplace.accounts.models import User
from marketplace.events import agendas
from marketplace.events.models import EventInvitation, PitchEvent
from marketplace.extensions import db
from marketplace.models import utcnow
from marketplace.notifications import services as notifications
from marketplace.profiles.models import Enterprise
from marketplace.programmes import services as programmes


def _link(path: str) -> str:
    return mail.public_url(path)


def enterprise_recipients(enterprise: Enterprise) -> list[User]:
    """Who hears for an enterprise: its owners, or its pendamping when no owner has an account
    yet (profiles made on behalf of owners with only a phone)."""
    return members.active_members(
        enterprise.organisation_id, role="owner"
    ) or programmes.facilitators_of(enterprise)


def _locale() -> str:
    # Mails are written outside a request: the locale forced for the recipient is the one.
    from flask_babel import get_locale

    locale = get_locale()
    return str(locale.language) if locale is not None else "id"


def _agenda_lines(
    event: PitchEvent, entries: Iterable[agendas.AgendaEntry], *, as_investor: bool
) -> list[str]:
    zone = formatting.ZONE_ABBREVIATIONS.get(event.timezone, event.timezone)
    lines = []
    for entry in entries:
        when = (
            f"{formatting.date(entry.slot.start.date(), _locale())} {entry.slot.start:%H.%M}–"
            f"{entry.slot.end:%H.%M} {zone}"
        )
        who = entry.enterprise_name if as_investor else ", ".join(entry.investor_names)
        lines.append(f"- {when} · {entry.place} · {who}")
    return lines


def schedule_message(
    event: PitchEvent,
    version: int,
    *,
    enterprise: Enterprise | None = None,
    investor: User | None = None,
) -> tuple[str, str]:
    """Subject and body of the schedule e-mail for one enterprise or one investor, in the
    current locale."""
    from marketplace.events import schedules

    published = schedules.published_of(event, version)
    if enterprise is not None:
        entries = agendas.agenda(event, published, enterprise_id=enterprise.id)
        name = enterprise.name
        path = f"/events/{event.id}/enterprises/{enterprise.id}/agenda"
    else:
        entries = agendas.agenda(event, published, investor_id=investor.id)
        name = investor.name
        path = f"/events/{event.id}/agenda"
    if version == 1:
        subject = _("Your schedule for %(title)s", title=event.title)
    else:
        subject = _(
            "Your schedule for %(title)s has changed (version %(version)s)",
            title=event.title,
            version=version,
        )
    lines = [_("Hello %(name)s,", name=name), ""]
    if entries:
        lines.append(_("Here is your schedule:"))
        lines += _agenda_lines(event, entries, as_investor=investor is not None)
    else:
        lines.append(
            _(
                "You have no pitch or meeting in this schedule. Ask the organiser if "
                "this is a surprise."
            )
        )
    lines += ["", _("See it, print it or add it to your calendar: %(url)s", url=_link(path))]
    return subject, "\n".join(lines)


def invitation_message(event: PitchEvent, enterprise: Enterprise) -> tuple[str, str]:
    """Subject and body of the invitation e-mail, in the current locale."""
    subject = _("Invitation to pitch: %(title)s", title=event.title)
    body = "\n".join(
        [
            _(
                "%(enterprise)s is invited to pitch at %(title)s on %(date)s.",
                enterprise=enterprise.name,
                title=event.title,
                date=formatting.date(event.starts_on, _locale()),
            ),
            _(
                "Confirm attendance and the times you can come: %(url)s",
                url=_link(f"/events/{event.id}/enterprises/{enterprise.id}/attendance"),
            ),
        ]
    )
    return subject, body


# --- notifying --------------------------------------------------------------------------------
def _params(event: PitchEvent, **more) -> dict:
    return {"event": event.title, **more}


def _notify_enterprise(
    event: PitchEvent, enterprise: Enterprise, *, kind: str, page: str, compose, params: dict
) -> None:
    """The enterprise's owners (or pendamping) hear about the event, with a link to the
    enterprise's own `page` of it."""
    notifications.notify(
        users=enterprise_recipients(enterprise),
        kind=kind,
        params=_params(event, **params),
        link=f"/events/{event.id}/enterprises/{enterprise.id}/{page}",
        compose=compose,
    )


def _existing_enterprises(enterprise_ids: Iterable[int]) -> Iterable[Enterprise]:
    """The enterprises of `enterprise_ids` that still exist, in id order."""
    for enterprise_id in sorted(enterprise_ids):
        enterprise = db.session.get(Enterprise, enterprise_id)
        if enterprise is not None:
            yield enterprise


def notify_invited(event: PitchEvent, enterprises: Iterable[Enterprise]) -> None:
    """Each newly invited enterprise's owners (or pendamping) hear, with a link to answer."""
    for enterprise in enterprises:
        _notify_enterprise(
            event,
            enterprise,
            kind="event_invited",
            page="attendance",
            compose=lambda _user, e=enterprise: invitation_message(event, e),
            params={"enterprise": enterprise.name},
        )


def notify_schedule(
    event: PitchEvent, version: int, *, enterprise_ids: Iterable[int], investor_ids: Iterable[int]
) -> None:
    """The people whose agenda the published `version` sets or changes hear, each with a link
    to their own agenda."""
    kind = "schedule_published" if version == 1 else "schedule_changed"
    for enterprise in _existing_enterprises(enterprise_ids):
        _notify_enterprise(
            event,
            enterprise,
            kind=kind,
            page="agenda",
            compose=lambda _user, e=enterprise: schedule_message(event, version, enterprise=e),
            params={"version": version},
        )
    investors = db.session.scalars(
        select(User).where(User.id.in_(sorted(investor_ids))).order_by(User.id)
    ).all()
    for investor in investors:
        notifications.notify(
            users=[investor],
            kind=kind,
            params=_params(event, version=version),
            link=f"/events/{event.id}/agenda",
            compose=lambda user: schedule_message(event, version, investor=user),
        )


def notify_feedback(event: PitchEvent, enterprise_ids: Iterable[int]) -> None:
    """Each scored enterprise's owners (or pendamping) get the judges' feedback; its
    invitation records when. Side effects: `feedback_sent_at`."""
    from marketplace.events import judging

    for enterprise in _existing_enterprises(enterprise_ids):
        _notify_enterprise(
            event,
            enterprise,
            kind="feedback_sent",
            page="feedback",
            compose=lambda _user, e=enterprise: judging.feedback_message(event, e),
            params={"enterprise": enterprise.name},
        )
        invitation = db.session.scalar(
            select(EventInvitation).where(
                EventInvitation.event_id == event.id,
                EventInvitation.enterprise_id == enterprise.id,
            )
        )
        if invitation is not None:
            invitation.feedback_sent_at = utcnow()
    db.session.flush()


def organisers(event: PitchEvent) -> list[User]:
    """The active facilitators of the organisation that runs the event."""
    return members.active_members(event.organisation_id, role="facilitator")


def notify_withdrawn(event: PitchEvent, enterprise: Enterprise) -> None:
    """The organisers hear that an enterprise withdrew after the schedule was published."""
    notifications.notify(
        users=organisers(event),
        kind="attendance_withdrawn",
        params=_params(event, enterprise=enterprise.name),
        link=f"/events/{event.id}/schedule",
    )
