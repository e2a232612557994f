from __future__ import annotations

import datetime as dt

import pyotp
import segno
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace import security
from marketplace.accounts import forms, mails, registration, services, sessions, totp
from marketplace.accounts.models import User
from marketplace.errors import DomainError
from marketplace.extensions import db, limiter
from marketplace.forms import ActionForm, Attempt, field_values, form_status, submitted
from marketplace.models import utcnow

bp = Blueprint("accounts", __name__)

PENDING_2FA = "pending_2fa"
PENDING_2FA_LIFETIME = dt.timedelta(minutes=5)


def _login_account_key() -> str:
    return "account:" + services.normalise_email(request.form.get("email", ""))


def _form_email_key() -> str:
    return "reset:" + services.normalise_email(request.form.get("email", ""))


def _register_email_key() -> str:
    return "register:" + services.normalise_email(request.form.get("email", ""))


def _user_key() -> str:
    return f"user:{current_user.get_id()}"


def _failed(response) -> bool:
    # Only failed attempts count towards the limit: a success redirects.
    return response.status_code != 302


@bp.get("/")
def home():
    if current_user.is_authenticated:
        return redirect(url_for("profiles.dashboard"))
    return render_template("home.html")


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["REGISTER_RATE_LIMIT"],
    methods=["POST"],
    key_func=_register_email_key,
    deduct_when=lambda response: response.status_code == 302,  # only a mail sent counts
)
def register():
    if current_user.is_authenticated:
        return redirect(url_for("profiles.dashboard"))
    form = forms.RegisterForm(role=request.args.get("role"))
    done = submitted(
        form,
        # A taken address gets no account and its holder a mail; the answer is the same.
        lambda: registration.register_account(
            **field_values(form, "email", "name", "password", "role", "organisation_name"),
            phone=form.phone.data or None,
            locale=security.select_locale(),
        ),
        then=url_for("accounts.check_email"),
        problems=lambda: registration.registration_problems(
            **field_values(form, "email", "name", "password", "role", "organisation_name"),
            phone=form.phone.data or None,
        ),
    )
    return done or (render_template("accounts/register.html", form=form), form_status(form))


@bp.get("/register/check-email")
def check_email():
    return render_template("accounts/check_email.html", console=mails.development_console())


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    # A GET only shows the button: mail scanners open links, and no GET changes anything.
    form = ActionForm()
    try:
        user = registration.check_confirmation_link(token)
    except DomainError as error:
        return render_template(
            "accounts/link_invalid.html", message=error.message, purpose="confirm"
        ), error.status_code
    if form.validate_on_submit():
        registration.confirm_email(token=token)
        return sessions.log_in_then(
            user,
            url_for("profiles.dashboard"),
            welcome=_("Your e-mail address is confirmed. Welcome to TemuModal!"),
        )
    return render_template("accounts/confirm_email.html", form=form, email=user.email)


@bp.post("/account/confirm/resend")
@login_required
@limiter.limit(lambda: current_app.config["CONFIRM_RESEND_RATE_LIMIT"], key_func=_user_key)
def resend_confirmation():
    if ActionForm().validate_on_submit():
        if registration.send_confirmation(user=current_user):
            flash(_("We sent a new confirmation link to %(email)s.", email=current_user.email))
        db.session.commit()
    return redirect(security.safe_next(request.form.get("next"), url_for("profiles.dashboard")))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_RATE_LIMIT"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["PASSWORD_RESET_RATE_LIMIT"],
    methods=["POST"],
    key_func=_form_email_key,
)
def forgot_password():
    form = forms.ForgotPasswordForm()
    if form.validate_on_submit():
        registration.request_password_reset(email=form.email.data)
        db.session.commit()
        # The same answer whether or not the address has an account.
        return redirect(url_for("accounts.forgot_password", sent=1))
    return render_template(
        "accounts/forgot_password.html",
        form=form,
        sent=request.method == "GET" and request.args.get("sent") == "1",
        console=mails.development_console(),
    ), form_status(form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        registration.check_reset_link(token)
    except DomainError as error:
        return render_template(
            "accounts/link_invalid.html", message=error.message, purpose="reset"
        ), error.status_code
    form = forms.ResetPasswordForm()
    if form.validate_on_submit():
        with Attempt(form=form) as outcome:
            registration.reset_password(token=token, new_password=form.password.data)
        if outcome.ok:
            sessions.log_out()  # this browser too, if it was logged in
            db.session.commit()
            flash(
                _("Your password is changed and every session was ended. Log in with it now."),
                "success",
            )
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form), form_status(form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"], deduct_when=_failed
)
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"],
    methods=["POST"],
    key_func=_login_account_key,
    deduct_when=_failed,
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("profiles.dashboard"))
    form = forms.LoginForm(next=request.args.get("next"))
    if form.validate_on_submit():
        try:
            user = services.authenticate(email=form.email.data, password=form.password.data)
            failure = _("The e-mail address or the password is not correct.")
        except services.AccountDeactivated as error:
            user, failure = None, str(error.message)
        if user is None:
            db.session.commit()  # keep the audit entry of the failure
            form.form_errors.append(failure)
        elif user.totp_enabled:
            db.session.commit()
            session.clear()
            session[PENDING_2FA] = {
                "user_id": user.id,
                "at": utcnow().isoformat(),
                "next": security.safe_next(form.next.data, ""),
            }
            return redirect(url_for("accounts.login_totp"))
        else:
            return sessions.log_in_then(
                user, security.safe_next(form.next.data, url_for("profiles.dashboard"))
            )
    return render_template("accounts/login.html", form=form), form_status(form)


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"], deduct_when=_failed
)
def login_totp():
    pending = session.get(PENDING_2FA)
    if not pending or utcnow() - dt.datetime.fromisoformat(pending["at"]) > PENDING_2FA_LIFETIME:
        session.pop(PENDING_2FA, None)
        flash(_("Log in again."), "info")
        return redirect(url_for("accounts.login"))
    form = forms.TotpForm()
    if form.validate_on_submit():
        user = db.session.get(User, pending["user_id"])
        if user is not None and user.active and totp.verify_totp(user=user, code=form.code.data):
            return sessions.log_in_then(
                user, security.safe_next(pending.get("next"), url_for("profiles.dashboard"))
            )
        db.session.commit()
        form.code.errors = [_("That code is not correct. Type the 6 digits the app shows now.")]
    return render_template("accounts/login_totp.html", form=form), 200 if not form.errors else 422


@bp.post("/logout")
def logout():
    sessions.log_out()
    db.session.commit()
    flash(_("You are logged out."), "info")
    return redirect(url_for("accounts.home"))


@bp.post("/language")
def language():
    form = forms.LanguageForm()
    if form.validate_on_submit() and form.locale.data in current_app.config["LANGUAGES"]:
        session["locale"] = form.locale.data
        if current_user.is_authenticated:
            services.set_locale(user=current_user, locale=form.locale.data)
            db.session.commit()
    return redirect(security.safe_next(form.next.data, url_for("accounts.home")))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = forms.PasswordChangeForm()
    user = current_user._get_current_object()
    typed = {
        "current_password": form.current_password.data or "",
        "new_password": form.new_password.data or "",
    }

    def change() -> None:
        services.change_password(user=user, **typed)
        sessions.log_in(user)

    done = submitted(
        form,
        change,
        success=_("Your password is changed. You were logged out everywhere else."),
        then=url_for("accounts.account"),
        problems=lambda: services.password_change_problems(user=user, **typed),
    )
    return done or _account_page(form=form)


def _account_page(*, form=None, disable_form=None):
    form = form or forms.PasswordChangeForm(formdata=None)
    disable_form = disable_form or forms.DisableTotpForm(formdata=None)
    return render_template(
        "accounts/account.html", form=form, disable_form=disable_form
    ), form_status(form, disable_form)


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
def totp_setup():
    if current_user.role not in totp.TOTP_ROLES:
        abort(403)
    if current_user.totp_enabled:
        return redirect(url_for("accounts.account"))
    form = forms.TotpForm()
    if request.method == "POST" and request.form.get("begin"):
        # A new secret only on an explicit POST: a GET (a reload) never replaces the secret
        # the user may already have scanned.
        if forms.BeginTotpForm().validate_on_submit():
            totp.begin_totp(user=current_user)
            db.session.commit()
        return redirect(url_for("accounts.totp_setup"))
    if request.method == "POST" and current_user.totp_secret and form.validate_on_submit():
        with Attempt(form=form, success=_("Two-factor login is on.")) as outcome:
            totp.enable_totp(user=current_user, code=form.code.data)
        if outcome.ok:
            return redirect(url_for("accounts.account"))
    qr = None
    if current_user.totp_secret:
        uri = pyotp.TOTP(current_user.totp_secret).provisioning_uri(
            name=current_user.email, issuer_name="TemuModal"
        )
        qr = segno.make(uri, error="m").svg_data_uri(scale=4)
    return render_template(
        "accounts/totp_setup.html",
        form=form,
        qr=qr,
        begin_form=forms.BeginTotpForm(),
        secret=current_user.totp_secret,
    ), 200 if not form.errors else 422


@bp.post("/account/two-factor/off")
@login_required
def totp_disable():
    form = forms.DisableTotpForm()
    done = submitted(
        form,
        lambda: totp.disable_totp(user=current_user, password=form.password.data),
        success=_("Two-factor login is off."),
        then=url_for("accounts.account"),
    )
    return done or _account_page(disable_form=form)
