"""Investor organisations' mandates: what each funds.

Services flush, never commit; they raise `marketplace.errors` domain errors with messages in
the user's language and take keyword-only arguments.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace import audit, editing, regions, vocab
from marketplace.accounts.models import Organisation, User
from marketplace.errors import PermissionDenied, ValidationError
from marketplace.extensions import db
from marketplace.profiles import permissions
from marketplace.profiles.models import Mandate
from marketplace.profiles.validators import check_amount, check_code


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


def mandate_values(mandate: Mandate) -> dict:
    """The mandate's values as its form shows them (see `marketplace.editing`)."""
    return {field: getattr(mandate, field) for field in MandateData.__dataclass_fields__}


def save_mandate(
    *,
    actor: User,
    organisation: Organisation,
    data: MandateData,
    version: int | None = None,
    opened: str | None = None,
) -> Mandate:
    """Create or update the investor organisation's mandate.

    `version` and `opened` (from a form: see `marketplace.editing`) refuse the save when a
    colleague changed the mandate since the form was opened. Raises PermissionDenied,
    ValidationError (codes, ticket range, sharia-only with only conventional instruments),
    EditConflict. Side effects: audit `mandate.saved`.
    """
    if not permissions.can_edit_mandate(actor, organisation):
        raise PermissionDenied(_l("You cannot change this mandate."))
    check_code(data.investor_kind, vocab.INVESTOR_KINDS, "investor_kind")
    if not data.investor_kind:
        raise ValidationError(_l("Choose the kind of organisation."), field="investor_kind")
    for field, mapping in (
        ("sectors", vocab.SECTORS),
        ("instruments", vocab.INSTRUMENTS),
        ("impact_themes", vocab.IMPACT_THEMES),
    ):
        for code in getattr(data, field):
            check_code(code, mapping, field)
    for code in data.provinces:
        if code not in regions.provinces():
            raise ValidationError(_l("Choose provinces from the list."), field="provinces")
    check_code(data.min_stage, vocab.STAGES, "min_stage")
    check_amount(data.ticket_min, "ticket_min")
    check_amount(data.ticket_max, "ticket_max")
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
    if mandate is not None:
        editing.check_unchanged(
            mandate, version=version, opened=opened, values=mandate_values(mandate)
        )
    else:
        mandate = Mandate(organisation_id=organisation.id)
        db.session.add(mandate)
    for field in MandateData.__dataclass_fields__:
        value = getattr(data, field)
        setattr(
            mandate,
            field,
            value.strip() or None if isinstance(value, str) and field == "thesis" else value,
        )
    audit.on_organisation("mandate.saved", organisation.id, by=actor.id)
    db.session.flush()
    return mandate
