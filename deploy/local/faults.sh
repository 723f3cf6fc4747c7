#!/usr/bin/env bash
# `make test-faults` (N=1000) and the short form in `make test` (N=200): a stack of its own
# (ports 38081–38085, PostgreSQL 55442, broker 39092, data in .local/faults-stack), the workload
# through every step while services are killed, the broker paused and PostgreSQL restarted,
# then the checker. Exit status 1 when anything was lost or done twice.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
# JEMBATAN_TEST_PORT_OFFSET moves every port (a second checkout's run beside the first's).
off=${JEMBATAN_TEST_PORT_OFFSET:-0}
export JEMBATAN_LOCAL_DIR=$root/.local/faults-stack JEMBATAN_POSTGRES_PORT=$((55442 + off)) JEMBATAN_BROKER_PORT=$((39092 + off))
export JEMBATAN_PORT_BASE=$((38080 + off)) JEMBATAN_FRESH=1 JEMBATAN_KAFKA_BROKERS=127.0.0.1:$((39092 + off))
export LD_LIBRARY_PATH="$root/.local/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
bin=${JEMBATAN_BIN_DIR:-$root/.build/debug}
stack="$root/deploy/local/stack.sh"
trap '"$stack" down >/dev/null 2>&1 || true' EXIT
"$stack" up >/dev/null
"$bin/jembatan" faults --requests "${REQUESTS:-200}" --concurrency "${CONCURRENCY:-16}" --intake-port $((38081 + off)) \
  --stack-script "$stack" --broker-pause-seconds "${BROKER_PAUSE:-20}" ${FAULTS_ARGS:-}
