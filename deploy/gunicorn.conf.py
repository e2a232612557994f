"""gunicorn settings for TemuModal's web process: `.venv/bin/gunicorn -c deploy/gunicorn.conf.py`
from the repository root (README, "Production layout"). Every value can be changed through the
environment variable named next to it; command-line options win over this file."""

import gc
import multiprocessing
import os
import re
import subprocess
import sys

from gunicorn.glogging import Logger

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
chdir = ROOT  # run.py, marketplace/ and instance/ are found from the repository root
wsgi_app = "run:app"

# Behind a reverse proxy (nginx, Caddy) on the same machine; GUNICORN_BIND=0.0.0.0:8000 or a
# unix socket (unix:/run/temumodal/web.sock) otherwise.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers: every request is short database work, and slow clients are absorbed by the proxy.
# WEB_CONCURRENCY (also read by gunicorn itself and by most platforms) or 2 per core plus one.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))

# An upload is checked in a sandboxed child within UPLOAD_PARSE_FILE_SECONDS (60 s): the
# request may take that long, so a worker is killed only well after it.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 90))
graceful_timeout = 30  # on stop/restart, requests in flight get this long to finish
keepalive = 5  # seconds, for the proxy's keep-alive connections

# A worker is replaced after this many requests (with jitter, so they do not all restart at
# once), a bound on any slow growth. Uploads are parsed in a sandboxed child, not in the worker,
# and a worker's memory stayed flat at 264-266 MB over 15,000 requests of bench/load.py. Each
# replacement costs a worker start (the app, then the match columns: post_worker_init) while
# the other workers carry the load: at 2,000 it came every ~20 s under that bench, whose p95
# was 662-1,193 ms against 94-101 ms at this bound (README, "Under load"), so the bound is far
# above what a day asks of a worker.
max_requests = 50_000
max_requests_jitter = 5_000

# preload_app off: each worker builds the app after the fork, so no database connection, Redis
# pool or library thread crosses a fork, and `kill -HUP` (systemctl reload) starts workers on new
# code. The cost is a second or two per worker start. Configuration errors still stop the server
# once, before any worker starts: see on_starting below.
preload_app = False

# X-Forwarded-Proto (https) is trusted only from these addresses: the proxy. Flask then builds
# https:// links and the Secure session cookie works.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs on stdout/stderr (journald, or the platform's log). The access log leaves out the query
# string and the Referer (they may carry search terms or one-time links) and masks the token in
# the e-mailed link paths.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'

_LINK_TOKEN = re.compile(r"^(/(?:confirm|password/reset|invitation)/)[^/]+")


class TokenMaskingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = _LINK_TOKEN.sub(r"\1[token]", atoms["U"] or "")
        return atoms


logger_class = TokenMaskingLogger


def on_starting(server):
    """Check the settings and the database before binding or forking (`python -m
    marketplace.config`, in a child so that the master imports none of the app's modules and
    `kill -HUP` still loads new code): a wrong setting is one line on stderr and exit status 4,
    not a traceback per worker."""
    check = [sys.executable, "-m", "marketplace.config"]
    status = subprocess.call(check, cwd=ROOT)  # noqa: S603 - a fixed command, our interpreter
    if status:
        sys.exit(status)


def post_worker_init(worker):
    """Before the worker takes a request: build its match columns (`card_store.warm`), which
    the first /matches would otherwise wait for (about 1.4 s for 10k enterprises), then keep
    what it built (the app, its libraries and templates, the columns: about 300,000 objects
    that live as long as the worker) out of the garbage collector's full collections. A full
    pass over them took a median 176-226 ms and landed in whichever request crossed the
    collector's threshold (python bench/gc_pause.py measures it); what requests create is still
    collected as before."""
    from marketplace.matching import card_store

    card_store.warm(worker.wsgi)
    gc.freeze()
