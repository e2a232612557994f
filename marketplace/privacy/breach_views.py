"""Admin pages for personal data breaches: record an incident, see who is affected, send the
notices (marketplace.privacy.breach)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from marketplace import permissions
from marketplace.extensions import db
from marketplace.forms import Attempt, MomentField, MultiCheckboxField, confirmed, form_status
from marketplace.matching.meetings import local_to_utc
from marketplace.models import utcnow
from marketplace.privacy import breach
from marketplace.privacy.consent_models import BreachIncident

bp = Blueprint("breach", __name__)
REQUIRED = _l("Fill in this field.")
TIME_ERROR = _l("Give a date and time, for example 2026-12-01 14:30.")


def _time(label):
    return MomentField(label, validators=[DataRequired(TIME_ERROR)])


class IncidentForm(FlaskForm):
    title = StringField(_l("Short title"), validators=[DataRequired(REQUIRED), Length(max=200)])
    data_kinds = MultiCheckboxField(_l("Personal data disclosed"), validators=[Optional()])
    occurred_from = _time(_l("Exposed from (WIB)"))
    occurred_until = _time(_l("Exposed until (WIB)"))
    discovered_at = _time(_l("Discovered at (WIB)"))
    how_discovered = TextAreaField(
        _l("How it was discovered"), validators=[DataRequired(REQUIRED), Length(max=4000)]
    )
    what_happened = TextAreaField(
        _l("What happened: how the data was disclosed"),
        validators=[DataRequired(REQUIRED), Length(max=4000)],
    )
    handling = TextAreaField(
        _l("What was done: handling and recovery"),
        validators=[DataRequired(REQUIRED), Length(max=4000)],
    )
    enterprise_ids = StringField(
        _l("Only these enterprises (numbers, separated by commas; empty: all)"),
        validators=[Optional(), Length(max=2000)],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.data_kinds.choices = [(k, label) for k, (label, _scope) in breach.DATA_KINDS.items()]


class AgencyForm(FlaskForm):
    email = StringField(
        _l("The agency's e-mail address"),
        validators=[DataRequired(_l("Give the agency's e-mail address.")), Length(max=254)],
    )


@bp.before_request
@login_required
def require_admin():
    if not permissions.is_admin(current_user):
        abort(403)
    g.personal_data = True


def _ids(text: str | None) -> list[int] | None:
    """The enterprise numbers typed, or None when one is not a number."""
    parts = [p.strip().lstrip("#") for p in (text or "").replace(";", ",").split(",")]
    parts = [p for p in parts if p]
    return [int(p) for p in parts] if all(p.isdigit() for p in parts) else None


@bp.get("/breaches")
def incidents():
    rows = db.session.scalars(select(BreachIncident).order_by(BreachIncident.id.desc())).all()
    return render_template(
        "privacy/breaches.html", incidents=rows, deadline=breach.deadline, now=utcnow()
    )


@bp.route("/breaches/new", methods=["GET", "POST"])
def new_incident():
    form = IncidentForm()
    if form.validate_on_submit():
        ids = _ids(form.enterprise_ids.data)
        if ids is None:
            form.enterprise_ids.errors = [str(_l("Give numbers separated by commas."))]
        else:
            with Attempt(form=form, success=_("The incident is recorded.")) as outcome:
                incident = breach.record_incident(
                    actor=current_user,
                    title=form.title.data,
                    data_kinds=form.data_kinds.data or [],
                    occurred_from=local_to_utc(form.occurred_from.data),
                    occurred_until=local_to_utc(form.occurred_until.data),
                    discovered_at=local_to_utc(form.discovered_at.data),
                    how_discovered=form.how_discovered.data,
                    what_happened=form.what_happened.data,
                    handling=form.handling.data,
                    enterprise_ids=ids,
                )
            if outcome.ok:
                return redirect(url_for("breach.incident", incident_id=incident.id))
    return render_template("privacy/breach_new.html", form=form), form_status(form)


def _incident_or_404(incident_id: int) -> BreachIncident:
    incident = db.session.get(BreachIncident, incident_id)
    if incident is None:
        abort(404)
    return incident


def _incident_page(incident: BreachIncident, agency_form: AgencyForm | None = None):
    found = breach.affected(incident)
    person_subject, person_body = breach.person_notice(incident, name="[nama]")
    agency_subject, agency_body = breach.agency_notice(
        incident, people=len(found.people), without_account=len(found.without_account)
    )
    return render_template(
        "privacy/breach.html",
        incident=incident,
        found=found,
        deadline=breach.deadline(incident),
        now=utcnow(),
        kinds=breach.DATA_KINDS,
        person_notice=(person_subject, person_body),
        agency_notice=(agency_subject, agency_body),
        agency_form=agency_form
        or AgencyForm(formdata=None, email=current_app.config["PRIVACY_AGENCY_EMAIL"]),
    ), form_status(agency_form) if agency_form else 200


@bp.get("/breaches/<int:incident_id>")
def incident(incident_id: int):
    return _incident_page(_incident_or_404(incident_id))


@bp.post("/breaches/<int:incident_id>/notify-people")
def notify_people(incident_id: int):
    incident = _incident_or_404(incident_id)
    if confirmed():
        with Attempt() as outcome:
            sent = breach.notify_people(actor=current_user, incident=incident)
        if outcome.ok:
            flash(_("%(count)s notices queued for sending.", count=sent), "success")
    return redirect(url_for("breach.incident", incident_id=incident.id))


@bp.post("/breaches/<int:incident_id>/notify-agency")
def notify_agency(incident_id: int):
    incident = _incident_or_404(incident_id)
    form = AgencyForm()
    if form.validate_on_submit():
        with Attempt(form=form, success=_("The notice to the agency is queued.")) as outcome:
            breach.notify_agency(actor=current_user, incident=incident, email=form.email.data)
        if outcome.ok:
            return redirect(url_for("breach.incident", incident_id=incident.id))
    return _incident_page(incident, form)
