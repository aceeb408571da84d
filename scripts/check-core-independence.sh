#!/usr/bin/env bash
# The core package must never depend on Tauri or a webview (ARCHITECTURE.md): fail
# `make test` if any tauri*/wry/webkit crate enters its normal or build dependency graph.
set -euo pipefail
cd "$(dirname "$0")/.."
deps=$(cargo tree -p lambda-deck --edges normal,build --prefix none --format '{p}' 2>/dev/null | awk '{print $1}' | sort -u)
offenders=$(grep -E '^(tauri|tauri-.*|wry|webkit2gtk.*|tao)$' <<<"$deps" || true)
if [ -n "$offenders" ]; then
  echo "check-core: the core package lambda-deck depends on: $offenders" >&2
  echo "check-core: keep Tauri in src-tauri/ (see ARCHITECTURE.md)" >&2
  exit 1
fi
echo "check-core: lambda-deck has $(wc -l <<<"$deps") dependencies, none of them Tauri"
