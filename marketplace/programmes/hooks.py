"""How programmes plug into the packages below them, which never import this one.

- accounts announces changes (accounts/signals.py); programmes act on them.
- profiles asks whether a facilitator acts for an enterprise (`profiles.permissions`); the
  consent rule that answers is programmes' (`programmes.consent`).
- profiles' dashboard and readiness pages ask what programmes show on them
  (profiles/signals.py).

Imported once by create_app.
"""

from __future__ import annotations

from flask_babel import ngettext

from marketplace.accounts import signals
from marketplace.extensions import db
from marketplace.forms import ActionForm
from marketplace.profiles import permissions as profile_permissions
from marketplace.profiles import signals as profile_signals
from marketplace.programmes import consent, forms, permissions, services


def facilitates(organisation_id: int, enterprise_id: int) -> bool:
    """Whether the organisation's facilitators act for the enterprise now (the owner's consent)."""
    return bool(db.session.scalar(consent.facilitates(organisation_id, enterprise_id)))


profile_permissions.register_facilitation_rule(facilitates)


@signals.organisation_verified.connect
def deliver_held_invitations(organisation, **_extra) -> None:
    """A programme organisation's invitations to owners waited for this verification."""
    if organisation.kind != "programme":
        return
    services.deliver_held_invitations(organisation=organisation)


@profile_signals.dashboard_shown.connect
def dashboard_context(user, **_extra) -> dict:
    """The owner's invitations to answer; the facilitator's programmes."""
    if user.role == "owner":
        return {"invitations": services.invitations_for(user), "consent_form": ActionForm()}
    if user.role == "facilitator":
        return {"programmes": services.programmes_of(user.organisation_id)}
    return {}


@profile_signals.readiness_shown.connect
def readiness_context(user, *, enterprise, **_extra) -> dict:
    """The facilitator's buttons to attest (or withdraw) readiness items."""
    return {
        "attest_form": forms.AttestForm(),
        "can_attest": permissions.can_attest(user, enterprise),
    }


@profile_signals.waiting_shown.connect
def waiting_invitations(user, **_extra) -> list[profile_signals.Waiting]:
    """The owner's programme invitations to answer."""
    if user.role != "owner":
        return []
    count = len(services.invitations_for(user))
    label = ngettext(
        "%(num)d invitation to a programme to answer",
        "%(num)d invitations to a programme to answer",
        count,
    )
    return [profile_signals.Waiting(label, count, "/account/programmes")]
