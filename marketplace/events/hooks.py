"""How events plug into profiles' dashboard (profiles/signals.py), which never imports it:
what waits for each role at pitching events.

Imported once by create_app.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from marketplace.events import judge_invitations, judging
from marketplace.events.models import EventInvitation, EventJudge, PitchEvent, Schedule
from marketplace.extensions import db
from marketplace.models import utcnow
from marketplace.profiles import signals as profile_signals
from marketplace.profiles.models import Enterprise
from marketplace.programmes import consent

Waiting = profile_signals.Waiting


def _today() -> dt.date:
    return utcnow().date()


def _owner_invitations(user) -> list[Waiting]:
    rows = db.session.execute(
        select(PitchEvent.id, PitchEvent.title, Enterprise.id, Enterprise.name)
        .join(EventInvitation, EventInvitation.event_id == PitchEvent.id)
        .join(Enterprise, Enterprise.id == EventInvitation.enterprise_id)
        .where(
            EventInvitation.status == "invited",
            PitchEvent.status != "cancelled",
            PitchEvent.ends_on >= _today(),
            Enterprise.id.in_(consent.answered_enterprise_ids(user)),
        )
        .order_by(PitchEvent.starts_on, PitchEvent.id)
    ).all()
    return [
        Waiting(
            _(
                "%(enterprise)s is invited to pitch at %(event)s: answer",
                enterprise=name,
                event=title,
            ),
            1,
            f"/events/{event_id}/enterprises/{enterprise_id}/attendance",
        )
        for event_id, title, enterprise_id, name in rows
    ]


def _organiser_lines(user) -> list[Waiting]:
    events = db.session.scalars(
        select(PitchEvent)
        .where(
            PitchEvent.organisation_id == user.organisation_id,
            PitchEvent.status != "cancelled",
            PitchEvent.ends_on >= _today(),
        )
        .order_by(PitchEvent.starts_on, PitchEvent.id)
    ).all()
    lines = []
    for event in events:
        unanswered = db.session.scalar(
            select(func.count()).where(
                EventInvitation.event_id == event.id, EventInvitation.status == "invited"
            )
        )
        lines.append(
            Waiting(
                ngettext(
                    "%(event)s: %(num)d enterprise has not answered its invitation",
                    "%(event)s: %(num)d enterprises have not answered their invitation",
                    unanswered,
                    event=event.title,
                ),
                unanswered,
                f"/events/{event.id}/invitations",
            )
        )
        first_published = db.session.scalar(
            select(func.min(Schedule.published_at)).where(
                Schedule.event_id == event.id, Schedule.published_at.is_not(None)
            )
        )
        if first_published is None:
            continue
        withdrawn = db.session.scalar(
            select(func.count()).where(
                EventInvitation.event_id == event.id,
                EventInvitation.status == "declined",
                EventInvitation.responded_at > first_published,
            )
        )
        lines.append(
            Waiting(
                ngettext(
                    "%(event)s: %(num)d enterprise withdrew after the schedule was published",
                    "%(event)s: %(num)d enterprises withdrew after the schedule was published",
                    withdrawn,
                    event=event.title,
                ),
                withdrawn,
                f"/events/{event.id}/schedule",
            )
        )
    return lines


def _judge_lines(user) -> list[Waiting]:
    pending = len(judge_invitations.pending_for(user))
    lines = [
        Waiting(
            ngettext(
                "%(num)d invitation to judge to answer",
                "%(num)d invitations to judge to answer",
                pending,
            ),
            pending,
            "/events/judge-invitations",
        )
    ]
    seats = db.session.scalars(
        select(EventJudge)
        .join(PitchEvent, PitchEvent.id == EventJudge.event_id)
        .where(EventJudge.user_id == user.id, PitchEvent.status != "cancelled")
        .order_by(PitchEvent.starts_on, PitchEvent.id)
    ).all()
    for seat in seats:
        event = db.session.get(PitchEvent, seat.event_id)
        unscored = sum(
            1
            for item in judging.queue(event, seat)
            if item.review is None and item.conflict is None
        )
        lines.append(
            Waiting(
                ngettext(
                    "%(event)s: %(num)d pitch to score",
                    "%(event)s: %(num)d pitches to score",
                    unscored,
                    event=event.title,
                ),
                unscored,
                f"/events/{event.id}/judging",
            )
        )
    return lines


@profile_signals.waiting_shown.connect
def waiting_at_events(user, **_extra) -> list[Waiting]:
    """Invitations to answer (owners, facilitators for their enterprises), the organisers'
    unanswered invitations and withdrawals after publication, investors' invitations to judge
    and pitches left to score."""
    if user.role == "owner":
        return _owner_invitations(user)
    if user.role == "facilitator":
        return _owner_invitations(user) + _organiser_lines(user)
    if user.role == "investor":
        return _judge_lines(user)
    return []
