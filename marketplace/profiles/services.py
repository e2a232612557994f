"""Enterprise profiles, programmes, attestations, hand-over invitations and mandates.

Services flush, never commit; they raise `marketplace.errors` domain errors with messages in
the user's language and take keyword-only arguments.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from marketplace import audit, money, regions, storage, tasks, vocab
from marketplace.accounts import services as account_services
from marketplace.accounts.models import Organisation, User
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationError
from marketplace.extensions import db
from marketplace.models import as_utc, utcnow
from marketplace.profiles import crypto, permissions, readiness, readiness_text, validators
from marketplace.profiles.models import (
    Attestation,
    Cohort,
    Enrolment,
    Enterprise,
    Invitation,
    LegalDocument,
    Mandate,
    MentoringRecord,
    MonthlyRevenue,
    ProductPhoto,
    Programme,
)

INVITATION_LIFETIME = dt.timedelta(days=30)

PROFILE_FIELDS = (
    "name",
    "legal_form",
    "sector",
    "products",
    "description",
    "province_code",
    "regency_code",
    "founded_on",
    "employees",
    "women_employees",
    "owner_name",
    "women_led",
    "disability_inclusive",
    "pkh_graduate",
    "low_income_household",
    "green",
    "share_women_led",
    "share_disability_inclusive",
    "share_pkh_graduate",
    "capital",
    "annual_turnover",
    "profit_last_year",
    "ask_amount",
    "ask_instruments",
    "use_of_funds",
    "tenor_months",
    "has_bank_account",
    "bank_name",
    "keeps_books",
    "has_collateral",
)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_l("You cannot change this profile."))


def _check_code(value: str | None, mapping: dict, field: str) -> None:
    if value and value not in mapping:
        raise ValidationError(_l("Choose one of the options offered."), field=field)


def _check_amount(value: int | None, field: str, *, allow_negative: bool = False) -> None:
    problem = money.amount_problem(value, allow_negative=allow_negative)
    if problem is not None:
        raise ValidationError(problem, field=field)


# --- profile -------------------------------------------------------------------------------
def update_profile(
    *,
    actor: User,
    enterprise: Enterprise,
    data: dict[str, Any],
    nik: str | None = None,
    owner_phone: str | None = None,
) -> None:
    """Save the profile fields in `data` (a draft may be incomplete).

    `nik` and `owner_phone`, when given (non-empty), are normalised; the NIK is stored
    encrypted. Raises PermissionDenied, ValidationError (with the field). Side effects:
    audit `profile.updated`; reindex after commit when published.
    """
    _require(permissions.can_edit_enterprise(actor, enterprise))
    unknown = set(data) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"unknown profile fields {sorted(unknown)}")
    name = (data.get("name") or "").strip()
    if "name" in data and not name:
        raise ValidationError(_l("Give the business name."), field="name")
    _check_code(data.get("legal_form"), vocab.LEGAL_FORMS, "legal_form")
    _check_code(data.get("sector"), vocab.SECTORS, "sector")
    province, regency = data.get("province_code"), data.get("regency_code")
    if province and province not in regions.provinces():
        raise ValidationError(_l("Choose a province from the list."), field="province_code")
    if regency:
        region = regions.regencies().get(regency)
        if region is None:
            raise ValidationError(
                _l("Choose a regency or city from the list."), field="regency_code"
            )
        if province and region.province_code != province:
            raise ValidationError(
                _l("This regency or city is not in the chosen province."), field="regency_code"
            )
    founded = data.get("founded_on")
    if founded and founded > dt.date.today():
        raise ValidationError(_l("The founding date cannot be in the future."), field="founded_on")
    employees, women = data.get("employees"), data.get("women_employees")
    if employees is not None and employees < 0:
        raise ValidationError(_l("Enter 0 or more."), field="employees")
    if women is not None and (women < 0 or (employees is not None and women > employees)):
        raise ValidationError(
            _l("Women employees cannot be more than all employees."), field="women_employees"
        )
    for field in ("capital", "annual_turnover", "ask_amount"):
        _check_amount(data.get(field), field)
    _check_amount(data.get("profit_last_year"), "profit_last_year", allow_negative=True)
    if data.get("ask_amount") == 0:
        raise ValidationError(
            _l("Leave the amount empty, or enter more than Rp0."), field="ask_amount"
        )
    instruments = data.get("ask_instruments") or []
    for code in instruments:
        _check_code(code, vocab.INSTRUMENTS, "ask_instruments")
    tenor = data.get("tenor_months")
    if tenor is not None and not 1 <= tenor <= 240:
        raise ValidationError(_l("The tenor is between 1 and 240 months."), field="tenor_months")

    for field, value in data.items():
        if isinstance(value, str):
            value = value.strip() or None
        setattr(enterprise, field, value)
    if name:
        enterprise.name = name
        if enterprise.organisation.kind == "enterprise":
            enterprise.organisation.name = name
    enterprise.ask_instruments = list(instruments)
    if nik:
        set_nik(enterprise=enterprise, nik=nik)
    if owner_phone:
        try:
            enterprise.owner_phone = validators.normalise_phone(owner_phone)
        except ValidationError as error:
            error.field = "owner_phone"
            raise
    audit.record(
        "profile.updated", actor_id=actor.id, object_type="enterprise", object_id=enterprise.id
    )
    db.session.flush()
    _reindex_later(enterprise)


def set_nik(*, enterprise: Enterprise, nik: str) -> None:
    """Store the owner's NIK encrypted, with its masked form. Raises ValidationError."""
    try:
        normalised = validators.normalise_nik(nik)
    except ValidationError as error:
        error.field = "nik"
        raise
    enterprise.owner_nik_encrypted = crypto.encrypt(normalised)
    enterprise.owner_nik_prefix = normalised[:4]
    enterprise.owner_nik_last4 = normalised[-4:]


def reveal_nik(*, viewer: User, enterprise: Enterprise) -> str | None:
    """The full NIK for the owner and their facilitator; the masked one for anyone else.

    Side effects: audit `nik.viewed` when the full number is shown.
    """
    if not enterprise.owner_nik_encrypted:
        return None
    if not permissions.can_see_identity(viewer, enterprise):
        return enterprise.nik_masked
    audit.record(
        "nik.viewed", actor_id=viewer.id, object_type="enterprise", object_id=enterprise.id
    )
    return crypto.decrypt(enterprise.owner_nik_encrypted)


def _reindex_later(enterprise: Enterprise) -> None:
    # Registered by marketplace.matching (always loaded by create_app).
    tasks.enqueue("search.sync_enterprise", enterprise_id=enterprise.id)


REQUIRED_TO_PUBLISH = {
    "name": _l("business name"),
    "sector": _l("sector"),
    "legal_form": _l("legal form"),
    "province_code": _l("province"),
    "regency_code": _l("regency or city"),
    "products": _l("products"),
    "ask_amount": _l("funding ask"),
}


def missing_for_publication(enterprise: Enterprise) -> list[str]:
    """Labels of the fields a profile needs before it can be published."""
    missing = [
        str(label) for field, label in REQUIRED_TO_PUBLISH.items() if not getattr(enterprise, field)
    ]
    if not enterprise.ask_instruments:
        missing.append(str(_l("instruments wanted")))
    return missing


def publish_profile(*, actor: User, enterprise: Enterprise) -> None:
    """Make the profile visible to investors and searchable.

    Raises PermissionDenied; ValidationError listing what is missing. Side effects: audit
    `profile.published`; indexed after commit.
    """
    _require(permissions.can_edit_enterprise(actor, enterprise))
    missing = missing_for_publication(enterprise)
    if missing:
        raise ValidationError(
            _l("Fill in these fields before publishing: %(fields)s.", fields=", ".join(missing))
        )
    enterprise.status = "published"
    enterprise.published_at = utcnow()
    audit.record(
        "profile.published", actor_id=actor.id, object_type="enterprise", object_id=enterprise.id
    )
    db.session.flush()
    _reindex_later(enterprise)


def unpublish_profile(*, actor: User, enterprise: Enterprise) -> None:
    """Hide the profile again (back to draft). Side effects: audit; removed from the index."""
    _require(permissions.can_edit_enterprise(actor, enterprise))
    enterprise.status = "draft"
    audit.record(
        "profile.unpublished", actor_id=actor.id, object_type="enterprise", object_id=enterprise.id
    )
    db.session.flush()
    _reindex_later(enterprise)


# --- documents, revenues, mentoring ----------------------------------------------------------
_NUMBER_RULES = {
    "nib": validators.normalise_nib,
    "npwp": validators.normalise_npwp,
}


def set_document(
    *,
    actor: User,
    enterprise: Enterprise,
    kind: str,
    number: str | None,
    issued_on: dt.date | None,
    expires_on: dt.date | None,
) -> LegalDocument:
    """Record (or replace) a legal document the enterprise holds.

    NIB and NPWP numbers are checked and normalised. Raises PermissionDenied, ValidationError.
    Side effects: audit `document.recorded`.
    """
    _require(permissions.can_edit_enterprise(actor, enterprise))
    _check_code(kind, vocab.DOCUMENT_KINDS, "kind")
    if not kind:
        raise ValidationError(_l("Choose the kind of document."), field="kind")
    number = (number or "").strip() or None
    if kind in _NUMBER_RULES:
        if not number:
            raise ValidationError(_l("Enter the number printed on the document."), field="number")
        try:
            number = _NUMBER_RULES[kind](number)
        except ValidationError as error:
            error.field = "number"
            raise
    if issued_on and expires_on and expires_on < issued_on:
        raise ValidationError(_l("The expiry date is before the issue date."), field="expires_on")
    document = db.session.scalar(
        select(LegalDocument).where(
            LegalDocument.enterprise_id == enterprise.id, LegalDocument.kind == kind
        )
    )
    if document is None:
        document = LegalDocument(enterprise=enterprise, kind=kind)
        db.session.add(document)
    document.number, document.issued_on, document.expires_on = number, issued_on, expires_on
    audit.record(
        "document.recorded",
        actor_id=actor.id,
        object_type="enterprise",
        object_id=enterprise.id,
        details={"kind": kind},
    )
    db.session.flush()
    _reindex_later(enterprise)
    return document


def remove_document(*, actor: User, enterprise: Enterprise, document_id: int) -> None:
    _require(permissions.can_edit_enterprise(actor, enterprise))
    document = db.session.get(LegalDocument, document_id)
    if document is None or document.enterprise_id != enterprise.id:
        raise NotFound(_l("That document is not on this profile."))
    db.session.delete(document)
    audit.record(
        "document.removed",
        actor_id=actor.id,
        object_type="enterprise",
        object_id=enterprise.id,
        details={"kind": document.kind},
    )
    db.session.flush()
    _reindex_later(enterprise)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def recent_months(today: dt.date, count: int = 6) -> list[dt.date]:
    """The first days of the `count` full months before `today`, most recent first."""
    months = []
    current = month_start(today)
    for _ in range(count):
        current = month_start(current - dt.timedelta(days=1))
        months.append(current)
    return months


def set_revenues(
    *, actor: User, enterprise: Enterprise, revenues: dict[dt.date, int | None]
) -> None:
    """Record monthly revenue per month (None removes a month). Raises ValidationError."""
    _require(permissions.can_edit_enterprise(actor, enterprise))
    existing = {r.month: r for r in enterprise.revenues}
    for month, amount in revenues.items():
        month = month_start(month)
        if amount is None:
            if month in existing:
                db.session.delete(existing[month])
            continue
        _check_amount(amount, f"revenue_{month:%Y_%m}")
        if month in existing:
            existing[month].amount = amount
        else:
            db.session.add(MonthlyRevenue(enterprise=enterprise, month=month, amount=amount))
    db.session.flush()
    db.session.expire(enterprise, ["revenues"])


def add_mentoring_record(
    *,
    actor: User,
    enterprise: Enterprise,
    programme_name: str,
    cohort_name: str | None,
    started_on: dt.date | None,
    completed_on: dt.date | None,
    modules_completed: str | None,
) -> MentoringRecord:
    """Record mentoring received outside TemuModal's own cohorts. Raises ValidationError."""
    _require(permissions.can_edit_enterprise(actor, enterprise))
    if not (programme_name or "").strip():
        raise ValidationError(_l("Give the programme's name."), field="programme_name")
    if started_on and completed_on and completed_on < started_on:
        raise ValidationError(_l("The end date is before the start date."), field="completed_on")
    record = MentoringRecord(
        enterprise=enterprise,
        programme_name=programme_name.strip(),
        cohort_name=(cohort_name or "").strip() or None,
        started_on=started_on,
        completed_on=completed_on,
        modules_completed=(modules_completed or "").strip() or None,
    )
    db.session.add(record)
    db.session.flush()
    return record


def remove_mentoring_record(*, actor: User, enterprise: Enterprise, record_id: int) -> None:
    _require(permissions.can_edit_enterprise(actor, enterprise))
    record = db.session.get(MentoringRecord, record_id)
    if record is None or record.enterprise_id != enterprise.id:
        raise NotFound(_l("That record is not on this profile."))
    db.session.delete(record)
    db.session.flush()


# --- photos ----------------------------------------------------------------------------------
def upload_limits():
    """The upload limits in force, from configuration."""
    from marketplace import uploads

    config = current_app.config
    return uploads.UploadLimits(
        max_bytes=config["UPLOAD_MAX_BYTES"],
        max_pages=config["UPLOAD_MAX_PAGES"],
        max_pixels=config["UPLOAD_MAX_PIXELS"],
    )


def add_photo(
    *, actor: User, enterprise: Enterprise, data: bytes, caption: str | None = None
) -> ProductPhoto:
    """Validate a product photo by content, rotate it upright, strip its metadata and store a
    1280 px and a 320 px copy under generated names.

    Raises PermissionDenied, ValidationError (too many photos), UploadRejected (bad file).
    Side effects: two files, final once the transaction commits; audit `photo.added`.
    """
    from marketplace.profiles import images

    _require(permissions.can_edit_enterprise(actor, enterprise))
    limit = current_app.config["PHOTOS_PER_ENTERPRISE"]
    if len(enterprise.photos) >= limit:
        raise ValidationError(
            _l("A profile can have at most %(count)s photos. Remove one first.", count=limit)
        )
    processed = images.process_photo(data, limits=upload_limits())
    suffix = {"image/jpeg": ".jpg", "image/webp": ".webp", "image/png": ".png"}
    large_key = storage.save(
        processed.large.data, suffix=suffix[processed.large.mime], session=db.session()
    )
    small_key = storage.save(
        processed.small.data, suffix=suffix[processed.small.mime], session=db.session()
    )
    photo = ProductPhoto(
        enterprise=enterprise,
        position=len(enterprise.photos),
        caption=(caption or "").strip()[:200] or None,
        large_key=large_key,
        small_key=small_key,
        mime=processed.large.mime,
        width=processed.large.width,
        height=processed.large.height,
    )
    db.session.add(photo)
    audit.record(
        "photo.added", actor_id=actor.id, object_type="enterprise", object_id=enterprise.id
    )
    db.session.flush()
    return photo


def remove_photo(*, actor: User, enterprise: Enterprise, photo_id: int) -> None:
    _require(permissions.can_edit_enterprise(actor, enterprise))
    photo = db.session.get(ProductPhoto, photo_id)
    if photo is None or photo.enterprise_id != enterprise.id:
        raise NotFound(_l("That photo is not on this profile."))
    storage.delete_after_commit([photo.large_key, photo.small_key], session=db.session())
    db.session.delete(photo)
    db.session.flush()


def _photo_keys(session: Session) -> Iterator[str]:
    for large, small in session.execute(select(ProductPhoto.large_key, ProductPhoto.small_key)):
        yield large
        yield small


storage.register_key_source(_photo_keys)


# --- readiness -------------------------------------------------------------------------------
def readiness_facts(enterprise: Enterprise) -> readiness.EnterpriseFacts:
    """The facts the readiness rules read, taken from the profile and its records."""
    completed = any(e.status == "completed" for e in enterprise.agreed_enrolments) or any(
        m.completed_on is not None for m in enterprise.mentoring
    )
    in_programme = any(e.status == "active" and e.is_accepted for e in enterprise.enrolments)
    return readiness.EnterpriseFacts(
        legal_form=enterprise.legal_form,
        sector=enterprise.sector,
        founded_on=enterprise.founded_on,
        capital=enterprise.capital,
        annual_turnover=enterprise.annual_turnover,
        profit_last_year=enterprise.profit_last_year,
        monthly_revenues=tuple(r.amount for r in enterprise.revenues),
        ask_amount=enterprise.ask_amount,
        ask_instruments=frozenset(enterprise.ask_instruments or ()),
        has_nik=bool(enterprise.owner_nik_encrypted),
        documents={d.kind: d.expires_on for d in enterprise.documents},
        has_bank_account=enterprise.has_bank_account,
        keeps_books=enterprise.keeps_books,
        has_collateral=enterprise.has_collateral,
        women_led=enterprise.women_led,
        low_income_household=enterprise.low_income_household,
        pkh_graduate=enterprise.pkh_graduate,
        disability_inclusive=enterprise.disability_inclusive,
        mentoring_completed=completed,
        in_programme=in_programme,
        attestations={
            a.item_code: (a.attested_by_name, a.attested_on) for a in enterprise.attestations
        },
    )


def assess(enterprise: Enterprise, *, today: dt.date | None = None) -> readiness.Assessment:
    """The readiness assessment of the profile as it is now."""
    return readiness.assess(readiness_facts(enterprise), today=today or dt.date.today())


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
    attestation = db.session.scalar(
        select(Attestation).where(
            Attestation.enterprise_id == enterprise.id, Attestation.item_code == item_code
        )
    )
    if attestation is None:
        attestation = Attestation(enterprise=enterprise, item_code=item_code)
        db.session.add(attestation)
    attestation.attested_by_id = facilitator.id
    attestation.attested_by_name = facilitator.name
    attestation.attested_on = today or dt.date.today()
    attestation.note = (note or "").strip()[:300] or None
    audit.record(
        "checklist.attested",
        actor_id=facilitator.id,
        object_type="enterprise",
        object_id=enterprise.id,
        details={"item": item_code},
    )
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
        audit.record(
            "checklist.withdrawn",
            actor_id=facilitator.id,
            object_type="enterprise",
            object_id=enterprise.id,
            details={"item": item_code},
        )
        db.session.flush()


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
    from marketplace.matching import notifications

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
    from marketplace.matching import notifications

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
    audit.record(
        "enterprise.enrolled",
        actor_id=facilitator.id,
        object_type="enterprise",
        object_id=enterprise.id,
        details={"cohort": cohort.id, "consent": enrolment.consent},
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
    if status not in ("active", "completed", "withdrawn"):
        raise ValidationError(_l("Choose one of the options offered."))
    was_withdrawn = enrolment.status == "withdrawn"
    enrolment.status = status
    enrolment.completed_on = (today or dt.date.today()) if status == "completed" else None
    if status == "withdrawn" and not was_withdrawn:
        enrolment.withdrawn_at = utcnow()
        enrolment.withdrawn_by_id = facilitator.id
        audit.record(
            "enrolment.withdrawn",
            actor_id=facilitator.id,
            object_type="enterprise",
            object_id=enrolment.enterprise_id,
            details={"cohort": enrolment.cohort_id},
        )
    elif was_withdrawn and status != "withdrawn":
        _open_enrolment(enrolment, on_behalf=False)
    _reindex_later(enrolment.enterprise)  # readiness and programme filters read enrolments
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
    audit.record(
        "enrolment.accepted" if accept else "enrolment.declined",
        actor_id=owner.id,
        object_type="enterprise",
        object_id=enrolment.enterprise_id,
        details={"cohort": enrolment.cohort_id},
    )
    _tell_facilitator(enrolment, "programme_accepted" if accept else "programme_declined")
    _reindex_later(enrolment.enterprise)  # mentoring counts towards readiness
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
    audit.record(
        "enrolment.left",
        actor_id=owner.id,
        object_type="enterprise",
        object_id=enrolment.enterprise_id,
        details={"cohort": enrolment.cohort_id},
    )
    _tell_facilitator(enrolment, "programme_left")
    _reindex_later(enrolment.enterprise)
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
        phone = validators.normalise_phone(owner_phone)
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
    enrol_enterprise(facilitator=facilitator, cohort=cohort, enterprise=enterprise, on_behalf=True)
    audit.record(
        "profile.created_on_behalf",
        actor_id=facilitator.id,
        object_type="enterprise",
        object_id=enterprise.id,
    )
    return enterprise


# --- hand-over invitations -------------------------------------------------------------------
def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_invitation(*, facilitator: User, enterprise: Enterprise) -> str:
    """A one-time link token for the owner to claim the profile; valid 30 days.

    Raises PermissionDenied; Conflict when the enterprise already has an owner account.
    Side effects: earlier open invitations for the enterprise are revoked; audit.
    """
    if not permissions.is_facilitator_of(facilitator, enterprise):
        raise PermissionDenied(_l("Only the enterprise's facilitator can invite its owner."))
    has_owner = db.session.scalar(
        select(User.id).where(
            User.organisation_id == enterprise.organisation_id, User.role == "owner"
        )
    )
    if has_owner:
        raise Conflict(_l("This enterprise already has an owner account."))
    for old in db.session.scalars(
        select(Invitation).where(
            Invitation.enterprise_id == enterprise.id, Invitation.accepted_at.is_(None)
        )
    ):
        old.expires_at = utcnow()
    token = secrets.token_urlsafe(24)
    db.session.add(
        Invitation(
            enterprise=enterprise,
            token_hash=_token_hash(token),
            phone=enterprise.owner_phone,
            created_by_id=facilitator.id,
            expires_at=utcnow() + INVITATION_LIFETIME,
        )
    )
    audit.record(
        "invitation.created",
        actor_id=facilitator.id,
        object_type="enterprise",
        object_id=enterprise.id,
    )
    db.session.flush()
    return token


def find_invitation(token: str) -> Invitation:
    """The open invitation for `token`. Raises NotFound for unknown, used or expired links."""
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == _token_hash(token or ""))
    )
    if (
        invitation is None
        or invitation.accepted_at is not None
        or as_utc(invitation.expires_at) <= utcnow()
    ):
        raise NotFound(
            _l("This invitation link is not valid any more. Ask your facilitator for a new one.")
        )
    return invitation


def accept_invitation(
    *, token: str, email: str, name: str, password: str, locale: str = "id"
) -> User:
    """The owner claims the profile: a new owner account in the enterprise's organisation.

    Raises NotFound (bad link), ValidationError, Conflict (e-mail taken).
    Side effects: the invitation is used up; audit.
    """
    invitation = find_invitation(token)
    user = account_services.register_user(
        email=email,
        name=name,
        password=password,
        role="owner",
        organisation=invitation.enterprise.organisation,
        phone=invitation.phone,
        locale=locale,
    )
    invitation.accepted_at = utcnow()
    invitation.accepted_by_id = user.id
    audit.record(
        "invitation.accepted",
        actor_id=user.id,
        object_type="enterprise",
        object_id=invitation.enterprise_id,
    )
    db.session.flush()
    return user


# --- mandates --------------------------------------------------------------------------------
@dataclass
class MandateData:
    investor_kind: str
    sectors: list[str]
    provinces: list[str]
    ticket_min: int | None
    ticket_max: int | None
    instruments: list[str]
    sharia_only: bool
    impact_themes: list[str]
    min_stage: str
    thesis: str | None


def save_mandate(*, actor: User, organisation: Organisation, data: MandateData) -> Mandate:
    """Create or update the investor organisation's mandate.

    Raises PermissionDenied, ValidationError (codes, ticket range, sharia-only with only
    conventional instruments). Side effects: audit `mandate.saved`.
    """
    if not permissions.can_edit_mandate(actor, organisation):
        raise PermissionDenied(_l("You cannot change this mandate."))
    _check_code(data.investor_kind, vocab.INVESTOR_KINDS, "investor_kind")
    if not data.investor_kind:
        raise ValidationError(_l("Choose the kind of organisation."), field="investor_kind")
    for field, mapping in (
        ("sectors", vocab.SECTORS),
        ("instruments", vocab.INSTRUMENTS),
        ("impact_themes", vocab.IMPACT_THEMES),
    ):
        for code in getattr(data, field):
            _check_code(code, mapping, field)
    for code in data.provinces:
        if code not in regions.provinces():
            raise ValidationError(_l("Choose provinces from the list."), field="provinces")
    _check_code(data.min_stage, vocab.STAGES, "min_stage")
    _check_amount(data.ticket_min, "ticket_min")
    _check_amount(data.ticket_max, "ticket_max")
    if (
        data.ticket_min is not None
        and data.ticket_max is not None
        and (data.ticket_min > data.ticket_max)
    ):
        raise ValidationError(
            _l("The minimum ticket is larger than the maximum."), field="ticket_max"
        )
    if not data.instruments:
        raise ValidationError(_l("Choose at least one instrument."), field="instruments")
    if data.sharia_only and not (set(data.instruments) - vocab.CONVENTIONAL_INSTRUMENTS):
        raise ValidationError(
            _l(
                "A sharia-only mandate needs at least one sharia-compatible instrument "
                "(for example murabahah or musyarakah)."
            ),
            field="instruments",
        )
    mandate = db.session.scalar(select(Mandate).where(Mandate.organisation_id == organisation.id))
    if mandate is None:
        mandate = Mandate(organisation_id=organisation.id)
        db.session.add(mandate)
    for field in MandateData.__dataclass_fields__:
        value = getattr(data, field)
        setattr(
            mandate,
            field,
            value.strip() or None if isinstance(value, str) and field == "thesis" else value,
        )
    audit.record(
        "mandate.saved", actor_id=actor.id, object_type="organisation", object_id=organisation.id
    )
    db.session.flush()
    return mandate


def enterprise_of(user: User) -> Enterprise | None:
    """The profile of an owner's enterprise."""
    if user.role != "owner":
        return None
    return db.session.scalar(
        select(Enterprise).where(Enterprise.organisation_id == user.organisation_id)
    )


def get_enterprise(enterprise_id: int) -> Enterprise:
    enterprise = db.session.get(Enterprise, enterprise_id)
    if enterprise is None:
        raise NotFound(_l("This profile does not exist."))
    return enterprise
