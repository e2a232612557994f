from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from marketplace import audit, security, uploads, vocab
from marketplace.errors import Conflict, ValidationError
from marketplace.extensions import db
from marketplace.forms import ActionForm, Attempt, form_status, pressed
from marketplace.pitches import data_room as data_rooms
from marketplace.pitches import forms, permissions, services
from marketplace.pitches.models import (
    DOCUMENT_KINDS,
    AccessRequest,
    DeckPage,
    DeckVersion,
    Document,
)
from marketplace.profiles import signals as profile_signals
from marketplace.profiles.access import enterprise_or_404
from marketplace.profiles.models import Enterprise
from marketplace.web import require_permission, send_stored_file, visible_or_404

bp = Blueprint("pitches", __name__)

# Seconds between reloads of a page that waits for previews (no JavaScript needed).
REFRESH_SECONDS = 3
ACTIVITY_TEXT = {
    "deck.uploaded": _l("uploaded deck version %(version)s"),
    "deck.page_viewed": _l("opened page %(page)s of deck version %(version)s"),
    "deck.original_downloaded": _l("downloaded the original PDF of deck version %(version)s"),
    "document.uploaded": _l("added a document: %(kind)s"),
    "document.removed": _l("removed a document: %(kind)s"),
    "document.viewed": _l("viewed a document: %(kind)s"),
    "document.downloaded": _l("downloaded a document: %(kind)s"),
    "data_room.requested": _l("asked for access to the data room"),
    "data_room.accepted": _l("accepted a request for access"),
    "data_room.declined": _l("declined a request for access"),
    "data_room.revoked": _l("ended an investor's access"),
}


def _enterprise(enterprise_id: int, *, manage: bool = False) -> Enterprise:
    """The enterprise whose deck or data room the page shows, by the deck's rules."""
    return enterprise_or_404(
        enterprise_id,
        edit=manage,
        may_see=permissions.can_view_deck_summary,
        may_edit=permissions.can_manage_deck,
    )


def _send(key: str, *, mime: str, filename: str, attachment: bool, public: bool = False):
    return send_stored_file(
        key,
        mime=mime,
        filename=filename,
        attachment=attachment,
        # Revalidated on every view: an unpublished deck must stop showing at once, not after
        # a cache lifetime; ETag and Last-Modified keep the check cheap (304, no body).
        public=public,
    )


def _deny(action: str, enterprise: Enterprise, **details) -> None:
    # Written to the security log at once; the row itself is rolled back with the request.
    audit.on_enterprise(action, enterprise.id, by=getattr(current_user, "id", None), **details)
    abort(403)


# --- the deck --------------------------------------------------------------------------------
@bp.get("/enterprises/<int:enterprise_id>/deck")
def deck(enterprise_id: int):
    enterprise = _enterprise(enterprise_id)
    deck = services.deck_of(enterprise)
    current = deck.current if deck else None
    manage = permissions.can_manage_deck(current_user, enterprise)
    full = permissions.can_view_full_deck(current_user, enterprise)
    latest = deck.latest if deck else None
    pending = latest if latest is not None and latest.state == "processing" else None
    response = render_template(
        "pitches/deck.html",
        enterprise=enterprise,
        deck=deck,
        current_version=current,
        pages=services.visible_pages(current_user, current),
        manage=manage,
        full=full,
        latest=latest,
        pending=pending,
        services=services,
        can_request=permissions.can_request_access(current_user, enterprise),
        action_form=ActionForm(),
        public_pages=permissions.PUBLIC_PAGES,
        # The investor's buttons as on the profile: shortlisted? a data-room request open?
        **profile_signals.extra_context(
            profile_signals.profile_shown, current_user._get_current_object(), enterprise=enterprise
        ),
    )
    headers = {"Refresh": str(REFRESH_SECONDS)} if manage and pending else {}
    return response, 200, headers


@bp.route("/enterprises/<int:enterprise_id>/deck/upload", methods=["GET", "POST"])
@login_required
def upload_deck(enterprise_id: int):
    enterprise = _enterprise(enterprise_id, manage=True)
    form = forms.DeckUploadForm()
    if form.validate_on_submit():
        files = [(f.filename or "", f.read()) for f in form.files.data if f]
        uploaded = _(
            "The deck is uploaded. Its page previews appear here as soon as they are ready."
        )
        with Attempt(form=form, success=uploaded) as outcome:
            try:
                services.upload_deck(actor=current_user, enterprise=enterprise, files=files)
            except uploads.UploadRejected as error:
                message = _upload_message(error, photos=len(files) > 1)
                raise ValidationError(message, field="files") from error
        if outcome.ok:
            return redirect(url_for("pitches.deck", enterprise_id=enterprise.id))
    return render_template(
        "pitches/deck_upload.html",
        enterprise=enterprise,
        form=form,
        limits=uploads.configured_limits(),
        public_pages=permissions.PUBLIC_PAGES,
    ), form_status(form)


def _upload_message(error: uploads.UploadRejected, *, photos: bool) -> str:
    message = uploads.rejection_message(error)
    if photos and "page" in error.params:
        return _("Photo %(number)s: %(message)s", number=error.params["page"], message=message)
    return message


@bp.post("/enterprises/<int:enterprise_id>/deck/versions/<int:version_id>/current")
@login_required
def make_current(enterprise_id: int, version_id: int):
    enterprise = _enterprise(enterprise_id, manage=True)
    return pressed(
        lambda: services.set_current_version(
            actor=current_user, enterprise=enterprise, version_id=version_id
        ),
        success=_("Investors now see this version."),
        then=url_for("pitches.deck", enterprise_id=enterprise.id),
    )


@bp.get("/enterprises/<int:enterprise_id>/deck/pages/<int:number>")
def page(enterprise_id: int, number: int):
    enterprise = _enterprise(enterprise_id)
    deck = services.deck_of(enterprise)
    version = deck.current if deck else None
    wanted = request.args.get("version", type=int)
    if deck and wanted and permissions.can_view_full_deck(current_user, enterprise):
        version = next((v for v in deck.versions if v.number == wanted), None)
    deck_page = next((p for p in version.pages if p.number == number), None) if version else None
    if deck_page is None:
        abort(404)
    if not permissions.can_view_deck_page(current_user, deck_page):
        return render_template(
            "pitches/locked.html",
            enterprise=enterprise,
            can_request=permissions.can_request_access(current_user, enterprise),
        ), 403
    services.record_page_view(viewer=current_user, page=deck_page)
    db.session.commit()
    visible = {p.number for p in services.visible_pages(current_user, version)}
    return render_template(
        "pitches/page.html",
        enterprise=enterprise,
        version=version,
        page=deck_page,
        previous=number - 1 if number - 1 in visible else None,
        next=number + 1 if number + 1 in visible else None,
        query={"version": wanted} if wanted else {},
    )


@bp.get("/deck-pages/<int:page_id>/<any(small, large):size>")
def page_image(page_id: int, size: str):
    deck_page = visible_or_404(DeckPage, page_id)
    enterprise = _enterprise(deck_page.version.deck.enterprise_id)
    if not permissions.can_view_deck_page(current_user, deck_page):
        abort(403 if current_user.is_authenticated else 404)
    key = deck_page.large_key if size == "large" else deck_page.small_key
    name = f"{enterprise.id}-v{deck_page.version.number}-p{deck_page.number}-{size}.webp"
    return _send(
        key,
        mime=deck_page.mime,
        filename=name,
        attachment=False,
        public=permissions.is_public_page(deck_page),
    )


@bp.get("/deck-versions/<int:version_id>/original")
@login_required
def original(version_id: int):
    version = visible_or_404(DeckVersion, version_id)
    enterprise = _enterprise(version.deck.enterprise_id)
    if not permissions.can_view_full_deck(current_user, enterprise):
        _deny("deck.original_denied", enterprise, version=version.number)
    if version.original_key is None:
        abort(404)
    # A PDF with scripts is served only back to the people who uploaded it; everyone else
    # reads the rendered previews, which cannot run anything.
    if version.has_javascript and not permissions.can_manage_deck(current_user, enterprise):
        abort(403)
    services.record_original_download(viewer=current_user, version=version)
    db.session.commit()
    return _send(
        version.original_key, mime="application/pdf", filename=version.filename, attachment=True
    )


# --- the data room ---------------------------------------------------------------------------
def _data_room(enterprise: Enterprise, *, document_form=None, request_form=None, status=200):
    require_permission(permissions.can_see_data_room, enterprise)
    g.personal_data = True
    manage = permissions.can_manage_deck(current_user, enterprise)
    own_request = None
    if current_user.role == "investor":
        own_request = data_rooms.latest_request(
            organisation_id=current_user.organisation_id, enterprise=enterprise
        )
    return render_template(
        "pitches/data_room.html",
        enterprise=enterprise,
        kinds=DOCUMENT_KINDS,
        documents=data_rooms.documents_of(enterprise),
        manage=manage,
        can_open=permissions.can_view_documents(current_user, enterprise),
        can_request=permissions.can_request_access(current_user, enterprise),
        requests=data_rooms.requests_for(enterprise)
        if manage or permissions.is_admin(current_user)
        else [],
        own_request=own_request,
        document_form=document_form or forms.DocumentUploadForm(formdata=None),
        request_form=request_form or forms.AccessRequestForm(formdata=None),
        action_form=ActionForm(),
    ), status


@bp.get("/enterprises/<int:enterprise_id>/data-room")
@login_required
def data_room(enterprise_id: int):
    return _data_room(_enterprise(enterprise_id))


@bp.post("/enterprises/<int:enterprise_id>/data-room/documents")
@login_required
def upload_document(enterprise_id: int):
    enterprise = _enterprise(enterprise_id, manage=True)
    form = forms.DocumentUploadForm()
    if form.validate_on_submit():
        added = _(
            "Document added. Only you, your facilitator and investors you let in can open it."
        )
        with Attempt(form=form, success=added) as outcome:
            try:
                data_rooms.add_document(
                    actor=current_user,
                    enterprise=enterprise,
                    kind=form.kind.data,
                    filename=form.file.data.filename or "",
                    data=form.file.data.read(),
                )
            except uploads.UploadRejected as error:
                raise ValidationError(uploads.rejection_message(error), field="file") from error
        if outcome.ok:
            return redirect(url_for("pitches.data_room", enterprise_id=enterprise.id))
    return _data_room(enterprise, document_form=form, status=form_status(form))


@bp.post("/enterprises/<int:enterprise_id>/data-room/documents/<int:document_id>/delete")
@login_required
def delete_document(enterprise_id: int, document_id: int):
    enterprise = _enterprise(enterprise_id, manage=True)
    return pressed(
        lambda: data_rooms.remove_document(
            actor=current_user, enterprise=enterprise, document_id=document_id
        ),
        success=_("Document removed."),
        category="info",
        then=url_for("pitches.data_room", enterprise_id=enterprise.id),
        confirm=True,
    )


@bp.get("/documents/<int:document_id>/file")
@login_required
def document_file(document_id: int):
    document = visible_or_404(Document, document_id)
    enterprise = _enterprise(document.enterprise_id)
    if not permissions.can_view_document(current_user, document):
        _deny("document.access_denied", enterprise, document=document.id)
    # Photos (re-encoded by us) may show in the browser; PDFs are always downloaded.
    download = bool(request.args.get("download")) or not document.is_image
    data_rooms.record_document_access(viewer=current_user, document=document, download=download)
    db.session.commit()
    return _send(
        document.file_key, mime=document.mime, filename=document.filename, attachment=download
    )


@bp.post("/enterprises/<int:enterprise_id>/data-room/request")
@login_required
def request_access(enterprise_id: int):
    enterprise = _enterprise(enterprise_id)
    require_permission(permissions.can_request_access, enterprise)
    form = forms.AccessRequestForm()
    if form.validate_on_submit():
        sent = _(
            "Your request is sent. You will see the documents here once the enterprise accepts it."
        )
        with Attempt(form=form, success=sent) as outcome:
            data_rooms.request_access(
                investor=current_user, enterprise=enterprise, message=form.message.data
            )
        # Asked from a search card: back there. A message to correct is shown on the data
        # room's own form below, with what was typed.
        back = security.safe_next(request.form.get("next"), "")
        if outcome.ok:
            return redirect(back or url_for("pitches.data_room", enterprise_id=enterprise.id))
        if back and isinstance(outcome.error, Conflict):
            flash(str(outcome.error.message), "info")
            return redirect(back)
    return _data_room(enterprise, request_form=form, status=form_status(form))


@bp.post(
    "/enterprises/<int:enterprise_id>/data-room/requests/<int:request_id>/"
    "<any(accept, decline, revoke):decision>"
)
@login_required
def decide(enterprise_id: int, request_id: int, decision: str):
    enterprise = _enterprise(enterprise_id, manage=True)
    access_request = visible_or_404(AccessRequest, request_id, enterprise_id=enterprise.id)
    return pressed(
        lambda: data_rooms.decide_access(
            actor=current_user, access_request=access_request, decision=decision
        ),
        success=_("Saved."),
        then=url_for("pitches.data_room", enterprise_id=enterprise.id),
        # Ending an investor's access is asked twice (a ticked box); accepting and declining not.
        confirm=decision == "revoke",
    )


@bp.get("/enterprises/<int:enterprise_id>/activity")
@login_required
def activity(enterprise_id: int):
    enterprise = _enterprise(enterprise_id)
    require_permission(permissions.can_view_activity, enterprise)
    entries = [(entry, _activity_text(entry)) for entry in services.activity(enterprise)]
    return render_template("pitches/activity.html", enterprise=enterprise, entries=entries)


def _activity_text(entry: services.ActivityEntry) -> str:
    template = ACTIVITY_TEXT.get(entry.action)
    if template is None:
        return entry.action
    return str(template) % {
        "version": entry.details.get("version", "?"),
        "page": entry.details.get("page", "?"),
        "kind": vocab.label(DOCUMENT_KINDS, entry.details.get("kind")),
    }
