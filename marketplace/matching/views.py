from __future__ import annotations

from functools import partial
from urllib.parse import urlencode

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace import money, regions, security, vocab
from marketplace.accounts.models import Organisation
from marketplace.extensions import db
from marketplace.forms import (
    ActionForm,
    Attempt,
    field_values,
    form_status,
    province_choices,
    submitted,
)
from marketplace.matching import (
    analysis,
    forms,
    introductions,
    permissions,
    saved_searches,
    search,
    services,
    shortlists,
)
from marketplace.matching import meetings as meeting_services
from marketplace.matching.models import (
    INTRODUCTION_STATUSES,
    IntroductionRequest,
    MeetingRequest,
    SavedSearch,
    ShortlistEntry,
)
from marketplace.matching.search import cli as search_cli
from marketplace.pitches import data_room as pitch_data_room
from marketplace.profiles.access import enterprise_or_404
from marketplace.profiles.models import Enterprise
from marketplace.web import download, page_number, require_permission, visible_or_404

# `flask search reindex` and `flask search apply-outbox` live in matching/search/cli.py.
bp = Blueprint("matching", __name__, cli_group="search")

LIST_PARAMS = services.LIST_PARAMS
FACET_PARAMS = {
    "sector": "sector",
    "province_code": "province",
    "regency_code": "regency",
    "size_class": "size",
    "stage": "stage",
    "instruments": "instrument",
    "documents": "document",
    "impact_themes": "theme",
}
PER_PAGE = 20
MAX_QUERY_CHARS = services.MAX_QUERY_CHARS


search_cli.register(bp)


def _amounts(args) -> tuple[dict[str, int | None], dict[str, str]]:
    """The ask range as typed, read by the one money parser; a bound it cannot read is left
    out of the search and reported (param -> message), never guessed."""
    amounts: dict[str, int | None] = {}
    errors: dict[str, str] = {}
    for param in ("ask_min", "ask_max"):
        try:
            amounts[param] = money.parse_rupiah(args.get(param))
        except money.MoneyError as error:
            amounts[param] = None
            errors[param] = str(error.message)
    return amounts, errors


def _query_from_args(args, amounts: dict[str, int | None]) -> search.SearchQuery:
    return services.query_from_args(args, amounts, page=page_number(), per_page=PER_PAGE)


class _SearchLinks:
    """Links to variants of the current search. The request's parameters and the page's path
    are read once: a results page builds a few dozen facet links."""

    def __init__(self):
        self.base = url_for("matching.search_page")
        self.args = request.args.to_dict(flat=False)

    def _url(self, args: dict[str, list[str]]) -> str:
        return self.base + "?" + urlencode(args, doseq=True)

    def toggle(self, param: str, value: str) -> str:
        """The current search with `param=value` switched on or off, back on page 1."""
        args = {name: values for name, values in self.args.items() if name != "page"}
        current = args.get(param, [])
        args[param] = [v for v in current if v != value] if value in current else [*current, value]
        return self._url(args)

    def words(self, text: str, *, keep_filters: bool = True) -> str:
        """The current search with the words `text`, back on page 1 (without filters if asked)."""
        args = {n: v for n, v in self.args.items() if n != "page"} if keep_filters else {}
        args["q"] = [text]
        return self._url(args)

    def page(self, page: int) -> str:
        return self._url({**self.args, "page": [str(page)]})


def _card_actions(enterprise_ids: list[int]) -> dict:
    """What the action buttons of a list of cards need: the viewer's organisation's shortlist
    and open data-room requests among them, and this page as the place to come back to."""
    shortlisted: set[int] = set()
    access: dict[int, str] = {}
    if permissions.can_use_shortlist(current_user):
        shortlisted = shortlists.shortlisted_among(current_user.organisation_id, enterprise_ids)
        access = pitch_data_room.open_request_states(
            organisation_id=current_user.organisation_id, enterprise_ids=enterprise_ids
        )
    return {
        "shortlisted": shortlisted,
        "access": access,
        "next": request.full_path.rstrip("?"),
        "form": ActionForm(),
    }


# --- search ------------------------------------------------------------------------------------
@bp.get("/search")
def search_page():
    amounts, amount_errors = _amounts(request.args)
    query = _query_from_args(request.args, amounts)
    result = services.run_search(viewer=current_user, query=query)
    links = _SearchLinks()
    return render_template(
        "matching/search.html",
        result=result,
        card_actions=_card_actions([item.enterprise.id for item in result.items]),
        amount_errors=amount_errors,
        args=request.args,
        toggle_url=links.toggle,
        page_url=links.page,
        words_url=links.words,
        facet_params=FACET_PARAMS,
        provinces=province_choices(blank=False),
        regencies=[
            (r.code, r.name) for code in query.province_codes for r in regions.regencies_of(code)
        ],
        long_query=analysis.is_long(query.text),
        cut_query=len(request.args.get("q") or "") > MAX_QUERY_CHARS,
        max_query_chars=MAX_QUERY_CHARS,
        can_save=permissions.can_save_searches(current_user),
        priority_choices=services.priority_programme_choices(current_user),
    ), (422 if amount_errors else 200)


# --- matches ----------------------------------------------------------------------------------
@bp.get("/matches")
@login_required
def matches():
    if current_user.role != "investor":
        abort(403)
    mandate = services.mandate_of(current_user.organisation_id)
    allowed = permissions.can_see_matches(current_user)
    page = page_number()
    # One more than the pages so far tells whether a next page exists.
    found = (
        services.matches_for_mandate(mandate=mandate, limit=page * PER_PAGE + 1)
        if mandate and allowed
        else []
    )
    has_next = len(found) > page * PER_PAGE
    found = found[(page - 1) * PER_PAGE : page * PER_PAGE]
    return render_template(
        "matching/matches.html",
        mandate=mandate,
        allowed=allowed,
        matches=found,
        page=page,
        has_next=has_next,
        first_rank=(page - 1) * PER_PAGE + 1,
        reasons=services.reason_text,
        card_actions=_card_actions([m.enterprise.id for m in found]),
    )


@bp.get("/enterprises/<int:enterprise_id>/matches")
@login_required
def enterprise_matches(enterprise_id: int):
    enterprise = _editable(enterprise_id)
    found = services.matches_for_enterprise(enterprise=enterprise)
    return render_template(
        "matching/enterprise_matches.html",
        enterprise=enterprise,
        matches=found,
        reasons=services.reason_text,
        can_introduce=permissions.can_request_introduction(current_user, enterprise),
        asked=introductions.open_organisation_ids(enterprise.id),
    )


# --- shortlist -------------------------------------------------------------------------------
def _entry(entry_id: int) -> ShortlistEntry:
    """One of the organisation's shortlist entries: 403 to anyone who keeps no shortlist
    (whatever the id), 404 for another organisation's entry, as for a missing one."""
    _require_shortlist()
    return visible_or_404(ShortlistEntry, entry_id, permissions.can_view_entry)


def _investor_target(enterprise_id: int) -> Enterprise:
    """The published enterprise an investor's action names (shortlist, meeting). Other roles
    get 403 whatever the id, since the action is not theirs; an investor gets 404 for a draft,
    as for an id that does not exist."""
    _require_shortlist()
    enterprise = db.session.get(Enterprise, enterprise_id)
    if enterprise is None or not enterprise.is_published:
        abort(404)
    return enterprise


def _require_shortlist() -> None:
    require_permission(permissions.can_use_shortlist)


@bp.get("/shortlist")
@login_required
def shortlist():
    _require_shortlist()
    stage = request.args.get("stage") or None
    entries = shortlists.shortlist_of(
        current_user.organisation_id, stage=stage if stage in vocab.DEAL_STAGES else None
    )
    return render_template(
        "matching/shortlist.html", entries=entries, stage=stage, stages=vocab.DEAL_STAGES
    )


@bp.get("/shortlist.csv")
@login_required
def shortlist_csv():
    _require_shortlist()
    body = shortlists.shortlist_csv(shortlists.shortlist_of(current_user.organisation_id))
    # The BOM makes spreadsheet programs read UTF-8 names correctly.
    return download("\ufeff" + body, mimetype="text/csv", filename="shortlist.csv")


@bp.post("/shortlist/add/<int:enterprise_id>")
@login_required
def shortlist_add(enterprise_id: int):
    enterprise = _investor_target(enterprise_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    already = shortlists.on_shortlist(current_user.organisation_id, enterprise.id)
    added = None if already else _("%(name)s is on your shortlist.", name=enterprise.name)
    with Attempt(success=added) as outcome:
        entry = shortlists.add_to_shortlist(actor=current_user, enterprise=enterprise)
    if already:
        flash(_("This enterprise is already on your shortlist."), "info")
    # From a card or a profile: stay there. Without a (safe) `next`: the entry.
    back = security.safe_next(request.form.get("next"), "")
    if back:
        return redirect(back)
    if not outcome.ok:
        return redirect(url_for("matching.shortlist"))
    return redirect(url_for("matching.entry", entry_id=entry.id))


@bp.get("/shortlist/<int:entry_id>")
@login_required
def entry(entry_id: int):
    item = _entry(entry_id)
    return _entry_page(item, forms.StageForm(stage=item.stage), forms.NoteForm())


def _entry_page(item, stage_form, note_form, status: int = 200):
    return render_template(
        "matching/entry.html",
        entry=item,
        stage_form=stage_form,
        note_form=note_form,
        stages=vocab.DEAL_STAGES,
    ), status


@bp.post("/shortlist/<int:entry_id>/stage")
@login_required
def entry_stage(entry_id: int):
    item = _entry(entry_id)
    form = forms.StageForm()
    done = submitted(
        form,
        lambda: shortlists.move_entry(actor=current_user, entry=item, stage=form.stage.data),
        success=_("Moved to %(stage)s.", stage=vocab.DEAL_STAGES.get(form.stage.data, "")),
        then=url_for("matching.entry", entry_id=item.id),
    )
    return done or _entry_page(_entry(entry_id), form, forms.NoteForm(), 422)


@bp.post("/shortlist/<int:entry_id>/notes")
@login_required
def entry_note(entry_id: int):
    item = _entry(entry_id)
    form = forms.NoteForm()
    done = submitted(
        form,
        lambda: shortlists.add_note(actor=current_user, entry=item, body=form.body.data),
        success=_("Note saved."),
        then=url_for("matching.entry", entry_id=item.id),
    )
    return done or _entry_page(_entry(entry_id), forms.StageForm(stage=item.stage), form, 422)


# --- meetings --------------------------------------------------------------------------------
def _meeting(meeting_id: int) -> MeetingRequest:
    """A meeting request between its parties; to anyone else it does not exist (404)."""
    return visible_or_404(MeetingRequest, meeting_id, permissions.can_view_meeting)


@bp.route("/enterprises/<int:enterprise_id>/meetings/new", methods=["GET", "POST"])
@login_required
def new_meeting(enterprise_id: int):
    enterprise = _investor_target(enterprise_id)
    require_permission(permissions.can_request_meeting, enterprise)
    form = forms.MeetingRequestForm()
    done = submitted(
        form,
        lambda: meeting_services.request_meeting(
            actor=current_user,
            enterprise=enterprise,
            times=[meeting_services.local_to_utc(t) for t in form.proposed_times()],
            **field_values(form, "message", "place", "duration_minutes"),
        ),
        success=_("Meeting request sent."),
        then=lambda meeting: url_for("matching.meeting", meeting_id=meeting.id),
    )
    return done or (
        render_template("matching/meeting_form.html", form=form, enterprise=enterprise),
        form_status(form),
    )


@bp.get("/meetings")
@login_required
def meetings():
    return render_template(
        "matching/meetings.html",
        meetings=meeting_services.meetings_for(current_user),
        status_of=partial(meeting_services.status_label, current_user),
    )


def _meeting_page(meeting: MeetingRequest, form=None, status: int = 200):
    form = form or forms.RespondForm()
    enterprise_side = permissions.is_enterprise_side(current_user, meeting)
    my_turn = meeting_services.is_my_turn(current_user, meeting)
    other = "investor" if enterprise_side else "enterprise"
    form.time_id.choices = [(t.id, t.starts_at) for t in meeting.times if t.proposed_by == other]
    return render_template(
        "matching/meeting.html",
        meeting=meeting,
        form=form,
        my_turn=my_turn,
        other=other,
        status=meeting_services.status_label(current_user, meeting),
        enterprise_side=enterprise_side,
    ), status


@bp.get("/meetings/<int:meeting_id>")
@login_required
def meeting(meeting_id: int):
    return _meeting_page(_meeting(meeting_id))


@bp.post("/meetings/<int:meeting_id>/respond")
@login_required
def respond(meeting_id: int):
    item = _meeting(meeting_id)
    form = forms.RespondForm()
    if form.validate_on_submit():
        with Attempt(form=form, success=_("Your answer is sent.")) as outcome:
            meeting_services.respond_to_meeting(
                actor=current_user,
                meeting=item,
                action=form.action.data,
                time_id=form.time_id.data if form.action.data == "accept" else None,
                new_times=[meeting_services.local_to_utc(t) for t in form.new_times()],
            )
        if outcome.ok:
            return redirect(url_for("matching.meeting", meeting_id=meeting_id))
        if outcome.error.status_code == 403:
            abort(403)  # a party whose turn it is not, like anyone else who may not answer
        if outcome.error.status_code == 409:
            flash(str(outcome.error.message), "error")
            return redirect(url_for("matching.meeting", meeting_id=meeting_id))
    return _meeting_page(_meeting(meeting_id), form, 422)


@bp.get("/meetings/<int:meeting_id>/meeting.ics")
@login_required
def meeting_ics(meeting_id: int):
    item = _meeting(meeting_id)
    if item.status != "accepted":
        abort(404)
    return download(
        meeting_services.meeting_ics(item),
        mimetype="text/calendar",
        filename=f"temumodal-meeting-{item.id}.ics",
    )


# --- introductions ---------------------------------------------------------------------------
def _editable(enterprise_id: int) -> Enterprise:
    """An enterprise whose matches and introductions the current user keeps: 404 unless they
    may see it (a draft is hidden from all but its editors and the admin), 403 unless they edit
    it."""
    return enterprise_or_404(
        enterprise_id, edit=True, may_edit=permissions.can_see_enterprise_matches
    )


@bp.route(
    "/enterprises/<int:enterprise_id>/introductions/new/<int:organisation_id>",
    methods=["GET", "POST"],
)
@login_required
def new_introduction(enterprise_id: int, organisation_id: int):
    enterprise = _editable(enterprise_id)
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or organisation.kind != "investor" or not organisation.is_verified:
        abort(404)
    require_permission(permissions.can_request_introduction, enterprise)
    form = forms.IntroductionForm()
    done = submitted(
        form,
        lambda: introductions.request_introduction(
            actor=current_user,
            enterprise=enterprise,
            organisation=organisation,
            message=form.message.data,
            instrument=form.instrument.data or None,
        ),
        success=_("Your introduction request is sent to %(name)s.", name=organisation.name),
        then=url_for("matching.enterprise_introductions", enterprise_id=enterprise.id),
    )
    if done:
        return done
    return render_template(
        "matching/introduction_form.html",
        form=form,
        enterprise=enterprise,
        organisation=organisation,
    ), form_status(form)


@bp.get("/enterprises/<int:enterprise_id>/introductions")
@login_required
def enterprise_introductions(enterprise_id: int):
    enterprise = _editable(enterprise_id)
    return render_template(
        "matching/enterprise_introductions.html",
        enterprise=enterprise,
        introductions=introductions.sent_by(enterprise.id),
        statuses=INTRODUCTION_STATUSES,
    )


@bp.get("/introductions")
@login_required
def introductions_inbox():
    require_permission(permissions.can_see_introductions)
    return render_template(
        "matching/introductions.html",
        introductions=introductions.inbox_of(current_user.organisation_id),
        statuses=INTRODUCTION_STATUSES,
        can_answer=permissions.can_answer_introduction,
        action_form=ActionForm(),
    )


@bp.post("/introductions/<int:introduction_id>/<any(accept, decline):decision>")
@login_required
def answer_introduction(introduction_id: int, decision: str):
    item = db.session.get(IntroductionRequest, introduction_id)
    if item is None or not permissions.can_see_introductions(current_user):
        abort(404)
    if item.organisation_id != current_user.organisation_id:
        abort(404)
    require_permission(permissions.can_answer_introduction, item)
    if not ActionForm().validate_on_submit():
        abort(400)
    done = (
        _("Accepted: %(name)s is on your shortlist.", name=item.enterprise.name)
        if decision == "accept"
        else _("Declined. The enterprise is told.")
    )
    with Attempt(success=done) as outcome:
        introductions.answer_introduction(actor=current_user, introduction=item, decision=decision)
    if outcome.ok and decision == "accept":
        entry_id = shortlists.entry_id(current_user.organisation_id, item.enterprise_id)
        return redirect(url_for("matching.entry", entry_id=entry_id))
    return redirect(url_for("matching.introductions_inbox"))


# --- saved searches ----------------------------------------------------------------------------
def _saved_searches_page(save_form=None, status: int = 200, rename_forms=None):
    if current_user.role != "investor":
        abort(403)
    allowed = permissions.can_save_searches(current_user)
    found = saved_searches.saved_searches_of(current_user) if allowed else []
    rename_forms = rename_forms or {}
    return render_template(
        "matching/saved_searches.html",
        allowed=allowed,
        saved=found,
        describe=saved_searches.describe,
        save_form=save_form,
        save_form_search=SavedSearch(params=save_form.params.data or "") if save_form else None,
        rename_forms={
            s.id: rename_forms.get(s.id) or forms.RenameSearchForm(name=s.name, formdata=None)
            for s in found
        },
        limit=saved_searches.MAX_SAVED_SEARCHES,
        action_form=ActionForm(),
    ), status


@bp.get("/searches")
@login_required
def saved_search_list():
    return _saved_searches_page()


@bp.route("/searches/new", methods=["GET", "POST"])
@login_required
def saved_search_new():
    if current_user.role != "investor":
        abort(403)
    form = forms.SavedSearchForm()
    if request.method == "GET":
        form.params.data = request.query_string.decode("utf-8", "replace")
    done = submitted(
        form,
        lambda: saved_searches.save_search(
            user=current_user, name=form.name.data, params=form.params.data or ""
        ),
        success=_("Search saved."),
        then=url_for("matching.saved_search_list"),
    )
    status = form_status(form) if request.method == "POST" else 200
    return done or _saved_searches_page(form, status)


@bp.post("/searches/<int:saved_search_id>/rename")
@login_required
def saved_search_rename(saved_search_id: int):
    if current_user.role != "investor":
        abort(403)
    with Attempt():
        saved = saved_searches.get_saved_search(user=current_user, saved_search_id=saved_search_id)
    form = forms.RenameSearchForm()
    done = submitted(
        form,
        lambda: saved_searches.rename_saved_search(
            user=current_user, saved=saved, name=form.name.data
        ),
        success=_("Search renamed."),
        then=url_for("matching.saved_search_list"),
    )
    return done or _saved_searches_page(status=422, rename_forms={saved_search_id: form})


@bp.post("/searches/<int:saved_search_id>/delete")
@login_required
def saved_search_delete(saved_search_id: int):
    if current_user.role != "investor":
        abort(403)
    if not ActionForm().validate_on_submit():
        abort(400)
    with Attempt(success=_("Saved search deleted.")):
        saved = saved_searches.get_saved_search(user=current_user, saved_search_id=saved_search_id)
        saved_searches.delete_saved_search(user=current_user, saved=saved)
    return redirect(url_for("matching.saved_search_list"))
