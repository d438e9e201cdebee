#!/usr/bin/env bash
# The benchmark's regression gate, run by `make test`: the small data set in a database of its own,
# then every page measured in-process and compared with the committed baseline (bench/baseline.json).
# It fails when a page runs more queries than the baseline, or when its median time grows past half
# again its ratio to the layout list. `scripts/bench-gate.sh --write` records a new baseline.
set -euo pipefail
cd "$(dirname "$0")/.."
base=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/portal}
export DATABASE_URL="${base%%\?*}_benchgate"
export BENCH_MODE=1 DEBUG=0 SECURE_SSL_REDIRECT=0 ALLOWED_HOSTS=127.0.0.1,testserver
export SECRET_KEY=${SECRET_KEY:-benchgate-$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 60)}
PY=.venv/bin/python
$PY manage.py preflight >/dev/null
$PY manage.py migrate --noinput -v0
$PY manage.py collectstatic --noinput -v0
$PY manage.py bench_data --reset --small -v0 >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
if [ "${1:-}" = "--write" ]; then
  exec $PY manage.py bench --requests 60 --no-http --no-scan --output "$out" --write-baseline bench/baseline.json
fi
exec $PY manage.py bench --requests 60 --no-http --no-scan --output "$out" --baseline bench/baseline.json
