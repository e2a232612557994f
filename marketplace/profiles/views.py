from __future__ import annotations

import datetime as dt

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from marketplace import money
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.forms import ActionForm, form_error, form_status
from marketplace.profiles import forms, permissions, readiness_text, services
from marketplace.profiles.models import (
    Cohort,
    Enrolment,
    Enterprise,
    Mandate,
    ProductPhoto,
    Programme,
)
from marketplace.web import page_number, send_stored_file

bp = Blueprint("profiles", __name__)
PER_PAGE = 20


def _enterprise(enterprise_id: int, *, edit: bool = False) -> Enterprise:
    enterprise = db.session.get(Enterprise, enterprise_id)
    if enterprise is None or not permissions.can_view_enterprise(current_user, enterprise):
        abort(404)
    if edit and not permissions.can_edit_enterprise(current_user, enterprise):
        abort(403)
    if permissions.can_edit_enterprise(current_user, enterprise):
        g.personal_data = True
    return enterprise


def _require_role(*roles: str) -> None:
    if current_user.role not in roles:
        abort(403)


# --- dashboard and browsing ------------------------------------------------------------------
@bp.get("/dashboard")
@login_required
def dashboard():
    context = {}
    if current_user.role == "owner":
        enterprise = services.enterprise_of(current_user)
        context["enterprise"] = enterprise
        if enterprise is not None:
            context["assessment"] = services.assess(enterprise)
            context["missing"] = services.missing_for_publication(enterprise)
        context["invitations"] = services.invitations_for(current_user)
        context["consent_form"] = forms.ActionForm()
    elif current_user.role == "facilitator":
        context["programmes"] = db.session.scalars(
            select(Programme)
            .where(Programme.organisation_id == current_user.organisation_id)
            .order_by(Programme.name)
        ).all()
    elif current_user.role == "investor":
        context["mandate"] = db.session.scalar(
            select(Mandate).where(Mandate.organisation_id == current_user.organisation_id)
        )
    return render_template("profiles/dashboard.html", **context)


@bp.get("/enterprises")
def browse():
    sector = request.args.get("sector") or None
    province = request.args.get("province") or None
    query = select(Enterprise).where(Enterprise.status == "published")
    if sector:
        query = query.where(Enterprise.sector == sector)
    if province:
        query = query.where(Enterprise.province_code == province)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max((total + PER_PAGE - 1) // PER_PAGE, 1)
    page = page_number(pages=pages)
    enterprises = db.session.scalars(
        query.order_by(Enterprise.published_at.desc(), Enterprise.id.desc())
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    return render_template(
        "profiles/browse.html",
        enterprises=enterprises,
        total=total,
        page=page,
        pages=pages,
        sector=sector,
        province=province,
        provinces=forms.province_choices(blank=False),
    )


@bp.get("/enterprises/<int:enterprise_id>")
def profile(enterprise_id: int):
    enterprise = _enterprise(enterprise_id)
    full = permissions.can_view_full_profile(current_user, enterprise)
    assessment = services.assess(enterprise)
    nik = None
    if current_user.is_authenticated and full:
        nik = services.reveal_nik(viewer=current_user, enterprise=enterprise)
        db.session.commit()
    return render_template(
        "profiles/profile.html",
        enterprise=enterprise,
        full=full,
        assessment=assessment,
        nik=nik,
        text=readiness_text,
        action_form=ActionForm(),
    )


# --- editing ---------------------------------------------------------------------------------
@bp.route("/enterprises/<int:enterprise_id>/edit", methods=["GET", "POST"])
@login_required
def edit(enterprise_id: int):
    enterprise = _enterprise(enterprise_id, edit=True)
    months = services.recent_months(dt.date.today())
    form = forms.ProfileForm(obj=enterprise)
    revenue_fields = _revenue_fields(enterprise, months)
    if request.method == "GET":
        form.nik.data = ""
    if form.validate_on_submit():
        revenues, revenue_errors = _parse_revenues(months)
        if revenue_errors:
            form.form_errors.append(_("Monthly revenue must be written in digits, e.g. 5.000.000."))
        else:
            try:
                services.update_profile(
                    actor=current_user,
                    enterprise=enterprise,
                    data=form.profile_data(),
                    nik=form.nik.data,
                    owner_phone=form.owner_phone.data,
                )
                services.set_revenues(actor=current_user, enterprise=enterprise, revenues=revenues)
            except DomainError as error:
                db.session.rollback()
                form_error(form, error)
            else:
                db.session.commit()
                flash(_("Saved."), "success")
                return redirect(url_for("profiles.edit", enterprise_id=enterprise.id))
    if request.method == "POST":
        # Whatever went wrong, show the revenue exactly as typed: nothing the user typed is lost.
        revenue_fields = [(m, name, request.form.get(name, "")) for m, name, _v in revenue_fields]
    return render_template(
        "profiles/edit.html",
        form=form,
        enterprise=enterprise,
        revenue_fields=revenue_fields,
        action_form=ActionForm(),
    ), form_status(form)


def _revenue_fields(enterprise: Enterprise, months: list[dt.date]):
    existing = {r.month: r.amount for r in enterprise.revenues}
    return [
        (
            m,
            f"revenue_{m:%Y_%m}",
            money.input_value(existing.get(m)),
        )
        for m in months
    ]


def _parse_revenues(months: list[dt.date]):
    revenues: dict[dt.date, int | None] = {}
    errors = False
    for month in months:
        try:
            revenues[month] = money.parse_rupiah(request.form.get(f"revenue_{month:%Y_%m}"))
        except money.MoneyError:
            errors = True
    return revenues, errors


@bp.post("/enterprises/<int:enterprise_id>/publish")
@login_required
def publish(enterprise_id: int):
    enterprise = _enterprise(enterprise_id, edit=True)
    if ActionForm().validate_on_submit():
        try:
            services.publish_profile(actor=current_user, enterprise=enterprise)
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("The profile is published: investors can find it now."), "success")
    return redirect(url_for("profiles.profile", enterprise_id=enterprise.id))


@bp.post("/enterprises/<int:enterprise_id>/unpublish")
@login_required
def unpublish(enterprise_id: int):
    enterprise = _enterprise(enterprise_id, edit=True)
    if ActionForm().validate_on_submit():
        services.unpublish_profile(actor=current_user, enterprise=enterprise)
        db.session.commit()
        flash(_("The profile is hidden again (draft)."), "info")
    return redirect(url_for("profiles.profile", enterprise_id=enterprise.id))


# --- readiness -------------------------------------------------------------------------------
@bp.get("/enterprises/<int:enterprise_id>/readiness")
@login_required
def readiness(enterprise_id: int):
    enterprise = _enterprise(enterprise_id)
    if not permissions.can_view_full_profile(current_user, enterprise):
        abort(403)
    assessment = services.assess(enterprise)
    return render_template(
        "profiles/readiness.html",
        enterprise=enterprise,
        assessment=assessment,
        text=readiness_text,
        attest_form=forms.AttestForm(),
        can_attest=permissions.can_attest(current_user, enterprise),
    )


@bp.post("/enterprises/<int:enterprise_id>/attest/<item_code>")
@login_required
def attest(enterprise_id: int, item_code: str):
    enterprise = _enterprise(enterprise_id)
    if not permissions.can_attest(current_user, enterprise):
        abort(403)
    form = forms.AttestForm()
    if form.validate_on_submit():
        try:
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
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("Saved."), "success")
    return redirect(url_for("profiles.readiness", enterprise_id=enterprise.id))


# --- documents, mentoring, photos ------------------------------------------------------------
@bp.route("/enterprises/<int:enterprise_id>/documents", methods=["GET", "POST"])
@login_required
def documents(enterprise_id: int):
    enterprise = _enterprise(enterprise_id, edit=True)
    form = forms.DocumentForm()
    if form.validate_on_submit():
        try:
            services.set_document(
                actor=current_user,
                enterprise=enterprise,
                kind=form.kind.data,
                number=form.number.data,
                issued_on=form.issued_on.data,
                expires_on=form.expires_on.data,
            )
        except DomainError as error:
            db.session.rollback()
            form_error(form, error)
        else:
            db.session.commit()
            flash(_("Document saved."), "success")
            return redirect(url_for("profiles.documents", enterprise_id=enterprise.id))
    return render_template(
        "profiles/documents.html",
        enterprise=enterprise,
        form=form,
        action_form=ActionForm(),
        today=dt.date.today(),
    ), form_status(form)


@bp.post("/enterprises/<int:enterprise_id>/documents/<int:document_id>/delete")
@login_required
def delete_document(enterprise_id: int, document_id: int):
    enterprise = _enterprise(enterprise_id, edit=True)
    if ActionForm().validate_on_submit():
        services.remove_document(actor=current_user, enterprise=enterprise, document_id=document_id)
        db.session.commit()
        flash(_("Document removed."), "info")
    return redirect(url_for("profiles.documents", enterprise_id=enterprise.id))


@bp.route("/enterprises/<int:enterprise_id>/mentoring", methods=["GET", "POST"])
@login_required
def mentoring(enterprise_id: int):
    enterprise = _enterprise(enterprise_id, edit=True)
    form = forms.MentoringForm()
    if form.validate_on_submit():
        try:
            services.add_mentoring_record(
                actor=current_user,
                enterprise=enterprise,
                programme_name=form.programme_name.data,
                cohort_name=form.cohort_name.data,
                started_on=form.started_on.data,
                completed_on=form.completed_on.data,
                modules_completed=form.modules_completed.data,
            )
        except DomainError as error:
            db.session.rollback()
            form_error(form, error)
        else:
            db.session.commit()
            flash(_("Mentoring saved."), "success")
            return redirect(url_for("profiles.mentoring", enterprise_id=enterprise.id))
    return render_template(
        "profiles/mentoring.html", enterprise=enterprise, form=form, action_form=ActionForm()
    ), form_status(form)


@bp.post("/enterprises/<int:enterprise_id>/mentoring/<int:record_id>/delete")
@login_required
def delete_mentoring(enterprise_id: int, record_id: int):
    enterprise = _enterprise(enterprise_id, edit=True)
    if ActionForm().validate_on_submit():
        services.remove_mentoring_record(
            actor=current_user, enterprise=enterprise, record_id=record_id
        )
        db.session.commit()
    return redirect(url_for("profiles.mentoring", enterprise_id=enterprise.id))


@bp.route("/enterprises/<int:enterprise_id>/photos", methods=["GET", "POST"])
@login_required
def photos(enterprise_id: int):
    from marketplace import uploads

    enterprise = _enterprise(enterprise_id, edit=True)
    form = forms.PhotoForm()
    if form.validate_on_submit():
        try:
            services.add_photo(
                actor=current_user,
                enterprise=enterprise,
                data=form.photo.data.read(),
                caption=form.caption.data,
            )
        except uploads.UploadRejected as error:
            db.session.rollback()
            form.photo.errors = [uploads.rejection_message(error)]
        except DomainError as error:
            db.session.rollback()
            form_error(form, error)
        else:
            db.session.commit()
            flash(_("Photo added."), "success")
            return redirect(url_for("profiles.photos", enterprise_id=enterprise.id))
    return render_template(
        "profiles/photos.html", enterprise=enterprise, form=form, action_form=ActionForm()
    ), form_status(form)


@bp.post("/enterprises/<int:enterprise_id>/photos/<int:photo_id>/delete")
@login_required
def delete_photo(enterprise_id: int, photo_id: int):
    enterprise = _enterprise(enterprise_id, edit=True)
    if ActionForm().validate_on_submit():
        services.remove_photo(actor=current_user, enterprise=enterprise, photo_id=photo_id)
        db.session.commit()
    return redirect(url_for("profiles.photos", enterprise_id=enterprise.id))


@bp.get("/photos/<int:photo_id>/<any(large, small):size>")
def photo(photo_id: int, size: str):
    photo = db.session.get(ProductPhoto, photo_id)
    if photo is None:
        abort(404)
    _enterprise(photo.enterprise_id)
    key = photo.large_key if size == "large" else photo.small_key
    return send_stored_file(key, mime=photo.mime, public=photo.enterprise.is_published)


# --- hand-over -------------------------------------------------------------------------------
@bp.post("/enterprises/<int:enterprise_id>/invitation")
@login_required
def invite_owner(enterprise_id: int):
    enterprise = _enterprise(enterprise_id)
    if not permissions.is_facilitator_of(current_user, enterprise):
        abort(403)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        token = services.create_invitation(facilitator=current_user, enterprise=enterprise)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("profiles.profile", enterprise_id=enterprise.id))
    db.session.commit()
    link = url_for("profiles.accept_invitation", token=token, _external=True)
    g.personal_data = True
    return render_template("profiles/invitation_link.html", enterprise=enterprise, link=link)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    from marketplace import security
    from marketplace.accounts.forms import InvitationForm

    g.personal_data = True
    try:
        invitation = services.find_invitation(token)
    except DomainError as error:
        return render_template("profiles/invitation_invalid.html", message=error.message), 404
    form = InvitationForm()
    if form.validate_on_submit():
        try:
            user = services.accept_invitation(
                token=token,
                email=form.email.data,
                name=form.name.data,
                password=form.password.data,
                locale=security.select_locale(),
            )
        except DomainError as error:
            db.session.rollback()
            form_error(form, error)
        else:
            db.session.commit()
            security.log_in(user)
            db.session.commit()
            flash(_("Welcome! This profile is yours now."), "success")
            return redirect(url_for("profiles.edit", enterprise_id=invitation.enterprise_id))
    return render_template(
        "profiles/invitation_accept.html", form=form, enterprise=invitation.enterprise
    ), form_status(form)


# --- programmes and cohorts ------------------------------------------------------------------
def _programme(programme_id: int) -> Programme:
    programme = db.session.get(Programme, programme_id)
    if programme is None:
        abort(404)
    if not permissions.can_manage_programme(current_user, programme):
        abort(403)
    return programme


def _cohort(cohort_id: int) -> Cohort:
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        abort(404)
    _programme(cohort.programme_id)
    return cohort


@bp.route("/programmes/new", methods=["GET", "POST"])
@login_required
def new_programme():
    _require_role("facilitator")
    form = forms.ProgrammeForm()
    if form.validate_on_submit():
        programme = services.create_programme(
            facilitator=current_user,
            name=form.name.data,
            description=form.description.data,
            donor=form.donor.data,
        )
        db.session.commit()
        return redirect(url_for("profiles.programme", programme_id=programme.id))
    return render_template("profiles/programme_form.html", form=form), form_status(form)


@bp.get("/programmes/<int:programme_id>")
@login_required
def programme(programme_id: int):
    programme = _programme(programme_id)
    return render_template("profiles/programme.html", programme=programme)


@bp.route("/programmes/<int:programme_id>/cohorts/new", methods=["GET", "POST"])
@login_required
def new_cohort(programme_id: int):
    programme = _programme(programme_id)
    form = forms.CohortForm()
    if form.validate_on_submit():
        try:
            cohort = services.create_cohort(
                facilitator=current_user,
                programme=programme,
                name=form.name.data,
                province_code=form.province_code.data,
                regency_code=form.regency_code.data,
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
            )
        except DomainError as error:
            db.session.rollback()
            form_error(form, error)
        else:
            db.session.commit()
            return redirect(url_for("profiles.cohort", cohort_id=cohort.id))
    return render_template(
        "profiles/cohort_form.html", form=form, programme=programme
    ), form_status(form)


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
            return redirect(url_for("profiles.cohort", cohort_id=cohort.id))
        elif "behalf-name" in request.form and behalf_form.validate_on_submit():
            try:
                enterprise = services.create_enterprise_on_behalf(
                    facilitator=current_user,
                    cohort=cohort,
                    name=behalf_form.name.data,
                    owner_name=behalf_form.owner_name.data,
                    owner_phone=behalf_form.owner_phone.data,
                )
            except DomainError as error:
                db.session.rollback()
                form_error(behalf_form, error)
            else:
                db.session.commit()
                flash(_("Profile created. Fill it in with the owner."), "success")
                return redirect(url_for("profiles.edit", enterprise_id=enterprise.id))
    status = form_status(enrol_form, behalf_form)
    return render_template(
        "profiles/cohort.html",
        cohort=cohort,
        enrol_form=enrol_form,
        behalf_form=behalf_form,
        status_form=forms.EnrolmentStatusForm(),
    ), status


@bp.post("/enrolments/<int:enrolment_id>/status")
@login_required
def enrolment_status(enrolment_id: int):
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None:
        abort(404)
    _cohort(enrolment.cohort_id)
    form = forms.EnrolmentStatusForm()
    if form.validate_on_submit():
        services.set_enrolment_status(
            facilitator=current_user, enrolment=enrolment, status=form.status.data
        )
        db.session.commit()
        flash(_("Saved."), "success")
    return redirect(url_for("profiles.cohort", cohort_id=enrolment.cohort_id))


# --- the owner's consent to programmes ---------------------------------------------------------
@bp.get("/account/programmes")
@login_required
def my_programmes():
    _require_role("owner")
    g.personal_data = True
    return render_template(
        "profiles/my_programmes.html",
        invitations=services.invitations_for(current_user),
        programmes=services.programmes_for(current_user),
        consent_form=forms.ActionForm(),
    )


@bp.post("/enrolments/<int:enrolment_id>/consent")
@login_required
def answer_enrolment(enrolment_id: int):
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or not permissions.can_answer_enrolment(current_user, enrolment):
        abort(404)
    if not forms.ActionForm().validate_on_submit():
        abort(400)
    answer = request.form.get("answer")
    if answer == "leave" and not request.form.get("confirm"):
        flash(_("Tick the box to confirm that you leave the programme."), "error")
        return redirect(url_for("profiles.my_programmes"))
    try:
        if answer == "leave":
            services.leave_programme(owner=current_user, enrolment=enrolment)
        elif answer in ("accept", "decline"):
            services.answer_invitation(
                owner=current_user, enrolment=enrolment, accept=answer == "accept"
            )
        else:
            abort(400)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(
            {
                "accept": _("You accepted: the programme's facilitators can help you now."),
                "decline": _("You declined the invitation."),
                "leave": _("You left the programme: its facilitators cannot act for you any more."),
            }[answer],
            "success",
        )
    return redirect(url_for("profiles.my_programmes"))


# --- mandates --------------------------------------------------------------------------------
@bp.route("/mandate", methods=["GET", "POST"])
@login_required
def mandate():
    _require_role("investor")
    organisation = current_user.organisation
    existing = db.session.scalar(select(Mandate).where(Mandate.organisation_id == organisation.id))
    form = forms.MandateForm(obj=existing)
    if form.validate_on_submit():
        data = services.MandateData(
            investor_kind=form.investor_kind.data,
            sectors=form.sectors.data or [],
            provinces=form.provinces.data or [],
            ticket_min=form.ticket_min.amount,
            ticket_max=form.ticket_max.amount,
            instruments=form.instruments.data or [],
            sharia_only=form.sharia_only.data,
            impact_themes=form.impact_themes.data or [],
            min_stage=form.min_stage.data,
            thesis=form.thesis.data,
        )
        try:
            services.save_mandate(actor=current_user, organisation=organisation, data=data)
        except DomainError as error:
            db.session.rollback()
            form_error(form, error)
        else:
            db.session.commit()
            flash(_("Mandate saved."), "success")
            return redirect(url_for("profiles.investor", organisation_id=organisation.id))
    return render_template("profiles/mandate_form.html", form=form), form_status(form)


@bp.get("/investors/<int:organisation_id>")
@login_required
def investor(organisation_id: int):
    mandate = db.session.scalar(select(Mandate).where(Mandate.organisation_id == organisation_id))
    if mandate is None:
        abort(404)
    return render_template(
        "profiles/investor.html", mandate=mandate, organisation=mandate.organisation
    )


@bp.get("/investors")
@login_required
def investors():
    mandates = db.session.scalars(select(Mandate).order_by(Mandate.id)).all()
    return render_template(
        "profiles/investors.html",
        mandates=mandates,
        max_bytes=current_app.config["UPLOAD_MAX_BYTES"],
    )
