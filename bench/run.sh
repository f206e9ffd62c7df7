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
