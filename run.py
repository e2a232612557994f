"""Entry point for `flask --app run …`, `gunicorn run:app` and the worker processes.

A configuration error (a missing or weak secret, a wrong or unreachable database, an unknown
profile…) stops here with one line on stderr saying what to set, and exit status 4
(`config.EXIT_CONFIG_ERROR`), instead of a traceback: for every `flask` command and for gunicorn
workers alike (gunicorn's master checks the same first: deploy/gunicorn.conf.py)."""

import sys

from marketplace import create_app
from marketplace.config import EXIT_CONFIG_ERROR, ConfigError, check_database

try:
    app = create_app()
    check_database(app.config["SQLALCHEMY_DATABASE_URI"])
except ConfigError as error:
    print(f"TemuModal configuration error: {error}", file=sys.stderr)
    sys.exit(EXIT_CONFIG_ERROR)
