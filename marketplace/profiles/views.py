from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import func, select

from marketplace import formatting, money
from marketplace.accounts import administration as account_administration
from marketplace.editing import EditConflict
from marketplace.extensions import db
from marketplace.forms import (
    ActionForm,
    Attempt,
    add_problems,
    field_values,
    form_status,
    pressed,
    province_choices,
    submitted,
)
from marketplace.profiles import (
    enterprises,
    forms,
    permissions,
    readiness_text,
    records,
    signals,
    validators,
)
from marketplace.profiles import investors as investor_services
from marketplace.profiles import photos as photo_services
from marketplace.profiles import readiness_facts as readiness_rules
from marketplace.profiles.access import enterprise_or_404
from marketplace.profiles.models import Enterprise, Mandate, ProductPhoto
from marketplace.web import (
    page_number,
    require_permission,
    require_role,
    send_stored_file,
    visible_or_404,
)

bp = Blueprint("profiles", __name__)
PER_PAGE = 20


# --- dashboard and browsing ------------------------------------------------------------------
@bp.get("/dashboard")
@login_required
def dashboard():
    user = current_user._get_current_object()
    # Programmes add the owner's invitations and the facilitator's programmes (profiles/signals).
    context = signals.extra_context(signals.dashboard_shown, user)
    # What waits for the user, from every package (programmes, pitches, matching, events).
    context["waiting"] = signals.waiting_for(user)
    if current_user.role == "owner":
        enterprise = enterprises.enterprise_of(current_user)
        context["enterprise"] = enterprise
        if enterprise is not None:
            context["assessment"] = enterprises.assess(enterprise)
            context["missing"] = enterprises.missing_for_publication(enterprise)
    elif current_user.role == "investor":
        context["mandate"] = db.session.scalar(
            select(Mandate).where(Mandate.organisation_id == current_user.organisation_id)
        )
    elif current_user.role == "admin":
        counts = account_administration.organisations_to_verify()
        labels = {
            "investor": lambda n: ngettext(
                "%(num)d investor organisation to verify",
                "%(num)d investor organisations to verify",
                n,
            ),
            "programme": lambda n: ngettext(
                "%(num)d programme organisation to verify",
                "%(num)d programme organisations to verify",
                n,
            ),
        }
        context["waiting"] += [
            signals.Waiting(
                labels[kind](count), count, url_for("admin.organisations", _anchor="queue")
            )
            for kind, count in counts.items()
            if count
        ]
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
        provinces=province_choices(blank=False),
    )


@bp.get("/enterprises/<int:enterprise_id>")
def profile(enterprise_id: int):
    # The profile and which of its collections are empty in one query; the permission check
    # then finds that same object in the session (which keeps it only while it is referenced).
    enterprise = enterprises.load_with_empty_collections(enterprise_id)
    enterprise = enterprise_or_404(enterprise_id)
    full = permissions.can_view_full_profile(current_user, enterprise)
    assessment = enterprises.assess(enterprise)
    nik = None
    if current_user.is_authenticated and full:
        nik = enterprises.reveal_nik(viewer=current_user, enterprise=enterprise)
    page = render_template(
        "profiles/profile.html",
        enterprise=enterprise,
        full=full,
        assessment=assessment,
        nik=nik,
        text=readiness_text,
        action_form=ActionForm(),
        # Pitches say whether there is a deck to show; matching, the shortlist state.
        **signals.extra_context(
            signals.profile_shown, current_user._get_current_object(), enterprise=enterprise
        ),
    )
    # The audit entry of a shown NIK commits after rendering: a commit before it would expire
    # the profile and make the template load it and its relations a second time.
    if nik is not None:
        db.session.commit()
    return page


@bp.get("/enterprises/<int:enterprise_id>/preview")
@login_required
def preview(enterprise_id: int):
    enterprise = enterprise_or_404(enterprise_id, edit=True)
    # The page is rendered for a stand-in verified investor: its own predicates hide the editor
    # controls, mask the NIK and keep sensitive attributes without consent out.
    viewer = permissions.PreviewInvestor(enterprise)
    return render_template(
        "profiles/profile.html",
        enterprise=enterprise,
        viewer=viewer,
        preview=True,
        full=permissions.can_view_full_profile(viewer, enterprise),
        assessment=enterprises.assess(enterprise),
        nik=enterprises.reveal_nik(viewer=viewer, enterprise=enterprise),
        text=readiness_text,
        action_form=ActionForm(),
        **signals.extra_context(signals.profile_shown, viewer, enterprise=enterprise),
    )


# --- editing ---------------------------------------------------------------------------------
@bp.route("/enterprises/<int:enterprise_id>/edit", methods=["GET", "POST"])
@login_required
def edit(enterprise_id: int):
    enterprise = enterprise_or_404(enterprise_id, edit=True)
    months = records.recent_months(dt.date.today())
    form = forms.ProfileForm(obj=enterprise)
    revenue_fields = _revenue_fields(enterprise, months)
    if request.method == "GET":
        form.nik.data = ""
        form.open_at(enterprise, enterprises.editable_values(enterprise))
    revenue_errors: dict[str, str] = {}
    if form.is_submitted():
        revenues, revenue_errors = _parse_revenues(months)
        if not form.validate() or revenue_errors:
            # Every error at once: the service's rules too, on fields the form found fine.
            add_problems(
                form,
                enterprises.check_profile(
                    data=form.profile_data(), nik=form.nik.data, owner_phone=form.owner_phone.data
                ),
            )
        else:
            with Attempt(form=form, success=_("Saved.")) as outcome:
                enterprises.update_profile(
                    actor=current_user,
                    enterprise=enterprise,
                    data=form.profile_data(),
                    nik=form.nik.data,
                    owner_phone=form.owner_phone.data,
                    **form.expected(),
                )
                records.set_revenues(actor=current_user, enterprise=enterprise, revenues=revenues)
            if outcome.ok:
                return redirect(url_for("profiles.edit", enterprise_id=enterprise.id))
            if isinstance(outcome.error, EditConflict):
                # The person has now seen what changed: their next save goes through.
                form.open_at(enterprise, enterprises.editable_values(enterprise))
                # The revenue inputs are not the form's fields: mark them here.
                revenue_errors = {
                    name: _("Changed by someone else since you opened the form.")
                    for _m, name, _v in revenue_fields
                    if name in outcome.error.changed
                }
    if request.method == "POST":
        # Whatever went wrong, show the revenue exactly as typed: nothing the user typed is lost.
        revenue_fields = [(m, name, request.form.get(name, "")) for m, name, _v in revenue_fields]
    return render_template(
        "profiles/edit.html",
        form=form,
        enterprise=enterprise,
        revenue_fields=revenue_fields,
        revenue_errors=revenue_errors,
        extra_errors=[
            (name, formatting.month(m), revenue_errors[name])
            for m, name, _v in revenue_fields
            if name in revenue_errors
        ],
        action_form=ActionForm(),
    ), 422 if revenue_errors else form_status(form)


def _revenue_fields(enterprise: Enterprise, months: list[dt.date]):
    existing = {r.month: r.amount for r in enterprise.revenues}
    return [
        (
            m,
            enterprises.revenue_field(m),
            money.input_value(existing.get(m)),
        )
        for m in months
    ]


def _parse_revenues(months: list[dt.date]):
    """The monthly revenues typed, and an error message per input that cannot be read."""
    revenues: dict[dt.date, int | None] = {}
    errors: dict[str, str] = {}
    for month in months:
        name = enterprises.revenue_field(month)
        try:
            revenues[month] = money.parse_rupiah(request.form.get(name))
        except money.MoneyError as error:  # the parser's own words, as on every money field
            errors[name] = str(error.message)
    return revenues, errors


@bp.post("/enterprises/<int:enterprise_id>/publish")
@login_required
def publish(enterprise_id: int):
    enterprise = enterprise_or_404(enterprise_id, edit=True)
    return pressed(
        lambda: enterprises.publish_profile(actor=current_user, enterprise=enterprise),
        success=_("The profile is published: investors can find it now."),
        then=url_for("profiles.profile", enterprise_id=enterprise.id),
    )


@bp.post("/enterprises/<int:enterprise_id>/unpublish")
@login_required
def unpublish(enterprise_id: int):
    enterprise = enterprise_or_404(enterprise_id, edit=True)
    return pressed(
        lambda: enterprises.unpublish_profile(actor=current_user, enterprise=enterprise),
        success=_("The profile is hidden again (draft)."),
        category="info",
        then=url_for("profiles.profile", enterprise_id=enterprise.id),
    )


# --- readiness -------------------------------------------------------------------------------
def readiness_today() -> dt.date:
    """The day the readiness page assesses (the real date; tests replace this function)."""
    return dt.date.today()


@bp.get("/enterprises/<int:enterprise_id>/readiness")
@login_required
def readiness(enterprise_id: int):
    enterprise = enterprise_or_404(enterprise_id)
    require_permission(permissions.can_view_full_profile, enterprise)
    today = readiness_today()
    assessment = enterprises.assess(enterprise, today=today)
    user = current_user._get_current_object()
    # Sensitive attributes this viewer may read: the rest never shows, not even as a met item.
    shared = frozenset(
        attribute
        for attribute in enterprises.SENSITIVE_THEMES
        if permissions.can_see_sensitive(user, enterprise, attribute)
    )
    themes = frozenset(
        t for t in enterprises.declared_themes(enterprise) if t == "green" or t in shared
    )
    return render_template(
        "profiles/readiness.html",
        enterprise=enterprise,
        assessment=assessment,
        social=enterprises.social_readiness(enterprise, themes=themes),
        shared=shared,
        today=today,
        can_see_private=permissions.can_see_identity(current_user, enterprise),
        text=readiness_text,
        # Programmes add the attestation controls (profiles/signals).
        **signals.extra_context(signals.readiness_shown, user, enterprise=enterprise),
    )


# --- documents, mentoring, photos ------------------------------------------------------------
@bp.route("/enterprises/<int:enterprise_id>/documents", methods=["GET", "POST"])
@login_required
def documents(enterprise_id: int):
    enterprise = enterprise_or_404(enterprise_id, edit=True)
    form = forms.DocumentForm()
    if form.validate_on_submit():
        with Attempt(form=form, success=_("Document saved.")) as outcome:
            records.set_document(
                actor=current_user,
                enterprise=enterprise,
                kind=form.kind.data,
                number=form.number.data,
                issued_on=form.issued_on.data,
                expires_on=form.expires_on.data,
            )
        if outcome.ok:
            if form.kind.data == "npwp" and validators.npwp_converted(form.number.data or ""):
                flash(
                    _(
                        "Your 15-digit NPWP was saved in the 16-digit format with a leading 0 "
                        "(PMK 112/2022). For an individual the NPWP is now the NIK: activate "
                        "your NIK as NPWP at pajak.go.id."
                    ),
                    "info",
                )
            return redirect(url_for("profiles.documents", enterprise_id=enterprise.id))
    elif form.is_submitted():
        problems, _number = records.document_problems(
            enterprise, **field_values(form, "kind", "number", "issued_on", "expires_on")
        )
        add_problems(form, problems)
    return render_template(
        "profiles/documents.html",
        enterprise=enterprise,
        form=form,
        action_form=ActionForm(),
        today=dt.date.today(),
        counts_as_held=readiness_rules.counts_as_held,
    ), form_status(form)


@bp.post("/enterprises/<int:enterprise_id>/documents/<int:document_id>/delete")
@login_required
def delete_document(enterprise_id: int, document_id: int):
    enterprise = enterprise_or_404(enterprise_id, edit=True)
    return pressed(
        lambda: records.remove_document(
            actor=current_user, enterprise=enterprise, document_id=document_id
        ),
        success=_("Document removed."),
        category="info",
        then=url_for("profiles.documents", enterprise_id=enterprise.id),
        confirm=True,
    )


@bp.route("/enterprises/<int:enterprise_id>/mentoring", methods=["GET", "POST"])
@login_required
def mentoring(enterprise_id: int):
    enterprise = enterprise_or_404(enterprise_id, edit=True)
    form = forms.MentoringForm()
    done = submitted(
        form,
        lambda: records.add_mentoring_record(
            actor=current_user,
            enterprise=enterprise,
            **field_values(
                form,
                "programme_name",
                "cohort_name",
                "started_on",
                "completed_on",
                "modules_completed",
            ),
        ),
        success=_("Mentoring saved."),
        then=url_for("profiles.mentoring", enterprise_id=enterprise.id),
        problems=lambda: records.mentoring_problems(
            **field_values(form, "programme_name", "started_on", "completed_on")
        ),
    )
    return done or (
        render_template(
            "profiles/mentoring.html", enterprise=enterprise, form=form, action_form=ActionForm()
        ),
        form_status(form),
    )


@bp.post("/enterprises/<int:enterprise_id>/mentoring/<int:record_id>/delete")
@login_required
def delete_mentoring(enterprise_id: int, record_id: int):
    enterprise = enterprise_or_404(enterprise_id, edit=True)
    return pressed(
        lambda: records.remove_mentoring_record(
            actor=current_user, enterprise=enterprise, record_id=record_id
        ),
        then=url_for("profiles.mentoring", enterprise_id=enterprise.id),
        confirm=True,
    )


@bp.route("/enterprises/<int:enterprise_id>/photos", methods=["GET", "POST"])
@login_required
def photos(enterprise_id: int):
    from marketplace import uploads

    enterprise = enterprise_or_404(enterprise_id, edit=True)
    form = forms.PhotoForm()
    if form.validate_on_submit():
        try:
            with Attempt(form=form, success=_("Photo added.")) as outcome:
                photo_services.add_photo(
                    actor=current_user,
                    enterprise=enterprise,
                    data=form.photo.data.read(),
                    caption=form.caption.data,
                )
        except uploads.UploadRejected as error:  # not a DomainError: the file's own message
            db.session.rollback()
            form.photo.errors = [uploads.rejection_message(error)]
        if outcome.ok:
            return redirect(url_for("profiles.photos", enterprise_id=enterprise.id))
    return render_template(
        "profiles/photos.html", enterprise=enterprise, form=form, action_form=ActionForm()
    ), form_status(form)


@bp.post("/enterprises/<int:enterprise_id>/photos/<int:photo_id>/delete")
@login_required
def delete_photo(enterprise_id: int, photo_id: int):
    enterprise = enterprise_or_404(enterprise_id, edit=True)
    return pressed(
        lambda: photo_services.remove_photo(
            actor=current_user, enterprise=enterprise, photo_id=photo_id
        ),
        then=url_for("profiles.photos", enterprise_id=enterprise.id),
        confirm=True,
    )


@bp.get("/photos/<int:photo_id>/<any(large, small):size>")
def photo(photo_id: int, size: str):
    photo = visible_or_404(ProductPhoto, photo_id)
    enterprise_or_404(photo.enterprise_id)
    key = photo.large_key if size == "large" else photo.small_key
    return send_stored_file(key, mime=photo.mime, public=photo.enterprise.is_published)


# --- mandates --------------------------------------------------------------------------------
@bp.route("/mandate", methods=["GET", "POST"])
@login_required
def mandate():
    require_role("investor")
    organisation = current_user.organisation
    existing = db.session.scalar(select(Mandate).where(Mandate.organisation_id == organisation.id))
    form = forms.MandateForm(obj=existing)
    if request.method == "GET":
        form.open_at(existing, existing and investor_services.mandate_values(existing))
    if form.validate_on_submit():
        data = investor_services.MandateData(
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
        with Attempt(form=form, success=_("Mandate saved.")) as outcome:
            investor_services.save_mandate(
                actor=current_user, organisation=organisation, data=data, **form.expected()
            )
        if outcome.ok:
            return redirect(url_for("profiles.investor", organisation_id=organisation.id))
        if isinstance(outcome.error, EditConflict):
            existing = db.session.scalar(
                select(Mandate).where(Mandate.organisation_id == organisation.id)
            )
            form.open_at(existing, investor_services.mandate_values(existing))
    return render_template("profiles/mandate_form.html", form=form), form_status(form)


@bp.get("/investors/<int:organisation_id>")
@login_required
def investor(organisation_id: int):
    mandate = db.session.scalar(select(Mandate).where(Mandate.organisation_id == organisation_id))
    if mandate is None:
        abort(404)
    return render_template(
        "profiles/investor.html",
        mandate=mandate,
        organisation=mandate.organisation,
        # An owner may ask this organisation for an introduction from here.
        own_enterprise=enterprises.enterprise_of(current_user),
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
