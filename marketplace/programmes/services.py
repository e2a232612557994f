"""Programmes, cohorts, enrolment with the owner's consent, and facilitators' attestations.

An enrolment is an invitation until the owner accepts it; only then do the programme
organisation's facilitators act for the enterprise (`marketplace.programmes.consent`).
Services flush, never commit; they raise `marketplace.errors` domain errors with messages in
the user's language and take keyword-only arguments.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace import audit, phones, regions, vocab
from marketplace.accounts import members
from marketplace.accounts import services as account_services
from marketplace.accounts.models import Organisation, User
from marketplace.errors import Conflict, PermissionDenied, ValidationError
from marketplace.extensions import db
from marketplace.models import row_or_new, utcnow
from marketplace.notifications import services as notifications
from marketplace.profiles import consents, enterprises, readiness_text
from marketplace.profiles.models import Enterprise
from marketplace.programmes import permissions
from marketplace.programmes.models import Attestation, Cohort, Enrolment, Programme


# --- programmes, cohorts, enrolment ----------------------------------------------------------
def create_programme(
    *, facilitator: User, name: str, description: str | None = None, donor: str | None = None
) -> Programme:
    """A programme of the facilitator's organisation. Raises PermissionDenied/ValidationError."""
    if facilitator.role != "facilitator":
        raise PermissionDenied(_l("Only facilitators run programmes."))
    if not (name or "").strip():
        raise ValidationError(_l("Give the programme's name."), field="name")
    programme = Programme(
        organisation_id=facilitator.organisation_id,
        name=name.strip(),
        description=(description or "").strip() or None,
        donor=(donor or "").strip() or None,
    )
    db.session.add(programme)
    audit.record("programme.created", actor_id=facilitator.id, object_type="programme")
    db.session.flush()
    return programme


def create_cohort(
    *,
    facilitator: User,
    programme: Programme,
    name: str,
    province_code: str | None,
    regency_code: str | None,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
) -> Cohort:
    """A cohort of a programme, in a kabupaten/kota. Raises PermissionDenied/ValidationError."""
    if not permissions.can_manage_programme(facilitator, programme):
        raise PermissionDenied(_l("You cannot change this programme."))
    if not (name or "").strip():
        raise ValidationError(_l("Give the cohort's name."), field="name")
    if regency_code:
        region = regions.regencies().get(regency_code)
        if region is None or (province_code and region.province_code != province_code):
            raise ValidationError(
                _l("This regency or city is not in the chosen province."), field="regency_code"
            )
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError(_l("The end date is before the start date."), field="ends_on")
    cohort = Cohort(
        programme=programme,
        name=name.strip(),
        province_code=province_code or None,
        regency_code=regency_code or None,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    db.session.add(cohort)
    db.session.flush()
    return cohort


def _owner_accounts(enterprise: Enterprise) -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(
                User.organisation_id == enterprise.organisation_id, User.role == "owner"
            )
        )
    )


def _made_by_programme(enterprise: Enterprise, programme: Programme) -> bool:
    """A member of the programme's organisation created the profile on behalf of its owner."""
    if enterprise.created_by_id is None:
        return False
    creator = db.session.get(User, enterprise.created_by_id)
    return (
        creator is not None
        and creator.role == "facilitator"
        and creator.organisation_id == programme.organisation_id
    )


def _open_enrolment(enrolment: Enrolment, *, on_behalf: bool) -> None:
    """Start (or restart) the owner's consent: accepted for the programme's own on-behalf
    profile while it has no owner account, else a pending invitation delivered to the owner
    when the programme organisation is verified (held until then)."""
    enterprise = enrolment.enterprise
    programme = enrolment.cohort.programme
    enrolment.withdrawn_at = None
    enrolment.withdrawn_by_id = None
    enrolment.consent_at = None
    enrolment.consent_by_id = None
    enrolment.notified_at = None
    if on_behalf or (not _owner_accounts(enterprise) and _made_by_programme(enterprise, programme)):
        enrolment.on_behalf = True
        enrolment.consent = "accepted"
        enrolment.consent_at = utcnow()
        return
    enrolment.on_behalf = False
    enrolment.consent = "pending"
    db.session.flush()
    if programme.organisation.is_verified:
        _deliver_invitation(enrolment)


def _deliver_invitation(enrolment: Enrolment) -> None:
    enrolment.notified_at = utcnow()
    notifications.notify(
        users=_owner_accounts(enrolment.enterprise),
        kind="programme_invited",
        params={
            "organisation": enrolment.cohort.programme.organisation.name,
            "programme": enrolment.cohort.programme.name,
            "cohort": enrolment.cohort.name,
        },
        link="/account/programmes",
    )


def _tell_facilitator(enrolment: Enrolment, kind: str) -> None:
    if enrolment.facilitator is None:
        return
    notifications.notify(
        users=[enrolment.facilitator],
        kind=kind,
        params={"enterprise": enrolment.enterprise.name, "cohort": enrolment.cohort.name},
        link=f"/cohorts/{enrolment.cohort_id}",
    )


def enrol_enterprise(
    *,
    facilitator: User,
    cohort: Cohort,
    enterprise: Enterprise,
    today: dt.date | None = None,
    on_behalf: bool = False,
) -> Enrolment:
    """Put an enterprise in a cohort, with the facilitator as its pendamping.

    The enrolment gives the facilitator no rights until the owner accepts it (see
    `_open_enrolment`); `on_behalf` is for the profile `create_enterprise_on_behalf` just made.
    A declined, left or withdrawn enrolment in the same cohort is reopened as a new invitation.
    Raises PermissionDenied, Conflict (already enrolled or invited). Side effects: audit
    `enterprise.enrolled`; the owners' notification and mail (after commit) when delivered.
    """
    if not permissions.can_manage_programme(facilitator, cohort.programme):
        raise PermissionDenied(_l("You cannot change this programme."))
    enrolment = db.session.scalar(
        select(Enrolment).where(
            Enrolment.cohort_id == cohort.id, Enrolment.enterprise_id == enterprise.id
        )
    )
    if enrolment is not None and (enrolment.is_pending or enrolment.is_accepted):
        raise Conflict(_l("This enterprise is already in the cohort."))
    if enrolment is None:
        enrolment = Enrolment(cohort=cohort, enterprise=enterprise)
        db.session.add(enrolment)
    enrolment.facilitator_id = facilitator.id
    enrolment.status = "active"
    enrolment.completed_on = None
    enrolment.enrolled_on = today or dt.date.today()
    db.session.flush()
    _open_enrolment(enrolment, on_behalf=on_behalf)
    audit.on_enterprise(
        "enterprise.enrolled",
        enterprise.id,
        by=facilitator.id,
        cohort=cohort.id,
        consent=enrolment.consent,
    )
    db.session.flush()
    return enrolment


def set_enrolment_status(
    *, facilitator: User, enrolment: Enrolment, status: str, today: dt.date | None = None
) -> None:
    """Mark mentoring completed (which the readiness rules count), withdrawn, or active.

    Withdrawing ends the facilitators' rights at once; bringing a withdrawn enrolment back asks
    the owner again (a new invitation), except for the programme's own on-behalf profile that
    still has no owner account. Raises PermissionDenied, ValidationError.
    """
    if not permissions.can_manage_programme(facilitator, enrolment.cohort.programme):
        raise PermissionDenied(_l("You cannot change this programme."))
    if status not in vocab.ENROLMENT_STATUSES:
        raise ValidationError(_l("Choose one of the options offered."))
    was_withdrawn = enrolment.status == "withdrawn"
    enrolment.status = status
    enrolment.completed_on = (today or dt.date.today()) if status == "completed" else None
    if status == "withdrawn" and not was_withdrawn:
        enrolment.withdrawn_at = utcnow()
        enrolment.withdrawn_by_id = facilitator.id
        audit.on_enterprise(
            "enrolment.withdrawn",
            enrolment.enterprise_id,
            by=facilitator.id,
            cohort=enrolment.cohort_id,
        )
    elif was_withdrawn and status != "withdrawn":
        _open_enrolment(enrolment, on_behalf=False)
    # Readiness and the programme filters read enrolments.
    enterprises.reindex_later(enrolment.enterprise)
    db.session.flush()


def enrol_by_email(*, facilitator: User, cohort: Cohort, email: str) -> None:
    """Invite the enterprise whose owner account has this e-mail address to the cohort.

    Answers the same whether or not the address belongs to an owner, and whether or not the
    enterprise is already invited, so the form cannot be used to find out who has an account:
    nothing happens for an unknown address (no mail to strangers). Raises PermissionDenied only
    (which does not depend on the address). Side effects: see `enrol_enterprise`.
    """
    if not permissions.can_manage_programme(facilitator, cohort.programme):
        raise PermissionDenied(_l("You cannot change this programme."))
    owner = account_services.find_user_by_email(email)
    if owner is None or owner.role != "owner":
        return
    enterprise = db.session.scalar(
        select(Enterprise).where(Enterprise.organisation_id == owner.organisation_id)
    )
    if enterprise is None:
        return
    try:
        enrol_enterprise(facilitator=facilitator, cohort=cohort, enterprise=enterprise)
    except Conflict:  # raised before any change: already invited or enrolled
        return


def deliver_held_invitations(*, organisation: Organisation) -> int:
    """Send the invitations that waited for `organisation` to be verified; returns how many.

    Side effects: the owners' notifications and mails (after commit), `notified_at` set.
    """
    held = db.session.scalars(
        select(Enrolment)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .join(Programme, Programme.id == Cohort.programme_id)
        .where(
            Programme.organisation_id == organisation.id,
            Enrolment.consent == "pending",
            Enrolment.status != "withdrawn",
            Enrolment.notified_at.is_(None),
        )
    ).all()
    for enrolment in held:
        _deliver_invitation(enrolment)
    db.session.flush()
    return len(held)


def invitations_for(owner: User) -> list[Enrolment]:
    """The programme invitations waiting for this owner's answer (delivered ones only)."""
    return [
        e
        for e in _enrolments_of(owner)
        if e.is_pending
        and e.notified_at is not None
        and e.cohort.programme.organisation.is_verified
    ]


def programmes_for(owner: User) -> list[Enrolment]:
    """The enrolments whose facilitators act for this owner's enterprise now."""
    return [
        e
        for e in _enrolments_of(owner)
        if e.is_accepted and (e.on_behalf or e.cohort.programme.organisation.is_verified)
    ]


def _enrolments_of(owner: User) -> list[Enrolment]:
    return list(
        db.session.scalars(
            select(Enrolment)
            .join(Enterprise, Enterprise.id == Enrolment.enterprise_id)
            .where(Enterprise.organisation_id == owner.organisation_id)
            .order_by(Enrolment.id)
        )
    )


def answer_invitation(*, owner: User, enrolment: Enrolment, accept: bool) -> None:
    """The owner accepts or declines a programme's invitation.

    Accepting gives the programme organisation's facilitators the rights listed on the
    invitation. Raises PermissionDenied (not this owner's, or the organisation is not verified)
    and Conflict (already answered or withdrawn). Side effects: audit; the facilitator is told.
    """
    if not permissions.can_answer_enrolment(owner, enrolment):
        raise PermissionDenied(_l("This invitation is not for your enterprise."))
    if not enrolment.is_pending or enrolment.notified_at is None:
        raise Conflict(_l("This invitation is not open any more."))
    if not enrolment.cohort.programme.organisation.is_verified:
        raise PermissionDenied(_l("This organisation is not verified yet."))
    enrolment.consent = "accepted" if accept else "declined"
    enrolment.consent_at = utcnow()
    enrolment.consent_by_id = owner.id
    audit.on_enterprise(
        "enrolment.accepted" if accept else "enrolment.declined",
        enrolment.enterprise_id,
        by=owner.id,
        cohort=enrolment.cohort_id,
    )
    _tell_facilitator(enrolment, "programme_accepted" if accept else "programme_declined")
    enterprises.reindex_later(enrolment.enterprise)  # mentoring counts towards readiness
    db.session.flush()


def leave_programme(*, owner: User, enrolment: Enrolment) -> None:
    """The owner ends a programme's rights over their enterprise (the enrolment stays, as
    history, with who left and when). Raises PermissionDenied, Conflict (not a current
    programme). Side effects: audit `enrolment.left`; the facilitator is told."""
    if not permissions.can_answer_enrolment(owner, enrolment):
        raise PermissionDenied(_l("This invitation is not for your enterprise."))
    if not enrolment.is_accepted:
        raise Conflict(_l("Your enterprise is not in this programme."))
    enrolment.consent = "left"
    enrolment.consent_at = utcnow()
    enrolment.consent_by_id = owner.id
    audit.on_enterprise(
        "enrolment.left", enrolment.enterprise_id, by=owner.id, cohort=enrolment.cohort_id
    )
    _tell_facilitator(enrolment, "programme_left")
    enterprises.reindex_later(enrolment.enterprise)
    db.session.flush()


def create_enterprise_on_behalf(
    *, facilitator: User, cohort: Cohort, name: str, owner_name: str | None, owner_phone: str
) -> Enterprise:
    """A draft profile for an owner who has only a phone number, enrolled in `cohort`.

    Raises PermissionDenied, ValidationError (name, phone). Side effects: an enterprise
    organisation, the profile, the enrolment; audit `profile.created_on_behalf`.
    """
    if not permissions.can_manage_programme(facilitator, cohort.programme):
        raise PermissionDenied(_l("You cannot change this programme."))
    if not (name or "").strip():
        raise ValidationError(_l("Give the business name."), field="name")
    try:
        phone = phones.normalise_phone(owner_phone)
    except ValidationError as error:
        error.field = "owner_phone"
        raise
    organisation = Organisation(kind="enterprise", name=name.strip())
    enterprise = Enterprise(
        organisation=organisation,
        name=name.strip(),
        owner_name=(owner_name or "").strip() or None,
        owner_phone=phone,
        created_by_id=facilitator.id,
        province_code=cohort.province_code,
        regency_code=cohort.regency_code,
    )
    db.session.add_all([organisation, enterprise])
    db.session.flush()
    consents.announce_defaults(enterprise=enterprise)
    enrol_enterprise(facilitator=facilitator, cohort=cohort, enterprise=enterprise, on_behalf=True)
    audit.on_enterprise("profile.created_on_behalf", enterprise.id, by=facilitator.id)
    return enterprise


def attest_item(
    *,
    facilitator: User,
    enterprise: Enterprise,
    item_code: str,
    note: str | None = None,
    today: dt.date | None = None,
) -> Attestation:
    """A facilitator's "diverifikasi pendamping" on a checklist item, with name and date.

    Raises PermissionDenied (not this enterprise's facilitator), ValidationError (unknown item).
    Side effects: audit `checklist.attested`.
    """
    if not permissions.can_attest(facilitator, enterprise):
        raise PermissionDenied(_l("Only the enterprise's facilitator can verify items."))
    if item_code not in readiness_text.ITEM_LABELS:
        raise ValidationError(_l("Unknown checklist item."))
    attestation = row_or_new(Attestation, enterprise=enterprise, item_code=item_code)
    attestation.attested_by_id = facilitator.id
    attestation.attested_by_name = facilitator.name
    attestation.attested_on = today or dt.date.today()
    attestation.note = (note or "").strip()[:300] or None
    audit.on_enterprise("checklist.attested", enterprise.id, by=facilitator.id, item=item_code)
    db.session.flush()
    return attestation


def withdraw_attestation(*, facilitator: User, enterprise: Enterprise, item_code: str) -> None:
    if not permissions.can_attest(facilitator, enterprise):
        raise PermissionDenied(_l("Only the enterprise's facilitator can verify items."))
    attestation = db.session.scalar(
        select(Attestation).where(
            Attestation.enterprise_id == enterprise.id, Attestation.item_code == item_code
        )
    )
    if attestation is not None:
        db.session.delete(attestation)
        audit.on_enterprise("checklist.withdrawn", enterprise.id, by=facilitator.id, item=item_code)
        db.session.flush()


def programmes_of(organisation_id: int) -> list[Programme]:
    """The programmes a programme organisation runs, by name."""
    return list(
        db.session.scalars(
            select(Programme)
            .where(Programme.organisation_id == organisation_id)
            .order_by(Programme.name)
        )
    )


def facilitators_of(enterprise: Enterprise) -> list[User]:
    """The active facilitators who act for the enterprise now (the owner's consent), by id."""
    from marketplace.programmes import consent

    rows = consent.consented_enrolments().subquery()
    return list(
        db.session.scalars(
            select(User)
            .join(rows, rows.c.facilitator_id == User.id)
            .where(rows.c.enterprise_id == enterprise.id, User.active.is_(True))
            .order_by(User.id)
        ).unique()
    )


def owners_and_facilitators(enterprise: Enterprise) -> list[User]:
    """Who answers for the enterprise: its active owners and its consenting facilitators."""
    owners = members.active_members(enterprise.organisation_id, role="owner")
    return [*owners, *facilitators_of(enterprise)]
