# Samarbejdsportalen. The README's two commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT

.PHONY: compile-messages runtime-libs install install-runtime run test lint format e2e bench reliability scale-test messages migrate seed backup restore clean clean-local

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime-installed $@

install-runtime: $(VENV)/.runtime-installed compile-messages runtime-libs
install: $(VENV)/.dev-installed compile-messages runtime-libs

# The system libraries the runtime needs: Pango and a font for WeasyPrint's PDF forms.
runtime-libs:
	@bash scripts/ensure-tools.sh weasyprint

compile-messages: | $(PY)
	@bash scripts/ensure-tools.sh gettext
	@$(MANAGE) compilemessages --ignore '.venv' -v0

messages: install
	$(MANAGE) makemessages -l da -l en -l kl --no-obsolete --ignore '.venv/*' --ignore 'staticfiles/*'

migrate: install-runtime
	$(MANAGE) preflight
	$(MANAGE) migrate --noinput

seed: migrate
	$(MANAGE) seed_demo

# Starts the project's own PostgreSQL and Redis when there are none, then migrate, seed_demo, web,
# worker and beat: one script owns the whole life cycle (scripts/run.sh).
run: install-runtime
	@bash scripts/run.sh

test: install
	@bash scripts/test.sh

# Style, formatting, the import rules (pyproject.toml [tool.importlinter], docs/ARCHITECTURE.md) and
# the migration linter (zero-downtime migrations, README).
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(MANAGE) lintmigrations --quiet ok ignore

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

e2e: install
	@bash scripts/ensure-tools.sh chromium
	$(VENV)/bin/pytest tests/e2e -p no:cacheprovider

bench: install
	@bash scripts/bench.sh

# Fault, load and hostile-input tests, including the slow ones (60 s wrk run, PostgreSQL restart).
reliability: install
	@bash scripts/ensure-tools.sh wrk redis-server postgresql
	$(MANAGE) preflight
	RELIABILITY_SLOW=1 $(VENV)/bin/pytest tests/reliability -p no:cacheprovider

# Three web nodes behind HAProxy, PgBouncer, a streaming replica, two workers and two beats, all on
# loopback and under load; a node and the replica fail mid-run (README "Running on many machines").
scale-test: install
	@bash scripts/ensure-tools.sh postgresql redis-server haproxy pgbouncer wrk
	$(PY) scripts/scale_test.py

backup: install-runtime
	@bash scripts/backup.sh

restore: install-runtime
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=backups/portal-....dump"; exit 2; }
	@bash scripts/restore.sh "$(FILE)"

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

# The project's own PostgreSQL cluster and Redis (make run without servers): stop them, remove the data.
clean-local:
	@PORTAL_LOCAL_DIR= $(PYTHON) scripts/local_services.py stop
	rm -rf .local
