#!/usr/bin/env bash
# `make run`: the project's own PostgreSQL and Redis when there are none (scripts/local_services.py),
# then the database check, migrations and demo data, then the web server, a Celery worker and Celery
# beat together. Ctrl-C or SIGTERM stops all of them, the project's own PostgreSQL and Redis too.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
pids=()
local_services=0

stop() {
  trap - INT TERM EXIT
  if [ ${#pids[@]} -gt 0 ]; then
    echo
    echo "Stopping web, worker and beat..."
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  fi
  wait 2>/dev/null
  if [ "$local_services" = 1 ]; then
    echo "Stopping the project's own PostgreSQL and Redis..."
    $PY scripts/local_services.py stop
  fi
  exit "$1"
}
trap 'stop 0' INT TERM
trap 'stop $?' EXIT

# Without DATABASE_URL/REDIS_URL and with nothing on 127.0.0.1:5432/6379 (or with EMBEDDED=1), start
# the project's own servers in .local/ and point everything below at them.
local_services=1  # from here on, whatever the script starts is stopped on the way out
exports=$($PY scripts/local_services.py start --auto) || exit 1
if [ -n "$exports" ]; then eval "$exports"; else local_services=0; fi

$PY manage.py preflight || exit 1
$PY manage.py migrate --noinput || exit 1
$PY manage.py seed_demo || exit 1

if [ "${DEBUG:-1}" = "0" ] || [ "${DEBUG:-1}" = "false" ]; then
  $PY manage.py collectstatic --noinput -v0
  .venv/bin/gunicorn --config config/gunicorn.conf.py config.wsgi --bind "$HOST:$PORT" --workers 2 &
else
  $PY manage.py runserver "$HOST:$PORT" --noreload &
fi
pids+=($!)
.venv/bin/celery -A config worker --loglevel=INFO --concurrency=2 --hostname "portal@%h" &
pids+=($!)
.venv/bin/celery -A config beat --loglevel=INFO --schedule /tmp/portal-celerybeat-schedule &
pids+=($!)

sleep 2
also=""
if [ "$local_services" = 1 ]; then
  also=" and the project's own PostgreSQL and Redis"
  echo
  echo "  Using the project's own PostgreSQL and Redis (.local/, kept between runs; make clean-local removes it)."
fi
cat <<MSG

  Samarbejdsportalen is running at http://$HOST:$PORT/
  Health: http://$HOST:$PORT/healthz    Admin: http://$HOST:$PORT/admin/

  Demo logins (password: Samarbejde-demo-2026)
    Sagsbehandler  sagsbehandler@demo.dk
    Tovholder      tovholder@demo.dk
    Frivillig      frivillig@demo.dk
    Administrator  admin@demo.dk
                   (first sign-in sets up two-factor with an authenticator app:
                    scan the QR code or type its key into the app; see README)

  Press Ctrl-C to stop web, worker and beat$also.

MSG
# If any of the three dies, stop the others too.
wait -n
echo "A process exited; stopping the rest."
stop 1
