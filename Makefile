# Two commands matter: `make run` starts the product, `make test` checks it.
# Both create the virtualenv in .venv and install pinned requirements on demand.

PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
BIN := $(VENV)/bin
# The side-by-side benchmark installs django-helpdesk apart from the product.
HELPDESK_VENV ?= .venv-helpdesk
MANAGE := $(BIN)/python manage.py
# compilemessages walks the tree: keep it out of the virtualenv and var/.
COMPILE_MESSAGES := $(MANAGE) compilemessages --ignore=$(VENV) --ignore=$(HELPDESK_VENV) --ignore=var --verbosity 0

.PHONY: run test lint format messages prepare browser atproto clean bench-helpdesk

$(BIN)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(BIN)/.installed-dev: requirements-dev.txt $(BIN)/.installed
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

## Prepare the database and static files, then start web, worker and beat.
prepare: $(BIN)/.installed
	$(MANAGE) migrate --noinput --verbosity 0
	$(COMPILE_MESSAGES)
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(MANAGE) bootstrap $(if $(DATABASE_URL),,--demo) --url http://127.0.0.1:$(PORT)/

run: prepare
	# Ctrl-C stops web, worker and beat cleanly and exits 0 (see governance/run.py).
	PATH="$(abspath $(BIN)):$$PATH" exec $(BIN)/python -m governance.run --port $(PORT) --procfile Procfile

## Debian's chromium drives the browser tests; install it when it is missing.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium package for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	}

## The local AT Protocol network of the Bluesky tests (@atproto/dev-env and a
## Node 22 from npm), installed once into a cache outside the clone, keyed by
## its lockfile. Without npm it says so in one line and the tests skip
## (REQUIRE_ATPROTO=1 makes that an error).
atproto:
	@tests/atproto/install.sh >/dev/null

lint: $(BIN)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: $(BIN)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: $(BIN)/.installed
	$(MANAGE) makemessages --locale fr --locale en --ignore=$(VENV) --ignore=$(HELPDESK_VENV) --ignore=var --ignore=tests --ignore=benchmarks --no-obsolete --no-location
	$(COMPILE_MESSAGES)

test: $(BIN)/.installed-dev browser atproto lint
	DJANGO_SETTINGS_MODULE=tests.settings $(COMPILE_MESSAGES)
	$(BIN)/pytest

## The inbox side by side with django-helpdesk's ticket list (PostgreSQL and
## Redis as in benchmarks/pgsetup.py; about five minutes).
bench-helpdesk:
	test -x $(HELPDESK_VENV)/bin/python || $(PYTHON) -m venv $(HELPDESK_VENV)
	$(HELPDESK_VENV)/bin/python -m pip install --quiet -r benchmarks/requirements-helpdesk.txt
	$(HELPDESK_VENV)/bin/python benchmarks/helpdesk/compare.py

clean:
	rm -rf var .pytest_cache
