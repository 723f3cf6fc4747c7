#!/usr/bin/env bash
# `make run`: start the local stack, walk a demo request through every SOP step, keep running until Ctrl-C.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
stack="$root/deploy/local/stack.sh"
dir=${JEMBATAN_LOCAL_DIR:-$root/.local/stack}
workspace_url=http://127.0.0.1:8080
python=$root/.local/venv/bin/python; [ -x "$python" ] || python=python3
export LD_LIBRARY_PATH="$root/.local/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
stopping=0
stop() {
  [ $stopping -eq 1 ] && return; stopping=1
  echo; echo "Stopping the local stack …"
  "$stack" down
  echo "Stopped."
}
trap stop EXIT
trap 'exit 130' INT TERM

echo "== Starting the local stack"
"$stack" up
echo
echo "== Demo request through every step"
# The hub checks region codes against the Kemendagri list; the demo loads it when the hub has none.
reference="${JEMBATAN_REFERENCE_FILE:-$root/../shared/reference/wilayah-kepmendagri-2025.csv}"
if [ ! -f "$reference" ]; then
  # A checkout without the shared reference folder beside it: the tests' 13-region excerpt (Jawa Timur,
  # Pasuruan, Sidoarjo) covers the demo; load the official list later with `jembatan reference import`.
  echo "   (the Kemendagri list is not at $reference: using the tests' excerpt of 13 regions for the demo)"
  reference="$root/Tests/IntegrationTests/Fixtures/wilayah-sample.csv"
fi
# The demo people (this run's generated passwords) go to people.json for the table below (deploy/local/browser.sh reads its own).
rm -f "$dir/people.json"
"$root/.build/debug/jembatan" demo --reference-file "$reference" --people-file "$dir/people.json" --workspace-url "$workspace_url"
echo
echo "== Where to look"
echo "  Ruang kerja (workspace)  $workspace_url/"
echo "  People             sign in at $workspace_url/masuk (this run's passwords; also in ${dir#"$root"/}/people.json)"
if "$python" - "$dir/people.json" <<'PY'
import json, sys
people = json.load(open(sys.argv[1], encoding="utf-8")).get("people", [])
rows = [("username", "role", "agency", "password")] + [
    (p.get("username", ""), p.get("role", ""), p.get("agency") or "-", p.get("password", "")) for p in people]
widths = [max(len(str(r[i])) for r in rows) for i in range(4)]
for r in rows:
    print("      " + "  ".join(str(v).ljust(w) for v, w in zip(r, widths)).rstrip())
PY
then :; else echo "      (no people in $dir/people.json: see the demo's output above)"; fi
cat <<EOT
  Walk a request yourself, in this order (each person in their own browser window or after Keluar):
      1. operator.dinkes     Permohonan > Ajukan permohonan baru: fill the form > Ajukan permohonan
      2. kepala.diskominfo   Tugas saya > the request > Beri disposisi
      3. tim.teknis          the request > Setujui kontrak dataset, then Catat selesai (interchange document)
                             (the hub then provisions and tests the API by itself, within seconds)
      4. kabid.aptika        the request > Serahkan hasil integrasi
      5. operator.dinkes     the request > Dataset di hub > Unduh contoh CSV, add rows > Kirim ke hub;
                             back on the request > Jalankan uji mutu > Terima hasil integrasi
      6. kabid.aptika        the request > Laporan Hasil Integrasi Data > Beri paraf
      7. kepala.diskominfo   the same document > Kata sandi > Tanda tangani; then Unduh PDF bertanda tangan
                             and Periksa keaslian (that page needs no sign-in)
      8. receipts            operator.dinkes, then kabid.aptika, then kepala.diskominfo: Tugas saya >
                             Konfirmasi diterima (the delivered results; the report, forwarded to the head)
     Each step tells the next person: Pemberitahuan in the workspace (count in the menu) and a mail.
  Services           intake :8081  evaluation :8082  provisioning :8083  validation :8084  reporting :8085
                     each with /livez /readyz /metrics /openapi.json
  Tail every topic   LD_LIBRARY_PATH=.local/lib .build/debug/jembatan tail
  Raw JSON (kcat)    LD_LIBRARY_PATH=.local/lib kcat -b 127.0.0.1:9092 -C -t jembatan.intake.v1 -e
  Mails sent         .local/stack/mail/sent/ (one .eml each; SMTP with STARTTLS and AUTH on 127.0.0.1:2525)
  Logs               .local/stack/logs/
  PostgreSQL         psql -h 127.0.0.1 -p 55432 -U jembatan jembatan

Running. Press Ctrl-C to stop every process this started.
EOT
while true; do sleep 3600 & wait $!; done
