"""After the day: funding outcomes recorded by the organiser or the investor, and the event's
summary."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.events import forms, outcomes, permissions
from marketplace.events.views.common import bp, event_for
from marketplace.extensions import db
from marketplace.forms import field_values, form_status, submitted
from marketplace.models import utcnow
from marketplace.profiles.models import Enterprise


@bp.route("/<int:event_id>/outcomes", methods=["GET", "POST"])
@login_required
def record_outcomes(event_id: int):
    event = event_for(event_id, permissions.can_record_outcome)
    enterprises = sorted((i.enterprise for i in event.invitations), key=lambda e: e.name)
    form = forms.OutcomeForm(enterprises=enterprises)
    if request.method == "GET":  # today where the event takes place, not on the server's clock
        form.on.data = utcnow().astimezone(ZoneInfo(event.timezone)).date()
    done = submitted(
        form,
        lambda: outcomes.record_outcome(
            actor=current_user,
            enterprise=db.session.get(Enterprise, form.enterprise_id.data),
            event=event,
            **field_values(form, "track", "status", "on", "amount", "lender_name"),
        ),
        success=_("Outcome recorded."),
        then=url_for("events.record_outcomes", event_id=event.id),
        problems=lambda: outcomes.outcome_problems(
            actor=current_user,
            **field_values(form, "track", "status", "on", "amount", "lender_name"),
        ),
    )
    return done or (
        render_template(
            "events/outcomes.html",
            event=event,
            form=form,
            outcomes=outcomes.outcomes_of([e.id for e in enterprises]),
            investor=current_user.role == "investor",
        ),
        form_status(form),
    )


@bp.get("/<int:event_id>/summary")
@login_required
def summary(event_id: int):
    event = event_for(event_id, permissions.can_record_outcome)
    return render_template(
        "events/summary.html",
        event=event,
        summary=outcomes.summary(event),
        zone=current_app.config.get("BABEL_DEFAULT_TIMEZONE"),
    )
