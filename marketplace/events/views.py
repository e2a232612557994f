from __future__ import annotations

import datetime as dt

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from marketplace.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationError
from marketplace.events import (
    calendar,
    codes,
    forms,
    judging,
    outcomes,
    permissions,
    schedules,
    services,
)
from marketplace.events.models import PitchEvent, ScheduleRun
from marketplace.extensions import db
from marketplace.forms import ActionForm, form_error, form_status
from marketplace.profiles import permissions as profile_permissions
from marketplace.profiles.models import Enterprise
from marketplace.programmes.models import Cohort, Programme

bp = Blueprint("events", __name__, url_prefix="/events")
USER_ERRORS = (ValidationError, Conflict)


@bp.app_context_processor
def inject_event_helpers():
    from marketplace.events.scheduling import STATUSES
    from marketplace.formatting import ZONE_ABBREVIATIONS

    return {
        "event_codes": codes,
        "zone_abbr": lambda zone: ZONE_ABBREVIATIONS.get(zone, zone),
        "place_name": schedules.place_name,
        "solver_statuses": STATUSES,
    }


def _event(event_id: int) -> PitchEvent:
    event = db.session.get(PitchEvent, event_id)
    if event is None or not permissions.can_view_event(current_user, event):
        abort(404)
    return event


def _managed(event_id: int) -> PitchEvent:
    event = _event(event_id)
    if not permissions.can_manage_event(current_user, event):
        abort(403)
    return event


def _enterprise_of_event(
    event: PitchEvent, enterprise_id: int, *, manager_too: bool = True
) -> Enterprise:
    enterprise = db.session.get(Enterprise, enterprise_id)
    if enterprise is None or not any(i.enterprise_id == enterprise_id for i in event.invitations):
        abort(404)
    allowed = permissions.can_answer_for(current_user, event, enterprise) or (
        manager_too and permissions.can_manage_event(current_user, event)
    )
    if not allowed:
        abort(403)
    return enterprise


def _flash_error(error: DomainError) -> None:
    db.session.rollback()
    if isinstance(error, NotFound | PermissionDenied):
        raise error
    flash(str(error.message), "error")


# --- events ----------------------------------------------------------------------------------
@bp.get("")
@login_required
def index():
    return render_template(
        "events/index.html",
        events=services.events_for(current_user),
        can_create=permissions.can_create_event(current_user),
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
    if not permissions.can_create_event(current_user):
        abort(403)
    form = forms.EventForm(programmes=_programmes())
    if form.validate_on_submit():
        try:
            event = services.save_event(actor=current_user, data=form.event_data())
        except DomainError as error:
            db.session.rollback()
            form_error(form, error)
        else:
            db.session.commit()
            flash(_("Event created. Now invite enterprises."), "success")
            return redirect(url_for("events.invitations", event_id=event.id))
    return render_template("events/form.html", form=form, event=None), form_status(form)


@bp.get("/<int:event_id>")
@login_required
def detail(event_id: int):
    event = _event(event_id)
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
        judge=permissions.judge_of(current_user, event),
        manage=permissions.can_manage_event(current_user, event),
        can_register=permissions.can_register(current_user, event),
        run=schedules.latest_run(event),
        action_form=ActionForm(),
    )


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit(event_id: int):
    event = _managed(event_id)
    form = forms.EventForm(programmes=_programmes())
    if request.method == "GET":
        form.fill(event)
    if form.validate_on_submit():
        try:
            services.save_event(actor=current_user, data=form.event_data(), event=event)
        except DomainError as error:
            db.session.rollback()
            form_error(form, error)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/form.html", form=form, event=event), form_status(form)


# --- invitations and attendance ---------------------------------------------------------------
@bp.route("/<int:event_id>/invitations", methods=["GET", "POST"])
@login_required
def invitations(event_id: int):
    event = _managed(event_id)
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
        try:
            if "cohort-cohort_id" in request.form and cohort_form.validate_on_submit():
                cohort = db.session.get(Cohort, cohort_form.cohort_id.data)
                created = services.invite_cohort(actor=current_user, event=event, cohort=cohort)
            elif "one-enterprise_id" in request.form and one_form.validate_on_submit():
                enterprise = db.session.get(Enterprise, one_form.enterprise_id.data)
                if enterprise is None:
                    abort(404)
                created = services.invite_enterprises(
                    actor=current_user, event=event, enterprises=[enterprise]
                )
            else:
                created = None
        except DomainError as error:
            _flash_error(error)
        else:
            if created is not None:
                db.session.commit()
                flash(_("%(n)s enterprises invited.", n=len(created)), "success")
                return redirect(url_for("events.invitations", event_id=event.id))
    query = request.args.get("q", "")
    found = (
        services.invitable_enterprises(actor=current_user, event=event, query=query)
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
    event = _event(event_id)
    enterprise = _enterprise_of_event(event, enterprise_id, manager_too=False)
    invitation = services.invitation_for(event, enterprise.id)
    slots = services.event_slots(event)
    form = forms.AttendanceForm(slots=slots)
    if request.method == "GET":
        form.attending.data = "no" if invitation.status == "declined" else "yes"
        chosen = invitation.available_slots
        form.available.data = [s.index for s in slots] if chosen is None else chosen
    if form.validate_on_submit():
        try:
            services.answer_invitation(
                actor=current_user,
                invitation=invitation,
                attending=form.attending.data == "yes",
                available_slots=form.available.data or [],
            )
        except DomainError as error:
            db.session.rollback()
            if isinstance(error, NotFound | PermissionDenied):
                raise
            form_error(form, error)
        else:
            db.session.commit()
            flash(_("Thank you: your answer is saved."), "success")
            return redirect(url_for("events.detail", event_id=event.id))
    return render_template(
        "events/attendance.html",
        event=event,
        enterprise=enterprise,
        invitation=invitation,
        form=form,
    ), form_status(form)


# --- investors: registration, availability, preferences ---------------------------------------
@bp.post("/<int:event_id>/register")
@login_required
def register(event_id: int):
    event = _event(event_id)
    if not permissions.can_register(current_user, event):
        abort(403)
    if ActionForm().validate_on_submit():
        try:
            services.register_investor(actor=current_user, event=event)
        except DomainError as error:
            _flash_error(error)
        else:
            db.session.commit()
            flash(_("You are registered. Tell us when you can attend."), "success")
            return redirect(url_for("events.availability", event_id=event.id))
    return redirect(url_for("events.detail", event_id=event.id))


@bp.post("/<int:event_id>/unregister")
@login_required
def unregister(event_id: int):
    event = _event(event_id)
    if not permissions.is_registered(current_user, event):
        abort(403)
    if ActionForm().validate_on_submit():
        try:
            services.cancel_registration(actor=current_user, event=event)
        except DomainError as error:
            _flash_error(error)
        else:
            db.session.commit()
            flash(_("Your registration is cancelled."), "info")
    return redirect(url_for("events.detail", event_id=event.id))


@bp.route("/<int:event_id>/availability", methods=["GET", "POST"])
@login_required
def availability(event_id: int):
    event = _event(event_id)
    registration = permissions.registration_of(current_user, event)
    if registration is None:
        abort(403)
    slots = services.event_slots(event)
    form = forms.AvailabilityForm(slots=slots)
    if request.method == "GET":
        chosen = registration.available_slots
        form.available.data = [s.index for s in slots] if chosen is None else chosen
    if form.validate_on_submit():
        try:
            services.set_investor_availability(
                actor=current_user, event=event, available_slots=form.available.data or []
            )
        except DomainError as error:
            db.session.rollback()
            form_error(form, error)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("events.preferences", event_id=event.id))
    return render_template("events/availability.html", event=event, form=form), form_status(form)


def _preference_page(
    event: PitchEvent,
    *,
    side: str,
    enterprise: Enterprise | None,
    counterparts: list[tuple[int, str]],
    current: dict[int, str],
):
    form = ActionForm()
    if form.validate_on_submit():
        values = forms.read_preferences(request.form, [i for i, _n in counterparts])
        try:
            services.set_preferences(
                actor=current_user, event=event, side=side, values=values, enterprise=enterprise
            )
        except DomainError as error:
            _flash_error(error)
        else:
            db.session.commit()
            flash(_("Your preferences are saved."), "success")
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
    event = _event(event_id)
    if permissions.registration_of(current_user, event) is None:
        abort(403)
    counterparts = sorted(
        ((i.enterprise_id, i.enterprise.name) for i in event.invitations if i.status != "declined"),
        key=lambda p: p[1],
    )
    current = {
        e: v
        for (e, i), v in services.preferences(event, side="investor").items()
        if i == current_user.id
    }
    return _preference_page(
        event, side="investor", enterprise=None, counterparts=counterparts, current=current
    )


@bp.route("/<int:event_id>/enterprises/<int:enterprise_id>/preferences", methods=["GET", "POST"])
@login_required
def enterprise_preferences(event_id: int, enterprise_id: int):
    event = _event(event_id)
    enterprise = _enterprise_of_event(event, enterprise_id, manager_too=False)
    counterparts = sorted(
        (
            (r.user_id, f"{r.organisation.name} ({r.user.name})")
            for r in services.live_registrations(event)
        ),
        key=lambda p: p[1],
    )
    current = {
        i: v
        for (e, i), v in services.preferences(event, side="enterprise").items()
        if e == enterprise.id
    }
    return _preference_page(
        event, side="enterprise", enterprise=enterprise, counterparts=counterparts, current=current
    )


# --- building and editing the schedule ----------------------------------------------------------
@bp.post("/<int:event_id>/schedule/build")
@login_required
def build(event_id: int):
    event = _managed(event_id)
    if ActionForm().validate_on_submit():
        try:
            run = schedules.start_build(actor=current_user, event=event)
        except DomainError as error:
            _flash_error(error)
        else:
            db.session.commit()
            return redirect(url_for("events.run", event_id=event.id, run_id=run.id))
    return redirect(url_for("events.schedule", event_id=event.id))


@bp.get("/<int:event_id>/schedule/runs/<int:run_id>")
@login_required
def run(event_id: int, run_id: int):
    event = _managed(event_id)
    run = db.session.get(ScheduleRun, run_id)
    if run is None or run.event_id != event.id:
        abort(404)
    response = Response(render_template("events/run.html", event=event, run=run))
    if run.status in ("queued", "running"):
        # Progress without JavaScript: the browser reloads the page every two seconds.
        response.headers["Refresh"] = "2"
    return response


def _unplaced_rows(event: PitchEvent, run: ScheduleRun | None):
    from marketplace.events.scheduling import UNPLACED_REASONS

    if run is None:
        return []
    names = {i.enterprise_id: i.enterprise.name for i in event.invitations}
    investors = {r.user_id: f"{r.organisation.name} ({r.user.name})" for r in event.registrations}
    return [
        (
            (names if u["kind"] == "enterprise" else investors).get(u["id"], "?"),
            UNPLACED_REASONS.get(u["reason"], u["reason"]),
        )
        for u in run.unplaced or []
    ]


@bp.get("/<int:event_id>/schedule")
@login_required
def schedule(event_id: int):
    event = _managed(event_id)
    draft = schedules.draft_of(event)
    run = db.session.get(ScheduleRun, draft.run_id) if draft and draft.run_id else None
    conflicts = schedules.check(event, draft) if draft else []
    slots, rooms, cells = schedules.grid(event, draft)
    move_form, swap_form = forms.MoveForm(), forms.SwapForm()
    items = draft.items if draft else []
    labels = {
        i.id: f"{i.enterprise.name} · {forms.slot_label(slots[i.slot])}"
        for i in items
        if i.slot < len(slots)
    }
    move_form.slot.choices = [(s.index, forms.slot_label(s)) for s in slots]
    move_form.room.choices = [(r, schedules.place_name(event, r)) for r in rooms]
    swap_form.first_id.choices = swap_form.second_id.choices = list(labels.items())
    investor_names = {r.user_id: r.organisation.name for r in event.registrations}
    return render_template(
        "events/schedule.html",
        event=event,
        draft=draft,
        run=run,
        conflicts=conflicts,
        slots=slots,
        rooms=rooms,
        cells=cells,
        move_form=move_form,
        swap_form=swap_form,
        labels=labels,
        unplaced=_unplaced_rows(event, run),
        investor_names=investor_names,
        text=schedules.conflict_text,
        statuses=codes.RUN_STATUSES,
        action_form=ActionForm(),
        latest=schedules.latest_run(event),
    )


def _edit_result(event: PitchEvent, change) -> Response:
    try:
        warnings = change()
    except DomainError as error:
        _flash_error(error)
    else:
        db.session.commit()
        flash(_("Schedule changed."), "success")
        for warning in warnings:
            flash(_("Warning: %(problem)s", problem=warning), "warning")
    return redirect(url_for("events.schedule", event_id=event.id))


@bp.post("/<int:event_id>/schedule/move")
@login_required
def move(event_id: int):
    event = _managed(event_id)
    form = forms.MoveForm()
    form.slot.choices = [(s.index, "") for s in services.event_slots(event)]
    form.room.choices = [(r, "") for r in schedules.grid(event, None)[1]]
    if not form.validate_on_submit():
        flash(_("Choose one of the options offered."), "error")
        return redirect(url_for("events.schedule", event_id=event.id))
    return _edit_result(
        event,
        lambda: schedules.move_item(
            actor=current_user,
            event=event,
            item_id=form.item_id.data,
            slot=form.slot.data,
            room=form.room.data,
        ),
    )


@bp.post("/<int:event_id>/schedule/swap")
@login_required
def swap(event_id: int):
    event = _managed(event_id)
    first = request.form.get("first_id", type=int)
    second = request.form.get("second_id", type=int)
    if not ActionForm().validate_on_submit() or first is None or second is None:
        flash(_("Choose one of the options offered."), "error")
        return redirect(url_for("events.schedule", event_id=event.id))
    return _edit_result(
        event,
        lambda: schedules.swap_items(
            actor=current_user, event=event, first_id=first, second_id=second
        ),
    )


@bp.post("/<int:event_id>/schedule/publish")
@login_required
def publish(event_id: int):
    event = _managed(event_id)
    if ActionForm().validate_on_submit():
        try:
            version = schedules.publish(actor=current_user, event=event)
        except DomainError as error:
            _flash_error(error)
        else:
            db.session.commit()
            flash(
                _(
                    "Version %(version)s is published; the people it concerns are notified.",
                    version=version,
                ),
                "success",
            )
    return redirect(url_for("events.schedule", event_id=event.id))


@bp.get("/<int:event_id>/schedule/print")
@login_required
def print_schedule(event_id: int):
    event = _managed(event_id)
    published = schedules.published_of(event) or schedules.draft_of(event)
    slots, rooms, cells = schedules.grid(event, published)
    return render_template(
        "events/print.html", event=event, schedule=published, slots=slots, rooms=rooms, cells=cells
    )


# --- agendas and calendars --------------------------------------------------------------------
def _investor_agenda(event: PitchEvent):
    if not (
        permissions.is_registered(current_user, event) or permissions.can_judge(current_user, event)
    ):
        abort(403)
    published = schedules.published_of(event)
    return published, schedules.agenda(event, published, investor_id=current_user.id)


@bp.get("/<int:event_id>/agenda")
@login_required
def agenda(event_id: int):
    event = _event(event_id)
    published, entries = _investor_agenda(event)
    return render_template(
        "events/agenda.html",
        event=event,
        entries=entries,
        schedule=published,
        as_investor=True,
        enterprise=None,
        ics_url=url_for("events.agenda_ics", event_id=event.id),
    )


@bp.get("/<int:event_id>/enterprises/<int:enterprise_id>/agenda")
@login_required
def enterprise_agenda(event_id: int, enterprise_id: int):
    event = _event(event_id)
    enterprise = _enterprise_of_event(event, enterprise_id)
    published = schedules.published_of(event)
    entries = schedules.agenda(event, published, enterprise_id=enterprise.id)
    return render_template(
        "events/agenda.html",
        event=event,
        entries=entries,
        schedule=published,
        as_investor=False,
        enterprise=enterprise,
        ics_url=url_for(
            "events.enterprise_agenda_ics", event_id=event.id, enterprise_id=enterprise.id
        ),
    )


def _ics(event: PitchEvent, published, entries, *, as_investor: bool, name: str) -> Response:
    if published is None:
        abort(404)
    body = calendar.agenda_ics(event, entries, version=published.version, as_investor=as_investor)
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="temumodal-event-{event.id}-{name}.ics"'
    )
    return response


@bp.get("/<int:event_id>/agenda.ics")
@login_required
def agenda_ics(event_id: int):
    event = _event(event_id)
    published, entries = _investor_agenda(event)
    return _ics(event, published, entries, as_investor=True, name="agenda")


@bp.get("/<int:event_id>/enterprises/<int:enterprise_id>/agenda.ics")
@login_required
def enterprise_agenda_ics(event_id: int, enterprise_id: int):
    event = _event(event_id)
    enterprise = _enterprise_of_event(event, enterprise_id)
    published = schedules.published_of(event)
    entries = schedules.agenda(event, published, enterprise_id=enterprise.id)
    return _ics(event, published, entries, as_investor=False, name=f"e{enterprise.id}")


# --- judging ----------------------------------------------------------------------------------
@bp.route("/<int:event_id>/judging/sheet", methods=["GET", "POST"])
@login_required
def sheet(event_id: int):
    event = _managed(event_id)
    form = forms.SheetForm(prefix="sheet")
    judge_form = forms.JudgeForm(prefix="judge")
    judge_form.room_id.choices = [(None, _("All panels"))] + [(r.id, r.name) for r in event.rooms]
    if request.method == "POST":
        try:
            if "standard" in request.form and ActionForm().validate_on_submit():
                judging.use_standard_sheet(actor=current_user, event=event)
            elif "judge-email" in request.form:
                if not judge_form.validate_on_submit():
                    raise ValidationError(_("Check the e-mail address."))
                judging.assign_judge(
                    actor=current_user,
                    event=event,
                    email=judge_form.email.data,
                    room_id=judge_form.room_id.data,
                )
            elif form.validate_on_submit():
                weights = {
                    c.id: request.form.get(f"w-{c.id}", type=int)
                    for c in event.criteria
                    if f"w-{c.id}" in request.form
                }
                judging.save_sheet(
                    actor=current_user,
                    event=event,
                    weights=weights,
                    new_name=form.new_name.data,
                    new_weight=form.new_weight.data,
                )
            else:
                raise ValidationError(_("Please correct the fields marked below."))
        except DomainError as error:
            _flash_error(error)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("events.sheet", event_id=event.id))
    return render_template(
        "events/sheet.html",
        event=event,
        form=form,
        judge_form=judge_form,
        label=judging.criterion_label,
        action_form=ActionForm(),
    ), form_status(form, judge_form)


@bp.post("/<int:event_id>/judges/<int:judge_id>/delete")
@login_required
def remove_judge(event_id: int, judge_id: int):
    event = _managed(event_id)
    if ActionForm().validate_on_submit():
        judging.remove_judge(actor=current_user, event=event, judge_id=judge_id)
        db.session.commit()
    return redirect(url_for("events.sheet", event_id=event.id))


@bp.get("/<int:event_id>/judging")
@login_required
def judging_queue(event_id: int):
    event = _event(event_id)
    judge = permissions.judge_of(current_user, event)
    if judge is None:
        abort(403)
    return render_template(
        "events/judging.html",
        event=event,
        queue=judging.queue(event, judge),
        conflicts=codes.CONFLICTS_OF_INTEREST,
    )


@bp.route("/<int:event_id>/judging/<int:enterprise_id>", methods=["GET", "POST"])
@login_required
def score(event_id: int, enterprise_id: int):
    event = _event(event_id)
    judge = permissions.judge_of(current_user, event)
    if judge is None:
        abort(403)
    item = next((q for q in judging.queue(event, judge) if q.enterprise.id == enterprise_id), None)
    if item is None:
        abort(404)
    form = forms.ScoreForm(obj=item.review)
    values = {s.criterion_id: s.value for s in (item.review.scores if item.review else [])}
    if request.method == "POST":
        values = {c.id: request.form.get(f"c{c.id}", type=int) for c in event.criteria}
    if form.validate_on_submit():
        try:
            judging.save_review(
                actor=current_user,
                event=event,
                enterprise=item.enterprise,
                scores=values,
                comment=form.comment.data,
            )
        except DomainError as error:
            db.session.rollback()
            if isinstance(error, NotFound | PermissionDenied):
                raise
            form_error(form, error)
        else:
            db.session.commit()
            flash(_("Scores saved."), "success")
            return redirect(url_for("events.judging_queue", event_id=event.id))
    return render_template(
        "events/score.html",
        event=event,
        item=item,
        form=form,
        values=values,
        label=judging.criterion_label,
        scale=range(codes.SCORE_MIN, codes.SCORE_MAX + 1),
        conflicts=codes.CONFLICTS_OF_INTEREST,
    ), form_status(form)


@bp.get("/<int:event_id>/ranking")
@login_required
def ranking(event_id: int):
    event = _managed(event_id)
    return render_template(
        "events/ranking.html",
        event=event,
        rows=judging.ranking(event),
        action_form=ActionForm(),
    )


@bp.post("/<int:event_id>/feedback")
@login_required
def send_feedback(event_id: int):
    event = _managed(event_id)
    if ActionForm().validate_on_submit():
        try:
            count = judging.send_feedback(actor=current_user, event=event)
        except DomainError as error:
            _flash_error(error)
        else:
            db.session.commit()
            flash(_("Feedback sent to %(n)s enterprises.", n=count), "success")
    return redirect(url_for("events.ranking", event_id=event.id))


@bp.get("/<int:event_id>/enterprises/<int:enterprise_id>/feedback")
@login_required
def feedback(event_id: int, enterprise_id: int):
    event = _event(event_id)
    enterprise = _enterprise_of_event(event, enterprise_id)
    return render_template(
        "events/feedback.html",
        event=event,
        enterprise=enterprise,
        feedback=judging.feedback_for(event, enterprise.id),
    )


# --- outcomes and summary ---------------------------------------------------------------------
@bp.route("/<int:event_id>/outcomes", methods=["GET", "POST"])
@login_required
def record_outcomes(event_id: int):
    event = _event(event_id)
    if not permissions.can_record_outcome(current_user, event):
        abort(403)
    enterprises = sorted((i.enterprise for i in event.invitations), key=lambda e: e.name)
    form = forms.OutcomeForm(enterprises=enterprises)
    if request.method == "GET":
        form.on.data = dt.date.today()
    if form.validate_on_submit():
        enterprise = db.session.get(Enterprise, form.enterprise_id.data)
        try:
            outcomes.record_outcome(
                actor=current_user,
                enterprise=enterprise,
                track=form.track.data,
                status=form.status.data,
                on=form.on.data,
                amount=form.amount.amount,
                lender_name=form.lender_name.data,
                event=event,
            )
        except DomainError as error:
            db.session.rollback()
            if isinstance(error, NotFound):
                raise
            form_error(form, error)
        else:
            db.session.commit()
            flash(_("Outcome recorded."), "success")
            return redirect(url_for("events.record_outcomes", event_id=event.id))
    return render_template(
        "events/outcomes.html",
        event=event,
        form=form,
        outcomes=outcomes.outcomes_of([e.id for e in enterprises]),
        investor=current_user.role == "investor",
    ), form_status(form)


@bp.get("/<int:event_id>/summary")
@login_required
def summary(event_id: int):
    event = _event(event_id)
    if not permissions.can_record_outcome(current_user, event):
        abort(403)
    return render_template(
        "events/summary.html",
        event=event,
        summary=outcomes.summary(event),
        zone=current_app.config.get("BABEL_DEFAULT_TIMEZONE"),
    )
