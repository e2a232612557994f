"""The user's notifications page and "mark all as read"."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user, login_required

from marketplace.extensions import db
from marketplace.forms import ActionForm
from marketplace.notifications import services

bp = Blueprint("notifications", __name__)


@bp.get("/notifications")
@login_required
def index():
    return render_template(
        "notifications/index.html",
        notifications=services.latest_for(current_user),
        text=services.text_of,
        action_form=ActionForm(),
    )


@bp.post("/notifications/read")
@login_required
def mark_read():
    if not ActionForm().validate_on_submit():
        abort(400)
    services.mark_all_read(user=current_user)
    db.session.commit()
    return redirect(url_for("notifications.index"))
