"""Account forms. Validation of rules lives in the services; forms check shapes only."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, RadioField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

REGISTER_ROLES = [
    ("owner", _l("I run an enterprise (UMKM)")),
    ("facilitator", _l("I am a facilitator (pendamping) in a programme")),
    ("investor", _l("I invest or lend (investor, bank, cooperative, fund)")),
]


def email_field() -> EmailField:
    """An address someone types to be reached at: required, shaped like an e-mail (no DNS look-up)
    and at most 254 characters (RFC 5321; email-validator refuses longer ones as well)."""
    return EmailField(
        _l("E-mail"),
        validators=[
            DataRequired(_l("Fill in your e-mail address.")),
            Email(_l("This does not look like an e-mail address."), check_deliverability=False),
            Length(max=254),
        ],
    )


class RegisterForm(FlaskForm):
    role = RadioField(
        _l("I am registering as"),
        choices=REGISTER_ROLES,
        validators=[DataRequired(_l("Choose one."))],
    )
    name = StringField(
        _l("Your name"), validators=[DataRequired(_l("Fill in your name.")), Length(max=120)]
    )
    organisation_name = StringField(
        _l("Name of your enterprise or organisation"),
        validators=[
            DataRequired(_l("Fill in the name of your enterprise or organisation.")),
            Length(max=200),
        ],
    )
    email = email_field()
    phone = StringField(_l("Phone (optional)"), validators=[Optional(), Length(max=20)])
    password = PasswordField(
        _l("Password (at least 8 characters)"), validators=[DataRequired(_l("Choose a password."))]
    )


class InvitationForm(FlaskForm):
    name = StringField(
        _l("Your name"), validators=[DataRequired(_l("Fill in your name.")), Length(max=120)]
    )
    email = email_field()
    password = PasswordField(
        _l("Password (at least 8 characters)"), validators=[DataRequired(_l("Choose a password."))]
    )


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(_l("Fill in your e-mail address."))])
    password = PasswordField(
        _l("Password"), validators=[DataRequired(_l("Fill in your password."))]
    )
    next = HiddenField()


class TotpForm(FlaskForm):
    code = StringField(
        _l("6-digit code from your authenticator app"),
        validators=[DataRequired(_l("Type the code.")), Length(min=6, max=8)],
    )


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Fill in your password."))]
    )
    new_password = PasswordField(
        _l("New password (at least 8 characters)"),
        validators=[DataRequired(_l("Choose a password."))],
    )


class DisableTotpForm(FlaskForm):
    password = PasswordField(
        _l("Password"), validators=[DataRequired(_l("Fill in your password."))]
    )


class LanguageForm(FlaskForm):
    locale = HiddenField()
    next = HiddenField()


class BeginTotpForm(FlaskForm):
    """The button that creates a new two-factor secret (a POST, never a GET)."""


class ForgotPasswordForm(FlaskForm):
    email = email_field()


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password (at least 8 characters)"),
        validators=[DataRequired(_l("Choose a password."))],
    )


class MemberInviteForm(FlaskForm):
    email = EmailField(
        _l("Your colleague's e-mail"),
        validators=[
            DataRequired(_l("Fill in the e-mail address.")),
            Email(_l("This does not look like an e-mail address."), check_deliverability=False),
            Length(max=254),
        ],
    )
    role = RadioField(
        _l("Role in the organisation"),
        choices=[
            ("member", _l("Member")),
            ("admin", _l("Organisation admin (can also remove members)")),
        ],
        default="member",
        validators=[DataRequired(_l("Choose one."))],
    )


class JoinRegisterForm(FlaskForm):
    name = StringField(
        _l("Your name"), validators=[DataRequired(_l("Fill in your name.")), Length(max=120)]
    )
    password = PasswordField(
        _l("Password (at least 8 characters)"), validators=[DataRequired(_l("Choose a password."))]
    )
