#!/usr/bin/env bash
# The HTTP listener alone, plain and over TLS: wrk against GET /health (16
# keep-alive connections, one I/O thread) and workload (b) of run.sh
# (log-metric, 2 threads x 8 connections), for each cairn binary given, in
# interleaved rounds so load from other processes hits all of them alike.
# Also workload (b) with --auth and Basic credentials (rate limit off, so
# only the cost of authentication shows): as the admin, and as a plain user
# (permission looked up per request) with and without --auth-cache-ms.
# Prints requests/s and the server's CPU microseconds per /health request.
#   bench/listener_bench.sh [--rounds N] <cairn-binary>...
# Needs wrk and openssl; makes a throwaway self-signed certificate.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rounds=3
if [ "${1:-}" = --rounds ]; then rounds=$2; shift 2; fi
[ $# -ge 1 ] || { echo "usage: $0 [--rounds N] <cairn-binary>..." >&2; exit 2; }
work=$(mktemp -d -t cairn-listener-bench.XXXXXX)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=localhost \
  -addext "subjectAltName=IP:127.0.0.1" -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null

start() { # binary flags...
  local bin=$1 d
  shift
  d=$(mktemp -d "$work/server.XXXXXX")
  "$bin" server --port 0 --log-level warn --backend-store-uri "sqlite:///$d/db.sqlite" \
    --artifacts-destination "$d/artifacts" "$@" >"$d/log" 2>&1 &
  pid=$!
  for _ in $(seq 200); do grep -q listening "$d/log" && break; sleep 0.05; done
  url=$(grep -o 'https\?://[0-9.]*:[0-9]*' "$d/log" | head -1)
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }

health() { # binary flags...
  start "$@" --workers 1
  local c0 out c1 n
  c0=$(cpu_ticks)
  out=$(wrk -t1 -c16 -d4s "$url/health")
  c1=$(cpu_ticks)
  n=$(awk '/requests in/{print $1}' <<<"$out")
  printf '%s req/s, %s us cpu/req' "$(awk '/Requests\/sec/{print $2}' <<<"$out")" \
    "$(awk -v t=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" -v n="$n" 'BEGIN{printf "%.1f", t * 1e6 / hz / n}')"
  stop
}

log_metric() { # binary flags...  (AUTH_USER=name: as that new user)
  start "$@"
  if [ -n "${AUTH_USER:-}" ]; then
    curl -sf -u "admin:bench-admin-password" -H 'Content-Type: application/json' -X POST \
      "$url/api/2.0/mlflow/users/create" -d "{\"username\":\"$AUTH_USER\",\"password\":\"bench-user-password\"}" >/dev/null
    local AUTHORIZATION
    AUTHORIZATION="Basic $(printf '%s:bench-user-password' "$AUTH_USER" | base64)"
    export AUTHORIZATION
  fi
  local tls=() run_id
  [[ $url == https* ]] && tls=(--cacert "$work/cert.pem")
  local cred=()
  [ -n "${AUTHORIZATION:-}" ] && cred=(-H "Authorization: $AUTHORIZATION")
  run_id=$(curl -s "${tls[@]}" "${cred[@]}" -X POST "$url/api/2.0/mlflow/runs/create" \
    -H 'Content-Type: application/json' -d '{"experiment_id":"0"}' | grep -o '"run_id":"[0-9a-f]*"' | head -1 | cut -d'"' -f4)
  printf '%s req/s' "$(RUN_ID=$run_id wrk -t2 -c8 -d5s -s "$here/log_metric.lua" "$url" | awk '/Requests\/sec/{print $2}')"
  stop
}
printf '%s\n' bench-admin-password > "$work/admin.pw"
auth_flags=(--auth --auth-admin-password-file "$work/admin.pw" --auth-rate-limit 0)
basic="Basic $(printf 'admin:bench-admin-password' | base64)"

for round in $(seq "$rounds"); do
  for bin in "$@"; do
    echo "round $round $bin"
    echo "  plain  /health: $(health "$bin")   log-metric: $(log_metric "$bin")"
    if "$bin" server --help 2>/dev/null | grep -q -- --tls-cert; then
      tls=(--tls-cert "$work/cert.pem" --tls-key "$work/key.pem")
      echo "  https  /health: $(health "$bin" "${tls[@]}")   log-metric: $(log_metric "$bin" "${tls[@]}")"
    fi
    echo "  --auth (Basic)          log-metric: $(AUTHORIZATION=$basic log_metric "$bin" "${auth_flags[@]}")"
    if "$bin" server --help 2>/dev/null | grep -q -- --auth-cache-ms; then
      # A user who is not an admin: each request's permission is looked up
      # (EDIT by default here), with the auth cache and without it.
      user_flags=("${auth_flags[@]}" --auth-default-permission EDIT)
      echo "  --auth user, cache      log-metric: $(AUTH_USER=bench log_metric "$bin" "${user_flags[@]}")"
      echo "  --auth user, no cache   log-metric: $(AUTH_USER=bench log_metric "$bin" "${user_flags[@]}" --auth-cache-ms 0)"
    fi
  done
done
