#!/usr/bin/env bash
# Builds cairn, starts a fresh server on a free port (SQLite, temp dir) and
# runs the tracking benchmark against it. Extra arguments go to cairn_bench.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cmake --build "$root/build/release" --target cairn cairn_bench >/dev/null
source "$root/tests/lib/cairn_server.sh"
start_cairn "$root/build/release/src/cairn" --log-level warn
echo "server: $CAIRN_URL (pid $CAIRN_PID), data in $CAIRN_WORKDIR" >&2
"$root/build/release/bench/cairn_bench" --url "$CAIRN_URL" "$@"

# Cross-check of (b) with wrk (apt-get install wrk), a client that costs far
# less CPU than libcurl-per-thread on the same 2 cores as the server.
if command -v wrk >/dev/null 2>&1; then
  run_id=$(curl -s -X POST "$CAIRN_URL/api/2.0/mlflow/runs/create" -H 'Content-Type: application/json' \
    -d '{"experiment_id":"0"}' | grep -o '"run_id":"[0-9a-f]*"' | head -1 | cut -d'"' -f4)
  echo "wrk, log-metric, 2 threads x 8 connections, 5 s:"
  RUN_ID=$run_id wrk -t2 -c8 -d5s -s "$root/bench/log_metric.lua" "$CAIRN_URL" | grep -E 'Requests/sec|Latency'
fi
