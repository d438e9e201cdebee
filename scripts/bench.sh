#!/usr/bin/env bash
# `make bench`: generate the national data set in its own database and measure every page.
#   make bench                      full scale (about 100,000 cases and 1,000,000 tasks)
#   make bench BENCH_ARGS=--small   a small smoke run
#   BENCH_REUSE=1 make bench        measure again without regenerating the data
set -euo pipefail
cd "$(dirname "$0")/.."
export DATABASE_URL=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/portal_bench}
export REDIS_URL=${BENCH_REDIS_URL:-redis://127.0.0.1:6379/9}
export BENCH_MODE=1
# Measure production settings: no DEBUG, compressed static files, the server's own session key.
export DEBUG=0 SECURE_SSL_REDIRECT=0 ALLOWED_HOSTS=127.0.0.1,testserver
export SECRET_KEY=${SECRET_KEY:-bench-$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 60)}
PY=.venv/bin/python
bash scripts/ensure-tools.sh wrk
$PY manage.py preflight
$PY manage.py migrate --noinput -v0
$PY manage.py collectstatic --noinput -v0
if [ -z "${BENCH_REUSE:-}" ]; then
  # shellcheck disable=SC2086
  $PY manage.py bench_data --reset ${BENCH_ARGS:-}
fi
case " ${BENCH_ARGS:-} " in
  *" --small "*) $PY manage.py bench --requests 50 --wrk-seconds 3 ;;
  *) $PY manage.py bench ;;
esac
