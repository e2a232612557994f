"""Both sides' profiles: enterprises (with their documents, revenue, mentoring records and
photos) and investor organisations' mandates.

Money is integer rupiah. Codes (sector, legal form, instruments …) come from `marketplace.vocab`.
An enterprise's enrolments and attestations are the programmes domain's tables
(`marketplace.programmes.models`); the relationships name them by class, so this module does
not import that package.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import Organisation
from marketplace.extensions import db
from marketplace.models import ActorId, EnterpriseId, TimestampMixin, children

if TYPE_CHECKING:
    from marketplace.programmes.models import Attestation, Enrolment, GroupMember

Money = sa.BigInteger  # rupiah; turnover of a medium enterprise passes 2**31


class Enterprise(TimestampMixin, db.Model):
    """The profile of one enterprise; one per organisation of kind 'enterprise'."""

    __tablename__ = "enterprises"
    __table_args__ = (
        sa.CheckConstraint("status IN ('draft','published')", name="status"),
        sa.CheckConstraint("employees IS NULL OR employees >= 0", name="employees_non_negative"),
        sa.CheckConstraint(
            "women_employees IS NULL OR employees IS NULL OR women_employees <= employees",
            name="women_within_employees",
        ),
        sa.CheckConstraint("ask_amount IS NULL OR ask_amount > 0", name="ask_positive"),
        sa.CheckConstraint("capital IS NULL OR capital >= 0", name="capital_non_negative"),
        sa.CheckConstraint(
            "graduated_on IS NULL OR graduated_from IS NOT NULL", name="graduation_has_programme"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), unique=True)
    # Raised on every UPDATE; forms send it back (marketplace.editing): no silent overwrite.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}
    status: Mapped[str] = mapped_column(sa.String(10), default="draft", index=True)
    published_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))

    name: Mapped[str] = mapped_column(sa.String(160))
    legal_form: Mapped[str | None] = mapped_column(sa.String(20))
    sector: Mapped[str | None] = mapped_column(sa.String(20), index=True)
    products: Mapped[str | None] = mapped_column(sa.Text)
    description: Mapped[str | None] = mapped_column(sa.Text)
    province_code: Mapped[str | None] = mapped_column(sa.String(2), index=True)
    regency_code: Mapped[str | None] = mapped_column(sa.String(5))
    founded_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    employees: Mapped[int | None] = mapped_column(sa.Integer)
    women_employees: Mapped[int | None] = mapped_column(sa.Integer)

    # The owner. NIK and phone are personal data (UU PDP 27/2022): the NIK is encrypted.
    owner_name: Mapped[str | None] = mapped_column(sa.String(120))
    owner_phone: Mapped[str | None] = mapped_column(sa.String(20))
    owner_nik_encrypted: Mapped[str | None] = mapped_column(sa.String(200))
    owner_nik_last4: Mapped[str | None] = mapped_column(sa.String(4))
    owner_nik_prefix: Mapped[str | None] = mapped_column(sa.String(4))

    # Sensitive owner attributes, each shown to investors only with its own consent.
    women_led: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    disability_inclusive: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    pkh_graduate: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    low_income_household: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    green: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    share_women_led: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    share_disability_inclusive: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    share_pkh_graduate: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    # Counted in programme and donor reports (aggregate figures, never a name): on until the
    # owner withdraws it (marketplace.profiles.consents, docs/privacy.md).
    share_in_reports: Mapped[bool] = mapped_column(
        sa.Boolean, default=True, server_default=sa.true()
    )
    # The owner's year of birth, an owner fact read only as an age band in aggregate reports,
    # and only under its own consent `share_owner_age` (never shown to investors).
    owner_birth_year: Mapped[int | None] = mapped_column(sa.Integer)
    share_owner_age: Mapped[bool] = mapped_column(
        sa.Boolean, default=False, server_default=sa.false()
    )
    # Graduation from social assistance (vocab.ASSISTANCE_PROGRAMMES): social-assistance status,
    # shown to investors only under the `share_pkh_graduate` consent.
    graduated_from: Mapped[str | None] = mapped_column(sa.String(10))
    graduated_on: Mapped[dt.date | None] = mapped_column(sa.Date)

    # Facts the 2026 financing rules read (marketplace.profiles.readiness). Young-business support
    # for KUR super-mikro:
    in_training: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())
    in_business_group: Mapped[bool] = mapped_column(
        sa.Boolean, default=False, server_default=sa.false()
    )
    family_member_business: Mapped[bool] = mapped_column(
        sa.Boolean, default=False, server_default=sa.false()
    )
    # Credit history: personal financial data (UU PDP 27/2022), never shown to investors; the
    # readiness page words reasons built on them neutrally for anyone but the editors.
    prior_commercial_credit: Mapped[bool] = mapped_column(
        sa.Boolean, default=False, server_default=sa.false()
    )
    current_programme_credit: Mapped[bool] = mapped_column(
        sa.Boolean, default=False, server_default=sa.false()
    )
    # A koperasi's last RAT held and SHU positive (LPDB).
    koperasi_rat_held: Mapped[bool] = mapped_column(
        sa.Boolean, default=False, server_default=sa.false()
    )
    koperasi_shu_positive: Mapped[bool] = mapped_column(
        sa.Boolean, default=False, server_default=sa.false()
    )

    # Finances
    capital: Mapped[int | None] = mapped_column(Money)
    annual_turnover: Mapped[int | None] = mapped_column(Money)
    profit_last_year: Mapped[int | None] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(sa.String(3), default="IDR")

    # Funding ask
    ask_amount: Mapped[int | None] = mapped_column(Money)
    ask_instruments: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    use_of_funds: Mapped[str | None] = mapped_column(sa.Text)
    tenor_months: Mapped[int | None] = mapped_column(sa.Integer)

    has_bank_account: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    bank_name: Mapped[str | None] = mapped_column(sa.String(80))
    keeps_books: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    has_collateral: Mapped[bool] = mapped_column(sa.Boolean, default=False)

    created_by_id: Mapped[ActorId]

    organisation: Mapped[Organisation] = relationship()
    documents: Mapped[list[LegalDocument]] = children("enterprise", order_by="LegalDocument.kind")
    revenues: Mapped[list[MonthlyRevenue]] = children(
        "enterprise", order_by="MonthlyRevenue.month.desc()"
    )
    mentoring: Mapped[list[MentoringRecord]] = children(
        "enterprise", order_by="MentoringRecord.started_on"
    )
    photos: Mapped[list[ProductPhoto]] = children("enterprise", order_by="ProductPhoto.position")
    attestations: Mapped[list[Attestation]] = children("enterprise")
    enrolments: Mapped[list[Enrolment]] = children("enterprise")
    group_memberships: Mapped[list[GroupMember]] = children("enterprise")

    @property
    def is_published(self) -> bool:
        return self.status == "published"

    @property
    def agreed_enrolments(self) -> list[Enrolment]:
        """The programmes the owner let in (now or earlier): the only ones that count as
        mentoring or show on the profile. A pending or declined invitation is no one's business."""
        return [e for e in self.enrolments if e.consent in ("accepted", "left")]

    @property
    def nik_masked(self) -> str | None:
        if not self.owner_nik_last4:
            return None
        return f"{self.owner_nik_prefix}********{self.owner_nik_last4}"


class LegalDocument(db.Model):
    """A legal document the enterprise holds, with its number and expiry."""

    __tablename__ = "legal_documents"
    __table_args__ = (sa.UniqueConstraint("enterprise_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[EnterpriseId]
    kind: Mapped[str] = mapped_column(sa.String(10))
    number: Mapped[str | None] = mapped_column(sa.String(40))
    issued_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    expires_on: Mapped[dt.date | None] = mapped_column(sa.Date)

    enterprise: Mapped[Enterprise] = relationship(back_populates="documents")


class MonthlyRevenue(db.Model):
    __tablename__ = "monthly_revenues"
    __table_args__ = (
        sa.UniqueConstraint("enterprise_id", "month"),
        sa.CheckConstraint("amount >= 0", name="amount_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[EnterpriseId]
    month: Mapped[dt.date] = mapped_column(sa.Date)  # the first day of the month
    amount: Mapped[int] = mapped_column(Money)

    enterprise: Mapped[Enterprise] = relationship(back_populates="revenues")


class MentoringRecord(db.Model):
    """Mentoring the enterprise received, inside TemuModal's programmes or outside them."""

    __tablename__ = "mentoring_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[EnterpriseId]
    programme_name: Mapped[str] = mapped_column(sa.String(160))
    cohort_name: Mapped[str | None] = mapped_column(sa.String(120))
    started_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    completed_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    modules_completed: Mapped[str | None] = mapped_column(sa.Text)

    enterprise: Mapped[Enterprise] = relationship(back_populates="mentoring")


class ProductPhoto(TimestampMixin, db.Model):
    __tablename__ = "product_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[EnterpriseId]
    position: Mapped[int] = mapped_column(sa.Integer, default=0)
    caption: Mapped[str | None] = mapped_column(sa.String(200))
    large_key: Mapped[str] = mapped_column(sa.String(80))
    small_key: Mapped[str] = mapped_column(sa.String(80))
    mime: Mapped[str] = mapped_column(sa.String(30))
    width: Mapped[int] = mapped_column(sa.Integer)
    height: Mapped[int] = mapped_column(sa.Integer)

    enterprise: Mapped[Enterprise] = relationship(back_populates="photos")


class Mandate(TimestampMixin, db.Model):
    """What an investor organisation funds."""

    __tablename__ = "mandates"
    __table_args__ = (
        sa.CheckConstraint(
            "ticket_min IS NULL OR ticket_max IS NULL OR ticket_min <= ticket_max",
            name="ticket_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), unique=True)
    # Raised on every UPDATE; forms send it back (marketplace.editing): no silent overwrite.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}
    investor_kind: Mapped[str] = mapped_column(sa.String(20))
    sectors: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    provinces: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    ticket_min: Mapped[int | None] = mapped_column(Money)
    ticket_max: Mapped[int | None] = mapped_column(Money)
    instruments: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    sharia_only: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    impact_themes: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    min_stage: Mapped[str] = mapped_column(sa.String(12), default="belum_layak")
    thesis: Mapped[str | None] = mapped_column(sa.Text)

    organisation: Mapped[Organisation] = relationship()

    def as_dict(self) -> dict[str, Any]:
        return {c.name: getattr(self, c.name) for c in self.__table__.columns}
