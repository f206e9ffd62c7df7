#!/usr/bin/env bash
# The S3 artifact store end to end, as a user runs it: `cairn server
# --artifacts-destination s3://artifacts/mlruns` with the AWS variables and
# MLFLOW_S3_ENDPOINT_URL, driven with curl through the mlflow-artifacts
# proxy; what landed in S3 is checked with curl --aws-sigv4 straight against
# the S3 server. Then the failure cases (wrong secret, missing bucket, S3
# stopped) and `--default-artifact-root s3://... --no-serve-artifacts`.
#   s3_proxy_e2e.sh CAIRN_BINARY   (S3_ENDPOINT, AWS_* and CAIRN_S3_TEST_DIR set by s3_run.sh)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cairn=${1:?usage: s3_proxy_e2e.sh CAIRN_BINARY}
# shellcheck source=../lib/cairn_server.sh
source "$here/../lib/cairn_server.sh"
fail() { echo "FAIL: $*" >&2; [ -n "${CAIRN_WORKDIR:-}" ] && tail -n 30 "$CAIRN_WORKDIR/server.log" >&2; exit 1; }
step() { echo "--- $*"; }
export MLFLOW_S3_ENDPOINT_URL=$S3_ENDPOINT
tmp=$(mktemp -d /tmp/cairn-s3-e2e.XXXXXX)
trap 'stop_cairn; rm -rf "$tmp"' EXIT

# Straight to S3, as another S3 client would see the bucket.
s3() {
  curl -sS -u "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" --aws-sigv4 "aws:amz:$AWS_REGION:s3" \
    -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' "$@"
}
urlenc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
s3_keys() { s3 "$S3_ENDPOINT/$S3_BUCKET?list-type=2&prefix=$(urlenc "$1")" | grep -o '<Key>[^<]*</Key>' | sed 's/<[^>]*>//g' || true; }
# curl through the server: the status in $code, the body in $body (not in a
# $(...) subshell, which would lose them).
call() {
  code=$(curl -sS -o "$tmp/body" -w '%{http_code}' "$@") || code=000
  body=$(cat "$tmp/body")
}
# An MLflow REST POST; fails the test on a non-2xx answer.
post() { curl -sf -X POST -H 'Content-Type: application/json' "$CAIRN_URL/api/2.0/mlflow/$1" -d "$2" || fail "POST $1 $2"; }
server_up() { kill -0 "$CAIRN_PID" 2>/dev/null && curl -sf "$CAIRN_URL/health" >/dev/null; }

start_cairn "$cairn" --artifacts-destination "s3://$S3_BUCKET/mlruns"
grep -q "artifacts s3://$S3_BUCKET/mlruns" "$CAIRN_WORKDIR/server.log" || fail "start line does not name the S3 destination"
proxy=$CAIRN_URL/api/2.0/mlflow-artifacts/artifacts

step "small files: upload, stored under the prefix, download"
echo "hello s3" > "$tmp/hello.txt"
call -X PUT -T "$tmp/hello.txt" "$proxy/1/run1/artifacts/hello.txt"
[ "$code" = 200 ] || fail "upload: HTTP $code $body"
[ "$(s3 "$S3_ENDPOINT/$S3_BUCKET/mlruns/1/run1/artifacts/hello.txt")" = "hello s3" ] || fail "object not in S3"
[ "$(curl -sf "$proxy/1/run1/artifacts/hello.txt")" = "hello s3" ] || fail "download differs"
: > "$tmp/empty"
call -X PUT -T "$tmp/empty" "$proxy/1/run1/artifacts/empty.bin"
[ "$code" = 200 ] || fail "empty upload: HTTP $code"
[ "$(curl -sf "$proxy/1/run1/artifacts/empty.bin" | wc -c)" = 0 ] || fail "empty download"
printf 'sp' > "$tmp/space"
call -X PUT -T "$tmp/space" "$proxy/1/run1/artifacts/with%20space%2Bplus.txt"
[ "$code" = 200 ] || fail "upload of a name with a space: HTTP $code $body"
[ "$(curl -sf "$proxy/1/run1/artifacts/with%20space%2Bplus.txt")" = sp ] || fail "download of a name with a space"
call "$proxy/1/run1/artifacts/missing.txt"
[ "$code" = 404 ] || fail "missing file: HTTP $code"

step "nested directories and one-level listing"
for f in a/b/c.txt a/d.txt; do
  echo "$f" > "$tmp/f"
  call -X PUT -T "$tmp/f" "$proxy/1/run1/artifacts/$f"
  [ "$code" = 200 ] || fail "upload $f: HTTP $code"
done
list=$(curl -sf "$proxy?path=1/run1/artifacts")
[ "$(jq -c '[.files[] | [.path, .is_dir]]' <<<"$list")" = '[["a",true],["empty.bin",false],["hello.txt",false],["with space+plus.txt",false]]' ] ||
  fail "root listing: $list"
list=$(curl -sf "$proxy?path=1/run1/artifacts/a")
[ "$(jq -c '[.files[] | [.path, .is_dir, .file_size]]' <<<"$list")" = '[["b",true,null],["d.txt",false,8]]' ] ||
  fail "nested listing: $list"
[ "$(curl -sf "$proxy?path=1/nothing/here")" = '{}' ] || fail "a missing directory lists as empty"

step "100 MB file: multipart upload, byte-identical download"
head -c 100000000 /dev/urandom > "$tmp/big"
call -X PUT -T "$tmp/big" "$proxy/1/run1/artifacts/big.bin"
[ "$code" = 200 ] || fail "big upload: HTTP $code $body"
# s3rver's multipart ETags are plain MD5s, so the server log tells.
grep -q 'big.bin (100000000 bytes) as a multipart upload of 12 parts' "$CAIRN_WORKDIR/server.log" ||
  fail "no 12-part multipart upload (8 MiB parts) logged"
size=$(s3 -I "$S3_ENDPOINT/$S3_BUCKET/mlruns/1/run1/artifacts/big.bin" | tr -d '\r' | sed -n 's/^[Cc]ontent-[Ll]ength: //p')
[ "$size" = 100000000 ] || fail "object size in S3: $size"
curl -sf -o "$tmp/big.down" "$proxy/1/run1/artifacts/big.bin" || fail "big download"
cmp -s "$tmp/big" "$tmp/big.down" || fail "big download differs"
rm -f "$tmp/big.down"

step "1100 keys: the listing follows continuation tokens"
echo x > "$tmp/x"
: > "$tmp/many.cfg"
for i in $(seq -w 1 1100); do printf 'url = "%s/1/many/artifacts/f%s"\nupload-file = "%s"\noutput = "/dev/null"\n' \
  "$proxy" "$i" "$tmp/x" >> "$tmp/many.cfg"; done
curl -sf -K "$tmp/many.cfg" || fail "bulk upload"
n=$(curl -sf "$proxy?path=1/many/artifacts" | jq '.files | length')
[ "$n" = 1100 ] || fail "listed $n of 1100 files"
n=$(curl -sf "$CAIRN_URL/api/2.0/mlflow-artifacts/artifacts?path=1/many/artifacts" | jq -r '.files[-1].path')
[ "$n" = f1100 ] || fail "last listed file $n"

step "delete: a directory goes with everything below it, siblings stay"
call -X PUT -T "$tmp/x" "$proxy/1/run1/artifacts/ab.txt"
call -X DELETE "$proxy/1/run1/artifacts/a"
[ "$code" = 200 ] || fail "delete: HTTP $code $body"
[ -z "$(s3_keys mlruns/1/run1/artifacts/a/)" ] || fail "objects left under a/: $(s3_keys mlruns/1/run1/artifacts/a/)"
[ -n "$(s3_keys mlruns/1/run1/artifacts/ab.txt)" ] || fail "the sibling ab.txt was deleted too"
call -X DELETE "$proxy/1/run1/artifacts/a"
[ "$code" = 404 ] || fail "deleting a missing path: HTTP $code"

step "registry: registering a run's model copies it into S3"
exp=$(post experiments/create '{"name":"s3-e2e"}' | jq -r .experiment_id)
run=$(post runs/create "{\"experiment_id\":\"$exp\"}")
run_id=$(jq -r .run.info.run_id <<<"$run")
artifact_uri=$(jq -r .run.info.artifact_uri <<<"$run")
[[ "$artifact_uri" == mlflow-artifacts:* ]] || fail "run artifact uri $artifact_uri"
rel=${artifact_uri#mlflow-artifacts:}; rel=${rel#/}
printf 'artifact_path: model\nflavors: {}\n' > "$tmp/MLmodel"
call -X PUT -T "$tmp/MLmodel" "$proxy/$rel/model/MLmodel"
call -X PUT -T "$tmp/x" "$proxy/$rel/model/data/weights.bin"
[ "$code" = 200 ] || fail "model upload: HTTP $code"
listed=$(curl -sf "$CAIRN_URL/api/2.0/mlflow/artifacts/list?run_id=$run_id&path=model")
[ "$(jq -c '[.files[].path]' <<<"$listed")" = '["model/MLmodel","model/data"]' ] || fail "run artifact listing: $listed"
post registered-models/create '{"name":"s3-model"}' >/dev/null
call -X POST -H 'Content-Type: application/json' "$CAIRN_URL/api/2.0/mlflow/model-versions/create" \
  -d "{\"name\":\"s3-model\",\"source\":\"runs:/$run_id/model\",\"run_id\":\"$run_id\"}"
version=$body
[ "$code" = 200 ] || fail "create version: HTTP $code $version"
copies=$(s3_keys mlruns/models/)
grep -q '/MLmodel$' <<<"$copies" && grep -q '/data/weights.bin$' <<<"$copies" || fail "registry copy not in S3: $copies"
dl=$(curl -sf "$CAIRN_URL/api/2.0/mlflow/model-versions/get-download-uri?name=s3-model&version=1" | jq -r .artifact_uri)
[[ "$dl" == mlflow-artifacts:/models/* ]] || fail "download uri $dl"
[ "$(curl -sf "$proxy/${dl#mlflow-artifacts:/}/MLmodel" | head -1)" = "artifact_path: model" ] || fail "copy not downloadable"

step "S3 stopped in the middle of a multipart upload: a clear error; the server stays up"
curl -sS -o "$tmp/mid.body" -w '%{http_code}' -X PUT -T "$tmp/big" "$proxy/1/run1/artifacts/mid.bin" > "$tmp/mid.code" &
upload=$!
# Stop S3 once its second part has arrived (s3rver keeps parts under .../uploads/<id>/N).
for _ in $(seq 600); do
  [ -n "$(find "$CAIRN_S3_TEST_DIR/data" -path '*uploads*' -name 2 2>/dev/null)" ] && break
  kill -0 "$upload" 2>/dev/null || break
  sleep 0.05
done
[ -n "$(find "$CAIRN_S3_TEST_DIR/data" -path '*uploads*' -name 2 2>/dev/null)" ] || fail "the multipart upload never started"
"$here/../infra/s3.sh" down "$CAIRN_S3_TEST_DIR"
wait "$upload" || true
[ "$(cat "$tmp/mid.code")" = 503 ] || fail "upload cut off by S3 stopping: HTTP $(cat "$tmp/mid.code") $(cat "$tmp/mid.body")"
[ "$(jq -r .error_code "$tmp/mid.body")" = TEMPORARILY_UNAVAILABLE ] || fail "error: $(cat "$tmp/mid.body")"
server_up || fail "server died"

step "S3 stopped: retries, then a clear error; the server stays up"
start=$(date +%s%N)
call -X PUT -T "$tmp/hello.txt" "$proxy/1/run1/artifacts/late.txt"
err=$body
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$code" = 503 ] || fail "upload with S3 down: HTTP $code $err"
[ "$(jq -r .error_code <<<"$err")" = TEMPORARILY_UNAVAILABLE ] || fail "error: $err"
grep -q 'unavailable' <<<"$err" || fail "message: $err"
[ "$elapsed_ms" -ge 2500 ] || fail "gave up after $elapsed_ms ms: no backoff?"
grep -q 'retry 4 of 4' "$CAIRN_WORKDIR/server.log" || fail "no retries logged"
call "$proxy/1/run1/artifacts/hello.txt"
[ "$code" = 503 ] || fail "download with S3 down: HTTP $code"
server_up || fail "server died"
stop_cairn
eval "$("$here/../infra/s3.sh" up "$CAIRN_S3_TEST_DIR")"
export MLFLOW_S3_ENDPOINT_URL=$S3_ENDPOINT
[ -z "$(s3_keys mlruns/1/run1/artifacts/mid.bin)" ] || fail "a cut-off upload left an object behind"

step "wrong secret key: a clear error and nothing stored"
good_secret=$AWS_SECRET_ACCESS_KEY
AWS_SECRET_ACCESS_KEY=WRONG start_cairn "$cairn" --artifacts-destination "s3://$S3_BUCKET/denied"
proxy=$CAIRN_URL/api/2.0/mlflow-artifacts/artifacts
call -X PUT -T "$tmp/hello.txt" "$proxy/x/hello.txt"
err=$body
[ "$code" = 403 ] || fail "wrong secret: HTTP $code $err"
[ "$(jq -r .error_code <<<"$err")" = PERMISSION_DENIED ] || fail "wrong secret: $err"
grep -q 'SignatureDoesNotMatch' <<<"$err" || fail "message does not say why: $err"
[ -z "$(s3_keys denied/)" ] || fail "something was stored with a wrong secret"
server_up || fail "server died"
stop_cairn
[ "$AWS_SECRET_ACCESS_KEY" = "$good_secret" ] || fail "test setup: secret leaked"

step "missing bucket: a clear error"
start_cairn "$cairn" --artifacts-destination "s3://no-such-bucket/x"
proxy=$CAIRN_URL/api/2.0/mlflow-artifacts/artifacts
call -X PUT -T "$tmp/hello.txt" "$proxy/x/hello.txt"
err=$body
[ "$(jq -r .error_code <<<"$err")" = INVALID_STATE ] || fail "missing bucket: HTTP $code $err"
grep -q "bucket 'no-such-bucket'" <<<"$err" || fail "missing bucket message: $err"
server_up || fail "server died"
stop_cairn

step "--default-artifact-root s3:// --no-serve-artifacts: clients use S3 directly, the registry copies go there"
start_cairn "$cairn" --default-artifact-root "s3://$S3_BUCKET/direct" --no-serve-artifacts
exp=$(post experiments/create '{"name":"direct"}' | jq -r .experiment_id)
run=$(post runs/create "{\"experiment_id\":\"$exp\"}")
run_id=$(jq -r .run.info.run_id <<<"$run")
artifact_uri=$(jq -r .run.info.artifact_uri <<<"$run")
[[ "$artifact_uri" == "s3://$S3_BUCKET/direct/"* ]] || fail "run artifact uri $artifact_uri"
key=${artifact_uri#s3://$S3_BUCKET/}
s3 -T "$tmp/MLmodel" "$S3_ENDPOINT/$S3_BUCKET/$key/model/MLmodel" -o /dev/null
listed=$(curl -sf "$CAIRN_URL/api/2.0/mlflow/artifacts/list?run_id=$run_id&path=model")
[ "$(jq -c '[.files[].path]' <<<"$listed")" = '["model/MLmodel"]' ] || fail "run artifact listing from S3: $listed"
post registered-models/create '{"name":"direct-model"}' >/dev/null
call -X POST -H 'Content-Type: application/json' "$CAIRN_URL/api/2.0/mlflow/model-versions/create" \
  -d "{\"name\":\"direct-model\",\"source\":\"runs:/$run_id/model\",\"run_id\":\"$run_id\"}"
version=$body
[ "$code" = 200 ] || fail "create version: HTTP $code $version"
s3_keys direct/models/ | grep -q '/MLmodel$' || fail "registry copy not under s3://$S3_BUCKET/direct/models: $(s3_keys direct/)"
stop_cairn
echo "s3 e2e OK"
