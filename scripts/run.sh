#!/usr/bin/env bash
# Starts the web server, a Celery worker and Celery beat together; Ctrl-C or SIGTERM stops all three.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
pids=()

stop() {
  trap - INT TERM EXIT
  echo
  echo "Stopping web, worker and beat..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  wait 2>/dev/null
  exit 0
}
trap stop INT TERM EXIT

if [ "${DEBUG:-1}" = "0" ] || [ "${DEBUG:-1}" = "false" ]; then
  $PY manage.py collectstatic --noinput -v0
  .venv/bin/gunicorn config.wsgi --bind "$HOST:$PORT" --workers 2 --access-logfile - &
else
  $PY manage.py runserver "$HOST:$PORT" --noreload &
fi
pids+=($!)
.venv/bin/celery -A config worker --loglevel=INFO --concurrency=2 --hostname "portal@%h" &
pids+=($!)
.venv/bin/celery -A config beat --loglevel=INFO --schedule /tmp/portal-celerybeat-schedule &
pids+=($!)

sleep 2
cat <<MSG

  Samarbejdsportalen is running at http://$HOST:$PORT/
  Health: http://$HOST:$PORT/healthz    Admin: http://$HOST:$PORT/admin/

  Demo logins (password: Samarbejde-demo-2026)
    Sagsbehandler  sagsbehandler@demo.dk
    Tovholder      tovholder@demo.dk
    Frivillig      frivillig@demo.dk
    Administrator  admin@demo.dk

  Press Ctrl-C to stop web, worker and beat.

MSG
# If any of the three dies, stop the others too.
wait -n
echo "A process exited; stopping the rest."
stop
