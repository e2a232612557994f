"""TemuModal: where UMKM made bank-ready by mentoring meet social investors and lenders."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions, security, pages, commands."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    from marketplace import config as config_module

    config_module.configure(app, config)
    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    from marketplace.web import DatabaseId

    app.url_map.converters["int"] = DatabaseId  # before any route is added
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    Path(app.config["UPLOAD_FOLDER"]).mkdir(parents=True, exist_ok=True)

    _init_logging(app)
    _init_extensions(app)
    _register_models()
    _register_jobs()
    _init_search(app)
    _register_blueprints(app)
    _register_template_helpers(app)

    from marketplace import cli, errors, security, wtforms_i18n
    from marketplace.accounts import sessions
    from marketplace.monitoring import cache as monitoring_cache

    security.init_app(app)
    monitoring_cache.init_app(app)
    wtforms_i18n.init_app(app)
    sessions.init_app(app)
    errors.register_error_handlers(app)
    cli.register(app)
    return app


def _init_logging(app: Flask) -> None:
    from marketplace.logging_filters import RedactSecrets

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactSecrets) for f in handler.filters):
            handler.addFilter(RedactSecrets())


def _init_extensions(app: Flask) -> None:
    from marketplace.extensions import babel, csrf, db, limiter, login_manager, migrate
    from marketplace.security import install_template_gettext, select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(ROOT / "translations"),
    )
    install_template_gettext(app)
    limiter.init_app(app)

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        from sqlalchemy import event

        with app.app_context():

            @event.listens_for(db.engine, "connect")
            def _sqlite_pragmas(dbapi_connection, _record):
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA foreign_keys=ON")
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA busy_timeout=5000")
                cursor.close()


def _register_models() -> None:
    # Import every models module so metadata (and Alembic's autogenerate) sees every table.
    import marketplace.accounts.models
    import marketplace.audit
    import marketplace.events.models
    import marketplace.mail.models
    import marketplace.matching.models
    import marketplace.monitoring.models
    import marketplace.notifications.models
    import marketplace.payments.models
    import marketplace.pitches.models
    import marketplace.privacy.consent_models
    import marketplace.privacy.erasure_models
    import marketplace.privacy.models
    import marketplace.profiles.models
    import marketplace.programmes.models
    import marketplace.queue.models  # noqa: F401


def _register_jobs() -> None:
    # Import every module that defines `tasks` jobs, so each is registered before anything
    # (a request, a CLI command, a worker) enqueues it, whichever modules that caller imported;
    # and the hooks of higher packages plugging into lower ones, which never import them
    # (tests/test_layers.py): receivers of accounts' and profiles' signals (the dashboard's
    # "waiting for you" lines among them), programmes' consent rule for profiles.
    import marketplace.events.hooks
    import marketplace.events.jobs
    import marketplace.events.reminders  # the reminder before an event
    import marketplace.jobs.periodic  # the sweep, the daily reindex, file clean-up, the digest
    import marketplace.mail  # the delivery job
    import marketplace.matching.hooks
    import marketplace.matching.saved_searches  # notify saved searches of a new profile
    import marketplace.matching.search.indexing  # search.sync_enterprise, outbox listeners
    import marketplace.monitoring.hooks  # the owner's "Report progress" when a check-in is due
    import marketplace.monitoring.snapshots  # the public page's month-end snapshot job
    import marketplace.notifications.services  # the digest; the mail job queued long ago
    import marketplace.payments.cancellation  # the cancellation mail job
    import marketplace.payments.hooks
    import marketplace.payments.refunds  # the refund job
    import marketplace.payments.services  # the periodic check against Stripe
    import marketplace.pitches.hooks
    import marketplace.pitches.jobs
    import marketplace.privacy.consent  # consent history: profiles' and notifications' signals
    import marketplace.privacy.deletion_requests  # the login message of a blocked account
    import marketplace.privacy.erasure  # the periodic erasure job
    import marketplace.privacy.export  # noqa: F401 (the export job)
    import marketplace.privacy.retention  # the periodic retention job
    import marketplace.profiles.hooks
    import marketplace.programmes.hooks  # noqa: F401


def _init_search(app: Flask) -> None:
    # The search seam needs the database engine: after db.init_app.
    from marketplace import health
    from marketplace.matching import search
    from marketplace.matching.search import health as search_health

    search.init_search(app)
    health.register_check("search", search_health.check)


def _register_blueprints(app: Flask) -> None:
    from marketplace import health
    from marketplace.accounts.organisation_views import bp as organisation_bp
    from marketplace.accounts.views import bp as accounts_bp
    from marketplace.admin.views import bp as admin_bp
    from marketplace.events.views import bp as events_bp
    from marketplace.matching.views import bp as matching_bp
    from marketplace.monitoring.views import bp as monitoring_bp
    from marketplace.notifications.views import bp as notifications_bp
    from marketplace.payments.views import bp as payments_bp
    from marketplace.pitches.views import bp as pitches_bp
    from marketplace.privacy.breach_views import bp as breach_bp
    from marketplace.privacy.consent_views import bp as consent_bp
    from marketplace.privacy.erasure_views import bp as erasure_bp
    from marketplace.privacy.views import bp as privacy_bp
    from marketplace.profiles.views import bp as profiles_bp
    from marketplace.programmes.views import bp as programmes_bp

    app.register_blueprint(health.bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(organisation_bp)
    app.register_blueprint(profiles_bp)
    app.register_blueprint(programmes_bp)
    app.register_blueprint(pitches_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(events_bp)
    app.register_blueprint(matching_bp)
    app.register_blueprint(monitoring_bp)
    app.register_blueprint(payments_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(consent_bp)
    app.register_blueprint(erasure_bp)
    app.register_blueprint(breach_bp, url_prefix="/admin")
    app.register_blueprint(privacy_bp)


def _register_template_helpers(app: Flask) -> None:
    from marketplace import formatting, regions, vocab

    app.add_template_filter(formatting.rupiah, "rupiah")
    app.add_template_filter(formatting.rupiah_short, "rupiah_short")
    app.add_template_filter(formatting.date, "date")
    app.add_template_filter(formatting.month, "month")
    app.add_template_filter(formatting.datetime, "datetime")
    app.add_template_filter(formatting.number, "number")
    app.add_template_filter(regions.province_name, "province_name")
    app.add_template_filter(regions.regency_name, "regency_name")

    from flask import before_render_template

    from marketplace.forms import mark_pages_with_errors

    before_render_template.connect(mark_pages_with_errors, app)

    @app.context_processor
    def inject_vocab():
        from flask_babel import get_locale

        from marketplace import permissions
        from marketplace.web import id_url

        return {
            "vocab": vocab,
            "label": vocab.label,
            "can": permissions,
            "get_locale": get_locale,
            "id_url": id_url,
        }

    @app.context_processor
    def inject_unread_count():
        from flask_login import current_user

        from marketplace.notifications import services as notifications

        # A function: counted (once per request) only when a page's header asks for it.
        def unread_notifications() -> int:
            if not current_user.is_authenticated:
                return 0
            return notifications.unread_count_cached(current_user)

        return {"unread_notifications": unread_notifications}
