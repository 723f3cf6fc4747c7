#!/usr/bin/env bash
# The local process stack: private PostgreSQL + embedded Kafka-protocol broker + the five services + the workspace.
#
#   stack.sh up                 start everything (stopping leftovers first), create topics, wait until ready;
#                               the workspace (people's web pages) starts last, once reporting is ready
#   stack.sh down               stop every process this stack started (the workspace first)
#   stack.sh kill SERVICE       kill -9 one service or the workspace (fault tests)
#   stack.sh start SERVICE      start one service (or `workspace`) and wait for /readyz
#   stack.sh start-second SERVICE   a second instance (port + 100, pid name SERVICE-2) in the same consumer group
#   stack.sh pause|resume NAME  SIGSTOP / SIGCONT a service or the broker
#   stack.sh restart-postgres   fast shutdown and start of PostgreSQL (fault tests)
#   stack.sh crash-postgres     kill -9 of the postmaster, then a start with crash recovery (fault tests)
#   stack.sh stop-postgres | start-postgres   PostgreSQL alone (shutdown tests)
#   stack.sh stop-mail | start-mail   the SMTP server alone (mails wait in the workspace's queue meanwhile)
#   stack.sh status             what runs
#
# Settings (environment): JEMBATAN_LOCAL_DIR (default .local/stack), JEMBATAN_POSTGRES_PORT (55432),
# JEMBATAN_BROKER_PORT (9092), JEMBATAN_PORT_BASE (8080: workspace 8080, intake 8081 … reporting 8085),
# JEMBATAN_BIN_DIR (default: the debug build folder), JEMBATAN_FRESH=1 (start from an empty database and empty logs;
# the in-memory broker always starts empty). Every process gets JEMBATAN_INTAKE_URL … JEMBATAN_REPORTING_URL
# and JEMBATAN_PUBLIC_BASE_URL (the workspace, http://127.0.0.1:PORT_BASE) derived from JEMBATAN_PORT_BASE.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=${JEMBATAN_LOCAL_DIR:-$root/.local/stack}
pg_port=${JEMBATAN_POSTGRES_PORT:-55432}
broker_port=${JEMBATAN_BROKER_PORT:-9092}
port_base=${JEMBATAN_PORT_BASE:-8080}
bin=${JEMBATAN_BIN_DIR:-$root/.build/debug}
pg_bin=/usr/lib/postgresql/15/bin
services=(intake evaluation provisioning validation reporting)
workspace=workspace   # the people's web workspace: port_base + 0, started after the services, stopped before them
mkdir -p "$dir/logs" "$dir/pids"
# PostgreSQL runs as the `postgres` user when we are root; if that user cannot reach $dir (a
# checkout under /root, say), its data lives under /var/tmp instead, one folder per stack.
pg_home=$dir
if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$dir" 2>/dev/null; then
  pg_home=/var/tmp/jembatan-$(printf %s "$dir" | md5sum | cut -c1-12)
  mkdir -p "$pg_home"
fi
export LD_LIBRARY_PATH="$root/.local/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export JEMBATAN_POSTGRES_PORT=$pg_port JEMBATAN_KAFKA_BROKERS=127.0.0.1:$broker_port
export JEMBATAN_KAFKA_SESSION_TIMEOUT_MS=${JEMBATAN_KAFKA_SESSION_TIMEOUT_MS:-6000}
export JEMBATAN_KAFKA_HEARTBEAT_MS=${JEMBATAN_KAFKA_HEARTBEAT_MS:-1000}
# Where each process of this stack reaches the others (the workspace calls the five services; reporting
# redirects its `/` to the workspace). Always from port_base, so a test stack never points at another's.
export JEMBATAN_PUBLIC_BASE_URL=http://127.0.0.1:$port_base
export JEMBATAN_INTAKE_URL=http://127.0.0.1:$((port_base + 1)) JEMBATAN_EVALUATION_URL=http://127.0.0.1:$((port_base + 2))
export JEMBATAN_PROVISIONING_URL=http://127.0.0.1:$((port_base + 3)) JEMBATAN_VALIDATION_URL=http://127.0.0.1:$((port_base + 4))
export JEMBATAN_REPORTING_URL=http://127.0.0.1:$((port_base + 5))
# The Ed25519 key that seals signed documents (naskah dinas): made once per stack folder and kept
# across restarts (JEMBATAN_FRESH empties the database, not the key), so signed files stay checkable.
# The mail server notifications go out through: a real SMTP server (aiosmtpd, STARTTLS and AUTH
# required) that keeps every mail it takes under $dir/mail/sent (an .eml and a .json each), its
# certificate and password made once per stack folder.
smtp_port=${JEMBATAN_SMTP_PORT:-2525}
mail_dir=$dir/mail
mkdir -p "$mail_dir/sent"
if [ ! -s "$mail_dir/password" ]; then (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$mail_dir/password"); fi
if [ ! -s "$mail_dir/cert.pem" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$mail_dir/key.pem" -out "$mail_dir/cert.pem" 2>/dev/null
fi
export JEMBATAN_SMTP_HOST=${JEMBATAN_SMTP_HOST:-localhost} JEMBATAN_SMTP_PORT=$smtp_port JEMBATAN_SMTP_TLS=starttls
export JEMBATAN_SMTP_USERNAME=jembatan JEMBATAN_SMTP_PASSWORD_FILE=$mail_dir/password JEMBATAN_SMTP_CA_FILE=$mail_dir/cert.pem
export JEMBATAN_MAIL_FROM=${JEMBATAN_MAIL_FROM:-jembatan@diskominfo.pasuruankab.example.go.id}
export JEMBATAN_MAIL_RETRY_MAX_SECONDS=${JEMBATAN_MAIL_RETRY_MAX_SECONDS:-5}
seal_key=${JEMBATAN_SEAL_KEY_FILE:-$dir/seal.key}
if [ ! -s "$seal_key" ]; then (umask 077; head -c 32 /dev/urandom | base64 > "$seal_key"); fi
export JEMBATAN_SEAL_KEY_FILE=$seal_key

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

service_port() {
  local i
  [ "$1" = "$workspace" ] && echo "$port_base" && return
  for i in "${!services[@]}"; do [ "${services[$i]}" = "$1" ] && echo $((port_base + i + 1)) && return; done
  echo "unknown service $1" >&2; exit 2
}

# Running, and not a zombie (an exited service its parent has not reaped yet is not running).
# A process is alive until all its threads have ended: a leader thread that exited first shows as a
# zombie (Z) while the others still run (and still hold the port), so Z counts only with no thread left.
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  [ "$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)" != Z ] && return 0
  [ "$(ls "/proc/$1/task" 2>/dev/null | wc -l)" -gt 1 ]
}
is_running() { [ -f "$dir/pids/$1.pid" ] && alive "$(cat "$dir/pids/$1.pid")"; }

wait_http() { # url seconds
  local deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null "$1" 2>/dev/null; do
    [ $SECONDS -ge $deadline ] && return 1
    sleep 0.2
  done
}

start_postgres() {
  local data="$pg_home/postgres" run="$pg_home/run"
  if [ ! -s "$data/PG_VERSION" ]; then
    mkdir -p "$data" "$run"
    [ "$(id -u)" -eq 0 ] && chown postgres "$data" "$run"
    as_postgres "$pg_bin/initdb" -D "$data" -U jembatan --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/logs/initdb.log"
  fi
  mkdir -p "$run"; [ "$(id -u)" -eq 0 ] && chown postgres "$run"
  touch "$pg_home/postgres.log"; [ "$(id -u)" -eq 0 ] && chown postgres "$pg_home/postgres.log"
  as_postgres "$pg_bin/pg_ctl" -D "$data" -l "$pg_home/postgres.log" -w -t 30 \
    -o "-p $pg_port -k $run -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
  psql -h 127.0.0.1 -p "$pg_port" -U jembatan -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='jembatan'" | grep -q 1 \
    || psql -h 127.0.0.1 -p "$pg_port" -U jembatan -d postgres -qc "CREATE DATABASE jembatan" >/dev/null
  echo "postgresql  127.0.0.1:$pg_port  (data $data)"
}

stop_postgres() {
  [ -s "$pg_home/postgres/postmaster.pid" ] && as_postgres "$pg_bin/pg_ctl" -D "$pg_home/postgres" -m fast -w stop >/dev/null 2>&1 || true
}

# A hard crash, not a shutdown: SIGKILL of the postmaster, then (once every backend noticed and
# exited, or the shared memory would still be in use) a normal start, which runs crash recovery.
crash_postgres() {
  local pidfile="$pg_home/postgres/postmaster.pid" pid children
  [ -s "$pidfile" ] || return 0
  pid=$(head -n 1 "$pidfile")
  children=$(pgrep -P "$pid" || true)
  kill -KILL "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 30)) child
  for child in $pid $children; do
    while kill -0 "$child" 2>/dev/null; do
      [ $SECONDS -ge $deadline ] && { kill -KILL "$child" 2>/dev/null || true; break; }
      sleep 0.1
    done
  done
  start_postgres >/dev/null
}

start_broker() {
  # setsid: Ctrl-C on `make run` reaches run.sh only, which then stops services before the broker.
  setsid "$root/.local/tansu" broker --listener-url "tcp://127.0.0.1:$broker_port" \
    --advertised-listener-url "tcp://127.0.0.1:$broker_port" >"$dir/logs/broker.log" 2>&1 &
  echo $! >"$dir/pids/broker.pid"
  local deadline=$((SECONDS + 20))
  until (exec 3<>/dev/tcp/127.0.0.1/"$broker_port") 2>/dev/null; do
    [ $SECONDS -ge $deadline ] && { echo "broker did not start; see $dir/logs/broker.log" >&2; exit 1; }
    sleep 0.2
  done
  "$bin/jembatan" topics create | sed 's/^/  topic /'
  echo "broker      127.0.0.1:$broker_port  (tansu, in memory)"
}

start_mail() {
  is_running mail && return 0
  setsid "$root/.local/venv/bin/python" "$root/deploy/local/smtp-sink.py" --port "$smtp_port" --dir "$mail_dir/sent" \
    --cert "$mail_dir/cert.pem" --key "$mail_dir/key.pem" --user jembatan --password-file "$mail_dir/password" \
    >>"$dir/logs/mail.log" 2>&1 &
  echo $! >"$dir/pids/mail.pid"
  local deadline=$((SECONDS + 20))
  until (exec 3<>/dev/tcp/127.0.0.1/"$smtp_port") 2>/dev/null; do
    [ $SECONDS -ge $deadline ] && { echo "mail server did not start; see $dir/logs/mail.log" >&2; exit 1; }
    sleep 0.2
  done
  echo "mail        127.0.0.1:$smtp_port  (SMTP, STARTTLS and AUTH; mails kept in $mail_dir/sent)"
}

start_service() {
  local name=$1 port; port=$(service_port "${1%-2}")
  [ "$name" != "${name%-2}" ] && port=$((port + 100))
  if is_running "$name"; then
    # Running and answering: nothing to do. Running but not answering is a process still shutting
    # down (or hung): let it end (TERM, then KILL after 15 s) and start a new one, never return
    # with nothing serving.
    curl -fsS -o /dev/null "http://127.0.0.1:$port/readyz" 2>/dev/null && return 0
    echo "$name is running but not ready: stopping it before starting anew" >&2
    stop_process "$name" TERM
  fi
  JEMBATAN_HTTP_PORT=$port setsid "$bin/jembatan-${name%-2}" >>"$dir/logs/$name.log" 2>&1 &
  echo $! >"$dir/pids/$name.pid"
  if ! wait_http "http://127.0.0.1:$port/readyz" 60; then
    echo "$name did not become ready; last lines of $dir/logs/$name.log:" >&2
    tail -n 20 "$dir/logs/$name.log" >&2
    exit 1
  fi
  echo "$name  http://127.0.0.1:$port  ready (pid $(cat "$dir/pids/$name.pid"))"
}

stop_process() { # name signal
  local pidfile="$dir/pids/$1.pid"
  [ -f "$pidfile" ] || return 0
  local pid; pid=$(cat "$pidfile")
  if alive "$pid"; then
    kill "-${2:-TERM}" "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do alive "$pid" || break; sleep 0.1; done
    alive "$pid" && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

down() {
  local s
  # The workspace first (no new calls reach the services), then the services (in parallel: each drains,
  # commits offsets, leaves its group), then the broker, then PostgreSQL.
  stop_process "$workspace" TERM & stop_process "$workspace-2" TERM & wait
  for s in reporting validation provisioning evaluation intake reporting-2 validation-2 provisioning-2 evaluation-2 intake-2; do stop_process "$s" TERM & done
  wait
  stop_process broker TERM
  stop_process mail TERM
  stop_postgres
}

case "${1:-}" in
  up)
    [ -x "$bin/jembatan-intake" ] || { echo "no build in $bin: run 'swift build' first" >&2; exit 1; }
    [ -x "$bin/jembatan-$workspace" ] || { echo "no jembatan-$workspace in $bin: run 'swift build' first" >&2; exit 1; }
    down
    if [ "${JEMBATAN_FRESH:-0}" = 1 ]; then rm -rf "$pg_home/postgres"; rm -f "$dir"/logs/*.log "$mail_dir"/sent/*; fi
    start_postgres
    start_broker
    start_mail
    for s in "${services[@]}"; do start_service "$s"; done
    start_service "$workspace"   # last: its pages call every service
    ;;
  down) down ;;
  kill) stop_process "$2" KILL ;;
  start) start_service "$2" ;;
  start-second) start_service "$2-2" ;;
  stop) stop_process "$2" TERM ;;
  pid) cat "$dir/pids/$2.pid" ;;
  restart-postgres)
    as_postgres "$pg_bin/pg_ctl" -D "$pg_home/postgres" -m fast -w restart -l "$pg_home/postgres.log" \
      -o "-p $pg_port -k $pg_home/run -c listen_addresses=127.0.0.1 -c max_connections=200" >/dev/null ;;
  crash-postgres) crash_postgres ;;
  stop-postgres) stop_postgres ;;
  start-postgres) start_postgres >/dev/null ;;
  stop-mail) stop_process mail TERM ;;
  start-mail) start_mail ;;
  pause) kill -STOP "$(cat "$dir/pids/$2.pid")" ;;
  resume) kill -CONT "$(cat "$dir/pids/$2.pid")" ;;
  status)
    for s in broker mail "${services[@]}" "$workspace"; do
      if is_running "$s"; then echo "$s running (pid $(cat "$dir/pids/$s.pid"))"; else echo "$s stopped"; fi
    done ;;
  *) sed -n '2,15p' "$0"; exit 2 ;;
esac
