"""Users, organisations, login sessions, TOTP secrets and e-mailed one-time links."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.expression import false

from marketplace.extensions import db
from marketplace.models import OrganisationId, TimestampMixin, UserId, one_of


class Organisation(TimestampMixin, db.Model):
    """An enterprise, a programme organisation, an investor organisation or the platform."""

    __tablename__ = "organisations"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('enterprise','programme','investor','platform')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    province_code: Mapped[str | None] = mapped_column(sa.String(2))
    website: Mapped[str | None] = mapped_column(sa.String(300))
    description: Mapped[str | None] = mapped_column(sa.Text)
    verified_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    verified_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", use_alter=True, ondelete="SET NULL")
    )
    # An admin's refusal (issue 13): the reason is mailed to the members; the organisation
    # leaves the verification queue until it asks again (a verification clears both).
    rejected_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    rejection_reason: Mapped[str | None] = mapped_column(sa.Text)

    members: Mapped[list[User]] = relationship(
        back_populates="organisation", foreign_keys="User.organisation_id"
    )

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class User(TimestampMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint("role IN ('owner','facilitator','investor','admin')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    password_hash: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(20), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    locale: Mapped[str] = mapped_column(sa.String(5), default="id")
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_enabled: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    totp_last_step: Mapped[int | None] = mapped_column(sa.Integer)
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    last_login_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # When the holder proved the address by following the confirmation (or reset) link; None
    # until then. Unconfirmed accounts may log in but not act towards others.
    email_confirmed_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # An organisation admin (issue 13) removes members and invites other admins; whoever
    # registers an organisation is its first one.
    organisation_admin: Mapped[bool] = mapped_column(
        sa.Boolean, default=False, server_default=false()
    )

    organisation: Mapped[Organisation] = relationship(
        back_populates="members", foreign_keys=[organisation_id]
    )

    # Flask-Login protocol
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)

    @property
    def is_email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None


class UserSession(db.Model):
    """A login session. The cookie holds a random token; only its SHA-256 is stored.

    Deleting the row ends the session at once, wherever the cookie has been copied to.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[UserId]
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    last_seen_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    ip: Mapped[str | None] = mapped_column(sa.String(45))
    user_agent: Mapped[str | None] = mapped_column(sa.String(200))


class EmailToken(db.Model):
    """A one-time link sent by e-mail: confirm the address, or set a new password.

    Only the token's SHA-256 is stored (as for sessions and hand-over invitations); the link
    works once (`used_at`) and until `expires_at`.
    """

    __tablename__ = "email_tokens"
    __table_args__ = (sa.CheckConstraint("purpose IN ('confirm','reset')", name="purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(sa.String(10))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[UserId]
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    used_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))


# The role an invitation offers in the organisation (an admin can also remove members).
INVITATION_ROLES = {"member": _l("Member"), "admin": _l("Organisation admin")}


class OrganisationInvitation(db.Model):
    """An invitation, sent by e-mail, to join an organisation as a member or an admin.

    Only the token's SHA-256 is stored; the link works once (`accepted_at`), until
    `expires_at`, and not after `cancelled_at`. The invited address need not have an account.
    """

    __tablename__ = "organisation_invitations"
    __table_args__ = (sa.CheckConstraint(one_of("role", INVITATION_ROLES), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[OrganisationId]
    email: Mapped[str] = mapped_column(sa.String(254))
    role: Mapped[str] = mapped_column(sa.String(10))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    accepted_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    accepted_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))

    organisation: Mapped[Organisation] = relationship()
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])
