"""The organisation's members page and invitations to join it (issue 13)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.accounts import forms, members, sessions
from marketplace.accounts.models import OrganisationInvitation, User
from marketplace.errors import DomainError
from marketplace.extensions import limiter
from marketplace.forms import ActionForm, Attempt, field_values, form_status, pressed, submitted
from marketplace.web import require_permission, visible_or_404

bp = Blueprint("organisation", __name__)


def _member_key() -> str:
    return f"invite:{current_user.get_id()}"


def _sent(response) -> bool:
    # Only invitations actually sent count: a refused form answers 422 and sends nothing.
    return response.status_code == 302


def _colleague_or_404(model, object_id: int):
    """A member or invitation of the current user's own organisation, to one who may see the
    members; to anyone else it does not exist (404)."""
    if not members.can_see_members(current_user):
        abort(404)
    return visible_or_404(model, object_id, organisation_id=current_user.organisation_id)


def _members_page(invite_form):
    require_permission(members.can_see_members)
    g.personal_data = True
    organisation = current_user.organisation
    return render_template(
        "accounts/members.html",
        organisation=organisation,
        members=members.members_of(organisation),
        invitations=members.open_invitations(organisation),
        invite_form=invite_form,
        action_form=ActionForm(),
        is_admin=members.is_organisation_admin(current_user, organisation),
        can_invite=members.can_invite(current_user),
    ), form_status(invite_form)


@bp.get("/organisation")
@login_required
def members_page():
    return _members_page(forms.MemberInviteForm())


@bp.post("/organisation/invitations")
@login_required
@limiter.limit(
    lambda: current_app.config["MEMBER_INVITE_RATE_LIMIT"], key_func=_member_key, deduct_when=_sent
)
def invite():
    require_permission(members.can_see_members)
    form = forms.MemberInviteForm()
    done = submitted(
        form,
        lambda: members.invite_member(actor=current_user, **field_values(form, "email", "role")),
        # The same answer whether or not the address has an account.
        success=_(
            "An invitation was sent to %(email)s. They join once they accept it.",
            email=form.email.data,
        ),
        then=url_for("organisation.members_page"),
    )
    return done or _members_page(form)


@bp.post("/organisation/invitations/<int:invitation_id>/cancel")
@login_required
def cancel_invitation(invitation_id: int):
    invitation = _colleague_or_404(OrganisationInvitation, invitation_id)
    if not (current_user.organisation_admin or invitation.invited_by_id == current_user.id):
        abort(403)
    return pressed(
        lambda: members.cancel_invitation(actor=current_user, invitation=invitation),
        success=_("The invitation was withdrawn."),
        then=url_for("organisation.members_page"),
        confirm=True,
    )


@bp.post("/organisation/members/<int:user_id>/remove")
@login_required
def remove_member(user_id: int):
    member = _colleague_or_404(User, user_id)
    require_permission(members.is_organisation_admin, current_user.organisation)
    return pressed(
        lambda: members.remove_member(actor=current_user, member=member),
        success=_("%(name)s is no longer a member.", name=member.name),
        then=url_for("organisation.members_page"),
        confirm=True,
    )


@bp.post("/organisation/leave")
@login_required
def leave():
    require_permission(members.can_see_members)
    return pressed(
        lambda: members.leave_organisation(member=current_user),
        success=_(
            "You left %(organisation)s: its shortlists, mandate, programmes and events are"
            " no longer yours to act on. Your account now has an organisation of its own,"
            " not verified yet; a colleague elsewhere can invite you to theirs.",
            organisation=current_user.organisation.name,
        ),
        then=url_for("organisation.members_page"),
        confirm=True,
    )


@bp.route("/join/<token>", methods=["GET", "POST"])
def join(token: str):
    # A GET only shows the invitation: mail scanners open links, and no GET changes anything.
    try:
        invitation = members.check_invitation(token)
    except DomainError as error:
        return render_template(
            "accounts/link_invalid.html", message=error.message, purpose="join"
        ), error.status_code
    accept_form = ActionForm(prefix="accept")
    register_form = forms.JoinRegisterForm(prefix="new")
    if current_user.is_authenticated:
        if accept_form.validate_on_submit():
            with Attempt(
                success=_("Welcome to %(name)s.", name=invitation.organisation.name)
            ) as outcome:
                members.accept_invitation(token=token, user=current_user)
            if outcome.ok:
                return redirect(url_for("organisation.members_page"))
    elif register_form.validate_on_submit():
        with Attempt(form=register_form) as outcome:
            user = members.register_with_invitation(
                token=token,
                name=register_form.name.data,
                password=register_form.password.data,
                locale=str(get_locale() or "id"),
            )
        if outcome.ok:
            return sessions.log_in_then(
                user,
                url_for("organisation.members_page"),
                welcome=_("Welcome to %(name)s.", name=invitation.organisation.name),
            )
    return render_template(
        "accounts/join.html",
        invitation=invitation,
        accept_form=accept_form,
        register_form=register_form,
        role_label=members.INVITATION_ROLES[invitation.role],
        refusal=members.role_refusal(current_user, invitation)
        if current_user.is_authenticated
        else None,
    ), form_status(register_form)
