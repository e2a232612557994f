"""Deleting an account (and a phone-only owner's profile, by their facilitator), and cancelling
through the mailed link: marketplace.privacy.deletion_requests."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired

from marketplace import formatting
from marketplace.accounts import passwords, sessions
from marketplace.forms import ActionForm, Attempt, form_status
from marketplace.privacy import deletion_requests
from marketplace.profiles import enterprises as enterprise_services
from marketplace.profiles.access import enterprise_or_404
from marketplace.profiles.models import Enterprise

bp = Blueprint("erasure", __name__)


class DeletionForm(FlaskForm):
    confirm = BooleanField(
        _l("I understand: this cannot be undone after 72 hours."),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )
    password = PasswordField(
        _l("Your password"), validators=[DataRequired(_l("Type your password to confirm."))]
    )

    def validate_for(self, user) -> bool:
        """`validate()`, with the password checked even when the box is not ticked, so both
        problems are reported at once (the service checks it again before deleting)."""
        valid = self.validate_on_submit()
        if not valid and self.password.data and not self.password.errors:
            if not passwords.verify_password(user.password_hash, self.password.data):
                self.password.errors = [*self.password.errors, _l("The password is not correct.")]
        return valid


def _not_admin() -> None:
    if current_user.role not in deletion_requests.ROLES:
        abort(403)


def _account_page(form: DeletionForm):
    g.personal_data = True
    enterprise = enterprise_services.enterprise_of(current_user)
    return render_template(
        "privacy/delete.html",
        form=form,
        enterprise=enterprise,
        period_hours=int(deletion_requests.PENDING_PERIOD.total_seconds() // 3600),
        on_behalf=deletion_requests.phone_only_enterprises(current_user),
    ), form_status(form)


@bp.get("/privacy/delete")
@login_required
def account():
    _not_admin()
    return _account_page(DeletionForm(formdata=None))


@bp.post("/privacy/delete")
@login_required
def request_account():
    _not_admin()
    form = DeletionForm()
    user = current_user._get_current_object()
    if form.validate_for(user):
        with Attempt(form=form) as outcome:
            deletion = deletion_requests.request_deletion(user=user, password=form.password.data)
        if outcome.ok:
            sessions.log_out()
            flash(
                _(
                    "Deletion requested: your account is blocked and will be deleted on %(due)s"
                    ". We e-mailed you a link to cancel before then.",
                    due=formatting.datetime(deletion.due_at),
                ),
                "success",
            )
            return redirect(url_for("accounts.login"))
    return _account_page(form)


def _may_ask_on_behalf(user, enterprise: Enterprise) -> bool:
    return not deletion_requests.is_erased(enterprise) and deletion_requests.may_request_for(
        user, enterprise
    )


def _behalf_or_error(enterprise_id: int) -> Enterprise:
    return enterprise_or_404(enterprise_id, edit=True, may_edit=_may_ask_on_behalf)


def _behalf_page(enterprise: Enterprise, form: DeletionForm):
    return render_template(
        "privacy/delete_enterprise.html",
        form=form,
        enterprise=enterprise,
        pending=deletion_requests.pending_for_enterprise(enterprise),
        period_hours=int(deletion_requests.PENDING_PERIOD.total_seconds() // 3600),
    ), form_status(form)


@bp.get("/privacy/delete/enterprises/<int:enterprise_id>")
@login_required
def enterprise(enterprise_id: int):
    return _behalf_page(_behalf_or_error(enterprise_id), DeletionForm(formdata=None))


@bp.post("/privacy/delete/enterprises/<int:enterprise_id>")
@login_required
def request_enterprise(enterprise_id: int):
    enterprise = _behalf_or_error(enterprise_id)
    form = DeletionForm()
    if form.validate_on_submit():
        with Attempt(form=form) as outcome:
            deletion = deletion_requests.request_enterprise_deletion(
                actor=current_user, enterprise=enterprise, password=form.password.data
            )
        if outcome.ok:
            flash(
                _(
                    "Deletion requested on the owner's behalf: the profile is hidden and will be"
                    " deleted on %(due)s. We e-mailed you a link to cancel before then.",
                    due=formatting.datetime(deletion.due_at),
                ),
                "success",
            )
            return redirect(url_for("erasure.enterprise", enterprise_id=enterprise.id))
    return _behalf_page(enterprise, form)


@bp.get("/privacy/delete/cancel/<token>")
def cancel(token: str):
    deletion = deletion_requests.open_cancel_link(token)
    return render_template(
        "privacy/delete_cancel.html", deletion=deletion, token=token, form=ActionForm()
    )


@bp.post("/privacy/delete/cancel/<token>")
def cancel_confirmed(token: str):
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    with Attempt(success=_("Deletion cancelled: nothing will be deleted.")) as outcome:
        deletion = deletion_requests.cancel_deletion(token=token)
    if outcome.ok and deletion.user_id is not None:
        return redirect(url_for("accounts.login"))
    return redirect(url_for("accounts.home"))
