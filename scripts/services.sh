#!/usr/bin/env bash
# Starts the engines the several-process tests run against, on loopback only, and prints their addresses as
# `export` lines on stdout (for `eval "$(bash scripts/services.sh)"`): a private PostgreSQL 15 cluster and a
# Redis, both this checkout's own. Installs Debian's packages first if missing (postgresql, redis-server, and
# nginx with the nchan module, which tests start themselves on free ports). Idempotent: what runs is left
# running, and a second run prints the same lines.
#   bash scripts/services.sh          start (if needed) and print the exports
#   bash scripts/services.sh status   this checkout's folder, ports and what runs; exit 3 when one is down
#   bash scripts/services.sh stop     stop this checkout's two (another checkout's are left alone)
#
# Two checkouts on one machine each get their own: the state folder (the cluster, Redis's files, the ports)
# is /var/tmp/kiosk-services-<8 hex digits of sha256 of the checkout's absolute path>, or KIOSK_SERVICES_DIR.
# The ports are chosen at the first start and kept in <state>/ports: the first pair that can be bound on
# 127.0.0.1, searched from a starting point that hash gives in 20000-31999 (below Linux's ephemeral ports,
# so no outgoing connection holds one). A later start reuses them; if one is then held by a program that is
# not this checkout's service, that service moves to the next free port (the file says which). Each run
# says on stderr which ports and which checkout: "services: PostgreSQL on 127.0.0.1:N, Redis on ...".
# The shared pair the fixed-port version of this script started (55432, 56379, /var/tmp/kiosk-services) is
# not this checkout's and is left alone: KIOSK_SERVICES_DIR=/var/tmp/kiosk-services ... stop stops it.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd -P)
cd "$ROOT"

HASH=$(printf '%s' "$ROOT" | sha256sum | cut -c1-8)
STATE=${KIOSK_SERVICES_DIR:-/var/tmp/kiosk-services-$HASH}
PORT_LO=20000
PORT_HI=32000
say() { echo "services: $*" >&2; }
die() {
  say "$*"
  exit 1
}

# shellcheck source=scripts/apt.sh
. scripts/apt.sh # the working folder is the checkout (cd above)

pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do if [ -d "$d" ]; then echo "$d"; fi; done | sort -V | tail -1
}
# PostgreSQL refuses to run as root: its files and process belong to the postgres user.
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# -- what runs, and whether it is this checkout's -------------------------------------------------------------

# The port of this state folder's PostgreSQL, if its postmaster runs (whatever the ports file says).
pg_running() {
  local bin
  bin=$(pg_bin)
  [ -n "$bin" ] && [ -f "$STATE/pg/postmaster.pid" ] || return 1
  as_pg "$bin/pg_ctl" -D "$STATE/pg" status >/dev/null 2>&1 || return 1
  sed -n 4p "$STATE/pg/postmaster.pid"
}

# The port of this state folder's Redis, if it runs: the process in redis.pid is a redis-server working in
# this folder (its --dir), so a recycled pid or another checkout's Redis is never taken for ours.
redis_running() {
  local pid cmd
  [ -f "$STATE/redis.pid" ] || return 1
  pid=$(cat "$STATE/redis.pid")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" = "$STATE" ] || return 1
  cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ "$cmd" =~ ^redis-server\ 127\.0\.0\.1:([0-9]+) ]] || return 1
  echo "${BASH_REMATCH[1]}"
}

# A port remembered in the ports file (empty when none).
remembered() {
  [ -f "$STATE/ports" ] || return 0
  sed -n "s/^$1=\([0-9]\{1,5\}\)\$/\1/p" "$STATE/ports" | head -1
}

# free_port FIRST [AVOID...]: FIRST if it can be bound on 127.0.0.1, else the next one that can, wrapping
# within PORT_LO..PORT_HI-1; never one of AVOID. A real bind, as the servers do it (SO_REUSEADDR: a port our
# own stopped server left in TIME_WAIT is free, one anything listens on, IPv4 or dual-stack, is not).
free_port() {
  python3 - "$PORT_LO" "$PORT_HI" "$@" <<'PY'
import os, socket, sys

lo, hi, first, *avoid = map(int, sys.argv[1:])


def free(port):
    # A PostgreSQL socket lock in /tmp (another cluster's -k /tmp) would stop ours starting on that port.
    if port in avoid or os.path.exists(f"/tmp/.s.PGSQL.{port}.lock"):
        return False
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


start = first if lo <= first < hi else lo
for port in [first] + [lo + (start - lo + i) % (hi - lo) for i in range(hi - lo)]:
    if free(port):
        print(port)
        sys.exit(0)
sys.exit(1)
PY
}

# Sets PG_PORT and REDIS_PORT: the running service's port, else the remembered one while nothing else holds
# it, else a free one; and writes them to the ports file.
choose_ports() {
  local pg_up redis_up old_pg old_redis first avoid=()
  pg_up=$(pg_running) || pg_up=""
  redis_up=$(redis_running) || redis_up=""
  old_pg=$(remembered PG_PORT)
  old_redis=$(remembered REDIS_PORT)
  first=$((PORT_LO + 16#$HASH % ((PORT_HI - PORT_LO) / 2) * 2))

  if [ -n "$pg_up" ]; then
    PG_PORT=$pg_up
  else
    avoid=()
    if [ -n "$redis_up" ]; then avoid=("$redis_up"); elif [ -n "$old_redis" ]; then avoid=("$old_redis"); fi
    PG_PORT=$(free_port "${old_pg:-$first}" "${avoid[@]}") || die "no free port for PostgreSQL in $PORT_LO-$((PORT_HI - 1))"
    if [ -n "$old_pg" ] && [ "$PG_PORT" != "$old_pg" ]; then
      say "port $old_pg (PostgreSQL's until now) is held by another program: PostgreSQL moves to $PG_PORT"
    fi
  fi
  if [ -n "$redis_up" ]; then
    REDIS_PORT=$redis_up
  else
    REDIS_PORT=$(free_port "${old_redis:-$((first + 1))}" "$PG_PORT") ||
      die "no free port for Redis in $PORT_LO-$((PORT_HI - 1))"
    if [ -n "$old_redis" ] && [ "$REDIS_PORT" != "$old_redis" ]; then
      say "port $old_redis (Redis's until now) is held by another program: Redis moves to $REDIS_PORT"
    fi
  fi
  if [ "$PG_PORT" != "$old_pg" ] || [ "$REDIS_PORT" != "$old_redis" ]; then
    printf 'PG_PORT=%s\nREDIS_PORT=%s\n' "$PG_PORT" "$REDIS_PORT" >"$STATE/ports.new"
    mv "$STATE/ports.new" "$STATE/ports"
  fi
}

# One run at a time per state folder: test runs started together must not both make the cluster or both
# choose ports. The servers are started with fd 9 closed (9>&-): a daemon holding it would hold the lock.
lock() {
  exec 9>>"$STATE/services.lock"
  if ! flock -n 9; then
    say "another services.sh runs for $STATE: waiting for it"
    flock 9
  fi
}

where() { say "PostgreSQL on 127.0.0.1:$1, Redis on 127.0.0.1:$2 (this checkout: $ROOT; state: $STATE)"; }

# -- commands -------------------------------------------------------------------------------------------------

cmd_stop() {
  [ -d "$STATE" ] || return 0
  STATE=$(cd "$STATE" && pwd -P)
  lock
  local port pid
  if port=$(pg_running); then
    say "stopping PostgreSQL on 127.0.0.1:$port"
    as_pg "$(pg_bin)/pg_ctl" -D "$STATE/pg" -m fast stop >/dev/null
  fi
  if port=$(redis_running); then
    say "stopping Redis on 127.0.0.1:$port"
    pid=$(cat "$STATE/redis.pid")
    redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
}

cmd_status() {
  [ -d "$STATE" ] || {
    say "no services for this checkout ($ROOT): no $STATE"
    return 3
  }
  STATE=$(cd "$STATE" && pwd -P)
  local port down=0 owner=""
  [ -f "$STATE/checkout" ] && owner=$(cat "$STATE/checkout")
  echo "checkout: $ROOT"
  echo "state: $STATE${owner:+ (made for $owner)}"
  if port=$(pg_running); then echo "PostgreSQL 127.0.0.1:$port  running"; else
    echo "PostgreSQL 127.0.0.1:$(remembered PG_PORT)  not running"
    down=1
  fi
  if port=$(redis_running); then echo "Redis 127.0.0.1:$port  running"; else
    echo "Redis 127.0.0.1:$(remembered REDIS_PORT)  not running"
    down=1
  fi
  [ "$down" -eq 0 ] || return 3
}

cmd_start() {
  apt_install postgresql redis-server nginx libnginx-mod-nchan
  mkdir -p "$STATE"
  STATE=$(cd "$STATE" && pwd -P)
  chmod 755 "$STATE" # PostgreSQL runs as postgres: it must reach its cluster and log in here
  if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$STATE"; then
    die "the postgres user cannot reach $STATE: every folder above it must be searchable by others"
  fi
  lock
  printf '%s\n' "$ROOT" >"$STATE/checkout"
  choose_ports

  local bin
  bin=$(pg_bin)
  if [ ! -f "$STATE/pg/PG_VERSION" ]; then
    say "making a PostgreSQL cluster in $STATE/pg"
    rm -rf "$STATE/pg" # a cluster whose initdb was interrupted
    mkdir -p "$STATE/pg"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$STATE/pg"; fi
    # trust on loopback: a throwaway cluster for tests, reachable only from this machine.
    as_pg "$bin/initdb" -D "$STATE/pg" -U kiosk --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! pg_running >/dev/null; then
    say "starting PostgreSQL on 127.0.0.1:$PG_PORT"
    touch "$STATE/pg.log"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$STATE/pg.log"; fi
    # fsync off: these tests kill the app's processes, never PostgreSQL's; what they check is that a commit the
    # app acknowledged is in the database, which synchronous_commit (left on) still guarantees to the app.
    if ! as_pg "$bin/pg_ctl" -D "$STATE/pg" -l "$STATE/pg.log" -w -o \
      "-p $PG_PORT -k /tmp -h 127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=300" \
      start >/dev/null 9>&-; then
      tail -n 20 "$STATE/pg.log" >&2 || true
      die "PostgreSQL did not start on $PG_PORT (log: $STATE/pg.log); if another program took the port, run again: it picks another"
    fi
  fi
  if ! "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U kiosk -d postgres -Atqc \
    "SELECT 1 FROM pg_database WHERE datname = 'kiosk'" | grep -q 1; then
    "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U kiosk kiosk
  fi

  if ! redis_running >/dev/null; then
    say "starting Redis on 127.0.0.1:$REDIS_PORT"
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
      --dir "$STATE" --logfile "$STATE/redis.log" --pidfile "$STATE/redis.pid" >/dev/null 9>&-
    local up=""
    for _ in $(seq 50); do
      if [ "$(redis_running)" = "$REDIS_PORT" ] && redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
        up=1
        break
      fi
      sleep 0.1
    done
    if [ -z "$up" ]; then
      tail -n 20 "$STATE/redis.log" >&2 || true
      die "Redis did not start on $REDIS_PORT (log: $STATE/redis.log); if another program took the port, run again: it picks another"
    fi
  fi

  where "$PG_PORT" "$REDIS_PORT"
  echo "export KIOSK_TEST_DATABASE_URL=postgresql://kiosk:kiosk@127.0.0.1:$PG_PORT/kiosk"
  echo "export KIOSK_TEST_REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0"
}

case "${1:-start}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *)
    echo "usage: bash scripts/services.sh [start|status|stop]" >&2
    exit 2
    ;;
esac
