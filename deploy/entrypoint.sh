#!/bin/sh
# Chooses the executable from the first argument (see deploy/Dockerfile).
set -e
case "$1" in
  intake|evaluation|provisioning|validation|reporting|workspace)
    service="$1"; shift
    exec "/usr/local/bin/jembatan-$service" "$@" ;;
  migrate)
    for service in intake evaluation provisioning validation reporting workspace; do
      "/usr/local/bin/jembatan-$service" migrate
    done ;;
  *)
    exec /usr/local/bin/jembatan "$@" ;;
esac
