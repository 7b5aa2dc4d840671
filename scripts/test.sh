#!/usr/bin/env bash
# Installs what is missing and runs the whole test suite, then checks that nothing of the tests still runs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build --build-tests
swift test --skip-build
scripts/check-leftovers.py
