#!/usr/bin/env bash
# Conformance: `cairn server --auth` with clients nobody on the team wrote.
#  * curl, written from docs/auth.md and MLflow's auth REST API docs: 401 with
#    a Basic challenge, the admin creates a user, permissions, a personal
#    access token, revocation;
#  * the npm `mlflow` client's scripted workflow (tests/conformance/npm_mlflow)
#    run twice: with MLFLOW_TRACKING_USERNAME/PASSWORD, then with
#    MLFLOW_TRACKING_TOKEN.
# JSON is checked with `node -e`. Usage: run.sh <path-to-cairn-binary>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../lib/cairn_server.sh"
npm_dir="$here/../npm_mlflow"
if [ ! -d "$npm_dir/node_modules/mlflow" ]; then
  (cd "$npm_dir" && npm ci --no-audit --no-fund --loglevel=error)
fi

pwfile=$(mktemp -t cairn-admin-pw.XXXXXX)
trap 'rm -f "$pwfile"; stop_cairn' EXIT
printf 'admin-secret-pw\n' >"$pwfile"
start_cairn "$1" --auth --auth-admin-password-file "$pwfile"
trap 'rm -f "$pwfile"; stop_cairn' EXIT

API="$CAIRN_URL/api/2.0/mlflow"
work="$CAIRN_WORKDIR/auth-curl"
mkdir -p "$work"
checks=0

fail() {
  echo "FAIL: $*" >&2
  echo "--- server log ---" >&2
  tail -n 50 "$CAIRN_WORKDIR/server.log" >&2 || true
  exit 1
}

# req METHOD URL [JSON-BODY] [curl args...]: sets STATUS, BODY, HEADERS.
req() {
  local method=$1 url=$2 body=${3:-}
  shift 3 || shift $#
  local args=(-sS -o "$work/body" -D "$work/headers" -w '%{http_code}' -X "$method" "$@")
  if [ -n "$body" ]; then
    args+=(-H 'Content-Type: application/json' --data-binary "$body")
  fi
  STATUS=$(curl "${args[@]}" "$url")
  BODY=$(cat "$work/body")
  HEADERS=$(cat "$work/headers")
}

expect() {  # expect STATUS [ERROR_CODE]
  [ "$STATUS" = "$1" ] || fail "expected HTTP $1, got $STATUS: $BODY"
  if [ -n "${2:-}" ]; then
    node -e 'const b=JSON.parse(process.argv[1]); if (b.error_code!==process.argv[2]||!b.message) process.exit(1)' \
      "$BODY" "$2" || fail "expected error_code $2: $BODY"
  fi
  checks=$((checks + 1))
}

field() { node -e 'const b=JSON.parse(process.argv[1]); let v=b; for (const k of process.argv[2].split(".")) v=v[k]; console.log(v)' "$BODY" "$1"; }

ADMIN=(-u admin:admin-secret-pw)

# No credentials: 401 with the challenge MLflow clients answer.
req GET "$API/experiments/search?max_results=1" ""
expect 401 UNAUTHENTICATED
grep -qi '^www-authenticate: Basic realm="cairn"' <<<"$HEADERS" || fail "no Basic challenge: $HEADERS"
req GET "$API/experiments/search?max_results=1" "" -u admin:wrong
expect 401 UNAUTHENTICATED
req GET "$API/experiments/search?max_results=1" "" -H 'Authorization: Bearer not-a-token'
expect 401 UNAUTHENTICATED

# The admin creates a user; the user may not create users.
req POST "$API/users/create" '{"username":"carol","password":"carol-pw-123"}' "${ADMIN[@]}"
expect 200
[ "$(field user.username)" = carol ] || fail "users/create: $BODY"
req POST "$API/users/create" '{"username":"dave","password":"dave-pw-1234"}' -u carol:carol-pw-123
expect 403 PERMISSION_DENIED
req POST "$API/users/create" '{"username":"dave","password":"dave-pw-1234"}' "${ADMIN[@]}"
expect 200

# carol creates an experiment (MANAGE), shuts dave out, dave is refused.
req POST "$API/experiments/create" '{"name":"carols"}' -u carol:carol-pw-123
expect 200
exp=$(field experiment_id)
req POST "$API/experiments/permissions/create" \
  "{\"experiment_id\":\"$exp\",\"username\":\"dave\",\"permission\":\"NO_PERMISSIONS\"}" -u carol:carol-pw-123
expect 200
req GET "$API/experiments/get?experiment_id=$exp" "" -u dave:dave-pw-1234
expect 403 PERMISSION_DENIED
req GET "$API/experiments/permissions/get?experiment_id=$exp&username=dave" "" -u carol:carol-pw-123
expect 200
[ "$(field experiment_permission.permission)" = NO_PERMISSIONS ] || fail "permissions/get: $BODY"

# The npm client with Basic credentials from the environment.
MLFLOW_TRACKING_USERNAME=carol MLFLOW_TRACKING_PASSWORD=carol-pw-123 node "$npm_dir/workflow.js" "$CAIRN_URL" ||
  fail "npm mlflow workflow with Basic credentials"
checks=$((checks + 1))

# A personal access token; the npm client with MLFLOW_TRACKING_TOKEN.
req POST "$CAIRN_URL/api/2.0/cairn/auth/tokens/create" '{"name":"npm","expires_in_seconds":3600}' -u carol:carol-pw-123
expect 200
token=$(field token)
token_id=$(field token_info.token_id)
MLFLOW_TRACKING_TOKEN="$token" node "$npm_dir/workflow.js" "$CAIRN_URL" || fail "npm mlflow workflow with a token"
checks=$((checks + 1))
req POST "$CAIRN_URL/api/2.0/cairn/auth/tokens/revoke" "{\"token_id\":\"$token_id\"}" -u carol:carol-pw-123
expect 200
req GET "$API/experiments/search?max_results=1" "" -H "Authorization: Bearer $token"
expect 401 UNAUTHENTICATED
if MLFLOW_TRACKING_TOKEN="$token" node "$npm_dir/workflow.js" "$CAIRN_URL" >/dev/null 2>&1; then
  fail "the npm client still worked with a revoked token"
fi
checks=$((checks + 1))

# cairn's own CLI takes the same environment variables.
cli_out=$(MLFLOW_TRACKING_URI="$CAIRN_URL" MLFLOW_TRACKING_USERNAME=carol MLFLOW_TRACKING_PASSWORD=carol-pw-123 \
  "$1" experiments list 2>&1) || fail "cairn experiments list with Basic credentials: $cli_out"
grep -q carols <<<"$cli_out" || fail "the CLI did not list carol's experiment: $cli_out"
if MLFLOW_TRACKING_URI="$CAIRN_URL" "$1" experiments list >/dev/null 2>&1; then
  fail "the CLI listed experiments without credentials"
fi
checks=$((checks + 2))

echo "auth curl conformance: $checks checks passed"
