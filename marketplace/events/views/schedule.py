"""The schedule: the organiser builds it (a background run with progress), edits and publishes
it; each investor and enterprise reads their agenda and takes it to their calendar."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.events import (
    agendas,
    calendar,
    codes,
    forms,
    permissions,
    schedule_edits,
    schedules,
    services,
)
from marketplace.events.models import PitchEvent, ScheduleRun
from marketplace.events.views.common import bp, enterprise_of_event, event_or_404, managed_event
from marketplace.extensions import db
from marketplace.forms import ActionForm, Attempt, pressed
from marketplace.web import download, visible_or_404


# --- building and editing the schedule ----------------------------------------------------------
@bp.post("/<int:event_id>/schedule/build")
@login_required
def build(event_id: int):
    event = managed_event(event_id)
    if ActionForm().validate_on_submit():
        with Attempt() as outcome:
            run = schedules.start_build(actor=current_user, event=event)
        if outcome.ok:
            return redirect(url_for("events.run", event_id=event.id, run_id=run.id))
    return redirect(url_for("events.schedule", event_id=event.id))


@bp.get("/<int:event_id>/schedule/runs/<int:run_id>")
@login_required
def run(event_id: int, run_id: int):
    event = managed_event(event_id)
    run = visible_or_404(ScheduleRun, run_id, event_id=event.id)
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
    event = managed_event(event_id)
    draft = schedules.draft_of(event)
    run = db.session.get(ScheduleRun, draft.run_id) if draft and draft.run_id else None
    conflicts = schedules.check(event, draft) if draft else []
    slots, rooms, cells = agendas.grid(event, draft)
    move_form, swap_form = forms.MoveForm(), forms.SwapForm()
    items = draft.items if draft else []
    labels = {
        i.id: f"{i.enterprise.name} · {forms.slot_label(slots[i.slot])}"
        for i in items
        if i.slot < len(slots)
    }
    move_form.slot.choices = [(s.index, forms.slot_label(s)) for s in slots]
    move_form.room.choices = [(r, agendas.place_name(event, r)) for r in rooms]
    swap_form.first_id.choices = swap_form.second_id.choices = list(labels.items())
    investor_names = {r.user_id: r.organisation.name for r in event.registrations}
    return render_template(
        "events/schedule.html",
        event=event,
        draft=draft,
        run=run,
        conflicts=conflicts,
        conflict_groups=schedules.grouped_conflicts(event, conflicts),
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
    with Attempt(success=_("Schedule changed.")) as outcome:
        warnings = change()
    if outcome.ok:
        for warning in warnings:
            flash(_("Warning: %(problem)s", problem=warning), "warning")
    return redirect(url_for("events.schedule", event_id=event.id))


@bp.post("/<int:event_id>/schedule/move")
@login_required
def move(event_id: int):
    event = managed_event(event_id)
    form = forms.MoveForm()
    form.slot.choices = [(s.index, "") for s in services.event_slots(event)]
    form.room.choices = [(r, "") for r in agendas.grid(event, None)[1]]
    if not form.validate_on_submit():
        flash(_("Choose one of the options offered."), "error")
        return redirect(url_for("events.schedule", event_id=event.id))
    return _edit_result(
        event,
        lambda: schedule_edits.move_item(
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
    event = managed_event(event_id)
    first = request.form.get("first_id", type=int)
    second = request.form.get("second_id", type=int)
    if not ActionForm().validate_on_submit() or first is None or second is None:
        flash(_("Choose one of the options offered."), "error")
        return redirect(url_for("events.schedule", event_id=event.id))
    return _edit_result(
        event,
        lambda: schedule_edits.swap_items(
            actor=current_user, event=event, first_id=first, second_id=second
        ),
    )


@bp.post("/<int:event_id>/schedule/publish")
@login_required
def publish(event_id: int):
    event = managed_event(event_id)
    return pressed(
        lambda: schedules.publish(actor=current_user, event=event),
        success=lambda version: _(
            "Version %(version)s is published; the people it concerns are notified.",
            version=version,
        ),
        then=url_for("events.schedule", event_id=event.id),
    )


@bp.get("/<int:event_id>/schedule/print")
@login_required
def print_schedule(event_id: int):
    event = managed_event(event_id)
    published = schedules.published_of(event) or schedules.draft_of(event)
    slots, rooms, cells = agendas.grid(event, published)
    return render_template(
        "events/print.html", event=event, schedule=published, slots=slots, rooms=rooms, cells=cells
    )


# --- agendas and calendars --------------------------------------------------------------------
def _investor_agenda(event: PitchEvent):
    if not (
        permissions.is_registered(current_user, event)
        or permissions.can_judge(current_user, event)
        or permissions.had_seat_at_cancelled_event(current_user, event)
    ):
        abort(403)
    published = schedules.published_of(event)
    return published, agendas.agenda(event, published, investor_id=current_user.id)


def _enterprise_agenda(event: PitchEvent, enterprise_id: int):
    enterprise = enterprise_of_event(event, enterprise_id)
    published = schedules.published_of(event)
    return enterprise, published, agendas.agenda(event, published, enterprise_id=enterprise.id)


@bp.get("/<int:event_id>/agenda")
@login_required
def agenda(event_id: int):
    event = event_or_404(event_id)
    published, entries = _investor_agenda(event)
    return _agenda_page(event, published, entries)


@bp.get("/<int:event_id>/enterprises/<int:enterprise_id>/agenda")
@login_required
def enterprise_agenda(event_id: int, enterprise_id: int):
    event = event_or_404(event_id)
    enterprise, published, entries = _enterprise_agenda(event, enterprise_id)
    return _agenda_page(event, published, entries, enterprise=enterprise)


def _agenda_page(event: PitchEvent, published, entries, *, enterprise=None):
    """One agenda page: the investor's own (no `enterprise`) or an enterprise's."""
    if enterprise is None:
        withdrawn = agendas.withdrawn_entries(event, published, investor_id=current_user.id)
        ics_url = url_for("events.agenda_ics", event_id=event.id)
    else:
        withdrawn = agendas.withdrawn_entries(event, published, enterprise_id=enterprise.id)
        ics_url = url_for(
            "events.enterprise_agenda_ics", event_id=event.id, enterprise_id=enterprise.id
        )
    return render_template(
        "events/agenda.html",
        event=event,
        entries=entries,
        withdrawn=withdrawn,
        schedule=published,
        as_investor=enterprise is None,
        enterprise=enterprise,
        ics_url=ics_url,
    )


def _ics(event: PitchEvent, published, entries, *, as_investor: bool, name: str) -> Response:
    if published is None:
        abort(404)
    body = calendar.agenda_ics(event, entries, version=published.version, as_investor=as_investor)
    return download(
        body, mimetype="text/calendar", filename=f"temumodal-event-{event.id}-{name}.ics"
    )


@bp.get("/<int:event_id>/agenda.ics")
@login_required
def agenda_ics(event_id: int):
    event = event_or_404(event_id)
    published, entries = _investor_agenda(event)
    return _ics(event, published, entries, as_investor=True, name="agenda")


@bp.get("/<int:event_id>/enterprises/<int:enterprise_id>/agenda.ics")
@login_required
def enterprise_agenda_ics(event_id: int, enterprise_id: int):
    event = event_or_404(event_id)
    enterprise, published, entries = _enterprise_agenda(event, enterprise_id)
    return _ics(event, published, entries, as_investor=False, name=f"e{enterprise.id}")
