"""Who comes: the organiser invites enterprises, their owners or pendamping answer with the
times they can attend, investors take a seat and say when they can come, and both sides say
whom they must, would like to, or would rather not meet."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from marketplace.events import forms, permissions, registrations, services
from marketplace.events.models import PitchEvent
from marketplace.events.views.common import (
    bp,
    enterprise_of_event,
    event_for,
    event_or_404,
    managed_event,
)
from marketplace.extensions import db
from marketplace.forms import ActionForm, Attempt, form_status, pressed, submitted
from marketplace.profiles.models import Enterprise
from marketplace.programmes.models import Cohort, Programme


# --- the organiser invites enterprises; they answer ------------------------------------------
def _invite(event: PitchEvent, cohort_form, one_form):
    """The invitations the submitted form asks for (None when neither form is valid)."""
    if "cohort-cohort_id" in request.form and cohort_form.validate_on_submit():
        cohort = db.session.get(Cohort, cohort_form.cohort_id.data)
        return registrations.invite_cohort(actor=current_user, event=event, cohort=cohort)
    if "one-enterprise_id" in request.form and one_form.validate_on_submit():
        enterprise = db.session.get(Enterprise, one_form.enterprise_id.data)
        if enterprise is None:
            abort(404)
        return registrations.invite_enterprises(
            actor=current_user, event=event, enterprises=[enterprise]
        )
    return None


@bp.route("/<int:event_id>/invitations", methods=["GET", "POST"])
@login_required
def invitations(event_id: int):
    event = managed_event(event_id)
    cohorts = db.session.scalars(
        select(Cohort)
        .join(Programme)
        .where(Programme.organisation_id == current_user.organisation_id)
        .order_by(Cohort.name)
    ).all()
    cohort_form = forms.CohortInviteForm(prefix="cohort")
    cohort_form.cohort_id.choices = [(c.id, f"{c.programme.name} · {c.name}") for c in cohorts]
    one_form = forms.InviteOneForm(prefix="one")
    if request.method == "POST":
        with Attempt() as outcome:
            created = _invite(event, cohort_form, one_form)
        if outcome.ok and created is not None:
            flash(_("%(n)s enterprises invited.", n=len(created)), "success")
            return redirect(url_for("events.invitations", event_id=event.id))
    query = request.args.get("q", "")
    found = (
        registrations.invitable_enterprises(actor=current_user, event=event, query=query)
        if query
        else []
    )
    return render_template(
        "events/invitations.html",
        event=event,
        cohort_form=cohort_form,
        one_form=one_form,
        query=query,
        found=found,
        invited={i.enterprise_id for i in event.invitations},
    ), form_status(cohort_form, one_form)


@bp.route("/<int:event_id>/enterprises/<int:enterprise_id>/attendance", methods=["GET", "POST"])
@login_required
def attendance(event_id: int, enterprise_id: int):
    event = event_or_404(event_id)
    enterprise = enterprise_of_event(event, enterprise_id, manager_too=False)
    invitation = registrations.invitation_for(event, enterprise.id)
    slots = services.event_slots(event)
    form = forms.AttendanceForm(slots=slots)
    if request.method == "GET":
        form.attending.data = "no" if invitation.status == "declined" else "yes"
        chosen = invitation.available_slots
        form.available.data = [s.index for s in slots] if chosen is None else chosen
    done = submitted(
        form,
        lambda: registrations.answer_invitation(
            actor=current_user,
            invitation=invitation,
            attending=form.attending.data == "yes",
            available_slots=form.available.data or [],
        ),
        success=_("Thank you: your answer is saved."),
        then=url_for("events.detail", event_id=event.id),
    )
    return done or (
        render_template(
            "events/attendance.html",
            event=event,
            enterprise=enterprise,
            invitation=invitation,
            form=form,
        ),
        form_status(form),
    )


# --- investors take a seat and say when they can come -----------------------------------------
@bp.post("/<int:event_id>/register")
@login_required
def register(event_id: int):
    event = event_for(event_id, permissions.can_register)
    if ActionForm().validate_on_submit():
        success = _("You are registered. Tell us when you can attend.")
        with Attempt(success=success) as outcome:
            registrations.register_investor(actor=current_user, event=event)
        if outcome.ok:
            return redirect(url_for("events.availability", event_id=event.id))
    return redirect(url_for("events.detail", event_id=event.id))


@bp.post("/<int:event_id>/unregister")
@login_required
def unregister(event_id: int):
    event = event_for(event_id, permissions.is_registered)
    return pressed(
        lambda: registrations.cancel_registration(actor=current_user, event=event),
        success=_("Your registration is cancelled."),
        category="info",
        then=url_for("events.detail", event_id=event.id),
        confirm=True,
    )


@bp.route("/<int:event_id>/availability", methods=["GET", "POST"])
@login_required
def availability(event_id: int):
    event = event_or_404(event_id)
    registration = permissions.registration_of(current_user, event)
    if registration is None:
        abort(403)
    slots = services.event_slots(event)
    form = forms.AvailabilityForm(slots=slots)
    if request.method == "GET":
        chosen = registration.available_slots
        form.available.data = [s.index for s in slots] if chosen is None else chosen
    done = submitted(
        form,
        lambda: registrations.set_investor_availability(
            actor=current_user, event=event, available_slots=form.available.data or []
        ),
        success=_("Saved."),
        then=url_for("events.preferences", event_id=event.id),
    )
    return done or (
        render_template("events/availability.html", event=event, form=form),
        form_status(form),
    )


# --- must meet / would like to meet / no thanks -----------------------------------------------
def _preference_page(
    event: PitchEvent,
    *,
    side: str,
    enterprise: Enterprise | None,
    current: dict[int, str],
):
    counterparts = registrations.preference_counterparts(event, side=side)
    form = ActionForm()
    if form.validate_on_submit():
        values = forms.read_preferences(request.form, [i for i, _n in counterparts])
        with Attempt(success=_("Your preferences are saved.")) as outcome:
            registrations.set_preferences(
                actor=current_user, event=event, side=side, values=values, enterprise=enterprise
            )
        if outcome.ok:
            return redirect(request.path)
    return render_template(
        "events/preferences.html",
        event=event,
        enterprise=enterprise,
        counterparts=counterparts,
        chosen=current,
        form=form,
        choices=forms.preference_choices(),
    )


@bp.route("/<int:event_id>/preferences", methods=["GET", "POST"])
@login_required
def preferences(event_id: int):
    event = event_or_404(event_id)
    if permissions.registration_of(current_user, event) is None:
        abort(403)
    return _preference_page(
        event,
        side="investor",
        enterprise=None,
        current=registrations.own_preferences(event, side="investor", party_id=current_user.id),
    )


@bp.route("/<int:event_id>/enterprises/<int:enterprise_id>/preferences", methods=["GET", "POST"])
@login_required
def enterprise_preferences(event_id: int, enterprise_id: int):
    event = event_or_404(event_id)
    enterprise = enterprise_of_event(event, enterprise_id, manager_too=False)
    return _preference_page(
        event,
        side="enterprise",
        enterprise=enterprise,
        current=registrations.own_preferences(event, side="enterprise", party_id=enterprise.id),
    )
