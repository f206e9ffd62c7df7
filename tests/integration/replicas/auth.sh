#!/usr/bin/env bash
# Two `cairn server --auth` replicas sharing one PostgreSQL: what one replica
# learns about users holds on the other, and a client's limits hold across
# them instead of multiplying (auth/shared_limits.h).
# Shown, with curl against each replica directly:
#   * a password changed through one replica stops working on the other
#     within --auth-cache-ms (1 s here), though the other had the old one in
#     its Basic cache and its user cache;
#   * a user's own limits set through one replica apply on the other;
#   * a user's request budget spent on one replica is spent on the other:
#     after r1 refuses, r2 refuses too (each alone would still admit 9);
#   * failed logins count across replicas: two failures on r1 and two on r2
#     reach the limit of 4, and r1 then locks the user out as well.
#   auth.sh CAIRN_BINARY
# Services: PostgreSQL (tests/infra/postgres.sh) and 2 cairn processes on
# 127.0.0.1 in a temp dir, stopped by PID on exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cairn=$(realpath "${1:?usage: auth.sh CAIRN_BINARY}")
infra="$here/../../infra"
# shellcheck source=../../lib/replicas.sh
source "$here/../../lib/replicas.sh"
replicas_test_init replicas-auth
need curl; need psql

store_uri=$("$infra/postgres.sh" up "$pg_dir") || fail "PostgreSQL did not start"
admin_pw='replica-admin-password'
printf '%s\n' "$admin_pw" > "$work/admin.pw"
chmod 600 "$work/admin.pw"
# One after the other: the first creates the admin, the second finds it.
for name in r1 r2; do
  start_replica "$cairn" "$work" "$name" "$store_uri" --auth --auth-admin-password-file "$work/admin.pw" \
    --auth-max-failed-logins 4 --auth-lockout 60 --auth-cache-ms 1000 || fail "replica $name"
  pid_var="PID_$name"
  pids+=("${!pid_var}")
done

# call PORT CREDENTIALS METHOD PATH [BODY]: prints the HTTP status; the body
# is left in $work/body, the headers in $work/headers.
call() {
  local port=$1 cred=$2 method=$3 path=$4 body=${5:-}
  local args=(-s -o "$work/body" -D "$work/headers" -w '%{http_code}' -u "$cred" -X "$method")
  [ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
  curl "${args[@]}" "http://127.0.0.1:$port$path"
}
expect() {  # expect STATUS WHAT PORT CREDENTIALS METHOD PATH [BODY]
  local want=$1 what=$2
  shift 2
  local got
  got=$(call "$@")
  [ "$got" = "$want" ] || fail "$what: HTTP $got, expected $want: $(head -c 300 "$work/body")"
}
admin="admin:$admin_pw"
for user in sized limited victim mover; do
  expect 200 "create $user" "$PORT_r1" "$admin" POST /api/2.0/mlflow/users/create \
    "{\"username\":\"$user\",\"password\":\"password-of-$user\"}"
done

# --- a password change reaches every replica's Basic cache -------------------
expect 200 "mover on r2 (cached there now)" "$PORT_r2" "mover:password-of-mover" GET /api/2.0/mlflow/experiments/search
expect 200 "mover changes the password on r1" "$PORT_r1" "mover:password-of-mover" PATCH \
  /api/2.0/mlflow/users/update-password '{"username":"mover","password":"a-new-password-of-mover"}'
# r2 may answer from its cache for up to --auth-cache-ms; after that the
# old password fails there. From another loopback address, so this failure
# does not count toward the 127.0.0.1 lockout below.
sleep 1.2
got=$(curl -s -o "$work/body" -w '%{http_code}' --interface 127.0.0.5 -u "mover:password-of-mover" \
  "http://127.0.0.1:$PORT_r2/api/2.0/mlflow/experiments/search")
[ "$got" = 401 ] || fail "the old password still works on r2: HTTP $got"
expect 200 "the new password on r2" "$PORT_r2" "mover:a-new-password-of-mover" GET /api/2.0/mlflow/experiments/search

# --- per-user limits are one record, whichever replica sets them -------------
expect 200 "set sized's body limit on r1" "$PORT_r1" "$admin" PATCH /api/2.0/cairn/auth/users/update-limits \
  '{"username":"sized","max_request_bytes":2000}'
pad=$(head -c 5000 /dev/zero | tr '\0' x)
expect 413 "sized's 5 KB body on r2" "$PORT_r2" "sized:password-of-sized" POST /api/2.0/mlflow/experiments/search \
  "{\"max_results\":1,\"filter\":\"name = '$pad'\"}"
grep -q REQUEST_LIMIT_EXCEEDED "$work/body" || fail "413 without the MLflow error JSON: $(cat "$work/body")"
expect 200 "sized's small body on r2" "$PORT_r2" "sized:password-of-sized" POST /api/2.0/mlflow/experiments/search \
  '{"max_results":1}'

# --- one request budget across replicas ----------------------------------------
# 0.001 per second: a burst of 10, refilled by one request every 1000 s.
expect 200 "set limited's rate" "$PORT_r1" "$admin" PATCH /api/2.0/cairn/auth/users/update-limits \
  '{"username":"limited","requests_per_second":0.001}'
limited="limited:password-of-limited"
search=/api/2.0/mlflow/experiments/search?max_results=1
expect 200 "limited's first request on r1" "$PORT_r1" "$limited" GET "$search"
expect 200 "limited's first request on r2" "$PORT_r2" "$limited" GET "$search"
sleep 3  # both replicas sync (once a second) and agree: 8 left
for i in 1 2 3 4 5 6 7 8; do
  expect 200 "limited's request $i on r1" "$PORT_r1" "$limited" GET "$search"
done
expect 429 "limited's budget is spent on r1" "$PORT_r1" "$limited" GET "$search"
sleep 3  # r1 reports the spending; r2 adopts it
expect 429 "limited's budget is spent on r2 too" "$PORT_r2" "$limited" GET "$search"
grep -qi '^retry-after:' "$work/headers" || fail "429 without Retry-After"
rows=$(psql "$store_uri" -XAtq -c "SELECT count(*) FROM auth_rate_buckets WHERE rate_key = 'user:limited'")
[ "$rows" = 1 ] || fail "no shared bucket for user:limited ($rows rows)"

# --- failed logins count across replicas ---------------------------------------
login() {  # login PORT PASSWORD: the status of a UI login
  curl -s -o "$work/body" -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary "{\"username\":\"victim\",\"password\":\"$2\"}" "http://127.0.0.1:$1/api/2.0/cairn/auth/login"
}
for port in "$PORT_r1" "$PORT_r1" "$PORT_r2" "$PORT_r2"; do
  got=$(login "$port" wrong-guess)
  [ "$got" = 401 ] || fail "a wrong password got HTTP $got: $(cat "$work/body")"
done
sleep 3  # r1 saw only two failures itself; it adopts the lock r2 made
got=$(login "$PORT_r1" password-of-victim)
[ "$got" = 429 ] || fail "r1 let victim in after 4 failures across replicas: HTTP $got $(cat "$work/body")"
locked=$(psql "$store_uri" -XAtq -c "SELECT count(*) FROM auth_login_failures WHERE failure_key = 'user:victim' AND locked_until_ms > 0")
[ "$locked" = 1 ] || fail "no shared lock for user:victim"
echo "PASS: password changes, body limits, request budget and lockouts hold across two replicas"
