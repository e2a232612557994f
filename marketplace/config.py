"""Configuration: safe defaults, then FLASK_* environment variables, then the caller's dict."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet
from flask import Flask
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

# The app's instance folder (Flask's default for the marketplace package).
INSTANCE_PATH = Path(__file__).resolve().parent.parent / "instance"

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
    # Invitations to join an organisation sent per member (each mails an address the member
    # types, with their name and organisation's name in it: not a free mail relay).
    "MEMBER_INVITE_RATE_LIMIT": "20 per hour",
    # Registrations per address: each one mails the address (a confirmation link, or "someone
    # tried to register with your address" when it has an account).
    "REGISTER_RATE_LIMIT": "3 per hour",
    "RATELIMIT_STORAGE_URI": "memory://",  # redis://… when several workers share the limits
    "RATELIMIT_HEADERS_ENABLED": True,
    # Programme reports kept per process until the data under them changes
    # (marketplace/monitoring/cache.py); 0 turns the cache off.
    "MONITORING_REPORT_CACHE": 4,
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
    # them to the job queue (see marketplace/tasks.py). Unset: "queue" when REDIS_URL is set.
    "TASKS_MODE": None,
    # Redis for the job queue (RQ), e.g. redis://127.0.0.1:6379/0; also read from REDIS_URL.
    # Unset: jobs run inline and nothing else is needed.
    "REDIS_URL": None,
    "TASKS_QUEUE": "temumodal",  # the RQ queue's name (also the prefix of job ids)
    "TASKS_RETRY_INTERVALS": (10, 60, 300),  # a failing job is retried after these seconds
    "TASKS_JOB_TIMEOUT_S": 900,  # a job running longer is stopped and counts as failed
    "TASKS_SWEEP_GRACE_S": 60,  # the sweep leaves jobs younger than this to the commit hook
    "TASKS_WORKER_STALE_S": 120,  # /healthz: a worker silent longer than this is not "seen"
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
    # Personal data breach notices (UU PDP art. 46, marketplace.privacy.breach): the controller's
    # name in the notice to the agency, and the agency's address the admin's form starts with.
    "PRIVACY_CONTROLLER": "TemuModal",
    "PRIVACY_AGENCY_EMAIL": "",
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
    # jobs.sweep: a build silent for its time limit plus this long lost its process: failed.
    "EVENT_SCHEDULE_STALL_GRACE_S": 300,
    "EVENTS_BUILD_IN_THREAD": True,  # inline jobs: build schedules off the request thread
    "EVENT_REMINDER_HOURS": 24,  # events.send_reminders: how long before the start people hear
    "PUBLIC_BASE_URL": "http://127.0.0.1:5000",  # links in e-mails sent outside a request
    # Paid tickets (marketplace/payments): unset → priced ticket types cannot go on sale.
    # Read from STRIPE_SECRET_KEY / STRIPE_WEBHOOK_SECRET (or the FLASK_-prefixed names).
    "STRIPE_SECRET_KEY": None,
    "STRIPE_WEBHOOK_SECRET": None,
    "STRIPE_HTTP_CLIENT": None,  # tests only: a stand-in for Stripe's HTTP transport
    "STRIPE_MAX_NETWORK_RETRIES": 2,  # the library retries a failed call (idempotency-keyed)
    # A seat is held while the buyer pays: 30 minutes (Stripe's shortest Checkout) to 24 hours;
    # organisers set it per event. TICKET_MIN_PRICE_IDR: the lowest paid ticket (gateway).
    "TICKET_HOLD_MINUTES": 30,
    "TICKET_MIN_PRICE_IDR": 10_000,
    # Reverse proxies in front of the app (README, "Production layout"): with 1, the client's
    # address, scheme and host are taken from the X-Forwarded-For/-Proto/-Host headers the
    # proxy sets (rate limits per client and the audit log need the real address). 0: none, the
    # headers are ignored (a client could forge them).
    "TRUSTED_PROXIES": 0,
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


PROFILES = ("production", "development", "testing")
MIN_SECRET_KEY_LENGTH = 32  # characters; `secrets.token_hex(32)` gives 64


class ConfigError(Exception):
    """A setting is missing or wrong. The message is one line that names the variable to set;
    `run.py` prints it and exits with EXIT_CONFIG_ERROR instead of showing a traceback."""


# gunicorn's "App failed to load" status: a gunicorn worker that exits with it stops the whole
# server instead of being restarted in a loop; systemd units list it in RestartPreventExitStatus.
EXIT_CONFIG_ERROR = 4


def configure(app: Flask, overrides: dict[str, Any] | None) -> None:
    """Fill `app.config`: defaults, the environment's profile, FLASK_* variables, DATABASE_URL,
    then `overrides`. Raises ConfigError for an unknown profile, a missing or weak secret outside
    development and tests, and a malformed database or rate-limit storage URL."""
    overrides = overrides or {}
    env_name = overrides.get("ENV_NAME") or os.environ.get("FLASK_ENV_NAME", "production")
    if env_name not in PROFILES:
        raise ConfigError(
            f"FLASK_ENV_NAME={env_name!r} is not a profile: set it to one of "
            + ", ".join(PROFILES)
            + " (or leave it unset for production)."
        )
    app.config.update(DEFAULTS)
    if env_name == "development":
        app.config.update(DEVELOPMENT)
    elif env_name == "testing":
        app.config.update(TESTING)
    app.config.from_prefixed_env()
    for key in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"):
        if os.environ.get(key):
            app.config[key] = os.environ[key]
    _check_types(app.config, overrides)
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(os.environ["DATABASE_URL"])
    if os.environ.get("REDIS_URL") and not app.config.get("REDIS_URL"):
        app.config["REDIS_URL"] = os.environ["REDIS_URL"]
    app.config.update(overrides)
    if not app.config["TASKS_MODE"]:
        app.config["TASKS_MODE"] = "queue" if app.config["REDIS_URL"] else "inline"

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
    _check_secrets(app.config)
    _check_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    _check_ratelimit_storage(app.config["RATELIMIT_STORAGE_URI"])
    _check_queue(app.config)


def _check_types(config: Any, overrides: dict[str, Any]) -> None:
    """FLASK_* values are parsed as JSON: a number or true/false where the default is one."""
    for key, default in DEFAULTS.items():
        if key in overrides or f"FLASK_{key}" not in os.environ:
            continue
        value = config[key]
        if isinstance(default, bool):
            ok, wanted = isinstance(value, bool), "true or false"
        elif isinstance(default, int):
            ok, wanted = isinstance(value, int) and not isinstance(value, bool), "a whole number"
        elif isinstance(default, float):
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            wanted = "a number"
        else:
            continue
        if not ok:
            raise ConfigError(
                f"FLASK_{key}={os.environ[f'FLASK_{key}']!r} is not {wanted}: "
                f"set FLASK_{key} to {wanted} (default {json.dumps(default)})."
            )


def _check_secrets(config: Any) -> None:
    missing = [
        f"FLASK_{key}" for key in ("SECRET_KEY", "NIK_ENCRYPTION_KEY") if not config.get(key)
    ]
    if missing:
        raise ConfigError(
            " and ".join(missing)
            + (" is not set: set it" if len(missing) == 1 else " are not set: set them")
            + " in the environment (README, 'Production layout'); only "
            "development and tests have built-in keys."
        )
    keys = [k.strip() for k in str(config["NIK_ENCRYPTION_KEY"]).split(",") if k.strip()]
    try:
        for key in keys:
            Fernet(key)
    except (ValueError, TypeError):
        raise ConfigError(
            "FLASK_NIK_ENCRYPTION_KEY holds a value that is not a Fernet key: set it to keys made "
            'with `python -c "from cryptography.fernet import Fernet; '
            'print(Fernet.generate_key().decode())"`, comma-separated.'
        ) from None
    if config["ENV_NAME"] != "production":
        return
    secret = str(config["SECRET_KEY"])
    if secret == DEVELOPMENT["SECRET_KEY"] or len(secret) < MIN_SECRET_KEY_LENGTH:
        raise ConfigError(
            f"FLASK_SECRET_KEY is too weak for production (the development key, or under "
            f"{MIN_SECRET_KEY_LENGTH} characters): set it to the output of "
            '`python -c "import secrets; print(secrets.token_hex(32))"`.'
        )
    if DEVELOPMENT["NIK_ENCRYPTION_KEY"] in keys:
        raise ConfigError(
            "FLASK_NIK_ENCRYPTION_KEY contains the development key, which is public: set it to a "
            "key of your own (README, 'Configuration')."
        )


def _check_database_url(url: str) -> None:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(
            "DATABASE_URL is not a database URL: set it to postgresql://user:password@host:5432/"
            "name (or leave it unset for SQLite in the instance folder)."
        ) from None
    if parsed.get_backend_name() not in ("postgresql", "sqlite"):
        raise ConfigError(
            f"DATABASE_URL names a {parsed.get_backend_name()!r} database: TemuModal runs on "
            "PostgreSQL or SQLite; set it to postgresql://user:password@host:5432/name."
        )


def _check_ratelimit_storage(uri: str) -> None:
    from limits.errors import ConfigurationError
    from limits.storage import storage_from_string

    try:
        storage_from_string(uri)  # builds the client (checks scheme and driver), connects not
    except (ConfigurationError, ValueError) as error:
        raise ConfigError(
            f"FLASK_RATELIMIT_STORAGE_URI={uri!r} cannot be used ({_one_line(error)}): "
            "set it to redis://host:6379/0, or memory:// for a single process."
        ) from None


def _check_queue(config: Any) -> None:
    if config["TASKS_MODE"] not in ("inline", "queue", "collect"):
        raise ConfigError(
            f"FLASK_TASKS_MODE={config['TASKS_MODE']!r} is not a mode: set it to inline or queue "
            "(or leave it unset: queue when FLASK_REDIS_URL is set)."
        )
    url = config["REDIS_URL"]
    if config["TASKS_MODE"] == "queue" and not url:
        raise ConfigError(
            "FLASK_TASKS_MODE is queue but no Redis is named: set FLASK_REDIS_URL (or REDIS_URL) "
            "to redis://host:6379/1."
        )
    if not url:
        return
    from redis import ConnectionPool

    try:
        ConnectionPool.from_url(str(url))  # parses; connects not
    except (ValueError, TypeError) as error:
        raise ConfigError(
            f"FLASK_REDIS_URL (or REDIS_URL) {url!r} cannot be used ({_one_line(error)}): "
            "set it to redis://host:6379/1, or unset it to run jobs inline."
        ) from None


def check_database(url: str, *, timeout_s: int = 5) -> None:
    """Connect once to `url` and run SELECT 1; ConfigError saying what to check if that fails.
    Opens and closes its own connection (nothing pooled is left behind, e.g. before a fork)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError
    from sqlalchemy.pool import NullPool

    parsed = make_url(url)
    connect_args = (
        {"connect_timeout": timeout_s} if parsed.get_backend_name() == "postgresql" else {}
    )
    engine = create_engine(parsed, poolclass=NullPool, connect_args=connect_args)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        reason = _one_line(getattr(error, "orig", None) or error)
        raise ConfigError(
            f"cannot use the database {parsed.render_as_string(hide_password=True)} ({reason}): "
            "check DATABASE_URL, that the server runs and that the database exists (createdb)."
        ) from None
    finally:
        engine.dispose()


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return text[:200] or type(error).__name__


def check_environment() -> None:
    """Everything `run.py` checks before serving, without building the app: for gunicorn's
    master process (deploy/gunicorn.conf.py), so that a wrong setting stops it once, before any
    worker starts. Raises ConfigError."""
    app = Flask("temumodal-config-check", instance_path=str(INSTANCE_PATH))
    configure(app, None)
    check_database(app.config["SQLALCHEMY_DATABASE_URI"])


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


def main() -> int:
    """`python -m marketplace.config`: check_environment(); 0, or one line and EXIT_CONFIG_ERROR."""
    try:
        check_environment()
    except ConfigError as error:
        print(f"TemuModal configuration error: {error}", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    return 0


if __name__ == "__main__":
    sys.exit(main())
