#!/usr/bin/env bash
# `make test-faults` (N=1000) and the short form in `make test` (N=200): a stack of its own
# (services 26081–26085, the workspace 26080, PostgreSQL 25442, broker 26092, data in .local/faults-stack; all below
# 32768, outside Linux's ephemeral port range, so no outgoing connection can hold a port a service
# or a restarted PostgreSQL must bind), the workload
# through every step while services are killed, the broker paused and PostgreSQL restarted,
# then the checker. Exit status 1 when anything was lost or done twice. The workspace is started
# (after the services) and must be ready before and after the run, PostgreSQL crashes included; it is
# not killed (it holds no events: the checker has nothing to prove about it).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
# JEMBATAN_TEST_PORT_OFFSET moves every port (a second checkout's run beside the first's).
off=${JEMBATAN_TEST_PORT_OFFSET:-0}
export JEMBATAN_LOCAL_DIR=$root/.local/faults-stack JEMBATAN_POSTGRES_PORT=$((25442 + off)) JEMBATAN_BROKER_PORT=$((26092 + off))
export JEMBATAN_PORT_BASE=$((26080 + off)) JEMBATAN_FRESH=1 JEMBATAN_KAFKA_BROKERS=127.0.0.1:$((26092 + off))
export LD_LIBRARY_PATH="$root/.local/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
bin=${JEMBATAN_BIN_DIR:-$root/.build/debug}
stack="$root/deploy/local/stack.sh"
trap '"$stack" down >/dev/null 2>&1 || true' EXIT
"$stack" up >/dev/null
workspace_ready() { # seconds: /readyz of the workspace answers 200 within them
  local deadline=$((SECONDS + $1))
  until curl -fsS -o /dev/null "http://127.0.0.1:$((26080 + off))/readyz" 2>/dev/null; do
    [ $SECONDS -ge $deadline ] && return 1
    sleep 0.5
  done
}
workspace_ready 30 || { echo "faults: the workspace is not ready after the start" >&2; exit 1; }
"$bin/jembatan" faults --requests "${REQUESTS:-200}" --concurrency "${CONCURRENCY:-16}" --intake-port $((26081 + off)) \
  --stack-script "$stack" --broker-pause-seconds "${BROKER_PAUSE:-20}" ${FAULTS_ARGS:-}
# After the last PostgreSQL restart or crash the workspace must reconnect by itself.
if ! workspace_ready 60; then
  echo "faults: the workspace did not become ready again after the run; last lines of its log:" >&2
  tail -n 30 "$JEMBATAN_LOCAL_DIR/logs/workspace.log" >&2 || true
  exit 1
fi
echo "faults: the workspace is ready after the run"
