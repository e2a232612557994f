"""Enterprise profiles: the owner's data, the NIK, publication and the readiness assessment.

The profile's track record (legal documents, monthly revenue, mentoring) is in
`marketplace.profiles.records`, its product photos in `marketplace.profiles.photos`.

Services flush, never commit; they raise `marketplace.errors` domain errors with messages in
the user's language and take keyword-only arguments.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from typing import Any, TypeVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, inspect, select
from sqlalchemy.orm.attributes import set_committed_value

from marketplace import audit, editing, phones, regions, tasks, vocab
from marketplace.accounts.models import User
from marketplace.errors import PermissionDenied, Problems, ValidationError
from marketplace.extensions import db
from marketplace.models import row_or_not_found, utcnow
from marketplace.profiles import consents, crypto, permissions, readiness, validators
from marketplace.profiles.models import Enterprise
from marketplace.profiles.readiness_facts import Assessment, EnterpriseFacts, counts_as_held
from marketplace.profiles.readiness_social import SocialReadiness, social_checklist
from marketplace.profiles.validators import check_amount, check_code

RowT = TypeVar("RowT")

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
    "graduated_from",
    "graduated_on",
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
    "in_training",
    "in_business_group",
    "family_member_business",
    "prior_commercial_credit",
    "current_programme_credit",
    "koperasi_rat_held",
    "koperasi_shu_positive",
)


def require_editor(actor: User, enterprise: Enterprise) -> None:
    """Raise PermissionDenied unless `actor` may change `enterprise`'s profile."""
    if not permissions.can_edit_enterprise(actor, enterprise):
        raise PermissionDenied(_l("You cannot change this profile."))


# --- profile -------------------------------------------------------------------------------
def update_profile(
    *,
    actor: User,
    enterprise: Enterprise,
    data: dict[str, Any],
    nik: str | None = None,
    owner_phone: str | None = None,
    version: int | None = None,
    opened: str | None = None,
) -> None:
    """Save the profile fields in `data` (a draft may be incomplete).

    `nik` and `owner_phone`, when given (non-empty), are normalised; the NIK is stored
    encrypted. `version` and `opened` (from a form: see `marketplace.editing`) refuse the save
    when someone else changed a field of the form since it was opened. Raises
    PermissionDenied, ValidationError (every broken rule at once), EditConflict. Side effects:
    audit `profile.updated`; reindex after commit when published.
    """
    require_editor(actor, enterprise)
    before = consents.current(enterprise)
    unknown = set(data) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"unknown profile fields {sorted(unknown)}")
    editing.check_unchanged(
        enterprise, version=version, opened=opened, values=editable_values(enterprise)
    )
    check_profile(data=data, nik=nik, owner_phone=owner_phone).raise_any()
    name = (data.get("name") or "").strip()
    instruments = data.get("ask_instruments") or []
    if data.get("graduated_from") == "pkh":
        # A PKH graduation is what the "PKH graduate" box says: keep the two in step.
        data = {**data, "pkh_graduate": True}

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
        enterprise.owner_phone = phones.normalise_phone(owner_phone)
    audit.on_enterprise("profile.updated", enterprise.id, by=actor.id)
    db.session.flush()
    consents.announce(actor=actor, enterprise=enterprise, before=before)
    reindex_later(enterprise)


def editable_values(enterprise: Enterprise, *, today: dt.date | None = None) -> dict[str, Any]:
    """The profile's values as the edit form shows them, by form field name: what
    :func:`update_profile` compares with the form's fingerprint. The form's monthly revenue
    rows (the months of :func:`recent_months`) are among them, named `revenue_YYYY_MM`."""
    values = {name: getattr(enterprise, name) for name in PROFILE_FIELDS}
    values["owner_phone"] = enterprise.owner_phone
    values["nik"] = enterprise.owner_nik_encrypted
    revenues = {r.month: r.amount for r in enterprise.revenues}
    for month in recent_months(today or dt.date.today()):
        values[revenue_field(month)] = revenues.get(month)
    return values


def revenue_field(month: dt.date) -> str:
    """The profile form's name for the revenue input of `month`."""
    return f"revenue_{month:%Y_%m}"


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


def check_profile(
    *, data: dict[str, Any], nik: str | None = None, owner_phone: str | None = None
) -> Problems:
    """Every rule the profile fields in `data` break, all of them at once (nothing is changed):
    `.raise_any()` raises them together. The rules of :func:`update_profile`."""
    problems = Problems()
    if "name" in data and not (data.get("name") or "").strip():
        problems.add(_l("Give the business name."), field="name")
    with problems.check():
        check_code(data.get("legal_form"), vocab.LEGAL_FORMS, "legal_form")
    with problems.check():
        check_code(data.get("sector"), vocab.SECTORS, "sector")
    province, regency = data.get("province_code"), data.get("regency_code")
    if province and province not in regions.provinces():
        problems.add(_l("Choose a province from the list."), field="province_code")
    if regency:
        region = regions.regencies().get(regency)
        if region is None:
            problems.add(_l("Choose a regency or city from the list."), field="regency_code")
        elif province and region.province_code != province:
            problems.add(
                _l("This regency or city is not in the chosen province."), field="regency_code"
            )
    founded = data.get("founded_on")
    if founded and founded > dt.date.today():
        problems.add(_l("The founding date cannot be in the future."), field="founded_on")
    employees, women = data.get("employees"), data.get("women_employees")
    if employees is not None and employees < 0:
        problems.add(_l("Enter 0 or more."), field="employees")
    if women is not None and (women < 0 or (employees is not None and women > employees)):
        problems.add(
            _l("Women employees cannot be more than all employees."), field="women_employees"
        )
    for field in ("capital", "annual_turnover", "ask_amount"):
        with problems.check():
            check_amount(data.get(field), field)
    with problems.check():
        check_amount(data.get("profit_last_year"), "profit_last_year", allow_negative=True)
    if data.get("ask_amount") == 0:
        problems.add(_l("Leave the amount empty, or enter more than Rp0."), field="ask_amount")
    for code in data.get("ask_instruments") or []:
        with problems.check():
            check_code(code, vocab.INSTRUMENTS, "ask_instruments")
    graduated_from, graduated_on = data.get("graduated_from"), data.get("graduated_on")
    with problems.check():
        check_code(graduated_from, vocab.ASSISTANCE_PROGRAMMES, "graduated_from")
    if graduated_on and not graduated_from:
        problems.add(
            _l("Choose the programme the household graduated from."), field="graduated_from"
        )
    if graduated_on and graduated_on > dt.date.today():
        problems.add(_l("The graduation date cannot be in the future."), field="graduated_on")
    tenor = data.get("tenor_months")
    if tenor is not None and not 1 <= tenor <= 240:
        problems.add(_l("The tenor is between 1 and 240 months."), field="tenor_months")
    if nik:
        with problems.check("nik"):
            validators.normalise_nik(nik)
    if owner_phone:
        with problems.check("owner_phone"):
            phones.normalise_phone(owner_phone)
    return problems


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
    audit.on_enterprise("nik.viewed", enterprise.id, by=viewer.id)
    return crypto.decrypt(enterprise.owner_nik_encrypted)


def row_of(model: type[RowT], row_id: int, enterprise: Enterprise, missing: str) -> RowT:
    """The `model` row `row_id` when it belongs to `enterprise`, so that an id taken from another
    profile is never acted on. Raises NotFound(`missing`) otherwise."""
    return row_or_not_found(model, row_id, missing, enterprise_id=enterprise.id)


def reindex_later(enterprise: Enterprise) -> None:
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
    `profile.published`; indexed after commit, then the saved searches it matches notified.
    """
    require_editor(actor, enterprise)
    missing = missing_for_publication(enterprise)
    if missing:
        raise ValidationError(
            _l("Fill in these fields before publishing: %(fields)s.", fields=", ".join(missing))
        )
    before = consents.current(enterprise)
    enterprise.status = "published"
    enterprise.published_at = utcnow()
    audit.on_enterprise("profile.published", enterprise.id, by=actor.id)
    db.session.flush()
    consents.announce(actor=actor, enterprise=enterprise, before=before)
    reindex_later(enterprise)
    # After the reindex, so that an inline indexer holds the profile when this job runs.
    # Registered by marketplace.matching.saved_searches (loaded by create_app).
    tasks.enqueue("saved_searches.notify_matches", enterprise_id=enterprise.id)


def unpublish_profile(*, actor: User, enterprise: Enterprise) -> None:
    """Hide the profile again (back to draft). Side effects: audit; removed from the index."""
    require_editor(actor, enterprise)
    before = consents.current(enterprise)
    enterprise.status = "draft"
    audit.on_enterprise("profile.unpublished", enterprise.id, by=actor.id)
    db.session.flush()
    consents.announce(actor=actor, enterprise=enterprise, before=before)
    reindex_later(enterprise)


def set_consent(*, actor: User, enterprise: Enterprise, purpose: str, granted: bool) -> None:
    """Give or withdraw the owner's consent for one purpose (`consents.PURPOSES`), at once.

    Visibility to investors is the profile's publication (`publish_profile`,
    `unpublish_profile`); the other purposes are their `share_*` columns. Raises
    PermissionDenied (not an editor), ValidationError (unknown purpose; a profile that cannot be
    published yet). Side effects: audit `consent.given` / `consent.withdrawn`;
    `signals.consent_changed` (privacy keeps the history); after commit the search index and the
    match card are rebuilt from the new consents (the outbox), so a withdrawal applies to
    search, match cards, reports and exports made after it.
    """
    require_editor(actor, enterprise)
    if purpose not in consents.PURPOSES:
        raise ValidationError(_l("Choose one of the options offered."), field="purpose")
    if consents.current(enterprise)[purpose] == granted:
        return
    if purpose == consents.VISIBLE:
        (publish_profile if granted else unpublish_profile)(actor=actor, enterprise=enterprise)
    else:
        before = consents.current(enterprise)
        column = "share_in_reports" if purpose == consents.REPORTS else purpose
        setattr(enterprise, column, granted)
        db.session.flush()
        consents.announce(actor=actor, enterprise=enterprise, before=before)
        reindex_later(enterprise)
    audit.on_enterprise(
        "consent.given" if granted else "consent.withdrawn",
        enterprise.id,
        by=actor.id,
        purpose=purpose,
    )


# --- reading a profile ------------------------------------------------------------------------
# The collections a profile page reads (readiness facts, photos, documents, outcomes): one query
# each when read. A profile has rows in a few of them, often none in most.
PROFILE_COLLECTIONS = (
    "documents",
    "revenues",
    "mentoring",
    "photos",
    "attestations",
    "enrolments",
    "group_memberships",
    "outcomes",  # a backref from events.models
)


@functools.cache
def _with_any_rows(names: tuple[str, ...], *, row: bool) -> Select:
    """Whether an enterprise has rows in each collection `names` (after the enterprise itself
    when `row`): built once per process and set of names (thirteen EXISTS cost more to build
    than to run, on every profile page)."""
    flags = [getattr(Enterprise, name).any() for name in names]
    columns = [Enterprise, *flags] if row else flags
    return select(*columns).where(Enterprise.id == bindparam("enterprise_id"))


def _mark_empty(enterprise: Enterprise, names: Sequence[str], flags: Sequence[bool]) -> None:
    unloaded = inspect(enterprise).unloaded
    for name, has_rows in zip(names, flags, strict=True):
        if not has_rows and name in unloaded:
            set_committed_value(enterprise, name, [])


def skip_empty_collections(enterprise: Enterprise, names: tuple[str, ...] = PROFILE_COLLECTIONS):
    """Find out in one query which of `enterprise`'s collections `names` hold no row, and mark
    those as loaded and empty, so reading them later costs no query; the others load as usual
    when read. Collections already loaded (or unknown names) are left alone. Reads only."""
    state = inspect(enterprise)
    pending = [name for name in names if name in state.unloaded and hasattr(Enterprise, name)]
    if not pending or state.key is None:
        return
    statement = _with_any_rows(tuple(pending), row=False)
    flags = db.session.execute(statement, {"enterprise_id": enterprise.id}).one()
    _mark_empty(enterprise, pending, flags)


def load_with_empty_collections(
    enterprise_id: int, names: tuple[str, ...] = PROFILE_COLLECTIONS
) -> Enterprise | None:
    """The enterprise `enterprise_id` (None when there is none), loaded into the session
    together with `skip_empty_collections`'s answer, in one query instead of two: the profile
    page loads it this way, then finds it in the session. Reads only; no permission check."""
    names = tuple(name for name in names if hasattr(Enterprise, name))
    found = db.session.execute(
        _with_any_rows(names, row=True), {"enterprise_id": enterprise_id}
    ).first()
    if found is None:
        return None
    enterprise, *flags = found
    _mark_empty(enterprise, names, flags)
    return enterprise


# --- readiness -------------------------------------------------------------------------------
def readiness_facts(enterprise: Enterprise) -> EnterpriseFacts:
    """The facts the readiness rules read, taken from the profile and its records."""
    completed = any(e.status == "completed" for e in enterprise.agreed_enrolments) or any(
        m.completed_on is not None for m in enterprise.mentoring
    )
    in_programme = any(e.status == "active" and e.is_accepted for e in enterprise.enrolments)
    group_kinds = frozenset(m.group.kind for m in enterprise.group_memberships)
    return EnterpriseFacts(
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
        documents={
            d.kind: d.expires_on
            for d in enterprise.documents
            if counts_as_held(d.kind, d.number, d.issued_on)
        },
        has_bank_account=enterprise.has_bank_account,
        keeps_books=enterprise.keeps_books,
        has_collateral=enterprise.has_collateral,
        women_led=enterprise.women_led,
        low_income_household=enterprise.low_income_household,
        pkh_graduate=enterprise.pkh_graduate,
        disability_inclusive=enterprise.disability_inclusive,
        mentoring_completed=completed,
        in_programme=in_programme,
        in_training=enterprise.in_training,
        # A member of a group a facilitator registered is in a business group.
        in_business_group=enterprise.in_business_group or bool(group_kinds),
        family_member_business=enterprise.family_member_business,
        prior_commercial_credit=enterprise.prior_commercial_credit,
        current_programme_credit=enterprise.current_programme_credit,
        koperasi_rat_held=enterprise.koperasi_rat_held,
        koperasi_shu_positive=enterprise.koperasi_shu_positive,
        graduated_from=enterprise.graduated_from,
        graduated_on=enterprise.graduated_on,
        group_kinds=group_kinds,
        owner_named=bool((enterprise.owner_name or "").strip()),
        employees=enterprise.employees,
        use_of_funds=enterprise.use_of_funds,
        attestations={
            a.item_code: (a.attested_by_name, a.attested_on) for a in enterprise.attestations
        },
    )


def assess(enterprise: Enterprise, *, today: dt.date | None = None) -> Assessment:
    """The readiness assessment of the profile as it is now."""
    return readiness.assess(readiness_facts(enterprise), today=today or dt.date.today())


# Sensitive attributes that are also impact themes (vocab.IMPACT_THEMES); "green" needs no consent.
SENSITIVE_THEMES = ("women_led", "disability_inclusive", "pkh_graduate")


def declared_themes(enterprise: Enterprise) -> frozenset[str]:
    """Every impact theme the owner declared (the editors' view; not for investors)."""
    themes = {theme for theme in SENSITIVE_THEMES if getattr(enterprise, theme)}
    if enterprise.graduated_from is not None:
        themes.add("pkh_graduate")
    if enterprise.green:
        themes.add("green")
    return frozenset(themes)


def social_readiness(enterprise: Enterprise, *, themes: frozenset[str]) -> SocialReadiness:
    """The social-investment checklist of the profile, its impact item judged on `themes` (the
    themes the viewer may see). No side effects."""
    return social_checklist(readiness_facts(enterprise), themes=themes)


def enterprise_of(user: User) -> Enterprise | None:
    """The profile of an owner's enterprise."""
    if user.role != "owner":
        return None
    return db.session.scalar(
        select(Enterprise).where(Enterprise.organisation_id == user.organisation_id)
    )


def get_enterprise(enterprise_id: int) -> Enterprise:
    return row_or_not_found(Enterprise, enterprise_id, _l("This profile does not exist."))


def create_draft_profile(*, owner: User) -> Enterprise:
    """The empty draft profile of an owner's enterprise, named after its organisation.

    Returns the existing profile when the organisation has one already (an owner who joins an
    enterprise, or claims a profile a facilitator made). Side effects: flushes the new row.
    """
    existing = db.session.scalar(
        select(Enterprise).where(Enterprise.organisation_id == owner.organisation_id)
    )
    if existing is not None:
        return existing
    enterprise = Enterprise(
        organisation_id=owner.organisation_id,
        name=owner.organisation.name,
        created_by_id=owner.id,
    )
    db.session.add(enterprise)
    db.session.flush()
    consents.announce_defaults(enterprise=enterprise)
    return enterprise
