"""Consent per purpose, with its history: who gave or withdrew it, when, for what, from where.

The consents themselves are columns the lower packages read (`profiles.consents`: visibility to
investors, each sensitive attribute, programme and donor reports; `notifications` settings:
e-mail). This module keeps their history, by listening to the signals those packages send in
the caller's transaction (so a change and its record commit or roll back together), and answers
the reports' question: `may_report(enterprise, attribute)`.
"""

from __future__ import annotations

from flask import has_request_context, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.notifications import services as notifications
from marketplace.notifications.models import DEFAULT_DELIVERY
from marketplace.privacy.consent_models import ConsentRecord
from marketplace.profiles import consents, enterprises, permissions, signals
from marketplace.profiles.models import Enterprise
from marketplace.programmes import consent as programme_consent

EMAIL = "email_notifications"
PURPOSE_LABELS = {
    **consents.PURPOSE_LABELS,
    EMAIL: _l("E-mail notifications"),
}

# The question M&E reports ask: may this enterprise be counted (for this attribute)?
may_report = consents.may_count_in_reports
reportable = consents.reportable  # the same rule as a SQL condition, for counting in a query


def _ip() -> str | None:
    return request.remote_addr if has_request_context() else None


# Why a consent nobody chose applies (ConsentRecord.basis), as the history shows it.
BASIS_LABELS = {
    consents.DEFAULT_BASIS: _l(
        "on by default when the profile was created: the legitimate interest of the programme"
        " (totals only); you can withdraw it"
    ),
}


@signals.consent_changed.connect
def record_enterprise_consent(
    actor, *, enterprise: Enterprise, purpose: str, granted: bool, basis: str | None = None
):
    """Receiver: one history row for a change of an enterprise's consent, or for a consent it
    has by default (`basis`, no actor)."""
    db.session.add(
        ConsentRecord(
            enterprise_id=enterprise.id,
            purpose=purpose,
            granted=granted,
            actor_id=getattr(actor, "id", None),
            on_behalf=basis is None and not permissions.is_owner_of(actor, enterprise),
            basis=basis,
            ip=_ip() if basis is None else None,
        )
    )


@notifications.settings_changed.connect
def record_email_consent(user, *, changes: dict[str, tuple[str, str]]):
    """Receiver: one history row per kind of notification whose e-mail consent changed
    (in the app only <-> by e-mail at once or in the digest)."""
    for kind, (old, new) in changes.items():
        if (old != "app") == (new != "app"):
            continue
        db.session.add(
            ConsentRecord(
                user_id=user.id,
                purpose=EMAIL,
                detail=kind,
                granted=new != "app",
                actor_id=user.id,
                ip=_ip(),
            )
        )


def change_consent(*, actor: User, enterprise: Enterprise, purpose: str, granted: bool) -> None:
    """Give or withdraw one consent of `enterprise` (`profiles.enterprises.set_consent`: its
    errors and side effects; the history row is added here through the signal)."""
    enterprises.set_consent(actor=actor, enterprise=enterprise, purpose=purpose, granted=granted)


def history(enterprise: Enterprise) -> list[ConsentRecord]:
    """Every recorded change of the enterprise's consents, newest first."""
    return list(
        db.session.scalars(
            select(ConsentRecord)
            .where(ConsentRecord.enterprise_id == enterprise.id)
            .order_by(ConsentRecord.created_at.desc(), ConsentRecord.id.desc())
        )
    )


def email_history(user: User) -> list[ConsentRecord]:
    """Every recorded change of the user's e-mail consent, newest first."""
    return list(
        db.session.scalars(
            select(ConsentRecord)
            .where(ConsentRecord.user_id == user.id, ConsentRecord.purpose == EMAIL)
            .order_by(ConsentRecord.created_at.desc(), ConsentRecord.id.desc())
        )
    )


def email_kinds(user: User) -> tuple[int, int]:
    """(kinds that reach the user by e-mail, kinds the user can receive)."""
    kinds = notifications.kinds_for(user.role)
    chosen = notifications.settings_of(user)
    return sum(chosen.get(k, DEFAULT_DELIVERY) != "app" for k in kinds), len(kinds)


def enterprises_of(user: User) -> list[Enterprise]:
    """The enterprises whose consents `user` manages: an owner's own, the ones a facilitator's
    organisation acts for (on the owner's behalf, recorded as such)."""
    if user.role == "owner":
        query = select(Enterprise).where(Enterprise.organisation_id == user.organisation_id)
    elif user.role == "facilitator":
        ids = programme_consent.mentored_enterprise_ids(user.organisation_id)
        query = select(Enterprise).where(Enterprise.id.in_(ids)).order_by(Enterprise.name)
    else:
        return []
    return list(db.session.scalars(query))
