#!/usr/bin/env bash
# The tracking workloads of bench/run.sh (cairn_bench) against:
#   1. one server on PostgreSQL,
#   2. two replicas on that PostgreSQL behind nginx (tests/lib/replicas.sh),
#   3. (for reference) one server on SQLite.
# Each setup gets a fresh database. Extra arguments go to cairn_bench, e.g.
#   bench/scale_out.sh --only a,b --clients 8 --seconds 5
# Everything runs on this machine's cores: the client, nginx, PostgreSQL and
# the replicas compete for them, which the numbers show.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cmake --build "$root/build/release" --target cairn cairn_bench >/dev/null
cairn="$root/build/release/src/cairn"
bench="$root/build/release/bench/cairn_bench"
source "$root/tests/lib/replicas.sh"
work=$(mktemp -d -t cairn-scale-out.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  "$root/tests/infra/postgres.sh" down "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
stop_all() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
}

"$root/tests/infra/postgres.sh" up "$work/pg" >/dev/null
# A fresh database per setup (called in $(...), so the name comes in).
fresh_db() { "$root/tests/infra/postgres.sh" createdb "$work/pg" "$1"; }

echo "## one server, PostgreSQL"
mkdir -p "$work/one"
start_replica "$cairn" "$work/one" solo "$(fresh_db one)" --log-level warn
pids+=("$PID_solo")
"$bench" --url "http://127.0.0.1:$PORT_solo" "$@"
stop_all

echo "## two replicas, PostgreSQL, nginx"
mkdir -p "$work/two"
uri=$(fresh_db two)
start_replica "$cairn" "$work/two" r1 "$uri" --log-level warn
pids+=("$PID_r1")
start_replica "$cairn" "$work/two" r2 "$uri" --log-level warn
pids+=("$PID_r2")
start_nginx_lb "$work/two" "$PORT_r1" "$PORT_r2"
pids+=("$LB_PID")
"$bench" --url "$LB_URL" "$@"
stop_all

echo "## one server, SQLite (reference)"
mkdir -p "$work/sqlite"
start_replica "$cairn" "$work/sqlite" lite "sqlite:///$work/sqlite/cairn.db" --log-level warn
pids+=("$PID_lite")
"$bench" --url "http://127.0.0.1:$PORT_lite" "$@"
stop_all
