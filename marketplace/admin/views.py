from __future__ import annotations

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_babel import format_number
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from marketplace import permissions
from marketplace.accounts import administration as account_administration
from marketplace.accounts.models import Organisation, User
from marketplace.admin import services
from marketplace.extensions import db
from marketplace.forms import ActionForm, Attempt, DayField, form_status, pressed, submitted
from marketplace.web import page_number, require_permission

bp = Blueprint("admin", __name__)
PER_PAGE = 50


@bp.before_request
@login_required
def require_admin():
    require_permission(permissions.is_admin)
    g.personal_data = True


class RejectForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason (sent to the organisation)"),
        validators=[
            DataRequired(_l("Say why, in words the organisation can act on.")),
            Length(max=2000),
        ],
    )


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    person = StringField(_l("Person (name or e-mail)"), validators=[Optional(), Length(max=120)])
    action = SelectField(_l("Action"), validators=[Optional()], validate_choice=False)
    date_from = DayField(_l("From (WIB)"), validators=[Optional()])
    date_to = DayField(_l("To (WIB)"), validators=[Optional()])


class UserSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Name, e-mail or organisation"), validators=[Optional(), Length(max=120)])


def _organisations_page(reject_forms=None):
    kind = request.args.get("kind") or None
    query = select(Organisation).where(Organisation.kind != "platform")
    if kind:
        query = query.where(Organisation.kind == kind)
    rows = db.session.scalars(
        query.order_by(Organisation.verified_at.is_not(None), Organisation.name).limit(500)
    ).all()
    queue = services.verification_queue()
    reject_forms = reject_forms or {}
    return render_template(
        "admin/organisations.html",
        queue=queue,
        reject_forms={
            item.organisation.id: reject_forms.get(item.organisation.id)
            or RejectForm(prefix=f"r{item.organisation.id}", formdata=None)
            for item in queue
        },
        organisations=rows,
        kind=kind,
        action_form=ActionForm(),
    ), form_status(*reject_forms.values())


@bp.get("/organisations")
def organisations():
    return _organisations_page()


@bp.post("/organisations/<int:organisation_id>/verify")
def verify(organisation_id: int):
    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    if ActionForm().validate_on_submit():
        with Attempt(success=_("Saved.")):
            if request.form.get("undo"):
                account_administration.unverify_organisation(
                    admin=current_user, organisation=organisation
                )
            else:
                account_administration.verify_organisation(
                    admin=current_user, organisation=organisation
                )
    return redirect(url_for("admin.organisations"))


@bp.post("/organisations/<int:organisation_id>/reject")
def reject(organisation_id: int):
    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    form = RejectForm(prefix=f"r{organisation.id}")
    done = submitted(
        form,
        lambda: account_administration.reject_organisation(
            admin=current_user, organisation=organisation, reason=form.reason.data
        ),
        success=_("%(name)s was told why it is not verified.", name=organisation.name),
        then=url_for("admin.organisations"),
    )
    return done or _organisations_page({organisation.id: form})


@bp.get("/users")
def users():
    form = UserSearchForm(request.args)
    text = (form.q.data or "") if form.validate() else ""
    page = page_number()
    rows, total = services.search_users(text, page=page, per_page=PER_PAGE)
    pages = max((total + PER_PAGE - 1) // PER_PAGE, 1)
    return render_template(
        "admin/users.html",
        users=rows,
        total=total,
        page=min(page, pages),
        pages=pages,
        form=form,
        query=text,
        action_form=ActionForm(),
    )


@bp.post("/users/<int:user_id>/active")
def set_active(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    return pressed(
        lambda: account_administration.set_user_active(
            admin=current_user, user=user, active=request.form.get("active") == "1"
        ),
        success=_("Saved."),
        then=url_for("admin.users"),
    )


@bp.get("/audit")
def audit_log():
    form = AuditFilterForm(request.args)
    actions = services.audit_actions()
    form.action.choices = [("", _("Every action"))] + [
        (code, services.action_label(code)) for code in actions
    ]
    valid = form.validate()
    filters = (
        services.AuditFilters(
            person=form.person.data or "",
            action=form.action.data or "",
            date_from=form.date_from.data,
            date_to=form.date_to.data,
        )
        if valid
        else services.AuditFilters()
    )
    page = page_number()
    rows, total = services.audit_page(filters, page=page, per_page=PER_PAGE)
    pages = max((total + PER_PAGE - 1) // PER_PAGE, 1)
    params = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "admin/audit.html",
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        form=form,
        params=params,
        action_label=services.action_label,
    ), 200 if valid else 422


@bp.get("/statistics")
def statistics():
    return render_template("admin/statistics.html", stats=services.collect_stats())


@bp.app_template_filter("num")
def _number(value: int) -> str:
    """A count in the reader's locale (`1.234` in Indonesian, `1,234` in English)."""
    return format_number(value)


@bp.get("/jobs")
def failed_jobs():
    from marketplace.jobs import admin as jobs_admin

    return render_template(
        "admin/jobs.html", report=jobs_admin.failed_jobs_report(), action_form=ActionForm()
    )


@bp.post("/jobs/<job_id>/retry")
def retry_job(job_id: str):
    from marketplace.jobs import admin as jobs_admin

    return pressed(
        lambda: jobs_admin.retry_failed_job(admin=current_user, job_id=job_id),
        success=_("The job is back on the queue."),
        then=url_for("admin.failed_jobs"),
    )


@bp.post("/jobs/<job_id>/delete")
def delete_job(job_id: str):
    from marketplace.jobs import admin as jobs_admin

    return pressed(
        lambda: jobs_admin.delete_failed_job(admin=current_user, job_id=job_id),
        success=_("The job was deleted."),
        then=url_for("admin.failed_jobs"),
        confirm=True,
    )
