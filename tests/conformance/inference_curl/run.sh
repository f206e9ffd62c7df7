#!/usr/bin/env bash
# Conformance: the inference protocols driven with plain curl, written from
# specs/inference-protocol.md alone (no cairn code), against the real binary.
# Workflow: log a fixture XGBoost model (model/: MLmodel + model.json) to a
# run through the mlflow-artifacts proxy, register it, deploy it through
# cairn's deployments API, then walk the Open Inference Protocol v2 (server
# and model metadata, health, ready, infer with ids, parameters and named
# outputs, the {"error": ...} answers and their statuses), KServe V1
# (:predict with instances) and MLflow's /invocations (dataframe_split,
# dataframe_records, instances, inputs). The three protocols must agree on
# every prediction. Then the same model through `cairn serve`.
# JSON is checked with `node -e` (python3 is not guaranteed on CI).
# Usage: run.sh <path-to-cairn-binary>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../lib/cairn_server.sh"
cairn_binary=$1
start_cairn "$cairn_binary"

API="$CAIRN_URL/api/2.0/mlflow"
PROXY="$CAIRN_URL/api/2.0/mlflow-artifacts/artifacts"
DEPLOY="$CAIRN_URL/api/2.0/cairn/serving/deployments"
work="$CAIRN_WORKDIR/inference-curl"
mkdir -p "$work"
checks=0
SERVE_PID=

fail() {
  echo "FAIL: $*" >&2
  echo "--- server log ---" >&2
  tail -n 50 "$CAIRN_WORKDIR/server.log" >&2 || true
  [ -f "$work/serve.log" ] && { echo "--- serve log ---" >&2; tail -n 30 "$work/serve.log" >&2; }
  exit 1
}

cleanup() {
  if [ -n "$SERVE_PID" ] && kill -0 "$SERVE_PID" 2>/dev/null; then kill -TERM "$SERVE_PID"; wait "$SERVE_PID" 2>/dev/null || true; fi
  stop_cairn
}
trap cleanup EXIT

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

# jget JSON PATH: the value at a dotted path; objects/arrays as JSON.
jget() {
  node -e '
    let v = JSON.parse(process.argv[1]);
    for (const k of process.argv[2].split(".").filter(Boolean)) v = v == null ? undefined : v[k];
    if (v === undefined || v === null) process.stdout.write("");
    else process.stdout.write(typeof v === "object" ? JSON.stringify(v) : String(v));
  ' "$1" "$2"
}

expect_status() {
  [ "$STATUS" = "$1" ] || fail "$2: expected HTTP $1, got $STATUS: $BODY"
  checks=$((checks + 1))
}
expect_eq() {
  [ "$1" = "$2" ] || fail "$3: expected '$2', got '$1' (body: $BODY)"
  checks=$((checks + 1))
}
# expect_oip_error STATUS WHAT: {"error": "<non-empty string>"}
expect_oip_error() {
  expect_status "$1" "$2"
  [ -n "$(jget "$BODY" error)" ] || fail "$2: no {\"error\": ...} body: $BODY"
}

# --- log and register the fixture model -----------------------------------
req POST "$API/experiments/create" '{"name":"inference-curl"}'
expect_status 200 "experiments/create"
exp_id=$(jget "$BODY" experiment_id)
req POST "$API/runs/create" "{\"experiment_id\":\"$exp_id\"}"
expect_status 200 "runs/create"
run_id=$(jget "$BODY" run.info.run_id)
artifact_uri=$(jget "$BODY" run.info.artifact_uri)
proxy_path=${artifact_uri#mlflow-artifacts:/}
for f in MLmodel model.json; do
  STATUS=$(curl -sS -o "$work/body" -w '%{http_code}' -X PUT --data-binary "@$here/model/$f" "$PROXY/$proxy_path/model/$f")
  expect_status 200 "upload $f"
done
req POST "$API/registered-models/create" '{"name":"curl-model"}'
expect_status 200 "registered-models/create"
req POST "$API/model-versions/create" "{\"name\":\"curl-model\",\"source\":\"runs:/$run_id/model\"}"
expect_status 200 "model-versions/create"
req POST "$API/registered-models/alias" '{"name":"curl-model","alias":"champion","version":"1"}'
expect_status 200 "alias"

# --- deploy on the platform server ----------------------------------------
req POST "$DEPLOY" '{"name":"curl","model_uri":"models:/curl-model@champion"}'
expect_status 200 "deploy"
expect_eq "$(jget "$BODY" deployment.model_version.version)" "1" "deployed version"
expect_eq "$(jget "$BODY" deployment.model_version.run_id)" "$run_id" "deployment lineage: run"

check_protocols() {
  local base=$1 model=$2 inv=$3
  # OIP v2: server metadata and health.
  req GET "$base/v2"
  expect_status 200 "GET /v2"
  [ -n "$(jget "$BODY" name)" ] || fail "server metadata has no name: $BODY"
  [ -n "$(jget "$BODY" version)" ] || fail "server metadata has no version: $BODY"
  [ "$(node -e 'process.stdout.write(String(Array.isArray(JSON.parse(process.argv[1]).extensions)))' "$BODY")" = true ] ||
    fail "extensions is not a list: $BODY"
  req GET "$base/v2/health/live"; expect_status 200 "live"
  req GET "$base/v2/health/ready"; expect_status 200 "ready"
  req GET "$base/v2/models/$model/ready"; expect_status 200 "model ready"
  req GET "$base/v2/models/$model/versions/1/ready"; expect_status 200 "model version ready"
  # Model metadata.
  req GET "$base/v2/models/$model"
  expect_status 200 "model metadata"
  expect_eq "$(jget "$BODY" name)" "$model" "metadata name"
  expect_eq "$(jget "$BODY" platform)" "xgboost" "metadata platform"
  expect_eq "$(jget "$BODY" inputs.0.datatype)" "FP32" "input datatype"
  expect_eq "$(jget "$BODY" inputs.0.shape)" "[-1,4]" "input shape"
  input=$(jget "$BODY" inputs.0.name)
  output=$(jget "$BODY" outputs.0.name)
  req GET "$base/v2/models/$model/versions/1"
  expect_status 200 "versioned metadata"

  # Infer: nested data, an id, parameters and a named output.
  req POST "$base/v2/models/$model/infer" \
    "{\"id\":\"curl-42\",\"parameters\":{\"note\":\"hi\"},\"inputs\":[{\"name\":\"$input\",\"shape\":[2,4],\"datatype\":\"FP32\",\"data\":[[0.1,0.9,0.2,0.3],[0.8,0.1,0.5,0.6]]}],\"outputs\":[{\"name\":\"$output\"}]}"
  expect_status 200 "infer"
  expect_eq "$(jget "$BODY" id)" "curl-42" "id echoed"
  expect_eq "$(jget "$BODY" model_name)" "$model" "model_name"
  expect_eq "$(jget "$BODY" model_version)" "1" "model_version"
  expect_eq "$(jget "$BODY" outputs.0.name)" "$output" "output name"
  expect_eq "$(jget "$BODY" outputs.0.shape)" "[2]" "output shape"
  expect_eq "$(jget "$BODY" outputs.0.datatype)" "FP32" "output datatype"
  v2=$(jget "$BODY" outputs.0.data)
  # Flat data, versioned path, no id: the same numbers, and an id generated.
  req POST "$base/v2/models/$model/versions/1/infer" \
    "{\"inputs\":[{\"name\":\"$input\",\"shape\":[2,4],\"datatype\":\"FP32\",\"data\":[0.1,0.9,0.2,0.3,0.8,0.1,0.5,0.6]}]}"
  expect_status 200 "versioned infer"
  expect_eq "$(jget "$BODY" outputs.0.data)" "$v2" "flat == nested"
  [ -n "$(jget "$BODY" id)" ] || fail "no id in response"

  # KServe V1 and MLflow agree with OIP.
  req GET "$base/v1/models/$model"; expect_status 200 "v1 model"
  expect_eq "$(jget "$BODY" ready)" "true" "v1 ready"
  req POST "$base/v1/models/$model:predict" '{"instances":[[0.1,0.9,0.2,0.3],[0.8,0.1,0.5,0.6]]}'
  expect_status 200 "v1 predict"
  expect_eq "$(jget "$BODY" predictions)" "$v2" "v1 == v2"
  req POST "$inv" '{"dataframe_split":{"columns":["f0","f1","f2","f3"],"data":[[0.1,0.9,0.2,0.3],[0.8,0.1,0.5,0.6]]}}'
  expect_status 200 "dataframe_split"
  expect_eq "$(jget "$BODY" predictions)" "$v2" "dataframe_split == v2"
  req POST "$inv" '{"dataframe_records":[{"f0":0.1,"f1":0.9,"f2":0.2,"f3":0.3},{"f3":0.6,"f2":0.5,"f1":0.1,"f0":0.8}]}'
  expect_status 200 "dataframe_records"
  expect_eq "$(jget "$BODY" predictions)" "$v2" "dataframe_records == v2"
  req POST "$inv" '{"instances":[[0.1,0.9,0.2,0.3],[0.8,0.1,0.5,0.6]]}'
  expect_status 200 "instances"
  expect_eq "$(jget "$BODY" predictions)" "$v2" "instances == v2"
  req POST "$inv" "{\"inputs\":{\"$input\":[[0.1,0.9,0.2,0.3],[0.8,0.1,0.5,0.6]]}}"
  expect_status 200 "inputs"
  expect_eq "$(jget "$BODY" predictions)" "$v2" "inputs == v2"

  # Errors: {"error": ...} with KServe's statuses.
  req POST "$base/v2/models/$model/infer" '{"inputs":[{"name":'; expect_oip_error 400 "malformed JSON"
  req POST "$base/v2/models/$model/infer" "{\"inputs\":[{\"name\":\"$input\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[1,2,3]}]}"
  expect_oip_error 400 "wrong shape"
  req POST "$base/v2/models/$model/infer" "{\"inputs\":[{\"name\":\"$input\",\"shape\":[1,4],\"datatype\":\"BYTES\",\"data\":[\"a\",\"b\",\"c\",\"d\"]}]}"
  expect_oip_error 400 "wrong datatype"
  req POST "$base/v2/models/$model/infer" '{"inputs":[{"name":"nope","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]}'
  expect_oip_error 400 "unknown input"
  req POST "$base/v2/models/$model/infer" "{\"inputs\":[{\"name\":\"$input\",\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":[1,2]}]}"
  expect_oip_error 400 "data does not fill shape"
  req POST "$base/v2/models/no-such-model/infer" "{\"inputs\":[{\"name\":\"$input\",\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":[1,2,3,4]}]}"
  expect_oip_error 404 "unknown model"
  req POST "$base/v2/models/$model/versions/77/infer" "{\"inputs\":[{\"name\":\"$input\",\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":[1,2,3,4]}]}"
  expect_oip_error 404 "unknown version"
  req GET "$base/v2/models/no-such-model"; expect_oip_error 404 "unknown model metadata"
  req POST "$base/v1/models/$model:predict" '{"instances":5}'; expect_oip_error 400 "v1 instances not a list"
  # Still serving.
  req POST "$base/v1/models/$model:predict" '{"instances":[[0.1,0.9,0.2,0.3],[0.8,0.1,0.5,0.6]]}'
  expect_status 200 "still serving"
  # Prometheus metrics.
  STATUS=$(curl -sS -o "$work/metrics" -w '%{http_code}' "$base/metrics")
  expect_status 200 "metrics"
  grep -q "^cairn_inference_requests_total{model=\"$model\",version=\"1\"} [0-9]" "$work/metrics" ||
    fail "no request counter in /metrics"
  grep -q "^# TYPE cairn_inference_request_duration_seconds histogram" "$work/metrics" || fail "no latency histogram"
}

check_protocols "$CAIRN_URL" curl "$CAIRN_URL/invocations?model=curl"

# --- the same model through `cairn serve` ------------------------------------
"$cairn_binary" serve models:/curl-model@champion --port 0 --tracking-uri "$CAIRN_URL" >"$work/serve.log" 2>&1 &
SERVE_PID=$!
SERVE_URL=
for _ in $(seq 1 200); do
  SERVE_URL=$(grep -o 'listening on http://[0-9.]*:[0-9]*' "$work/serve.log" | head -1 | sed 's/listening on //') || true
  [ -n "$SERVE_URL" ] && break
  kill -0 "$SERVE_PID" 2>/dev/null || fail "cairn serve exited"
  sleep 0.05
done
[ -n "$SERVE_URL" ] || fail "cairn serve did not report its port"
for _ in $(seq 1 300); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$SERVE_URL/v2/health/ready")" = 200 ] && break
  sleep 0.1
done
check_protocols "$SERVE_URL" curl-model "$SERVE_URL/invocations"
req GET "$SERVE_URL/ping"; expect_status 200 "ping"

echo "inference_curl: $checks checks passed"
