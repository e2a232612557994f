"""Sessions backed by the database, security headers, safe redirects and the user's language."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, g, has_request_context, request, session
from flask_login import current_user, login_user, logout_user

from marketplace.accounts import services as account_services
from marketplace.extensions import db, login_manager

SESSION_KEY = "sid"


@login_manager.user_loader
def _load_user(user_id: str):
    # The cookie's user id alone proves nothing: the session token must still be live.
    user = account_services.resolve_session(session.get(SESSION_KEY))
    if user is None or str(user.id) != user_id:
        session.clear()
        return None
    return user


def log_in(user) -> None:
    """Start a fresh session for `user`: a new random token, the old cookie content dropped."""
    locale = session.get("locale")
    session.clear()
    token = account_services.start_session(
        user=user, ip=request.remote_addr, user_agent=request.headers.get("User-Agent")
    )
    session[SESSION_KEY] = token
    session.permanent = True
    if locale:
        session["locale"] = locale
    login_user(user)


def log_out() -> None:
    """End this session on the server, so a copied cookie no longer works."""
    account_services.end_session(session.get(SESSION_KEY))
    locale = session.get("locale")
    logout_user()
    session.clear()
    if locale:
        session["locale"] = locale


def is_safe_next(target: str | None) -> bool:
    """Only local paths: `/x?y`. Refuses `//evil`, `https://evil`, `\\\\evil`, `/\\evil`."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(c) < 32 for c in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None, default: str = "/") -> str:
    return target if is_safe_next(target) else default


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    # Buying a ticket posts here and is redirected to Stripe Checkout: browsers apply
    # form-action to that redirect too.
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self' https://checkout.stripe.com"
)


def init_app(app: Flask) -> None:
    login_manager.login_view = "accounts.login"
    login_manager.session_protection = None  # the database session check replaces it
    from flask_babel import lazy_gettext as _l

    login_manager.login_message = _l("Log in to see this page.")
    login_manager.login_message_category = "info"

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.endpoint != "static" and (
            getattr(g, "personal_data", False) or current_user.is_authenticated
        ):
            headers["Cache-Control"] = "no-store"
        if current_app.config.get("SESSION_COOKIE_SECURE"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response

    @app.before_request
    def load_session_user():
        # Resolve the session first thing, and commit its bookkeeping (last seen, expired rows)
        # before the view changes anything, so the view's transaction stays its own.
        if request.endpoint == "static":
            return
        current_user._get_current_object()
        if db.session.dirty or db.session.deleted:
            db.session.commit()
