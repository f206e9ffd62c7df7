#!/usr/bin/env bash
# ctest tls: the real cairn binary over HTTPS. Certificates are made here
# with the openssl CLI (a self-signed one, a second key, an expired one) in
# a temp dir. Checks the startup errors for bad files, curl --cacert, the
# npm `mlflow` client (NODE_EXTRA_CA_CERTS), the CLI's trust flags and
# variables, `cairn serve` over TLS fetching its model from the HTTPS
# tracking server, then hostile clients (hostile.mjs).
# Usage: run.sh <cairn-binary>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../lib/cairn_server.sh"
binary=$(realpath "$1")
npm_client="$here/../../conformance/npm_mlflow"
work=$(mktemp -d -t cairn-tls.XXXXXX)
serve_pid=
cleanup() {
  if [ -n "$serve_pid" ]; then
    kill "$serve_pid" 2>/dev/null || true
    wait "$serve_pid" 2>/dev/null || true
  fi
  stop_cairn
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  [ -n "${CAIRN_WORKDIR:-}" ] && tail -n 20 "$CAIRN_WORKDIR/server.log" >&2
  exit 1
}
ok() { echo "ok  $*"; }

# --- certificates -------------------------------------------------------------
make_self_signed() { # name
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$work/$1-key.pem" -out "$work/$1-cert.pem" 2>/dev/null
}
make_self_signed server
make_self_signed other
# Expired: `openssl req` takes no past dates, `openssl ca` does.
mkdir "$work/ca" && : >"$work/ca/index.txt" && echo 01 >"$work/ca/serial"
printf '[ca]\ndefault_ca=d\n[d]\ndatabase=%s\nnew_certs_dir=%s\nserial=%s\ndefault_md=sha256\npolicy=p\n[p]\ncommonName=supplied\n' \
  "$work/ca/index.txt" "$work/ca" "$work/ca/serial" >"$work/ca.cnf"
openssl req -new -key "$work/server-key.pem" -subj /CN=localhost -out "$work/old.csr"
openssl ca -config "$work/ca.cnf" -batch -selfsign -keyfile "$work/server-key.pem" -in "$work/old.csr" \
  -startdate 20200101000000Z -enddate 20200102000000Z -out "$work/expired-cert.pem" 2>/dev/null
printf 'not a certificate\n' >"$work/garbage.pem"
cert="$work/server-cert.pem"
key="$work/server-key.pem"

# --- startup errors -----------------------------------------------------------
expect_start_error() { # expected-text flags...
  local want=$1 out status=0
  shift
  out=$(cd "$work" && timeout 20 "$binary" server --port 0 "$@" 2>&1) || status=$?
  [ "$status" = 1 ] || fail "expected exit 1 for $*, got $status: $out"
  grep -qF -- "$want" <<<"$out" || fail "expected '$want' for $*, got: $out"
  ok "refuses to start: $want"
}
expect_start_error "--tls-cert and --tls-key go together" --tls-cert "$cert"
expect_start_error "--tls-cert and --tls-key go together" --tls-key "$key"
expect_start_error "--tls-cert '$work/missing.pem' cannot be read" --tls-cert "$work/missing.pem" --tls-key "$key"
expect_start_error "--tls-key '$work/missing.pem' cannot be read" --tls-cert "$cert" --tls-key "$work/missing.pem"
expect_start_error "is not a PEM certificate" --tls-cert "$work/garbage.pem" --tls-key "$key"
expect_start_error "is not an unencrypted PEM private key" --tls-cert "$cert" --tls-key "$work/garbage.pem"
expect_start_error "does not belong to the certificate" --tls-cert "$cert" --tls-key "$work/other-key.pem"
expect_start_error "expired on 2020-01-02 00:00:00 UTC" --tls-cert "$work/expired-cert.pem" --tls-key "$key"

# --- the HTTPS server ----------------------------------------------------------
handshake_timeout=4
start_cairn "$binary" --tls-cert "$cert" --tls-key "$key" --workers 2 --tls-handshake-timeout "$handshake_timeout"
trap cleanup EXIT
case "$CAIRN_URL" in https://127.0.0.1:*) ;; *) fail "the server did not announce an https URL: $CAIRN_URL" ;; esac
port=${CAIRN_URL##*:}
ok "listening on $CAIRN_URL"

[ "$(curl -sS --cacert "$cert" -o /dev/null -w '%{http_code}' "$CAIRN_URL/health")" = 200 ] || fail "GET /health over https"
[ "$(curl -sS --cacert "$cert" -o /dev/null -w '%{http_code}' "https://localhost:$port/health")" = 200 ] ||
  fail "GET /health by host name"
status=0
curl -sS -o /dev/null "$CAIRN_URL/health" 2>/dev/null || status=$?
[ "$status" = 60 ] || fail "curl without --cacert should fail verification (60), got $status"
created=$(curl -sS --cacert "$cert" -H 'Content-Type: application/json' -d '{"name":"over-tls"}' \
  "$CAIRN_URL/api/2.0/mlflow/experiments/create")
grep -q '"experiment_id"' <<<"$created" || fail "experiments/create over https: $created"
ok "curl --cacert: GET and POST over https; untrusted without the CA"

# --- the npm mlflow client ------------------------------------------------------
if [ ! -d "$npm_client/node_modules/mlflow" ]; then
  (cd "$npm_client" && npm ci --no-audit --no-fund --loglevel=error)
fi
NODE_EXTRA_CA_CERTS="$cert" node "$npm_client/workflow.js" "$CAIRN_URL" >/dev/null || fail "npm mlflow workflow over https"
ok "npm mlflow workflow over https (NODE_EXTRA_CA_CERTS)"

# --- the cairn CLI ----------------------------------------------------------------
cli() { env -u MLFLOW_TRACKING_URI -u CAIRN_CA_CERT -u CURL_CA_BUNDLE -u MLFLOW_TRACKING_SERVER_CERT_PATH \
  -u MLFLOW_TRACKING_INSECURE_TLS "$@"; }
out=$(cli "$binary" experiments list --tracking-uri "$CAIRN_URL" 2>&1) && fail "CLI trusted an unknown certificate: $out"
grep -q -- "--ca-cert" <<<"$out" || fail "the CLI's certificate error does not say what to do: $out"
cli "$binary" experiments list --tracking-uri "$CAIRN_URL" --ca-cert "$cert" | grep -q over-tls || fail "CLI --ca-cert"
cli CAIRN_CA_CERT="$cert" "$binary" experiments list --tracking-uri "$CAIRN_URL" | grep -q over-tls ||
  fail "CLI with CAIRN_CA_CERT"
cli MLFLOW_TRACKING_SERVER_CERT_PATH="$cert" "$binary" experiments list --tracking-uri "$CAIRN_URL" |
  grep -q over-tls || fail "CLI with MLFLOW_TRACKING_SERVER_CERT_PATH"
cli CURL_CA_BUNDLE="$cert" "$binary" experiments list --tracking-uri "$CAIRN_URL" | grep -q over-tls ||
  fail "CLI with CURL_CA_BUNDLE"
cli "$binary" experiments list --tracking-uri "$CAIRN_URL" --insecure-tls | grep -q over-tls ||
  fail "CLI --insecure-tls"
# The explicit CA wins over the variables: a wrong one there must fail.
out=$(cli CURL_CA_BUNDLE="$cert" "$binary" experiments list --tracking-uri "$CAIRN_URL" \
  --ca-cert "$work/other-cert.pem" 2>&1) && fail "CLI trusted a server with --ca-cert naming another CA: $out"
cli MLFLOW_TRACKING_INSECURE_TLS=true "$binary" experiments list --tracking-uri "$CAIRN_URL" | grep -q over-tls ||
  fail "CLI with MLFLOW_TRACKING_INSECURE_TLS=true"
ok "CLI over https: refused without trust; --ca-cert, CAIRN_CA_CERT, MLFLOW_TRACKING_SERVER_CERT_PATH, CURL_CA_BUNDLE, --insecure-tls, MLFLOW_TRACKING_INSECURE_TLS"

# --- cairn serve: TLS listener, model fetched from the https tracking server --------
api() { curl -sS --cacert "$cert" -H 'Content-Type: application/json' -d "$2" "$CAIRN_URL/api/2.0/mlflow/$1"; }
jget() { node -e 'let v=JSON.parse(process.argv[1]);for(const k of process.argv[2].split("."))v=v[k];process.stdout.write(String(v))' "$1" "$2"; }
exp_id=$(jget "$created" experiment_id)
run=$(api runs/create "{\"experiment_id\":\"$exp_id\"}")
run_id=$(jget "$run" run.info.run_id)
artifact_path=$(jget "$run" run.info.artifact_uri)
artifact_path=${artifact_path#mlflow-artifacts:/}
for f in MLmodel model.json; do
  curl -sS --cacert "$cert" -f -o /dev/null -X PUT --data-binary "@$here/../../conformance/inference_curl/model/$f" \
    "$CAIRN_URL/api/2.0/mlflow-artifacts/artifacts/$artifact_path/model/$f" || fail "upload $f"
done
api registered-models/create '{"name":"tls-model"}' >/dev/null
api model-versions/create "{\"name\":\"tls-model\",\"source\":\"runs:/$run_id/model\"}" | grep -q '"version"' ||
  fail "model-versions/create"
api registered-models/alias '{"name":"tls-model","alias":"champion","version":"1"}' >/dev/null
# Not through cli(): a function in the background is a subshell, and $! would
# be its PID rather than the server's.
env -u MLFLOW_TRACKING_URI -u CAIRN_CA_CERT -u CURL_CA_BUNDLE -u MLFLOW_TRACKING_SERVER_CERT_PATH \
  -u MLFLOW_TRACKING_INSECURE_TLS \
  "$binary" serve models:/tls-model@champion --port 0 --tracking-uri "$CAIRN_URL" --ca-cert "$cert" \
  --tls-cert "$cert" --tls-key "$key" >"$work/serve.log" 2>&1 &
serve_pid=$!
for _ in $(seq 1 300); do
  grep -q "is ready" "$work/serve.log" && break
  kill -0 "$serve_pid" 2>/dev/null || fail "cairn serve exited: $(cat "$work/serve.log")"
  sleep 0.1
done
grep -q "is ready" "$work/serve.log" || fail "cairn serve did not load the model: $(cat "$work/serve.log")"
serve_url=$(grep -o 'listening on https://[0-9.]*:[0-9]*' "$work/serve.log" | sed 's/listening on //')
[ -n "$serve_url" ] || fail "cairn serve did not announce an https URL: $(cat "$work/serve.log")"
reply=$(curl -sS --cacert "$cert" -H 'Content-Type: application/json' \
  -d '{"instances":[[0.1,0.9,0.2,0.3]]}' "$serve_url/v1/models/tls-model:predict")
grep -q '"predictions"' <<<"$reply" || fail "predict over https: $reply"
kill "$serve_pid" && wait "$serve_pid" 2>/dev/null || true
serve_pid=
ok "cairn serve over https, model fetched over https with --ca-cert"

# --- hostile clients ----------------------------------------------------------------
node "$here/hostile.mjs" "$port" "$cert" "$handshake_timeout" || fail "hostile TLS clients"
kill -0 "$CAIRN_PID" || fail "the server died"

# --- with --auth: the UI session cookie is Secure under TLS --------------------------
stop_cairn
CAIRN_AUTH_ADMIN_PASSWORD=tls-admin-pw start_cairn "$binary" --tls-cert "$cert" --tls-key "$key" --auth
trap cleanup EXIT
headers=$(curl -sS --cacert "$cert" -D - -o /dev/null -H 'Content-Type: application/json' \
  -d '{"username":"admin","password":"tls-admin-pw"}' "$CAIRN_URL/api/2.0/cairn/auth/login")
cookie=$(grep -i '^set-cookie: cairn_session=' <<<"$headers" | tr -d '\r') || fail "no session cookie: $headers"
for attribute in Secure HttpOnly SameSite=Strict; do
  grep -qi "; *$attribute" <<<"$cookie" || fail "the session cookie lacks $attribute: $cookie"
done
ok "with --auth over TLS the session cookie is Secure, HttpOnly, SameSite=Strict"
echo "tls: all checks passed"
