#!/usr/bin/env bash
# Runs the Gateway API conformance tests (Tests/CLITests/ConformanceTests.swift) on the embedded default and
# regenerates docs/conformance-report.yaml (the suite's ConformanceReport format) and the results table in
# docs/conformance.md (between its "results" markers).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
swift build --build-tests
GWCONSOLE_CONFORMANCE_REPORT="$out" swift test --skip-build --filter CLITests.ConformanceTests || true
[ -s "$out/report.yaml" ] || { echo "error: the conformance run wrote no report" >&2; exit 1; }
cp "$out/report.yaml" docs/conformance-report.yaml
python3 - "$out/results.md" <<'PY'
import re, sys
table = open(sys.argv[1]).read()
path = "docs/conformance.md"
text = open(path).read()
start, end = "<!-- results: scripts/conformance-report.sh -->", "<!-- end of results -->"
before, rest = text.split(start, 1)
_, after = rest.split(end, 1)
open(path, "w").write(before + start + "\n" + table + end + after)
PY
echo "docs/conformance.md and docs/conformance-report.yaml updated"
