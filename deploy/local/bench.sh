#!/usr/bin/env bash
# `make bench-ingest`: a release-built stack of its own (ports 28081–28085, PostgreSQL 25441,
# broker 29092, data in .local/bench-stack), the exchange ingest/read benchmark against it,
# results appended to docs/benchmarks.md, then the stack is stopped.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
export JEMBATAN_LOCAL_DIR=$root/.local/bench-stack JEMBATAN_POSTGRES_PORT=25441 JEMBATAN_BROKER_PORT=29092
export JEMBATAN_PORT_BASE=28080 JEMBATAN_BIN_DIR=${JEMBATAN_BENCH_BIN:-$root/.build/release} JEMBATAN_FRESH=1
export LD_LIBRARY_PATH="$root/.local/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
reference="${JEMBATAN_REFERENCE_FILE:-$root/../shared/reference/wilayah-kepmendagri-2025.csv}"
[ -f "$reference" ] || { echo "bench: the Kemendagri region list is needed: set JEMBATAN_REFERENCE_FILE (CSV code,label)" >&2; exit 2; }
stack="$root/deploy/local/stack.sh"
trap '"$stack" down >/dev/null 2>&1 || true' EXIT
"$stack" up >/dev/null
output="$root/docs/benchmarks.md"
[ -f "$output" ] || printf '# Benchmarks\n\nFigures from `make bench-ingest` on the machine described with each run. Ratios compare with what PostgreSQL itself does with the same rows in the same run.\n' > "$output"
{
  echo
  echo "## Run of $(date -u +%Y-%m-%dT%H:%MZ) — $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr), PostgreSQL $(/usr/lib/postgresql/15/bin/postgres --version | awk '{print $3}'), release build"
} >> "$output"
"$JEMBATAN_BIN_DIR/jembatan" bench ingest --intake-port 28081 --records "${RECORDS:-1000000}" \
  --reference-file "$reference" --provisioning-pid "$("$stack" pid provisioning)" \
  --validation-pid "$("$stack" pid validation)" --output "$output"
