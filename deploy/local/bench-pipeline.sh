#!/usr/bin/env bash
# `make bench` (pipeline part): a release-built stack of its own (ports 28081–28085, PostgreSQL
# 25441, broker 29092), requests through every step at saturation and at half of it, pgbench on
# the same PostgreSQL, each service's memory and start-to-ready time; appended to docs/benchmarks.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
export JEMBATAN_LOCAL_DIR=$root/.local/bench-stack JEMBATAN_POSTGRES_PORT=25441 JEMBATAN_BROKER_PORT=29092
export JEMBATAN_PORT_BASE=28080 JEMBATAN_BIN_DIR=${JEMBATAN_BENCH_BIN:-$root/.build/release} JEMBATAN_FRESH=1 JEMBATAN_KAFKA_BROKERS=127.0.0.1:29092
export LD_LIBRARY_PATH="$root/.local/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
stack="$root/deploy/local/stack.sh"
trap '"$stack" down >/dev/null 2>&1 || true' EXIT
"$stack" up >/dev/null
sleep 3
output="$root/docs/benchmarks.md"
{
  echo
  echo "## Run of $(date -u +%Y-%m-%dT%H:%MZ) — $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr), PostgreSQL $(/usr/lib/postgresql/15/bin/postgres --version | awk '{print $3}'), release build"
} >> "$output"
"$JEMBATAN_BIN_DIR/jembatan" bench pipeline --intake-port 28081 --stack-script "$stack" --output "$output" \
  --saturation-requests "${REQUESTS:-120}" --concurrency "${CONCURRENCY:-24}" --fixed-seconds "${FIXED_SECONDS:-30}"
