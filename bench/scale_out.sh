#!/usr/bin/env bash
# The tracking workloads of bench/run.sh (cairn_bench) against:
#   1. one server on PostgreSQL,
#   2. one, then two replicas on PostgreSQL behind nginx
#      (tests/lib/replicas.sh),
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
  stop_pids "${pids[@]}"
  "$root/tests/infra/postgres.sh" down "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
stop_all() {
  stop_pids "${pids[@]}"
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

for n in 1 2; do
  echo "## $n replica(s), PostgreSQL, nginx"
  mkdir -p "$work/lb$n"
  uri=$(fresh_db "lb$n")
  ports=()
  for r in $(seq 1 "$n"); do
    start_replica "$cairn" "$work/lb$n" "r$r" "$uri" --log-level warn
    pid_var="PID_r$r"; port_var="PORT_r$r"
    pids+=("${!pid_var}")
    ports+=("${!port_var}")
  done
  start_nginx_lb "$work/lb$n" "${ports[@]}"
  pids+=("$LB_PID")
  "$bench" --url "$LB_URL" "$@"
  stop_all
done

echo "## one server, SQLite (reference)"
mkdir -p "$work/sqlite"
start_replica "$cairn" "$work/sqlite" lite "sqlite:///$work/sqlite/cairn.db" --log-level warn
pids+=("$PID_lite")
"$bench" --url "http://127.0.0.1:$PORT_lite" "$@"
stop_all
