# Ellipse — one task runner. `make demo` and `make test` are the two commands of the README.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_ADDR ?= 127.0.0.1:8000
DEMO_ENV := DEBUG=true DJANGO_SETTINGS_MODULE=ellipse.settings.base SITE_URL=http://$(DEMO_ADDR)
# Debian packages: Chromium (browser tests), WeasyPrint's libraries and a font, pdftotext,
# gettext (compilemessages), docker-compose (validates docker-compose.yml in CI).
APT_PACKAGES := python3-venv chromium poppler-utils fonts-dejavu-core libpango-1.0-0 \
	libpangoft2-1.0-0 libharfbuzz-subset0 gettext
# wrk: the page-load benchmark (make bench-pages). redis-server: the cache-outage tests start,
# stop and restart servers of their own (tests/core/test_cache_outage.py).
APT_PACKAGES += wrk redis-server

.PHONY: help demo test venv system-deps migrate seed run lint worker beat bench bench-pages bench-pages-inprocess messages makemessages clean

help:
	@echo "make demo   — installe, migre, crée le jeu de démonstration et sert sur http://127.0.0.1:8000"
	@echo "make test   — installe ce qu'il faut et lance toute la suite (ruff, migrations, check --deploy, pytest)"
	@echo "make lint | worker | beat | bench | messages | clean"

system-deps:
	@missing=""; \
	for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "Installation des paquets Debian :$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else \
		echo "Paquets Debian absents (à installer en root) :$$missing"; \
	fi

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[dev]"
	@touch $(STAMP)

venv: system-deps $(STAMP)

messages: venv
	@if find locale -name '*.po' 2>/dev/null | grep -q .; then $(BIN)/python manage.py compilemessages --locale fr -v0; fi

migrate: venv messages
	@mkdir -p var
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput -v0

seed: migrate
	$(DEMO_ENV) $(BIN)/python manage.py seed_demo

run:
	$(DEMO_ENV) $(BIN)/python manage.py runserver $(DEMO_ADDR)

demo: seed run

makemessages: venv
	$(BIN)/python manage.py makemessages -l fr --no-location --ignore=.venv --ignore=staticfiles \
		--ignore=var --ignore=benchmarks --ignore=tests -v0

lint: venv
	$(BIN)/ruff check .

test: venv messages
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run -v0
	DJANGO_SETTINGS_MODULE=ellipse.settings.production SECRET_KEY=$$(head -c 48 /dev/urandom | base64) \
		ALLOWED_HOSTS=ellipse.est-ensemble.fr DATABASE_URL=sqlite:///:memory: REDIS_URL=redis://127.0.0.1:6379/0 \
		$(BIN)/python manage.py check --deploy --fail-level WARNING
	$(BIN)/python -m pytest tests/pure -p no:django && $(BIN)/python -m pytest --ignore=tests/pure $(PYTEST_ARGS)

worker: venv
	$(BIN)/celery -A ellipse worker -l info -c 2

beat: venv
	$(BIN)/celery -A ellipse beat -l info

bench: venv
	@for script in $(filter-out benchmarks/pages_load.py benchmarks/pages_inprocess.py benchmarks/settings_bench.py benchmarks/urls_bench.py,$(wildcard benchmarks/*.py)); do echo "== $$script"; $(BIN)/python $$script || exit 1; done

# Page load at a region's size under gunicorn + wrk (PostgreSQL needed; not part of make bench).
bench-pages: venv
	$(BIN)/python benchmarks/pages_load.py $(BENCH_ARGS)

# The same pages in-process (median, queries), on the database bench-pages keeps with --keep.
bench-pages-inprocess: venv
	$(BIN)/python benchmarks/pages_inprocess.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
