"""Configuration: safe defaults, then FLASK_* environment variables, then the caller's dict."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from flask import Flask

# Every setting the code reads has its default here, with what it does (a test checks that
# every key read through app.config in marketplace/ is listed). Any of them can be set from the
# environment with the FLASK_ prefix (FLASK_SEARCH_BACKEND=postgres, FLASK_TASKS_MODE=…).
DEFAULTS: dict[str, Any] = {
    # "production", "development" or "testing": picks the profile below; only development and
    # tests have built-in keys.
    "ENV_NAME": "production",
    # The database: DATABASE_URL wins; otherwise SQLite in the instance folder.
    "SQLALCHEMY_DATABASE_URI": None,
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},  # drop dead connections before use
    # Language and time: Indonesian first, English second; dates shown in WIB unless an event
    # says otherwise.
    "BABEL_DEFAULT_LOCALE": "id",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Jakarta",
    "LANGUAGES": ("id", "en"),
    # Sessions: the cookie carries only a random id checked against the user_sessions table.
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": True,  # cookies only over HTTPS (development turns it off)
    "SESSION_IDLE_TIMEOUT": dt.timedelta(minutes=30),  # signed out after 30 idle minutes
    "SESSION_ABSOLUTE_TIMEOUT": dt.timedelta(hours=12),  # and after 12 hours whatever happens
    "PERMANENT_SESSION_LIFETIME": dt.timedelta(hours=12),
    "REMEMBER_COOKIE_DURATION": dt.timedelta(seconds=0),  # no "remember me" cookie
    # Forms
    "WTF_CSRF_TIME_LIMIT": 12 * 3600,  # a form's CSRF token lives as long as a session
    "MAX_CONTENT_LENGTH": 26 * 1024 * 1024,  # one 25 MB file plus the form around it
    # Login throttling by Flask-Limiter: 10 failures per account or per IP in 5 minutes -> 429.
    "LOGIN_RATE_LIMIT": "10 per 5 minutes",
    # E-mailed links: new confirmation links per account, reset requests per IP and per address.
    "CONFIRM_RESEND_RATE_LIMIT": "3 per hour",
    "PASSWORD_RESET_RATE_LIMIT": "5 per hour",
    "RATELIMIT_STORAGE_URI": "memory://",  # redis://… when several workers share the limits
    "RATELIMIT_HEADERS_ENABLED": True,
    # Uploads
    "UPLOAD_MAX_BYTES": 25 * 1024 * 1024,  # one file
    "UPLOAD_MAX_PIXELS": 40_000_000,  # images refused before decoding beyond this
    "UPLOAD_MAX_PAGES": 60,  # PDFs (decks, documents)
    # Parsing and rendering of uploads runs in a child process (marketplace/sandbox.py) with
    # these limits: wall time per file and per page or photo, and the child's address space.
    "UPLOAD_PARSE_FILE_SECONDS": 60.0,
    "UPLOAD_PARSE_PAGE_SECONDS": 15.0,
    "UPLOAD_PARSE_MEMORY_MB": 1024,
    "PHOTOS_PER_ENTERPRISE": 8,
    "DOCUMENTS_PER_ENTERPRISE": 20,
    "DECK_VERSIONS_KEPT": 5,  # older versions are deleted, never the current one
    "UPLOAD_FOLDER": None,  # default: <instance>/uploads
    # `flask backup create` writes its archives here unless given --output; copy them off the
    # machine (README, "Backups").
    "BACKUP_FOLDER": None,  # default: <instance>/backups
    # Personal data: the key that encrypts NIKs (Fernet, urlsafe base64 of 32 bytes).
    "NIK_ENCRYPTION_KEY": None,
    # Side effects after commit: "inline" runs them in the request after commit; "queue" hands
    # them to the job queue (see marketplace/tasks.py).
    "TASKS_MODE": "inline",
    "TASKS_RAISE": False,  # tests: a failing inline job raises instead of being logged
    # E-mail (marketplace/mail): every mail is a row in outbound_mails, delivered after the
    # commit and retried by `flask mail send-pending`. Development and tests only log it.
    "MAIL_LOG_ONLY": False,  # True: write mail to the log (and mail.outbox) instead of sending
    "MAIL_SERVER": "localhost",  # SMTP host: a local MTA by default, or your provider's relay
    "MAIL_PORT": 25,  # 587 with MAIL_USE_TLS, 465 with MAIL_USE_SSL
    "MAIL_USE_TLS": False,  # STARTTLS after connecting (port 587)
    "MAIL_USE_SSL": False,  # implicit TLS from the first byte (port 465)
    "MAIL_USERNAME": None,  # log in when set; sent only over TLS or to a server on this machine
    "MAIL_PASSWORD": None,
    "MAIL_DEFAULT_SENDER": "TemuModal <noreply@localhost>",  # the From address; set it
    "MAIL_CONTACT": None,  # an address the footer names for questions (also Reply-To)
    "MAIL_TIMEOUT": 10.0,  # seconds to connect and for each SMTP reply
    "MAIL_RETRY_SECONDS": 60,  # the first retry waits this long, doubling up to 6 hours
    "MAIL_MAX_ATTEMPTS": 8,  # then the mail is marked failed (about 4 hours of tries)
    # Search: None picks the backend from the database URL (see search_backend_for below):
    # "postgres" on PostgreSQL, "whoosh" otherwise. Set "whoosh" or "postgres" to choose.
    "SEARCH_BACKEND": None,
    "SEARCH_INDEX_DIR": None,  # Whoosh only; default: <instance>/search-index
    # "inline": index changes are applied right after each commit; "worker": left to
    # `flask search apply-outbox` run by a worker.
    "SEARCH_INDEXER": "inline",
    "MATCH_COLUMNS_CACHE": True,  # keep the match cards' scoring columns in memory per worker
    "EVENT_SCHEDULE_TIME_LIMIT_S": 10.0,  # the scheduler's budget per build (QUALITY.md: <= 10 s)
    "EVENTS_BUILD_IN_THREAD": True,  # inline jobs: build schedules off the request thread
    "PUBLIC_BASE_URL": "http://127.0.0.1:5000",  # links in e-mails sent outside a request
    # Paid tickets (marketplace/payments): unset → priced ticket types cannot go on sale.
    # Read from STRIPE_SECRET_KEY / STRIPE_WEBHOOK_SECRET (or the FLASK_-prefixed names).
    "STRIPE_SECRET_KEY": None,
    "STRIPE_WEBHOOK_SECRET": None,
    "STRIPE_HTTP_CLIENT": None,  # tests only: a stand-in for Stripe's HTTP transport
    "STRIPE_MAX_NETWORK_RETRIES": 2,  # the library retries a failed call (idempotency-keyed)
    "TICKET_HOLD_MINUTES": 31,  # a Checkout Session lives at least 30 minutes (Stripe's minimum)
}

DEVELOPMENT = {
    "ENV_NAME": "development",
    "SESSION_COOKIE_SECURE": False,
    "MAIL_LOG_ONLY": True,  # nothing leaves a developer's machine
    # Fixed development keys so `make run` works without set-up; refused outside development.
    "SECRET_KEY": "dev-only-secret-key-not-for-production",
    "NIK_ENCRYPTION_KEY": "ZGV2LW9ubHktbmlrLWtleS0zMi1ieXRlcy1sb25nISE=",
}

TESTING = {
    **DEVELOPMENT,
    "ENV_NAME": "testing",
    "TESTING": True,
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": True,
}


def configure(app: Flask, overrides: dict[str, Any] | None) -> None:
    """Fill `app.config`: defaults, the environment's profile, FLASK_* variables, DATABASE_URL,
    then `overrides`. Refuses to start outside development and tests without secrets."""
    overrides = overrides or {}
    env_name = overrides.get("ENV_NAME") or os.environ.get("FLASK_ENV_NAME", "production")
    app.config.update(DEFAULTS)
    if env_name == "development":
        app.config.update(DEVELOPMENT)
    elif env_name == "testing":
        app.config.update(TESTING)
    app.config.from_prefixed_env()
    for key in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"):
        if os.environ.get(key):
            app.config[key] = os.environ[key]
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(os.environ["DATABASE_URL"])
    app.config.update(overrides)

    instance = Path(app.instance_path)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'temumodal.sqlite'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(
        app.config["SQLALCHEMY_DATABASE_URI"]
    )
    app.config["UPLOAD_FOLDER"] = app.config["UPLOAD_FOLDER"] or str(instance / "uploads")
    app.config["BACKUP_FOLDER"] = app.config["BACKUP_FOLDER"] or str(instance / "backups")
    app.config["SEARCH_INDEX_DIR"] = app.config["SEARCH_INDEX_DIR"] or str(
        instance / "search-index"
    )
    app.config["SEARCH_BACKEND"] = app.config["SEARCH_BACKEND"] or search_backend_for(
        app.config["SQLALCHEMY_DATABASE_URI"]
    )
    for key in ("SECRET_KEY", "NIK_ENCRYPTION_KEY"):
        if not app.config.get(key):
            raise RuntimeError(
                f"{key} is not set. Set FLASK_{key} in the environment "
                "(see README, 'Configuration'); only development and tests have a built-in one."
            )


def search_backend_for(database_url: str | None) -> str:
    """The search backend a database URL calls for when SEARCH_BACKEND is not set: the
    PostgreSQL backend on PostgreSQL (one index shared by every worker and machine, kept in
    the same database and backups), Whoosh on a local directory otherwise."""
    return "postgres" if str(database_url or "").startswith("postgres") else "whoosh"


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for plain postgres:// URLs (Heroku-style)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
