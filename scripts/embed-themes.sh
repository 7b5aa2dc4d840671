#!/usr/bin/env bash
# Regenerates Sources/ConsoleUI/BuiltinThemes.swift from themes/*.yaml (a test keeps them equal).
set -euo pipefail
cd "$(dirname "$0")/.."
out=Sources/ConsoleUI/BuiltinThemes.swift
{
  echo '/// The shipped themes, built into the binary. Generated from themes/*.yaml by scripts/embed-themes.sh (a test keeps'
  echo '/// them equal).'
  echo 'public enum BuiltinThemes {'
  echo '    /// Theme file texts by name.'
  echo '    public static let files: [String: String] = ['
  for file in themes/*.yaml; do
    name=$(basename "$file" .yaml)
    printf '        "%s": #"""\n' "$name"
    cat "$file"
    printf '"""#,\n'
  done
  echo '    ]'
  echo '}'
} > "$out"
