#!/usr/bin/env bash
# The formatter's lint over the whole tree (the toolchain's swift-format, configuration in .swift-format).
# `scripts/lint.sh --fix` formats in place first.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--fix" ]; then swift format format --in-place --parallel --recursive Sources Tests Package.swift; fi
swift format lint --strict --parallel --recursive Sources Tests Package.swift
