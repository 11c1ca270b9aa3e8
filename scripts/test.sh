#!/usr/bin/env bash
# The whole test suite against real PostgreSQL and Redis (started here if installed but stopped).
# Extra arguments go to pytest, e.g. scripts/test.sh tests/api -k ship
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh requirements-dev.txt

PG_HOST=127.0.0.1 PG_PORT=5432 REDIS_PORT=6379

if ! pg_isready -q -h "$PG_HOST" -p "$PG_PORT" 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    echo "==> starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
    for _ in $(seq 1 30); do pg_isready -q -h "$PG_HOST" -p "$PG_PORT" && break; sleep 1; done
  else
    echo "PostgreSQL is not installed. Install it with:" >&2
    echo "  sudo apt-get install -y postgresql && sudo pg_ctlcluster 15 main start" >&2
    echo "and let user 'postgres' connect from 127.0.0.1 (trust), or set DATABASE_URL." >&2
    exit 1
  fi
fi

if ! (exec 3<>/dev/tcp/127.0.0.1/$REDIS_PORT) 2>/dev/null; then
  if command -v redis-server >/dev/null; then
    echo "==> starting Redis"
    mkdir -p /tmp/sellercenter-redis
    redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
      --dir /tmp/sellercenter-redis --pidfile /tmp/sellercenter-redis/redis.pid
    sleep 1
  else
    echo "Redis is not installed. Install it with: sudo apt-get install -y redis-server" >&2
    exit 1
  fi
fi

# Debian packages the suite needs: installed when running as root, else named for the user to install.
require_package() {  # <command> <package> <what it is for>
  command -v "$1" >/dev/null && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "==> installing Debian's $2 for $3"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2") >/dev/null
  else
    echo "$2 is missing for $3. Install it with: sudo apt-get install -y $2" >&2
    exit 1
  fi
}
require_package xgettext gettext "the message-catalog test"
require_package /usr/bin/chromium chromium "the browser tests"

export DJANGO_ALLOW_ASYNC_UNSAFE=true
set +e
.venv/bin/python -m pytest --create-db "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests" >&2
  exit 1
fi
exit "$status"
