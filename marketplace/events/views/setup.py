"""Setting an event up: the list of events, creating and editing one, and its page."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from marketplace.editing import EditConflict
from marketplace.events import forms, judge_invitations, permissions, schedules, services
from marketplace.events.views.common import bp, event_or_404, managed_event
from marketplace.extensions import db
from marketplace.forms import ActionForm, Attempt, add_problems, form_status, submitted
from marketplace.profiles import permissions as profile_permissions
from marketplace.programmes.models import Programme
from marketplace.web import require_permission


@bp.get("")
@login_required
def index():
    return render_template(
        "events/index.html",
        events=services.events_for(current_user),
        can_create=permissions.can_create_event(current_user),
        judge_invitations=judge_invitations.pending_for(current_user),
    )


def _programmes():
    return db.session.scalars(
        select(Programme)
        .where(Programme.organisation_id == current_user.organisation_id)
        .order_by(Programme.name)
    ).all()


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    require_permission(permissions.can_create_event)
    form = forms.EventForm(programmes=_programmes())
    done = submitted(
        form,
        lambda: services.save_event(actor=current_user, data=form.event_data()),
        success=_("Event created. Now invite enterprises."),
        then=lambda event: url_for("events.invitations", event_id=event.id),
        problems=lambda: services.event_problems(form.event_data()),
    )
    return done or (
        render_template("events/form.html", form=form, event=None),
        form_status(form),
    )


@bp.get("/<int:event_id>")
@login_required
def detail(event_id: int):
    event = event_or_404(event_id)
    mine = [
        i
        for i in event.invitations
        if profile_permissions.can_edit_enterprise(current_user, i.enterprise)
    ]
    return render_template(
        "events/detail.html",
        event=event,
        slots=services.event_slots(event),
        mine=mine,
        registration=permissions.registration_of(current_user, event),
        refunded_seat=permissions.had_seat_at_cancelled_event(current_user, event),
        judge=permissions.judge_of(current_user, event),
        manage=permissions.can_manage_event(current_user, event),
        can_register=permissions.can_register(current_user, event),
        run=schedules.latest_run(event),
        action_form=ActionForm(),
    )


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit(event_id: int):
    event = managed_event(event_id)
    form = forms.EventForm(programmes=_programmes())
    if request.method == "GET":
        form.fill(event)
        form.open_at(event, services.event_values(event))
    if form.validate_on_submit():
        with Attempt(form=form, success=_("Saved.")) as outcome:
            services.save_event(
                actor=current_user, data=form.event_data(), event=event, **form.expected()
            )
        if outcome.ok:
            return redirect(url_for("events.detail", event_id=event.id))
        if isinstance(outcome.error, EditConflict):
            form.open_at(event, services.event_values(event))
    elif form.is_submitted():  # every error in one submit, as submitted(problems=) does
        add_problems(form, services.event_problems(form.event_data()))
    return render_template("events/form.html", form=form, event=event), form_status(form)
