"""The user's notifications page, opening one, "mark all as read" and the settings per kind."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.extensions import db
from marketplace.forms import ActionForm, Attempt, form_status
from marketplace.notifications import forms, services

bp = Blueprint("notifications", __name__)


@bp.get("/notifications")
@login_required
def index():
    return render_template(
        "notifications/index.html",
        days=services.by_day(services.latest_for(current_user)),
        text=services.text_of,
        action_form=ActionForm(),
    )


@bp.get("/notifications/<int:notification_id>")
@login_required
def open_one(notification_id: int):
    notice = services.open_notification(user=current_user, notification_id=notification_id)
    db.session.commit()
    # Links are paths the services wrote ("/meetings/7"); anything else goes to the list.
    link = notice.link or ""
    if not link.startswith("/") or link.startswith("//"):
        return redirect(url_for("notifications.index"))
    return redirect(link)


@bp.post("/notifications/read")
@login_required
def mark_read():
    if not ActionForm().validate_on_submit():
        abort(400)
    services.mark_all_read(user=current_user)
    db.session.commit()
    return redirect(url_for("notifications.index"))


@bp.route("/notifications/settings", methods=["GET", "POST"])
@login_required
def settings():
    role = current_user.role
    form = forms.settings_form(
        role=role,
        current=services.settings_of(current_user),
        formdata=request.form if request.method == "POST" else None,
    )
    if form.validate_on_submit():
        with Attempt(form=form, success=_("Your notification settings are saved.")) as outcome:
            services.save_settings(user=current_user, choices=forms.chosen(form, role=role))
        if outcome.ok:
            return redirect(url_for("notifications.settings"))
    return render_template(
        "notifications/settings.html", form=form, kinds=services.kinds_for(role)
    ), form_status(form)
