#!/usr/bin/env bash
# The whole test suite: migrations in step, lint and import rules clean, then pytest on the real PostgreSQL/Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
# Browser tests (Chromium), load tests (wrk), the compose file check (docker-compose), private Redis
# servers and PostgreSQL clusters: installed here when missing, or the run stops naming the packages.
bash scripts/ensure-tools.sh chromium wrk docker-compose redis-server postgresql
$PY manage.py preflight
$PY manage.py makemigrations --check --dry-run >/dev/null || {
  echo "Models have changes without migrations: run 'python manage.py makemigrations'."; exit 1; }
.venv/bin/ruff check .
# Which app may import which (pyproject.toml [tool.importlinter]; docs/ARCHITECTURE.md).
.venv/bin/lint-imports
# Migrations that would lock big tables or break the running version (README "Zero-downtime migrations").
$PY manage.py lintmigrations --quiet ok ignore
if [ $# -gt 0 ]; then exec .venv/bin/pytest -p no:cacheprovider "$@"; fi
# The real-worker reminder tests run in a process of their own: earlier tests that point Celery at
# private brokers leave its connection pool behind in the process.
.venv/bin/pytest -p no:cacheprovider tests/test_reminders_worker.py
# The rest on every core (pytest-xdist, one test database per worker): first the tests that roll
# back, then those that commit and empty their database afterwards (marked "transactional" by
# conftest.py), on the same databases.
PARALLEL=(-p no:cacheprovider -n "${TEST_WORKERS:-auto}" --dist loadfile --ignore=tests/test_reminders_worker.py)
.venv/bin/pytest "${PARALLEL[@]}" --create-db --reuse-db -m "not transactional"
.venv/bin/pytest "${PARALLEL[@]}" --reuse-db -m transactional
# The benchmark's regression gate: no page runs more queries than bench/baseline.json, none grows
# past half again its time ratio to the layout list.
bash scripts/bench-gate.sh
