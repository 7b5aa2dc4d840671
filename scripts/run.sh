#!/usr/bin/env bash
# Sets up and starts gwconsole on the embedded default with the guide's scenario applied.
# Usage: scripts/run.sh [gwconsole arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release --product gwconsole >&2
bin=.build/release/gwconsole
# The reference scenario: the NGF guide "Securing backend traffic", applied as a user pastes it.
"$bin" apply -f scenarios/securing-backend-traffic.md >&2
exec "$bin" "$@"
