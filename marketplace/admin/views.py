from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from marketplace import permissions
from marketplace.accounts import services as account_services
from marketplace.accounts.models import Organisation, User
from marketplace.audit import AuditEvent
from marketplace.extensions import db
from marketplace.forms import ActionForm, Attempt
from marketplace.web import page_number

bp = Blueprint("admin", __name__)
PER_PAGE = 50


@bp.before_request
@login_required
def require_admin():
    if not permissions.is_admin(current_user):
        abort(403)
    g.personal_data = True


@bp.get("/organisations")
def organisations():
    kind = request.args.get("kind") or None
    query = select(Organisation).where(Organisation.kind != "platform")
    if kind:
        query = query.where(Organisation.kind == kind)
    if request.args.get("unverified"):
        query = query.where(Organisation.verified_at.is_(None))
    rows = db.session.scalars(
        query.order_by(Organisation.verified_at.is_not(None), Organisation.name).limit(500)
    ).all()
    return render_template(
        "admin/organisations.html", organisations=rows, kind=kind, action_form=ActionForm()
    )


@bp.post("/organisations/<int:organisation_id>/verify")
def verify(organisation_id: int):
    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    if ActionForm().validate_on_submit():
        if request.form.get("undo"):
            account_services.unverify_organisation(admin=current_user, organisation=organisation)
        else:
            account_services.verify_organisation(admin=current_user, organisation=organisation)
        db.session.commit()
        flash(_("Saved."), "success")
    return redirect(url_for("admin.organisations"))


@bp.get("/users")
def users():
    total = db.session.scalar(select(func.count()).select_from(User))
    pages = max((total + PER_PAGE - 1) // PER_PAGE, 1)
    page = page_number(pages=pages)
    rows = db.session.scalars(
        select(User).order_by(User.id).limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    ).all()
    return render_template(
        "admin/users.html",
        users=rows,
        page=page,
        pages=pages,
        action_form=ActionForm(),
    )


@bp.post("/users/<int:user_id>/active")
def set_active(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    if ActionForm().validate_on_submit():
        with Attempt(success=_("Saved.")):
            account_services.set_user_active(
                admin=current_user, user=user, active=request.form.get("active") == "1"
            )
    return redirect(url_for("admin.users"))


@bp.get("/audit")
def audit_log():
    page = page_number()
    rows = db.session.scalars(
        select(AuditEvent)
        .order_by(AuditEvent.id.desc())
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    return render_template("admin/audit.html", events=rows, page=page)


@bp.get("/jobs")
def failed_jobs():
    from marketplace.jobs import admin as jobs_admin

    return render_template(
        "admin/jobs.html", report=jobs_admin.failed_jobs_report(), action_form=ActionForm()
    )


@bp.post("/jobs/<job_id>/retry")
def retry_job(job_id: str):
    from marketplace.jobs import admin as jobs_admin

    if ActionForm().validate_on_submit():
        with Attempt(success=_("The job is back on the queue.")):
            jobs_admin.retry_failed_job(admin=current_user, job_id=job_id)
    return redirect(url_for("admin.failed_jobs"))


@bp.post("/jobs/<job_id>/delete")
def delete_job(job_id: str):
    from marketplace.jobs import admin as jobs_admin

    if ActionForm().validate_on_submit():
        with Attempt(success=_("The job was deleted.")):
            jobs_admin.delete_failed_job(admin=current_user, job_id=job_id)
    return redirect(url_for("admin.failed_jobs"))
