#!/usr/bin/env bash
# Sets up and starts gwconsole on the embedded default with the guide's scenario ready:
# installs what is missing, builds, starts the data plane and replays "Securing backend traffic" up to its
# first request (the 400), then opens the console in scenario mode: n runs the next step, p probes, ? lists keys.
# Usage: scripts/run.sh [gwconsole arguments...]      (with arguments: the whole guide, then gwconsole ARGS)
#        gwconsole down stops the data plane.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release --product gwconsole >&2
bin=.build/release/gwconsole
# Listener ports below 1024 need root; otherwise shift them (GW_PORT is printed either way).
if [ "$(id -u)" -ne 0 ] && [ -z "${GWCONSOLE_PORT_OFFSET:-}" ]; then export GWCONSOLE_PORT_OFFSET=8000; fi
"$bin" up >&2
"$bin" scenario reset secure-backend >/dev/null   # replay from the start, as the guide does
if [ "$#" -eq 0 ]; then
  "$bin" scenario run secure-backend --step 4 >&2
  exec "$bin" --scenario secure-backend
fi
"$bin" scenario run secure-backend >&2
exec "$bin" "$@"
