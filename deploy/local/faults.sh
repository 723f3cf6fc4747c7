#!/usr/bin/env bash
# `make test-faults` (N=1000) and the short form in `make test` (N=200): a stack of its own
# (ports 26081–26085, PostgreSQL 25442, broker 26092, data in .local/faults-stack; all below
# 32768, outside Linux's ephemeral port range, so no outgoing connection can hold a port a service
# or a restarted PostgreSQL must bind), the workload
# through every step while services are killed, the broker paused and PostgreSQL restarted,
# then the checker. Exit status 1 when anything was lost or done twice.
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
"$bin/jembatan" faults --requests "${REQUESTS:-200}" --concurrency "${CONCURRENCY:-16}" --intake-port $((26081 + off)) \
  --stack-script "$stack" --broker-pause-seconds "${BROKER_PAUSE:-20}" ${FAULTS_ARGS:-}
