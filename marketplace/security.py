"""Security headers, safe redirects and the user's language.

Logging in and out (the database-backed session, Flask-Login's loader) is accounts' own:
`marketplace/accounts/sessions.py`. This module is shared by every package and imports none.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import get_translations
from flask_babel.speaklater import LazyString
from flask_login import current_user


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


def request_translations():
    """The catalogue of the current locale, looked up once per locale per request.

    A page calls gettext a few hundred times; Flask-Babel's own template callables resolve
    the locale and its cache key on each call (a tenth of a search page's time). Keyed on the
    locale object Flask-Babel keeps for the request (`g._flask_babel.babel_locale`), so
    `force_locale` (mail and notices rendered in the recipient's language) gets its own.
    """
    if not g:
        return get_translations()
    app_globals = g._get_current_object()  # one proxy look-up, not one per attribute
    locale = getattr(getattr(app_globals, "_flask_babel", None), "babel_locale", None)
    cached = getattr(app_globals, "_translations", None)
    if cached is not None and locale is not None and cached[0] is locale:
        return cached[1]
    translations = get_translations()  # resolves and keeps the request's locale
    app_globals._translations = (app_globals._flask_babel.babel_locale, translations)
    return translations


def gettext(string: str, **variables) -> str:
    """Flask-Babel's `gettext` (same catalogue, same `%` formatting) read through
    `request_translations`."""
    text = request_translations().ugettext(string)
    return text % variables if variables else text


def lazy_gettext(string: str, **variables) -> LazyString:
    """Flask-Babel's `lazy_gettext` made with this module's `gettext`: for labels rendered
    many times a page (the vocabulary's sectors, stages, instruments)."""
    return LazyString(gettext, string, **variables)


def install_template_gettext(app: Flask) -> None:
    """Templates' `_`/`gettext`/`ngettext` read `request_translations`."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
        newstyle=True,
    )


CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    # Buying a ticket posts here and is redirected to Stripe Checkout: browsers apply
    # form-action to that redirect too.
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self' https://checkout.stripe.com"
)


def init_app(app: Flask) -> None:
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
