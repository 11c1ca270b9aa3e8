#!/usr/bin/env bash
# Runs Seller Center with demo data: SQLite in var/, local media, an embedded Celery broker.
# Web server in the foreground; a Celery worker with embedded beat in the background, stopped with it.
# Any setting can be overridden from the environment (DATABASE_URL, CELERY_BROKER_URL, PORT, ...).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh requirements.txt

export DJANGO_DEBUG="${DJANGO_DEBUG:-true}"
export PYTHONUNBUFFERED=1
PORT="${PORT:-8000}"
VAR="${SELLERCENTER_VAR_DIR:-var}"
mkdir -p "$VAR"
# e-mails (new orders, deadline warnings) go to files, one per message, not across the terminal
export DJANGO_EMAIL_BACKEND="${DJANGO_EMAIL_BACKEND:-django.core.mail.backends.filebased.EmailBackend}"
export EMAIL_FILE_PATH="${EMAIL_FILE_PATH:-$PWD/$VAR/mail}"
worker_pidfile="$VAR/celery-worker.pid"
worker_log="$VAR/celery-worker.log"
py=.venv/bin/python

stop_pid() {
  local pid="$1"
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.2
  done
  kill -KILL "$pid" 2>/dev/null || true
}

# A worker left over from a run that was killed hard would hold the broker folder: stop it first.
if [ -f "$worker_pidfile" ]; then
  old_pid="$(cat "$worker_pidfile" 2>/dev/null || true)"
  if [ -n "$old_pid" ] && ps -p "$old_pid" -o args= 2>/dev/null | grep -q "celery -A sellercenter worker"; then
    echo "==> stopping the Celery worker of a previous run (pid $old_pid)"
    stop_pid "$old_pid"
  fi
  rm -f "$worker_pidfile"
fi

echo "==> migrating the database"
$py manage.py migrate --noinput -v 0

if command -v msgfmt >/dev/null; then
  # the .mo files are committed; this only refreshes them from the .po files
  $py manage.py compilemessages --ignore=.venv --ignore=var -v 0
fi

echo "==> loading demo data"
$py manage.py seed_demo

server_pid="" worker_pid=""
cleanup() {
  # ignore, not reset: `timeout` and a double Ctrl+C send the signal twice
  trap '' INT TERM
  trap - EXIT
  [ -n "$server_pid" ] && stop_pid "$server_pid"
  if [ -n "$worker_pid" ]; then
    echo "==> stopping the Celery worker"
    stop_pid "$worker_pid"
  fi
  rm -f "$worker_pidfile"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "==> starting the Celery worker with beat (log: $worker_log)"
.venv/bin/celery -A sellercenter worker -B --scheduler django_celery_beat.schedulers:DatabaseScheduler \
  --loglevel=info --concurrency=1 --pidfile="$worker_pidfile" --logfile="$worker_log" &
worker_pid=$!

cat <<EOF

  Seller Center is starting on http://localhost:$PORT/

    Dashboard      http://localhost:$PORT/
    Admin          http://localhost:$PORT/admin/
    API docs       http://localhost:$PORT/api/v1/docs/
    API schema     http://localhost:$PORT/api/v1/schema/

  Demo logins (password demo1234 for all):
    Tienda Andina SAC   andina (owner), andina-staff (staff)
    Costa Market EIRL   costa (owner), costa-staff (staff)
    Operator (admin)    operador
  Intake API key:       int_demo_key_do_not_use_in_production
  E-mails sent:         $EMAIL_FILE_PATH/

  Ctrl+C stops the server and the worker.

EOF

# In the background and waited for, so a TERM to this script is handled at once.
$py manage.py runserver "0.0.0.0:$PORT" &
server_pid=$!
wait "$server_pid"
