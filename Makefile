# TemuModal: `make run` serves the demo, `make test` runs every test. Both do all set-up.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := FLASK_ENV_NAME=$${FLASK_ENV_NAME:-development} $(VENV)/bin/flask --app run
PORT ?= 5000
CHROMIUM := /usr/bin/chromium

.PHONY: run worker test install install-dev translations extract-messages system-packages bench-packages db lint bench clean

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(VENV)/bin/activate
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

translations: $(VENV)/.installed
	$(VENV)/bin/pybabel compile --statistics -d translations 2>&1 | tail -n 1

extract-messages: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot --no-location --sort-output .
	$(VENV)/bin/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching

# Debian's Chromium drives the browser tests (Playwright never downloads a browser here).
system-packages:
	@if [ ! -x $(CHROMIUM) ]; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	fi

db: $(VENV)/.installed translations
	$(FLASK) db upgrade

run: db
	@$(FLASK) seed-demo --if-empty
	@# Readiness depends on the date (trading months, expiring documents): refresh the index and
	@# match cards at every start (a few seconds for the demo).
	@$(FLASK) search reindex
	@echo "TemuModal on http://127.0.0.1:$(PORT)"
	FLASK_PUBLIC_BASE_URL=$${FLASK_PUBLIC_BASE_URL:-http://127.0.0.1:$(PORT)} $(FLASK) run --host 127.0.0.1 --port $(PORT)

# A job worker next to `make run`, for trying the queue locally: run both with the same
# FLASK_REDIS_URL (default here: the local Redis, database 0), e.g.
#   FLASK_REDIS_URL=redis://127.0.0.1:6379/0 make run   and, in a second terminal,   make worker
worker: db
	@echo "Worker on $${FLASK_REDIS_URL:-redis://127.0.0.1:6379/0} (start make run with the same FLASK_REDIS_URL)"
	FLASK_REDIS_URL=$${FLASK_REDIS_URL:-redis://127.0.0.1:6379/0} \
	  FLASK_PUBLIC_BASE_URL=$${FLASK_PUBLIC_BASE_URL:-http://127.0.0.1:$(PORT)} $(FLASK) worker

test: $(VENV)/.installed-dev translations system-packages
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check marketplace tests bench

# bench/load.py drives gunicorn with Debian's wrk (used by no test, so only the bench installs it).
bench-packages:
	@if ! command -v wrk >/dev/null; then \
	  echo "Installing Debian's wrk for bench/load.py"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk >/dev/null; \
	fi

bench: $(VENV)/.installed-dev translations bench-packages
	for script in bench/*.py; do $(PY) $$script --quick || exit 1; done

clean:
	rm -rf $(VENV) instance
