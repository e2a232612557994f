"""The consents page: each purpose with its own switch and history, for the owner and for the
facilitator acting on the owner's behalf (recorded as such)."""

from __future__ import annotations

from flask import Blueprint, abort, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import AnyOf, DataRequired

from marketplace.extensions import db
from marketplace.forms import Attempt, form_status
from marketplace.notifications import kinds as notification_kinds
from marketplace.privacy import consent
from marketplace.profiles import consents, permissions
from marketplace.profiles.models import Enterprise

bp = Blueprint("consent", __name__)

CHOICE_ERROR = _l("Choose one of the options offered.")


class ConsentForm(FlaskForm):
    purpose = HiddenField(
        validators=[DataRequired(CHOICE_ERROR), AnyOf(consents.PURPOSES, CHOICE_ERROR)]
    )
    granted = HiddenField(validators=[DataRequired(CHOICE_ERROR), AnyOf(("1", "0"), CHOICE_ERROR)])


def _editable_or_404(enterprise_id: int) -> Enterprise:
    enterprise = db.session.get(Enterprise, enterprise_id)
    if enterprise is None or not permissions.can_edit_enterprise(current_user, enterprise):
        abort(404)
    g.personal_data = True
    return enterprise


@bp.get("/privacy/consents")
@login_required
def overview():
    g.personal_data = True
    by_email, kinds = consent.email_kinds(current_user)
    return render_template(
        "privacy/consents.html",
        enterprises=consent.enterprises_of(current_user),
        by_email=by_email,
        kinds=kinds,
        email_history=consent.email_history(current_user),
        kind_labels=notification_kinds.KIND_LABELS,
        labels=consent.PURPOSE_LABELS,
    )


def _enterprise_page(enterprise: Enterprise, form: ConsentForm | None = None):
    return render_template(
        "privacy/enterprise_consents.html",
        enterprise=enterprise,
        states=consents.current(enterprise),
        history=consent.history(enterprise),
        labels=consent.PURPOSE_LABELS,
        bases=consent.BASIS_LABELS,
        form=form or ConsentForm(formdata=None),
        on_behalf=not permissions.is_owner_of(current_user, enterprise),
    ), form_status(form) if form else 200


@bp.get("/privacy/consents/enterprises/<int:enterprise_id>")
@login_required
def enterprise_consents(enterprise_id: int):
    return _enterprise_page(_editable_or_404(enterprise_id))


@bp.post("/privacy/consents/enterprises/<int:enterprise_id>")
@login_required
def change(enterprise_id: int):
    enterprise = _editable_or_404(enterprise_id)
    form = ConsentForm()
    if form.validate_on_submit():
        granted = form.granted.data == "1"
        message = _("Consent given.") if granted else _("Consent withdrawn: it applies at once.")
        with Attempt(form=form, success=message) as outcome:
            consent.change_consent(
                actor=current_user,
                enterprise=enterprise,
                purpose=form.purpose.data,
                granted=granted,
            )
        if outcome.ok:
            return redirect(url_for("consent.enterprise_consents", enterprise_id=enterprise.id))
    return _enterprise_page(enterprise, form)
