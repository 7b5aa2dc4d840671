#!/usr/bin/env bash
# Coverage-guided fuzzing (libFuzzer) of decode → graph → status → render, the function the seeded tests use
# (Sources/PipelineFuzzing). A crash, a hang (-timeout), or user input that becomes an nginx directive stops the
# run and leaves the input in .build/fuzz/findings/; turn it into a regression test (FuzzFindingTests).
#
#   scripts/fuzz.sh [SECONDS] [libFuzzer flags...]     default 60 s; e.g. scripts/fuzz.sh 600 -jobs=2
#   scripts/fuzz.sh replay FILE...                      runs inputs once (a finding, after the fix)
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=.build/fuzz
mode=run
if [[ "${1:-}" == replay ]]; then mode=replay; shift; fi
seconds=60
if [[ "$mode" == run && "${1:-}" =~ ^[0-9]+$ ]]; then seconds=$1; shift; fi

# Instrumented release build of the pure modules in its own build directory, then a link with libFuzzer's main
# (SwiftPM's executables bring their own main, so the fuzzer is linked here).
swift build -c release --scratch-path "$scratch" --target PipelineFuzzing -Xswiftc -sanitize=fuzzer >&2
objects=()
for module in PipelineFuzzing GatewayAPI GatewayCore NginxConfig Yams CYaml; do
    while IFS= read -r -d '' object; do objects+=("$object"); done < <(find "$scratch/release/$module.build" -name '*.o' -print0)
done
swiftc -sanitize=fuzzer "${objects[@]}" -o "$scratch/fuzz-pipeline"

if [[ "$mode" == replay ]]; then exec "$scratch/fuzz-pipeline" -runs=1 "$@"; fi
mkdir -p "$scratch/corpus" "$scratch/findings"
cp -n Tests/Fuzz/corpus/* "$scratch/corpus/"
exec "$scratch/fuzz-pipeline" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=65536 \
    -dict=Tests/Fuzz/manifest.dict -artifact_prefix="$scratch/findings/" -print_final_stats=1 "$@" "$scratch/corpus"
