from __future__ import annotations

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.validators import Optional

from marketplace.errors import NotFound
from marketplace.forms import ActionForm, Attempt, form_status
from marketplace.models import utcnow
from marketplace.privacy import export, permissions
from marketplace.privacy import requests as services
from marketplace.privacy.models import CORRECTION_TOPICS, KINDS, STATUSES
from marketplace.profiles.models import Enterprise
from marketplace.web import send_stored_file

bp = Blueprint("privacy", __name__)


class CopyForm(FlaskForm):
    # Only a facilitator asking on behalf of a phone-only owner names an enterprise.
    enterprise = SelectField(
        _l("Whose data"), coerce=str, validators=[Optional()], validate_choice=False
    )


class CorrectionForm(FlaskForm):
    enterprise = SelectField(
        _l("Enterprise"), coerce=str, validators=[Optional()], validate_choice=False
    )
    topic = SelectField(
        _l("What is wrong"),
        choices=[("", "—"), *CORRECTION_TOPICS.items()],
        validate_choice=False,
    )
    details = TextAreaField(_l("What is wrong, and what should it be?"))


class AnswerForm(FlaskForm):
    decision = RadioField(
        _l("Answer"),
        choices=[
            ("accept", _l("Corrected: I made the change")),
            ("reject", _l("Not corrected: the data stays as it is")),
        ],
        validate_choice=False,
    )
    answer = TextAreaField(_l("What you changed, or why the data stays as it is"))


@bp.before_request
@login_required
def _logged_in():
    g.personal_data = True


def _labels():
    return {
        "topic_labels": CORRECTION_TOPICS,
        "kind_labels": KINDS,
        "status_labels": STATUSES,
        "answer_text": services.answer_text,
    }


def _enterprise_from(value: str | None, choices: list[Enterprise]) -> Enterprise | None:
    if not value:
        return None
    for enterprise in choices:
        if str(enterprise.id) == value:
            return enterprise
    raise NotFound(_l("No such enterprise."))


def _my_data(copy_form=None, correction_form=None):
    owned = permissions.own_enterprises(current_user)
    behalf = permissions.behalf_enterprises(current_user)
    copy_form = copy_form or CopyForm()
    copy_form.enterprise.choices = [("", _("My own data"))] + [(str(e.id), e.name) for e in behalf]
    correction_form = correction_form or CorrectionForm()
    # An owner's enterprise first: what others record (attestations, mentoring) is about it.
    correction_form.enterprise.choices = [(str(e.id), e.name) for e in owned] + [
        ("", _("My account"))
    ]
    mine = services.requests_of(current_user)
    tokens = {r.id: export.download_token(r) for r in mine if r.export_available()}
    return render_template(
        "privacy/my_data.html",
        copy_form=copy_form,
        correction_form=correction_form,
        requests=mine,
        tokens=tokens,
        behalf=behalf,
        owned=owned,
        pending=services.open_request(requester=current_user, kind="access"),
        to_answer=services.corrections_to_answer(current_user),
        now=utcnow(),
        **_labels(),
    ), form_status(copy_form, correction_form)


@bp.get("/data-saya")
def my_data():
    return _my_data()


@bp.post("/data-saya/copy")
def request_copy():
    form = CopyForm()
    behalf = permissions.behalf_enterprises(current_user)
    with Attempt(
        form=form, success=_("Your copy is being prepared. We will tell you when it is ready.")
    ) as outcome:
        if not form.validate_on_submit():
            abort(400)
        services.request_copy(
            requester=current_user, enterprise=_enterprise_from(form.enterprise.data, behalf)
        )
    if outcome.ok:
        return redirect(url_for("privacy.my_data"))
    return _my_data(copy_form=form)


@bp.post("/data-saya/correction")
def request_correction():
    form = CorrectionForm()
    owned = permissions.own_enterprises(current_user)
    with Attempt(form=form, success=_("Your correction request was sent.")) as outcome:
        if not form.validate_on_submit():
            abort(400)
        services.request_correction(
            requester=current_user,
            enterprise=_enterprise_from(form.enterprise.data, owned),
            topic=form.topic.data or "",
            details=form.details.data or "",
        )
    if outcome.ok:
        return redirect(url_for("privacy.my_data"))
    return _my_data(correction_form=form)


@bp.get("/data-saya/copy/<int:request_id>/<token>")
def download(request_id: int, token: str):
    rights_request = services.get_request(request_id)
    if rights_request.requester_id != current_user.id or rights_request.kind != "access":
        abort(404)
    state = export.check_download_token(rights_request, token)
    if state == "bad":
        abort(404)
    if state == "expired":
        return render_template("privacy/expired.html"), 410
    return send_stored_file(
        rights_request.export_key,
        mime="application/zip",
        filename=f"temumodal-data-{rights_request.id}.zip",
        attachment=True,
    )


def _answer_page(rights_request, form, status=200):
    return render_template(
        "privacy/answer.html",
        item=rights_request,
        form=form,
        can_answer=permissions.can_answer(current_user, rights_request),
        now=utcnow(),
        **_labels(),
    ), status


@bp.route("/data-saya/requests/<int:request_id>", methods=["GET", "POST"])
def answer(request_id: int):
    rights_request = services.get_request(request_id)
    if not permissions.can_view(current_user, rights_request):
        abort(404)
    form = AnswerForm()
    if request.method == "GET":
        return _answer_page(rights_request, form)
    with Attempt(form=form, success=_("Your answer was recorded.")) as outcome:
        if not form.validate_on_submit():
            abort(400)
        services.answer_request(
            actor=current_user,
            request=rights_request,
            decision=form.decision.data or "",
            answer=form.answer.data or "",
        )
    if outcome.ok:
        return redirect(url_for("privacy.answer", request_id=request_id))
    return _answer_page(rights_request, form, form_status(form))


# --- the admin queue ---------------------------------------------------------------------
@bp.get("/admin/privacy")
def admin_queue():
    if not permissions.can_administer(current_user):
        abort(403)
    status = request.args.get("status")
    status = status if status in ("open", "answered") else None
    return render_template(
        "privacy/admin_queue.html",
        items=services.queue(status=status),
        status=status,
        now=utcnow(),
        **_labels(),
    )


@bp.post("/admin/privacy/<int:request_id>/rebuild")
def rebuild(request_id: int):
    if not permissions.can_administer(current_user):
        abort(403)
    rights_request = services.get_request(request_id)
    form = ActionForm()
    with Attempt(success=_("The copy is being built again.")):
        if not form.validate_on_submit():
            abort(400)
        services.rebuild_copy(actor=current_user, request=rights_request)
    return redirect(url_for("privacy.admin_queue"))
