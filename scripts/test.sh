#!/usr/bin/env bash
# The whole test suite: migrations in step, lint clean, then pytest on the real PostgreSQL/Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
$PY manage.py preflight
$PY manage.py makemigrations --check --dry-run >/dev/null || {
  echo "Models have changes without migrations: run 'python manage.py makemigrations'."; exit 1; }
.venv/bin/ruff check .
if bash scripts/ensure-chromium.sh; then
  echo "Chromium found: browser tests included."
else
  echo "Chromium not available: browser tests will be skipped."
fi
exec .venv/bin/pytest -p no:cacheprovider "$@"
