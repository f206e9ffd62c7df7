#!/usr/bin/env bash
# Web dashboard performance: starts a fresh cairn (SQLite, temp dir) from the
# given build, fills it with 10,000 runs x 200 columns and 5 x 100,000-point
# series through the REST API, and times the UI in headless Chromium
# (tests/e2e/ui_bench.mjs). Numbers go to bench/RESULTS.md ("Web dashboard").
#   bench/ui_bench.sh [build-dir]        (default build/release)
# Smaller: UI_BENCH_RUNS=2000 UI_BENCH_POINTS=20000 bench/ui_bench.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath "${1:-$root/build/release}")
cmake --build "$build" --target cairn >/dev/null
source "$root/tests/lib/cairn_server.sh"
start_cairn "$build/src/cairn" --log-level warn
echo "server: $CAIRN_URL (pid $CAIRN_PID), data in $CAIRN_WORKDIR" >&2
node "$root/tests/e2e/ui_bench.mjs" "$CAIRN_URL"
