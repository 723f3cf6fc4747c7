#!/usr/bin/env bash
# The workspace's browser tests (inside `make test`, alone `make test-browser`): a stack of its own
# (workspace 27080, services 27081–27085, PostgreSQL 25444, broker 27092, data in .local/browser-stack),
# the demo (its people, with this run's passwords, in .local/browser-stack/people.json; requests left
# waiting so the head, the technical team, the producer and the supervisor each have a task), then
# Tests/Browser with pytest and Playwright driving /usr/bin/chromium. Screenshots go to
# .local/test-artifacts/browser/ (JEMBATAN_UPDATE_SCREENSHOTS=1 copies a few to docs/screenshots/).
# JEMBATAN_TEST_PORT_OFFSET moves every port, as for the fault run.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
off=${JEMBATAN_TEST_PORT_OFFSET:-0}
export JEMBATAN_LOCAL_DIR=$root/.local/browser-stack JEMBATAN_POSTGRES_PORT=$((25444 + off)) JEMBATAN_BROKER_PORT=$((27092 + off))
export JEMBATAN_PORT_BASE=$((27080 + off)) JEMBATAN_FRESH=1 JEMBATAN_KAFKA_BROKERS=127.0.0.1:$((27092 + off))
export LD_LIBRARY_PATH="$root/.local/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
dir=$JEMBATAN_LOCAL_DIR
bin=${JEMBATAN_BIN_DIR:-$root/.build/debug}
stack="$root/deploy/local/stack.sh"
python="$root/.local/venv/bin/python"
artifacts="$root/.local/test-artifacts/browser"
workspace_url=http://127.0.0.1:$((27080 + off))

finish() {
  local status=$?
  if [ $status -ne 0 ]; then
    echo "browser tests: failed (exit $status); last lines of the stack's logs ($dir/logs):" >&2
    for log in "$dir"/logs/*.log; do
      [ -s "$log" ] || continue
      echo "--- $(basename "$log")" >&2
      tail -n 15 "$log" >&2
    done
    echo "screenshots: $artifacts" >&2
  fi
  "$stack" down >/dev/null 2>&1 || true
  exit $status
}
trap finish EXIT
trap 'exit 130' INT TERM

"$python" -c "import pytest, playwright.sync_api" 2>/dev/null || { echo "no pytest/playwright in .local/venv: run deploy/local/setup.sh" >&2; exit 1; }
[ -x /usr/bin/chromium ] || [ -n "${JEMBATAN_BROWSER:-}" ] || { echo "no /usr/bin/chromium: run deploy/local/setup.sh" >&2; exit 1; }

echo "== Browser tests: stack on $workspace_url (services :$((27081 + off))–:$((27085 + off)))"
"$stack" up | sed 's/^/   /'
rm -rf "$artifacts"; mkdir -p "$artifacts" "$dir/logs"
rm -f "$dir/people.json"
# The tests' 13-region excerpt covers the demo (Jawa Timur, Pasuruan, Sidoarjo) and loads in a moment.
echo "== Demo (people and waiting requests; output in ${dir#"$root"/}/logs/demo.log)"
"$bin/jembatan" demo --intake-port $((27081 + off)) \
  --reference-file "$root/Tests/IntegrationTests/Fixtures/wilayah-sample.csv" \
  --people-file "$dir/people.json" --workspace-url "$workspace_url" >"$dir/logs/demo.log" 2>&1
[ -s "$dir/people.json" ] || { echo "the demo wrote no $dir/people.json" >&2; exit 1; }

echo "== pytest Tests/Browser"
cd "$root"
JEMBATAN_PEOPLE_FILE="$dir/people.json" JEMBATAN_BROWSER_ARTIFACTS="$artifacts" \
  "$python" -m pytest -q -p no:cacheprovider Tests/Browser

# docs/screenshots/ is refreshed on request only (JEMBATAN_UPDATE_SCREENSHOTS=1): a test run changes no tracked file.
if [ "${JEMBATAN_UPDATE_SCREENSHOTS:-0}" = 1 ]; then
  mkdir -p "$root/docs/screenshots"
  for shot in tugas-head tugas-producer tugas-admin narrow-tugas narrow-ringkasan naskah-ditandatangani verifikasi-375 permohonan-baru-galat laporan-ditandatangani rekaman-galat dataset-rekaman pemberitahuan; do
    cp "$artifacts/$shot.png" "$root/docs/screenshots/$shot.png"
  done
  cp "$artifacts/narrow-permohonan-detail.png" "$root/docs/screenshots/permohonan-375.png"
fi
echo "browser tests: passed (screenshots in ${artifacts#"$root"/})"
