from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from marketplace import security
from marketplace.accounts import sessions
from marketplace.accounts.forms import InvitationForm
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.forms import ActionForm, Attempt, field_values, form_status, submitted
from marketplace.profiles import permissions as profile_permissions
from marketplace.profiles.access import enterprise_or_404
from marketplace.profiles.models import Enterprise
from marketplace.programmes import forms, groups, handover, permissions, services
from marketplace.programmes.access import programme_or_404
from marketplace.programmes.models import BusinessGroup, Cohort, Enrolment, Programme
from marketplace.web import require_permission, require_role, visible_or_404

bp = Blueprint("programmes", __name__)


# --- attestations ------------------------------------------------------------------------------
@bp.post("/enterprises/<int:enterprise_id>/attest/<item_code>")
@login_required
def attest(enterprise_id: int, item_code: str):
    enterprise = enterprise_or_404(enterprise_id)
    require_permission(permissions.can_attest, enterprise)
    form = forms.AttestForm()
    if form.validate_on_submit():
        with Attempt(success=_("Saved.")):
            if request.form.get("withdraw"):
                services.withdraw_attestation(
                    facilitator=current_user, enterprise=enterprise, item_code=item_code
                )
            else:
                services.attest_item(
                    facilitator=current_user,
                    enterprise=enterprise,
                    item_code=item_code,
                    note=form.note.data,
                )
    return redirect(url_for("profiles.readiness", enterprise_id=enterprise.id))


# --- hand-over -------------------------------------------------------------------------------
@bp.post("/enterprises/<int:enterprise_id>/invitation")
@login_required
def invite_owner(enterprise_id: int):
    enterprise = enterprise_or_404(enterprise_id)
    require_permission(profile_permissions.is_facilitator_of, enterprise)
    if not ActionForm().validate_on_submit():
        abort(400)
    with Attempt() as outcome:
        token = handover.create_invitation(facilitator=current_user, enterprise=enterprise)
    if not outcome.ok:
        return redirect(url_for("profiles.profile", enterprise_id=enterprise.id))
    link = url_for("programmes.accept_invitation", token=token, _external=True)
    g.personal_data = True
    return render_template("programmes/invitation_link.html", enterprise=enterprise, link=link)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    g.personal_data = True
    try:
        invitation = handover.find_invitation(token)
    except DomainError as error:
        return render_template("programmes/invitation_invalid.html", message=error.message), 404
    form = InvitationForm()
    if form.validate_on_submit():
        with Attempt(form=form) as outcome:
            user = handover.accept_invitation(
                token=token,
                email=form.email.data,
                name=form.name.data,
                password=form.password.data,
                locale=security.select_locale(),
            )
        if outcome.ok:
            return sessions.log_in_then(
                user,
                url_for("profiles.edit", enterprise_id=invitation.enterprise_id),
                welcome=_("Welcome! This profile is yours now."),
            )
    return render_template(
        "programmes/invitation_accept.html", form=form, enterprise=invitation.enterprise
    ), form_status(form)


# --- programmes and cohorts ------------------------------------------------------------------
def _cohort(cohort_id: int) -> Cohort:
    require_role("facilitator")
    cohort = visible_or_404(Cohort, cohort_id)
    programme_or_404(cohort.programme_id)
    return cohort


@bp.route("/programmes/new", methods=["GET", "POST"])
@login_required
def new_programme():
    require_role("facilitator")
    form = forms.ProgrammeForm()
    done = submitted(
        form,
        lambda: services.create_programme(
            facilitator=current_user, **field_values(form, "name", "description", "donor")
        ),
        then=lambda programme: url_for("programmes.programme", programme_id=programme.id),
    )
    return done or (
        render_template("programmes/programme_form.html", form=form),
        form_status(form),
    )


@bp.get("/programmes/<int:programme_id>")
@login_required
def programme(programme_id: int):
    programme = programme_or_404(programme_id)
    return _programme_page(programme)


def _programme_page(programme: Programme, *, group_form=None, priority_form=None):
    groups_of = db.session.scalars(
        select(BusinessGroup)
        .where(BusinessGroup.programme_id == programme.id)
        .order_by(BusinessGroup.name)
    ).all()
    priority = groups.priority_regencies([programme.id])
    priority_form = priority_form or forms.PriorityAreasForm(
        formdata=None, data={"regency_codes": priority}
    )
    group_form = group_form or forms.GroupForm(formdata=None)
    return render_template(
        "programmes/programme.html",
        programme=programme,
        groups=groups_of,
        priority=priority,
        group_form=group_form,
        priority_form=priority_form,
    ), form_status(group_form, priority_form)


# --- business groups and priority areas --------------------------------------------------------
def _group(group_id: int) -> BusinessGroup:
    require_role("facilitator")
    group = visible_or_404(BusinessGroup, group_id)
    programme_or_404(group.programme_id)
    return group


@bp.post("/programmes/<int:programme_id>/groups")
@login_required
def new_group(programme_id: int):
    programme = programme_or_404(programme_id)
    form = forms.GroupForm()
    done = submitted(
        form,
        lambda: groups.create_group(
            actor=current_user,
            programme=programme,
            kind=form.kind.data,
            name=form.name.data,
            regency_code=form.regency_code.data or None,
        ),
        then=lambda group: url_for("programmes.group", group_id=group.id),
    )
    return done or _programme_page(programme, group_form=form)


@bp.post("/programmes/<int:programme_id>/priority-areas")
@login_required
def priority_areas(programme_id: int):
    programme = programme_or_404(programme_id)
    form = forms.PriorityAreasForm()
    done = submitted(
        form,
        lambda: groups.set_priority_areas(
            actor=current_user, programme=programme, regency_codes=form.regency_codes.data
        ),
        success=_("Saved."),
        then=url_for("programmes.programme", programme_id=programme.id),
    )
    return done or _programme_page(programme, priority_form=form)


@bp.get("/groups/<int:group_id>")
@login_required
def group(group_id: int):
    return _group_page(_group(group_id))


def _group_page(group: BusinessGroup, *, member_form=None):
    g.personal_data = True
    form = member_form or forms.MemberForm(formdata=None)
    form.enterprise_id.choices = [
        (e.id, e.name) for e in groups.candidate_members(actor=current_user, group=group)
    ]
    profile = groups.group_profile(viewer=current_user, group=group, today=dt.date.today())
    return render_template(
        "programmes/group.html",
        group=group,
        profile=profile,
        member_form=form,
        action_form=ActionForm(),
    ), form_status(form)


@bp.post("/groups/<int:group_id>/members")
@login_required
def add_group_member(group_id: int):
    group = _group(group_id)
    form = forms.MemberForm()
    form.enterprise_id.choices = [
        (e.id, e.name) for e in groups.candidate_members(actor=current_user, group=group)
    ]
    done = submitted(
        form,
        lambda: groups.add_member(
            actor=current_user,
            group=group,
            enterprise=db.session.get(Enterprise, form.enterprise_id.data),
        ),
        success=_("Saved."),
        then=url_for("programmes.group", group_id=group.id),
    )
    return done or _group_page(group, member_form=form)


@bp.post("/groups/<int:group_id>/members/<int:enterprise_id>/remove")
@login_required
def remove_group_member(group_id: int, enterprise_id: int):
    group = _group(group_id)
    if not any(m.enterprise_id == enterprise_id for m in group.members):
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    with Attempt(success=_("Removed.")):
        groups.remove_member(actor=current_user, group=group, enterprise_id=enterprise_id)
    return redirect(url_for("programmes.group", group_id=group.id))


@bp.route("/programmes/<int:programme_id>/cohorts/new", methods=["GET", "POST"])
@login_required
def new_cohort(programme_id: int):
    programme = programme_or_404(programme_id)
    form = forms.CohortForm()
    done = submitted(
        form,
        lambda: services.create_cohort(
            facilitator=current_user,
            programme=programme,
            **field_values(form, "name", "province_code", "regency_code", "starts_on", "ends_on"),
        ),
        then=lambda cohort: url_for("programmes.cohort", cohort_id=cohort.id),
    )
    return done or (
        render_template("programmes/cohort_form.html", form=form, programme=programme),
        form_status(form),
    )


@bp.route("/cohorts/<int:cohort_id>", methods=["GET", "POST"])
@login_required
def cohort(cohort_id: int):
    cohort = _cohort(cohort_id)
    g.personal_data = True
    enrol_form = forms.EnrolByEmailForm(prefix="enrol")
    behalf_form = forms.OnBehalfForm(prefix="behalf")
    if request.method == "POST":
        if "enrol-email" in request.form and enrol_form.validate_on_submit():
            # The same answer whether or not the address has an owner account.
            services.enrol_by_email(
                facilitator=current_user, cohort=cohort, email=enrol_form.email.data
            )
            db.session.commit()
            flash(
                _(
                    "Invitation sent if an enterprise owner has this e-mail address. The"
                    " enterprise appears here once its owner accepts."
                ),
                "success",
            )
            if not current_user.organisation.is_verified:
                flash(
                    _(
                        "Your organisation is not verified yet: invitations to owners wait"
                        " until an administrator verifies it."
                    ),
                    "info",
                )
            return redirect(url_for("programmes.cohort", cohort_id=cohort.id))
        elif "behalf-name" in request.form:
            done = submitted(
                behalf_form,
                lambda: services.create_enterprise_on_behalf(
                    facilitator=current_user,
                    cohort=cohort,
                    **field_values(behalf_form, "name", "owner_name", "owner_phone"),
                ),
                success=_("Profile created. Fill it in with the owner."),
                then=lambda enterprise: url_for("profiles.edit", enterprise_id=enterprise.id),
            )
            if done:
                return done
    status = form_status(enrol_form, behalf_form)
    return render_template(
        "programmes/cohort.html",
        cohort=cohort,
        enrol_form=enrol_form,
        behalf_form=behalf_form,
        status_form=forms.EnrolmentStatusForm(),
    ), status


@bp.post("/enrolments/<int:enrolment_id>/status")
@login_required
def enrolment_status(enrolment_id: int):
    require_role("facilitator")
    enrolment = visible_or_404(Enrolment, enrolment_id)
    _cohort(enrolment.cohort_id)
    form = forms.EnrolmentStatusForm()
    if form.validate_on_submit():
        services.set_enrolment_status(
            facilitator=current_user, enrolment=enrolment, status=form.status.data
        )
        db.session.commit()
        flash(_("Saved."), "success")
    return redirect(url_for("programmes.cohort", cohort_id=enrolment.cohort_id))


# --- the owner's consent to programmes ---------------------------------------------------------
@bp.get("/account/programmes")
@login_required
def my_programmes():
    require_role("owner")
    g.personal_data = True
    return render_template(
        "programmes/my_programmes.html",
        invitations=services.invitations_for(current_user),
        programmes=services.programmes_for(current_user),
        consent_form=ActionForm(),
    )


@bp.post("/enrolments/<int:enrolment_id>/consent")
@login_required
def answer_enrolment(enrolment_id: int):
    enrolment = visible_or_404(Enrolment, enrolment_id, permissions.can_answer_enrolment)
    if not ActionForm().validate_on_submit():
        abort(400)
    answer = request.form.get("answer")
    if answer == "leave" and not request.form.get("confirm"):
        flash(_("Tick the box to confirm that you leave the programme."), "error")
        return redirect(url_for("programmes.my_programmes"))
    done = {
        "accept": _("You accepted: the programme's facilitators can help you now."),
        "decline": _("You declined the invitation."),
        "leave": _("You left the programme: its facilitators cannot act for you any more."),
    }
    if answer not in done:
        abort(400)
    with Attempt(success=done[answer]):
        if answer == "leave":
            services.leave_programme(owner=current_user, enrolment=enrolment)
        else:
            services.answer_invitation(
                owner=current_user, enrolment=enrolment, accept=answer == "accept"
            )
    return redirect(url_for("programmes.my_programmes"))
