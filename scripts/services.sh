#!/usr/bin/env bash
# Starts the engines the several-process tests run against, on loopback only, and prints their addresses as
# `export` lines (for `eval "$(bash scripts/services.sh)"`): a private PostgreSQL 15 cluster on port 55432
# and a Redis on 56379. Installs Debian's packages first if missing (postgresql, redis-server, and nginx
# with the nchan module, which tests start themselves on free ports). Idempotent: what runs is left running.
#   bash scripts/services.sh          start (if needed) and print the exports
#   bash scripts/services.sh stop     stop both
set -euo pipefail
cd "$(dirname "$0")/.."

STATE=${KIOSK_SERVICES_DIR:-/var/tmp/kiosk-services}
PG_PORT=55432
REDIS_PORT=56379
say() { echo "services: $*" >&2; }

# shellcheck source=scripts/apt.sh
. scripts/apt.sh  # the working folder is the checkout (cd above)

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
# PostgreSQL refuses to run as root: its files and process belong to the postgres user.
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

if [ "${1:-}" = "stop" ]; then
  [ -f "$STATE/pg/postmaster.pid" ] && as_pg "$(pg_bin)/pg_ctl" -D "$STATE/pg" -m fast stop >&2 || true
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  exit 0
fi

apt_install postgresql redis-server nginx libnginx-mod-nchan

mkdir -p "$STATE"
chmod 755 "$STATE"
BIN=$(pg_bin)
if [ ! -f "$STATE/pg/PG_VERSION" ]; then
  say "making a PostgreSQL cluster in $STATE/pg"
  mkdir -p "$STATE/pg"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$STATE/pg"
  # trust on loopback: a throwaway cluster for tests, reachable only from this machine.
  as_pg "$BIN/initdb" -D "$STATE/pg" -U kiosk --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
fi
if ! as_pg "$BIN/pg_ctl" -D "$STATE/pg" status >/dev/null 2>&1; then
  say "starting PostgreSQL on 127.0.0.1:$PG_PORT"
  touch "$STATE/pg.log"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$STATE/pg.log"
  # fsync off: these tests kill the app's processes, never PostgreSQL's; what they check is that a commit the
  # app acknowledged is in the database, which synchronous_commit (left on) still guarantees to the app.
  as_pg "$BIN/pg_ctl" -D "$STATE/pg" -l "$STATE/pg.log" -w -o \
    "-p $PG_PORT -k /tmp -h 127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=300" \
    start >/dev/null
fi
if ! "$BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U kiosk -d postgres -Atqc "SELECT 1 FROM pg_database WHERE datname = 'kiosk'" | grep -q 1; then
  "$BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U kiosk kiosk
fi

if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  say "starting Redis on 127.0.0.1:$REDIS_PORT"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --dir "$STATE" --logfile "$STATE/redis.log" --pidfile "$STATE/redis.pid" >/dev/null
  for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
fi

echo "export KIOSK_TEST_DATABASE_URL=postgresql://kiosk:kiosk@127.0.0.1:$PG_PORT/kiosk"
echo "export KIOSK_TEST_REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0"
