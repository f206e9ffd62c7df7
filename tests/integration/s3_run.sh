#!/usr/bin/env bash
# Runs the S3 artifact store suite against a real S3 server that verifies
# SigV4 signatures (@20minutes/s3rver via tests/infra/s3.sh), started for this
# run on loopback and stopped afterwards: the npm `mlflow` conformance
# workflow on an S3 destination, then s3_proxy_e2e.sh.
#   s3_run.sh CAIRN_BINARY          (CAIRN_S3_TRACE=1 traces the e2e script)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cairn=${1:?usage: s3_run.sh CAIRN_BINARY}
dir=$(mktemp -d /tmp/cairn-s3-test.XXXXXX)
cleanup() { "$here/../infra/s3.sh" down "$dir/s3" || true; rm -rf "$dir"; }
trap cleanup EXIT
mkdir -p "$dir/s3"
vars=$("$here/../infra/s3.sh" up "$dir/s3")
eval "$vars"
export S3_ENDPOINT S3_BUCKET AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_REGION
export CAIRN_S3_TEST_DIR="$dir/s3"
export MLFLOW_S3_ENDPOINT_URL=$S3_ENDPOINT
# A client nobody here wrote (the npm `mlflow` package) against a server whose
# proxied artifacts live in S3.
CAIRN_ARTIFACTS_DESTINATION="s3://$S3_BUCKET/npm-mlflow" "$here/../conformance/npm_mlflow/run.sh" "$cairn"
${CAIRN_S3_TRACE:+bash -x} "$here/s3_proxy_e2e.sh" "$cairn"
