#!/usr/bin/env bash
# Conformance: the model registry driven with plain curl, written from
# specs/mlflow-rest.md alone (no cairn code), against the real binary.
# Workflow: experiment + run, upload model files through the mlflow-artifacts
# proxy, register a version from runs:/, set an alias, resolve it, download
# the files through get-download-uri, and the documented error answers.
# JSON is checked with `node -e` (Node is installed by scripts/install-deps.sh;
# python3 is not guaranteed on CI).
# Usage: run.sh <path-to-cairn-binary>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../lib/cairn_server.sh"
start_cairn "$1"

API="$CAIRN_URL/api/2.0/mlflow"
PROXY="$CAIRN_URL/api/2.0/mlflow-artifacts/artifacts"
work="$CAIRN_WORKDIR/registry-curl"
mkdir -p "$work"
checks=0

fail() {
  echo "FAIL: $*" >&2
  echo "--- server log ---" >&2
  tail -n 50 "$CAIRN_WORKDIR/server.log" >&2 || true
  exit 1
}

# req METHOD URL [JSON-BODY]: sets STATUS and BODY.
req() {
  local method=$1 url=$2 body=${3:-}
  local out="$work/body"
  if [ -n "$body" ]; then
    STATUS=$(curl -sS -o "$out" -w '%{http_code}' -X "$method" -H 'Content-Type: application/json' \
      --data-binary "$body" "$url")
  else
    STATUS=$(curl -sS -o "$out" -w '%{http_code}' -X "$method" "$url")
  fi
  BODY=$(cat "$out")
}

# jget JSON PATH: prints the value at a dotted path ("a.b.0.c"); objects and
# arrays as JSON, a missing value as the empty string.
jget() {
  node -e '
    let v = JSON.parse(process.argv[1]);
    for (const k of process.argv[2].split(".").filter(Boolean)) v = v == null ? undefined : v[k];
    if (v === undefined || v === null) process.stdout.write("");
    else process.stdout.write(typeof v === "object" ? JSON.stringify(v) : String(v));
  ' "$1" "$2"
}

# expect_status CODE WHAT
expect_status() {
  [ "$STATUS" = "$1" ] || fail "$2: expected HTTP $1, got $STATUS: $BODY"
  checks=$((checks + 1))
}

# expect_eq ACTUAL EXPECTED WHAT
expect_eq() {
  [ "$1" = "$2" ] || fail "$3: expected '$2', got '$1' (body: $BODY)"
  checks=$((checks + 1))
}

# expect_error STATUS ERROR_CODE WHAT: MLflow's error JSON.
expect_error() {
  expect_status "$1" "$3"
  expect_eq "$(jget "$BODY" error_code)" "$2" "$3 error_code"
  [ -n "$(jget "$BODY" message)" ] || fail "$3: error without message: $BODY"
}

# expect_json_type JSON PATH TYPE WHAT (number, string, object, ...)
expect_json_type() {
  local got
  got=$(node -e '
    let v = JSON.parse(process.argv[1]);
    for (const k of process.argv[2].split(".").filter(Boolean)) v = v == null ? undefined : v[k];
    process.stdout.write(Array.isArray(v) ? "array" : v === null ? "null" : typeof v);
  ' "$1" "$2")
  expect_eq "$got" "$3" "$4"
}

# --- experiment and run ---
req POST "$API/experiments/create" '{"name":"registry-curl"}'
expect_status 200 "experiments/create"
experiment_id=$(jget "$BODY" experiment_id)
req POST "$API/runs/create" "{\"experiment_id\":\"$experiment_id\",\"run_name\":\"train\"}"
expect_status 200 "runs/create"
run_id=$(jget "$BODY" run.info.run_id)
artifact_uri=$(jget "$BODY" run.info.artifact_uri)
case "$artifact_uri" in
  mlflow-artifacts:/*) ;;
  *) fail "run artifact_uri is not proxied: $artifact_uri" ;;
esac
run_root=${artifact_uri#mlflow-artifacts:/}

# --- upload the model through the proxy (spec section 6) ---
printf 'artifact_path: model\nflavors: {}\n' >"$work/MLmodel"
head -c 200000 /dev/urandom >"$work/model.bin"
for f in MLmodel model.bin; do
  STATUS=$(curl -sS -o "$work/body" -w '%{http_code}' -X PUT --data-binary "@$work/$f" \
    -H 'Content-Type: application/octet-stream' "$PROXY/$run_root/model/$f")
  BODY=$(cat "$work/body")
  expect_status 200 "PUT $f"
done

# --- registered model and version (spec section 3) ---
req POST "$API/registered-models/create" '{"name":"curl-model","description":"from curl"}'
expect_status 200 "registered-models/create"
expect_eq "$(jget "$BODY" registered_model.name)" "curl-model" "created name"
expect_json_type "$BODY" registered_model.creation_timestamp number "creation_timestamp is a JSON number"

req POST "$API/registered-models/create" '{"name":"curl-model"}'
expect_error 400 RESOURCE_ALREADY_EXISTS "duplicate registered model"

req POST "$API/model-versions/create" "{\"name\":\"curl-model\",\"source\":\"runs:/$run_id/model\",\"run_id\":\"$run_id\"}"
expect_status 200 "model-versions/create"
expect_json_type "$BODY" model_version.version string "version is a string"
expect_eq "$(jget "$BODY" model_version.version)" "1" "first version"
expect_eq "$(jget "$BODY" model_version.status)" "READY" "version status"
expect_eq "$(jget "$BODY" model_version.current_stage)" "None" "version stage"
expect_eq "$(jget "$BODY" model_version.run_id)" "$run_id" "version run_id"

req GET "$API/model-versions/get?name=curl-model&version=1"
expect_status 200 "model-versions/get"
expect_eq "$(jget "$BODY" model_version.source)" "runs:/$run_id/model" "version source"

# --- alias ---
req POST "$API/registered-models/alias" '{"name":"curl-model","alias":"champion","version":"1"}'
expect_status 200 "set alias"
expect_eq "$BODY" "{}" "set alias answers {}"
req GET "$API/registered-models/alias?name=curl-model&alias=champion"
expect_status 200 "get by alias"
expect_eq "$(jget "$BODY" model_version.version)" "1" "alias resolves to version 1"
expect_eq "$(jget "$BODY" model_version.aliases)" '["champion"]' "version lists its alias"
req GET "$API/registered-models/get?name=curl-model"
expect_status 200 "registered-models/get"
expect_eq "$(jget "$BODY" registered_model.aliases)" '[{"alias":"champion","version":"1"}]' "model aliases"
req POST "$API/registered-models/alias" '{"name":"curl-model","alias":"v1","version":"1"}'
expect_error 400 INVALID_PARAMETER_VALUE "reserved alias v1"
req GET "$API/registered-models/alias?name=curl-model&alias=nobody"
expect_error 404 RESOURCE_DOES_NOT_EXIST "unknown alias"

# --- download through get-download-uri ---
req GET "$API/model-versions/get-download-uri?name=curl-model&version=1"
expect_status 200 "get-download-uri"
download_uri=$(jget "$BODY" artifact_uri)
case "$download_uri" in
  mlflow-artifacts:/*) ;;
  *) fail "download uri is not served by the proxy: $download_uri" ;;
esac
download_root=${download_uri#mlflow-artifacts:/}
curl -sS -f -o "$work/downloaded.bin" "$PROXY/$download_root/model.bin" || fail "download model.bin via $download_uri"
cmp -s "$work/model.bin" "$work/downloaded.bin" || fail "downloaded model.bin differs"
checks=$((checks + 1))
req GET "$CAIRN_URL/api/2.0/mlflow-artifacts/artifacts?path=$download_root"
expect_status 200 "list version files"
expect_eq "$(node -e 'console.log(JSON.parse(process.argv[1]).files.map(f => f.path).sort().join(","))' "$BODY")" \
  "MLmodel,model.bin" "version files"
# The UI route serves the same bytes.
curl -sS -f -o "$work/ui.bin" "$CAIRN_URL/model-versions/get-artifact?name=curl-model&version=1&path=model.bin" ||
  fail "model-versions/get-artifact"
cmp -s "$work/model.bin" "$work/ui.bin" || fail "get-artifact bytes differ"
checks=$((checks + 1))

# --- search and the ajax prefix ---
req GET "$API/registered-models/search?filter=name%20LIKE%20%27curl-%25%27"
expect_status 200 "registered-models/search"
expect_eq "$(jget "$BODY" registered_models.0.name)" "curl-model" "search by LIKE"
req GET "$CAIRN_URL/ajax-api/2.0/mlflow/model-versions/search?filter=run_id%3D%27$run_id%27"
expect_status 200 "ajax model-versions/search"
expect_eq "$(jget "$BODY" model_versions.0.version)" "1" "search by run_id"

# --- documented errors ---
req GET "$API/model-versions/get?name=curl-model&version=abc"
expect_error 400 INVALID_PARAMETER_VALUE "non-integer version"
req GET "$API/registered-models/get?name=no-such-model"
expect_error 404 RESOURCE_DOES_NOT_EXIST "unknown model"
req POST "$API/model-versions/create" '{"name":"curl-model","source":"s3://bucket/../escape"}'
expect_error 400 INVALID_PARAMETER_VALUE "source with .."

# --- PATCH and DELETE with JSON bodies ---
req PATCH "$API/registered-models/update" '{"name":"curl-model","description":"updated"}'
expect_status 200 "registered-models/update (PATCH)"
expect_eq "$(jget "$BODY" registered_model.description)" "updated" "updated description"
req DELETE "$API/registered-models/alias" '{"name":"curl-model","alias":"champion"}'
expect_status 200 "delete alias (DELETE)"
req DELETE "$API/registered-models/delete" '{"name":"curl-model"}'
expect_status 200 "registered-models/delete (DELETE)"
req GET "$API/registered-models/get?name=curl-model"
expect_error 404 RESOURCE_DOES_NOT_EXIST "deleted model"

echo "registry curl conformance: $checks checks passed"
