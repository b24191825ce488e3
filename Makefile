# `make run` serves the API; `make test` runs every check. Both set up .venv first.
# `make test` runs the whole suite twice: on SQLite, then on a real PostgreSQL server.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# A local secret key, generated once into a git-ignored file, unless one is given.
WITH_KEY = DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(cat .secret_key)}"

.PHONY: run dev test check test-sqlite test-postgres pytest-sqlite pytest-speed-off pytest-postgres migrations-check \
	test-browser screenshots chromium nginx lint format install install-dev static bench \
	bench-docs bench-setup wrk docs

# What serving needs (requirements.txt); the test tools come with install-dev.
install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

install-dev: $(VENV)/.dev-installed

$(VENV)/.dev-installed: $(VENV)/.installed requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

.secret_key:
	umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@.tmp
	mv $@.tmp $@

static: install .secret_key
	$(WITH_KEY) $(BIN)/python manage.py collectstatic --noinput -v0

run: static nginx
	$(WITH_KEY) $(BIN)/python manage.py migrate --noinput
	@echo ""
	@echo "Heroes API     http://127.0.0.1:$(PORT)/heroes/"
	@echo "Swagger UI     http://127.0.0.1:$(PORT)/docs/"
	@echo "ReDoc          http://127.0.0.1:$(PORT)/redoc/"
	@echo "OpenAPI        http://127.0.0.1:$(PORT)/openapi.json"
	@echo "Admin          http://127.0.0.1:$(PORT)/admin/"
	@echo "Ready          http://127.0.0.1:$(PORT)/readyz"
	@echo ""
	@echo "Create an admin user:  $(BIN)/python manage.py createsuperuser"
	@echo "A new API token:       $(BIN)/python manage.py hero_token <username>"
	@echo ""
	$(WITH_KEY) DJANGO_HTTPS=$${DJANGO_HTTPS:-0} PORT=$(PORT) exec scripts/serve.sh

# Django's development server: debug on, and it reloads when a Python file changes.
dev: install .secret_key
	$(WITH_KEY) $(BIN)/python manage.py migrate --noinput
	$(WITH_KEY) DJANGO_DEBUG=1 exec $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# nginx in front of gunicorn (deploy/nginx.conf), as `make run` and the serving tests use it.
nginx:
	test -x /usr/sbin/nginx || scripts/install-system-packages.sh nginx

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The documentation site (mkdocs.yml, docs/) into the git-ignored site/. --strict: a broken
# link or anchor, or a page left out of the nav, fails it. tests/test_docs.py runs it, so
# make check and make test do.
SITE_DIR ?= site
docs: install-dev
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir "$(SITE_DIR)"

migrations-check: install-dev .secret_key
	$(WITH_KEY) $(BIN)/python manage.py makemigrations --check --dry-run

# The quick loop: lint and the in-process tests on SQLite, no servers, no browser; once as
# configured, once with the speed layer off (HEROES_SPEED=0: plain Django, DRF, django-filter).
check: lint migrations-check
	$(WITH_KEY) env -u DATABASE_URL $(BIN)/pytest -m "not system and not browser" $(PYTEST_ARGS)
	$(WITH_KEY) env -u DATABASE_URL HEROES_SPEED=0 $(BIN)/pytest -m "not system and not browser" $(PYTEST_ARGS)

# One throwaway PostgreSQL server (scripts/with-postgres.sh) serves both passes: tests that
# need PostgreSQL whatever the pass (two app servers sharing one database) use TEST_POSTGRES_URL.
test: lint migrations-check static chromium nginx bench-setup node_modules/.installed
	scripts/with-postgres.sh $(MAKE) --no-print-directory pytest-sqlite pytest-speed-off pytest-postgres

test-sqlite: install-dev static chromium nginx bench-setup
	scripts/with-postgres.sh $(MAKE) --no-print-directory pytest-sqlite

test-postgres: install-dev static chromium nginx bench-setup
	scripts/with-postgres.sh $(MAKE) --no-print-directory pytest-postgres

# The two passes; they expect TEST_POSTGRES_URL, so run them through the targets above.
# Extra pytest arguments: make test-postgres PYTEST_ARGS="-k scale_out"
# The benchmark's smoke run measures SQLite and PostgreSQL itself, and the replica tests
# start PostgreSQL servers of their own: each runs once, in the PostgreSQL pass, and the
# SQLite pass deselects it (shown in its summary).
pytest-sqlite:
	@test -n "$$TEST_POSTGRES_URL" || { echo "TEST_POSTGRES_URL is not set: use make test-sqlite"; exit 1; }
	@echo "=== pytest on SQLite ==="
	$(WITH_KEY) env -u DATABASE_URL $(BIN)/pytest --deselect tests/system/test_benchmark.py \
		--deselect tests/system/test_replicas.py $(PYTEST_ARGS)

# The in-process suite again with the speed layer off: the same answers without it.
pytest-speed-off:
	@echo "=== pytest on SQLite, speed layer off (HEROES_SPEED=0) ==="
	$(WITH_KEY) env -u DATABASE_URL HEROES_SPEED=0 $(BIN)/pytest -m "not system and not browser" $(PYTEST_ARGS)

pytest-postgres:
	@test -n "$$TEST_POSTGRES_URL" || { echo "TEST_POSTGRES_URL is not set: use make test-postgres"; exit 1; }
	@echo "=== pytest on PostgreSQL ==="
	$(WITH_KEY) DATABASE_URL="$$TEST_POSTGRES_URL" $(BIN)/pytest $(PYTEST_ARGS)

# The OpenAPI client generators and schema linters (tests/system/test_generated_clients.py,
# test_schema_lint.py), pinned in package-lock.json. Debian's node only if there is none.
.PHONY: node
node:
	command -v node >/dev/null || scripts/install-system-packages.sh nodejs npm

node_modules/.installed: package.json package-lock.json | node
	npm ci --no-audit --no-fund
	touch $@

# Browser tests drive Debian's chromium through Playwright (never `playwright install`).
chromium:
	test -x /usr/bin/chromium || scripts/install-system-packages.sh chromium

test-browser: install-dev static chromium
	$(WITH_KEY) $(BIN)/pytest -m browser

# Refreshes the screenshots committed under docs/ from a browser test run.
screenshots: test-browser
	cp artifacts/screenshots/browsable-api.png artifacts/screenshots/swagger-ui.png \
		artifacts/screenshots/admin.png docs/

# The benchmark (docs/benchmarks.md): wrk, the benchmark's own tools in .venv (matplotlib,
# pyinstrument; never runtime requirements) and the peers' virtualenv (.venv-peers).
# A smoke run of it is part of the test suite, so `make test` sets all of this up too.
wrk:
	command -v wrk >/dev/null || scripts/install-system-packages.sh wrk

$(VENV)/.bench-installed: $(VENV)/.installed benchmarks/requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r benchmarks/requirements.txt
	touch $@

bench-setup: $(VENV)/.bench-installed wrk
	$(BIN)/python -m benchmarks.run --setup

# 10,000 and 1,000,000 heroes on SQLite and on a throwaway PostgreSQL server.
# BENCH_ARGS="--rows 10000 --databases sqlite" for less. Writes to artifacts/benchmarks/;
# bench-docs rewrites the committed report in docs/.
bench: static nginx bench-setup
	$(WITH_KEY) scripts/with-postgres.sh $(BIN)/python -m benchmarks.run $(BENCH_ARGS)

bench-docs: static nginx bench-setup
	$(WITH_KEY) scripts/with-postgres.sh $(BIN)/python -m benchmarks.run --out docs $(BENCH_ARGS)
