"""Logging a browser in and out: the session cookie carries a database session token.

Flask-Login's user loader and its settings live here, beside the sessions they read
(`services.start_session` / `resolve_session` / `end_session`); `marketplace.security` keeps
what is not about accounts (headers, safe redirects, the language). `create_app` calls
`init_app`.
"""

from __future__ import annotations

from flask import Flask, flash, redirect, request, session
from flask_babel import lazy_gettext as _l
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


def log_in_then(user, then: str, *, welcome: str | None = None):
    """Log `user` in (:func:`log_in`), commit it with the request's work, flash `welcome` if
    given, and redirect to `then`: the end of every view that lets someone in (login, its
    second step, a confirmed address, an accepted invitation)."""
    log_in(user)
    db.session.commit()
    if welcome:
        flash(welcome, "success")
    return redirect(then)


def log_out() -> None:
    """End this session on the server, so a copied cookie no longer works."""
    account_services.end_session(session.get(SESSION_KEY))
    locale = session.get("locale")
    logout_user()
    session.clear()
    if locale:
        session["locale"] = locale


def init_app(app: Flask) -> None:
    login_manager.login_view = "accounts.login"
    login_manager.session_protection = None  # the database session check replaces it
    login_manager.login_message = _l("Log in to see this page.")
    login_manager.login_message_category = "info"

    @app.before_request
    def load_session_user():
        # Resolve the session first thing, and commit its bookkeeping (last seen, expired rows)
        # before the view changes anything, so the view's transaction stays its own.
        if request.endpoint == "static":
            return
        current_user._get_current_object()
        if db.session.dirty or db.session.deleted:
            db.session.commit()
