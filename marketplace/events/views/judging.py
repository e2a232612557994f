"""Judging: the organiser sets the score sheet and invites judges by e-mail; the invited
person accepts or declines; judges score the pitches they hear; the organiser sees the ranking
and sends each enterprise its own feedback."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.errors import ValidationError
from marketplace.events import codes, forms, judge_invitations, judging, permissions
from marketplace.events.models import JudgeInvitation, PitchEvent
from marketplace.events.views.common import bp, enterprise_of_event, event_or_404, managed_event
from marketplace.extensions import db
from marketplace.forms import ActionForm, Attempt, field_values, form_status, pressed, submitted


# --- the organiser: score sheet and judges ------------------------------------------------------
def _save_sheet(event: PitchEvent, form) -> None:
    if "standard" in request.form and ActionForm().validate_on_submit():
        judging.use_standard_sheet(actor=current_user, event=event)
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


@bp.route("/<int:event_id>/judging/sheet", methods=["GET", "POST"])
@login_required
def sheet(event_id: int):
    event = managed_event(event_id)
    form = forms.SheetForm(prefix="sheet")
    judge_form = forms.JudgeForm(prefix="judge")
    judge_form.room_id.choices = [(None, _("All panels"))] + [(r.id, r.name) for r in event.rooms]
    if request.method == "POST":
        if "judge-email" not in request.form:
            with Attempt(success=_("Saved.")) as outcome:
                _save_sheet(event, form)
            if outcome.ok:
                return redirect(url_for("events.sheet", event_id=event.id))
        else:
            done = submitted(
                judge_form,
                lambda: judge_invitations.invite_judge(
                    actor=current_user, event=event, **field_values(judge_form, "email", "room_id")
                ),
                # The same answer for every address: it reveals nothing about accounts.
                success=_("We sent an invitation to judge to this address."),
                then=url_for("events.sheet", event_id=event.id),
            )
            if done:
                return done
    return render_template(
        "events/sheet.html",
        event=event,
        form=form,
        judge_form=judge_form,
        invited=judge_invitations.pending_of_event(event),
        label=judging.criterion_label,
        action_form=ActionForm(),
    ), form_status(form, judge_form)


@bp.post("/<int:event_id>/judges/<int:judge_id>/delete")
@login_required
def remove_judge(event_id: int, judge_id: int):
    event = managed_event(event_id)
    return pressed(
        lambda: judging.remove_judge(actor=current_user, event=event, judge_id=judge_id),
        then=url_for("events.sheet", event_id=event.id),
        confirm=True,
    )


@bp.post("/<int:event_id>/judge-invitations/<int:invitation_id>/delete")
@login_required
def withdraw_judge_invitation(event_id: int, invitation_id: int):
    event = managed_event(event_id)
    return pressed(
        lambda: judge_invitations.withdraw_judge_invitation(
            actor=current_user, event=event, invitation_id=invitation_id
        ),
        success=_("The invitation is withdrawn."),
        then=url_for("events.sheet", event_id=event.id),
        confirm=True,
    )


# --- the invited person: accept or decline --------------------------------------------------
@bp.get("/judge-invitations")
@login_required
def judge_invitation_list():
    return render_template(
        "events/judge_invitations.html",
        invitations=judge_invitations.pending_for(current_user),
        action_form=ActionForm(),
    )


@bp.post("/judge-invitations/<int:invitation_id>")
@login_required
def answer_judge_invitation(invitation_id: int):
    invitation = db.session.get(JudgeInvitation, invitation_id)
    if invitation is None or not permissions.can_answer_judge_invitation(current_user, invitation):
        abort(404)
    answer = request.form.get("answer")
    if not ActionForm().validate_on_submit() or answer not in ("accept", "decline"):
        abort(400)
    accepted = _("You are a judge of this event now.")
    declined = _("You declined the invitation.")
    with Attempt(success=accepted if answer == "accept" else declined) as outcome:
        judge_invitations.answer_judge_invitation(
            actor=current_user, invitation=invitation, accept=answer == "accept"
        )
    if outcome.ok and answer == "accept":
        return redirect(url_for("events.judging_queue", event_id=invitation.event_id))
    return redirect(url_for("events.judge_invitation_list"))


def _judge_or_403(event):
    """The current user's judge seat at `event`; 403 when they do not judge it."""
    judge = permissions.judge_of(current_user, event)
    if judge is None:
        abort(403)
    return judge


# --- judges score -------------------------------------------------------------------------------
@bp.get("/<int:event_id>/judging")
@login_required
def judging_queue(event_id: int):
    event = event_or_404(event_id)
    judge = _judge_or_403(event)
    return render_template(
        "events/judging.html",
        event=event,
        queue=judging.queue(event, judge),
        conflicts=codes.CONFLICTS_OF_INTEREST,
    )


@bp.route("/<int:event_id>/judging/<int:enterprise_id>", methods=["GET", "POST"])
@login_required
def score(event_id: int, enterprise_id: int):
    event = event_or_404(event_id)
    judge = _judge_or_403(event)
    item = next((q for q in judging.queue(event, judge) if q.enterprise.id == enterprise_id), None)
    if item is None:
        abort(404)
    form = forms.ScoreForm(obj=item.review)
    values = {s.criterion_id: s.value for s in (item.review.scores if item.review else [])}
    if request.method == "POST":
        values = {c.id: request.form.get(f"c{c.id}", type=int) for c in event.criteria}
    # Each criterion left without a score is marked on its own scale and named in the summary.
    criterion_errors: dict[str, str] = {}
    if form.validate_on_submit():
        with Attempt(form=form, success=_("Scores saved.")) as outcome:
            judging.save_review(
                actor=current_user,
                event=event,
                enterprise=item.enterprise,
                scores=values,
                comment=form.comment.data,
            )
        if outcome.ok:
            return redirect(url_for("events.judging_queue", event_id=event.id))
        criterion_errors = {
            e.field: str(e.message) for e in getattr(outcome.error, "errors", None) or []
        }
    return render_template(
        "events/score.html",
        event=event,
        item=item,
        form=form,
        values=values,
        criterion_errors=criterion_errors,
        label=judging.criterion_label,
        scale=range(codes.SCORE_MIN, codes.SCORE_MAX + 1),
        conflicts=codes.CONFLICTS_OF_INTEREST,
    ), form_status(form)


# --- the organiser: ranking and feedback ----------------------------------------------------------
@bp.get("/<int:event_id>/ranking")
@login_required
def ranking(event_id: int):
    event = managed_event(event_id)
    return render_template(
        "events/ranking.html",
        event=event,
        rows=judging.ranking(event),
        unscored=judging.unscored(event),
        action_form=ActionForm(),
    )


@bp.post("/<int:event_id>/feedback")
@login_required
def send_feedback(event_id: int):
    event = managed_event(event_id)
    return pressed(
        lambda: judging.send_feedback(actor=current_user, event=event),
        success=lambda count: _("Feedback sent to %(n)s enterprises.", n=count),
        then=url_for("events.ranking", event_id=event.id),
    )


@bp.get("/<int:event_id>/enterprises/<int:enterprise_id>/feedback")
@login_required
def feedback(event_id: int, enterprise_id: int):
    event = event_or_404(event_id)
    enterprise = enterprise_of_event(event, enterprise_id)
    return render_template(
        "events/feedback.html",
        event=event,
        enterprise=enterprise,
        feedback=judging.feedback_for(event, enterprise.id),
    )
