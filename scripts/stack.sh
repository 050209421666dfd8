#!/usr/bin/env bash
# The whole several-process stack on this machine, for the tests and for anyone trying it: PostgreSQL and
# Redis (scripts/services.sh), two `python -m kiosk serve` processes on one database and one message queue,
# and a private nginx in front, rendered from deploy/nginx/ into the stack's own folder (no system-wide
# nginx configuration is read or changed, and the system's nginx, if any, keeps running).
#
#   bash scripts/stack.sh start     start what is not running yet (again after a crash: same settings)
#   bash scripts/stack.sh status    what runs, each process's /healthz; exit 3 when something is down
#   bash scripts/stack.sh stop      stop the processes and nginx (the folder, its logs and data stay)
#
# `start` prints `export` lines (KIOSK_STACK_URL, KIOSK_STACK_APPS) on stdout, everything else on stderr.
# Settings, from the environment at the first start (then kept in $KIOSK_STACK_DIR/stack.env):
#   KIOSK_STACK_DIR        the stack's folder (default /tmp/kiosk-stack): logs, pids, nginx, data folder
#   KIOSK_STACK_PORT       nginx's port (default 8080), on KIOSK_STACK_HOST (default 127.0.0.1)
#   KIOSK_STACK_APP_PORTS  the kiosk processes' ports (default "5001 5002")
#   KIOSK_STACK_PUBLISH_PORT  nginx's nchan publisher, on 127.0.0.1 (default 8081): KIOSK_LIVE_PUBLISH
#   KIOSK_STACK_STORE      postgres (default) or sqlite (one file in the shared data folder)
#   KIOSK_STACK_QUEUE      redis (default) or none
#   KIOSK_DATABASE_URL     used as given; unset: database kiosk_stack on the services' PostgreSQL
#   KIOSK_MESSAGE_QUEUE    used as given; unset: the services' Redis
#   KIOSK_PYTHON           the interpreter (default .venv/bin/python)
# Any other KIOSK_* variable (PINs, KIOSK_PUBLIC_URL, …) reaches the processes as it is.
# The services are this checkout's, on the ports scripts/services.sh chose for it; their addresses are asked
# again at every start, since services.sh moves a service whose port another program took meanwhile.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

STATE=${KIOSK_STACK_DIR:-/tmp/kiosk-stack}
say() { echo "stack: $*" >&2; }
die() { say "$*"; exit 1; }

# -- settings ---------------------------------------------------------------------------------------------

services_loaded=""
load_services() {
  [ -n "$services_loaded" ] && return 0
  eval "$(bash "$ROOT/scripts/services.sh")"
  services_loaded=1
}

# DATABASE_URL and MESSAGE_QUEUE from scripts/services.sh, for those the stack takes from it.
use_services() {
  if [ "$SERVICES_DB" = 1 ]; then
    load_services
    DATABASE_URL="${KIOSK_TEST_DATABASE_URL%/*}/kiosk_stack"
    if ! psql "${KIOSK_TEST_DATABASE_URL}" -Atqc "SELECT 1 FROM pg_database WHERE datname = 'kiosk_stack'" \
      | grep -q 1; then
      psql "${KIOSK_TEST_DATABASE_URL}" -qc "CREATE DATABASE kiosk_stack" >/dev/null
    fi
  fi
  if [ "$SERVICES_QUEUE" = 1 ]; then
    load_services
    MESSAGE_QUEUE=$KIOSK_TEST_REDIS_URL
  fi
}

write_env() {
  mkdir -p "$STATE"
  {
    printf 'HOST=%q\nPORT=%q\nAPP_PORTS=%q\nSTORE=%q\nQUEUE=%q\n' "$HOST" "$PORT" "$APP_PORTS" "$STORE" "$QUEUE"
    printf 'PUBLISH_PORT=%q\n' "$PUBLISH_PORT"
    printf 'DATA=%q\nPY=%q\nDATABASE_URL=%q\nMESSAGE_QUEUE=%q\n' "$DATA" "$PY" "$DATABASE_URL" "$MESSAGE_QUEUE"
    printf 'SERVICES_DB=%q\nSERVICES_QUEUE=%q\n' "$SERVICES_DB" "$SERVICES_QUEUE"
  } >"$STATE/stack.env"
}

settle() {
  # A restart after a crash must join the same database and queue as the processes still running.
  if [ -f "$STATE/stack.env" ]; then
    # shellcheck disable=SC1091
    . "$STATE/stack.env"
    PUBLISH_PORT=${PUBLISH_PORT:-8081}  # a stack.env written before the publisher had one
    # A stack.env written before services.sh chose ports per checkout: its fixed ports were 55432 and 56379.
    if [ -z "${SERVICES_DB+set}" ]; then
      SERVICES_DB=0
      [ "$DATABASE_URL" = "postgresql://kiosk:kiosk@127.0.0.1:55432/kiosk_stack" ] && SERVICES_DB=1
    fi
    if [ -z "${SERVICES_QUEUE+set}" ]; then
      SERVICES_QUEUE=0
      [ "$MESSAGE_QUEUE" = "redis://127.0.0.1:56379/0" ] && SERVICES_QUEUE=1
    fi
    return 0
  fi
  HOST=${KIOSK_STACK_HOST:-127.0.0.1}
  PORT=${KIOSK_STACK_PORT:-8080}
  APP_PORTS=${KIOSK_STACK_APP_PORTS:-5001 5002}
  PUBLISH_PORT=${KIOSK_STACK_PUBLISH_PORT:-8081}
  STORE=${KIOSK_STACK_STORE:-postgres}
  QUEUE=${KIOSK_STACK_QUEUE:-redis}
  DATA=${KIOSK_DATA_DIR:-$STATE/data}
  PY=${KIOSK_PYTHON:-$ROOT/.venv/bin/python}
  SERVICES_DB=0
  SERVICES_QUEUE=0
  case "$STORE" in
    postgres)
      DATABASE_URL=${KIOSK_DATABASE_URL:-}
      [ -n "$DATABASE_URL" ] || SERVICES_DB=1
      ;;
    sqlite) DATABASE_URL="" ;;
    *) die "KIOSK_STACK_STORE must be postgres or sqlite, not $STORE" ;;
  esac
  case "$QUEUE" in
    redis)
      MESSAGE_QUEUE=${KIOSK_MESSAGE_QUEUE:-}
      [ -n "$MESSAGE_QUEUE" ] || SERVICES_QUEUE=1
      ;;
    none) MESSAGE_QUEUE="" ;;
    *) die "KIOSK_STACK_QUEUE must be redis or none, not $QUEUE" ;;
  esac
  use_services
  write_env
}

# At a start: the services' addresses as services.sh gives them now (it may have moved a port).
refresh_services() {
  local was_db=$DATABASE_URL was_queue=$MESSAGE_QUEUE port
  use_services
  [ "$DATABASE_URL" = "$was_db" ] && [ "$MESSAGE_QUEUE" = "$was_queue" ] && return 0
  say "the services' addresses changed (database $was_db -> $DATABASE_URL, queue $was_queue -> $MESSAGE_QUEUE)"
  write_env
  for port in $APP_PORTS; do
    if app_running "$port" >/dev/null; then
      say "kiosk on port $port still runs on the old addresses: bash scripts/stack.sh stop, then start"
    fi
  done
}

# -- processes --------------------------------------------------------------------------------------------

# The pid in a pid file, if that process is still the one the file was written for.
running() {
  local file=$1 want=$2 pid
  [ -f "$file" ] || return 1
  pid=$(cat "$file")
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$want" || return 1
  echo "$pid"
}

app_running() { running "$STATE/app-$1.pid" "kiosk serve --host 127.0.0.1 --port $1 "; }
nginx_running() { running "$STATE/nginx/nginx.pid" "nginx: master"; }

healthy() { curl -fsS --max-time 2 "$1/healthz" >/dev/null 2>&1; }

wait_healthy() {
  local url=$1 pidfile=$2 log=$3
  for _ in $(seq 300); do
    healthy "$url" && return 0
    if [ -n "$pidfile" ] && ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      tail -n 30 "$log" >&2 || true
      die "$url exited on start (log: $log)"
    fi
    sleep 0.1
  done
  tail -n 30 "$log" >&2 || true
  die "$url did not answer /healthz in 30 s (log: $log)"
}

start_app() {
  local port=$1 log="$STATE/app-$1.log"
  if app_running "$port" >/dev/null; then
    say "kiosk on port $port runs already (pid $(cat "$STATE/app-$port.pid"))"
    return 0
  fi
  say "starting kiosk on 127.0.0.1:$port"
  # Every process: the same data folder (the kept secrets: PINs, session key, API token, the admin's
  # uploads), database and queue. nginx is the one proxy in front, and every connection a process sees
  # comes from nginx's address, so the per-address cap is nginx's job (deploy/nginx/kiosk.conf).
  (
    export KIOSK_DATA_DIR="$DATA"
    export KIOSK_PUBLIC_URL="${KIOSK_PUBLIC_URL:-http://$HOST:$PORT}"
    export KIOSK_TRUSTED_PROXIES=1
    export KIOSK_CONNECTIONS_PER_ADDRESS="${KIOSK_CONNECTIONS_PER_ADDRESS:-100000}"
    # /live's viewers on the stack's nginx (nchan), as in deploy/systemd/kiosk.env.example.
    export KIOSK_LIVE_PUBLISH="http://127.0.0.1:$PUBLISH_PORT/live/pub"
    if [ -n "$DATABASE_URL" ]; then export KIOSK_DATABASE_URL="$DATABASE_URL"; else unset KIOSK_DATABASE_URL; fi
    if [ -n "$MESSAGE_QUEUE" ]; then export KIOSK_MESSAGE_QUEUE="$MESSAGE_QUEUE"; else unset KIOSK_MESSAGE_QUEUE; fi
    cd "$ROOT"
    exec setsid "$PY" -m kiosk serve --host 127.0.0.1 --port "$port" </dev/null >>"$log" 2>&1
  ) &
  echo $! >"$STATE/app-$port.pid"
}

render() {
  # deploy/nginx/ as an IT department installs it, with the lines marked "@stack:" rewritten for a private
  # nginx in $STATE/nginx. An unknown marker is an error, not a line silently left as it was.
  local n="$STATE/nginx" servers="" modules=""
  mkdir -p "$n/temp"
  for p in $APP_PORTS; do servers+="    server 127.0.0.1:$p max_fails=1 fail_timeout=5s;\n"; done
  # Debian's modules-enabled name their modules relative to its prefix; this nginx has its own prefix.
  # nchan (/live's stream) by its path, whatever modules-enabled holds: nginx refuses a module loaded twice.
  local nchan=/usr/lib/nginx/modules/ngx_nchan_module.so
  [ -e "$nchan" ] || die "$nchan missing: apt-get install libnginx-mod-nchan (scripts/services.sh does)"
  modules="load_module $nchan;\n"
  for f in /etc/nginx/modules-enabled/*.conf; do
    [ -e "$f" ] && modules+="$(sed -n 's#^\s*load_module\s\+modules/#load_module /usr/lib/nginx/modules/#p' "$f" \
      | { grep -v ngx_nchan_module || true; })\n"
  done
  awk -v n="$n" -v modules="$modules" '
    /@stack:drop/ { next }
    /@stack:pid/ { print "pid " n "/nginx.pid;"; next }
    /@stack:error_log/ { print "error_log " n "/error.log warn;"; next }
    /@stack:modules/ { printf "%s", modules; next }
    /@stack:access_log/ { print "    access_log " n "/access.log;"; next }
    /@stack:http/ {
      split("client_body proxy fastcgi uwsgi scgi", kinds, " ")
      for (i = 1; i <= 5; i++) print "    " kinds[i] "_temp_path " n "/temp/" kinds[i] ";"
      next
    }
    /@stack:sites/ { print "    include " n "/kiosk.conf;"; next }
    /# @stack:/ { print "unknown marker: " $0 > "/dev/stderr"; exit 1 }
    { print }
  ' "$ROOT/deploy/nginx/nginx.conf" >"$n/nginx.conf"
  awk -v servers="$servers" -v listen="$HOST:$PORT" -v static="$ROOT/static/" -v publish="$PUBLISH_PORT" '
    /@stack:drop/ { next }
    /@stack:publish_listen/ { print "    listen 127.0.0.1:" publish ";"; next }
    /@stack:servers/ { if (!done) printf "%s", servers; done = 1; next }
    /@stack:listen/ { print "    listen " listen ";"; next }
    /@stack:static/ { print "        alias " static ";"; next }
    /@stack:server/ {
      # Test clients on one machine all come from 127.0.0.1: they name the address they stand for in
      # X-Forwarded-For (only from loopback), so the stickiness by address can be seen spreading them, and
      # each answer says which process served it.
      print "    set_real_ip_from 127.0.0.1;"
      print "    real_ip_header X-Forwarded-For;"
      print "    add_header X-Kiosk-Upstream $upstream_addr always;"
      next
    }
    /# @stack:/ { print "unknown marker: " $0 > "/dev/stderr"; exit 1 }
    { print }
  ' "$ROOT/deploy/nginx/kiosk.conf" >"$n/kiosk.conf"
  nginx -t -q -p "$n" -c "$n/nginx.conf" -e "$n/error.log" || die "nginx refused $n/nginx.conf"
}

start_nginx() {
  if nginx_running >/dev/null; then
    say "nginx runs already (pid $(cat "$STATE/nginx/nginx.pid"))"
    return 0
  fi
  render
  say "starting nginx on $HOST:$PORT"
  nginx -p "$STATE/nginx" -c "$STATE/nginx/nginx.conf" -e "$STATE/nginx/error.log"
}

stop_pid() {
  local pid=$1 what=$2
  say "stopping $what (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  say "$what did not stop in 10 s: SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
}

# -- commands ---------------------------------------------------------------------------------------------

cmd_start() {
  if [ -f "$STATE/stack.env" ]; then
    settle
    refresh_services
  else
    settle
  fi
  command -v nginx >/dev/null || load_services  # it installs Debian's nginx when missing
  [ -x "$PY" ] || bash "$ROOT/scripts/setup.sh"
  mkdir -p "$STATE" "$DATA"
  local first="" port
  for port in $APP_PORTS; do
    if [ -z "$first" ]; then
      # The first alone: on an empty database it loads the sample ceremony, which two at once would race.
      start_app "$port"
      wait_healthy "http://127.0.0.1:$port" "$STATE/app-$port.pid" "$STATE/app-$port.log"
      first=$port
    else
      start_app "$port"
    fi
  done
  for port in $APP_PORTS; do
    wait_healthy "http://127.0.0.1:$port" "$STATE/app-$port.pid" "$STATE/app-$port.log"
  done
  start_nginx
  wait_healthy "http://$HOST:$PORT" "" "$STATE/nginx/error.log"
  say "up: http://$HOST:$PORT (store: $STORE, queue: $QUEUE, processes on ports $APP_PORTS)"
  say "  big screen http://$HOST:$PORT/display, console /control, admin /admin, remote viewers /live"
  # The processes share one data folder, so one set of PINs (unless KIOSK_*_PIN name them).
  for role in operator viewer editor; do
    [ -f "$DATA/${role}_pin.txt" ] && say "  $role PIN $(cat "$DATA/${role}_pin.txt") (in $DATA/${role}_pin.txt)"
  done
  say "  logs: $STATE/app-<port>.log, $STATE/nginx/error.log"
  local apps=""
  for port in $APP_PORTS; do apps+="${apps:+ }http://127.0.0.1:$port"; done
  echo "export KIOSK_STACK_URL=http://$HOST:$PORT"
  echo "export KIOSK_STACK_APPS=\"$apps\""
}

cmd_status() {
  [ -f "$STATE/stack.env" ] || { say "no stack in $STATE"; return 3; }
  settle
  local down=0 port pid
  for port in $APP_PORTS; do
    if pid=$(app_running "$port"); then
      echo "kiosk :$port  pid $pid  $(curl -sS --max-time 2 "http://127.0.0.1:$port/healthz" 2>&1 || true)"
      healthy "http://127.0.0.1:$port" || down=1
    else
      echo "kiosk :$port  not running"
      down=1
    fi
  done
  if pid=$(nginx_running); then
    echo "nginx $HOST:$PORT  pid $pid  $(curl -sS --max-time 2 "http://$HOST:$PORT/healthz" 2>&1 || true)"
    healthy "http://$HOST:$PORT" || down=1
  else
    echo "nginx $HOST:$PORT  not running"
    down=1
  fi
  echo "store: $STORE ${DATABASE_URL:+($DATABASE_URL)}; queue: $QUEUE ${MESSAGE_QUEUE:+($MESSAGE_QUEUE)}"
  [ "$down" -eq 0 ] || return 3
}

cmd_stop() {
  [ -f "$STATE/stack.env" ] || { say "no stack in $STATE"; return 0; }
  settle
  local pid port
  if pid=$(nginx_running); then stop_pid "$pid" nginx; fi
  for port in $APP_PORTS; do
    if pid=$(app_running "$port"); then stop_pid "$pid" "kiosk on port $port"; fi
  done
}

case "${1:-}" in
  start) cmd_start ;;
  status) cmd_status ;;
  stop) cmd_stop ;;
  *) echo "usage: bash scripts/stack.sh start|status|stop" >&2; exit 2 ;;
esac
