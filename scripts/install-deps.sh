#!/usr/bin/env bash
# Installs the Debian packages gwconsole builds and runs against, if any is missing.
# Usage: scripts/install-deps.sh [--update]   (--update always runs apt-get update first, as CI does)
set -euo pipefail

packages=(
  libsqlite3-dev        # embedded store
  libncurses-dev        # console (ncursesw)
  libcurl4-openssl-dev  # probe and cluster client (libcurl with OpenSSL)
  libssl-dev            # certificate inspection
  nginx-light           # the embedded data plane and local workloads
  libnginx-mod-stream   # TCP, UDP and TLS passthrough listeners (nginx's stream module, ssl_preread)
  libnginx-mod-stream-js # njs in the stream block: a plain port with GRPCRoutes splits h2c from HTTP/1.1
  libnginx-mod-http-js  # njs for local pods whose own nginx.conf loads it (NGF's header-filter example)
  bubblewrap            # local pods run in a sandbox of their own (mount, PID, user namespaces)
  golang-go             # golang pods (go run on a ConfigMap'd main.go, NGF's proxy-settings-policy example)
  curl                  # tests drive the data plane as the guide does
  openssl               # the conformance tests make the suite's certificates with the openssl command
  tmux                  # tests drive the console in a real terminal
  python3               # tests run a Kubernetes API server double (standard library only)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ "${1:-}" != "--update" ] && [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
if [ ${#missing[@]} -gt 0 ] || [ "${1:-}" = "--update" ]; then
  $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi
