#!/usr/bin/env bash
# A throwaway S3 server for tests: @20minutes/s3rver (verifies SigV4
# signatures, so a wrong secret gets 403) on 127.0.0.1 with a free port, data
# under DIR. Installed by scripts/install-deps.sh (tests/infra/s3/, npm ci).
#   s3.sh up DIR     starts it; prints shell assignments to eval:
#                    S3_ENDPOINT, S3_BUCKET, AWS_ACCESS_KEY_ID,
#                    AWS_SECRET_ACCESS_KEY, AWS_REGION, S3_PID
#   s3.sh down DIR   stops it
# Credentials are s3rver's fixed S3RVER/S3RVER; the bucket "artifacts" exists.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cmd=${1:?usage: s3.sh up|down DIR}
dir=${2:?usage: s3.sh up|down DIR}
case "$cmd" in
  up)
    if [ ! -d "$here/s3/node_modules/@20minutes/s3rver" ]; then
      echo "s3.sh: @20minutes/s3rver is not installed; run scripts/install-deps.sh" >&2
      exit 1
    fi
    mkdir -p "$dir/data"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    # --openssl-legacy-provider: s3rver makes ListObjectsV2 continuation tokens
    # with DES, which Node 20's OpenSSL 3 only has in the legacy provider
    # (without it every listing of more than one page answers 500).
    node --openssl-legacy-provider "$here/s3/run-s3rver.cjs" "$dir/data" "$port" artifacts > "$dir/s3.log" 2>&1 &
    echo $! > "$dir/s3.pid"
    for _ in $(seq 200); do
      grep -q ready "$dir/s3.log" 2>/dev/null && break
      kill -0 "$(cat "$dir/s3.pid")" 2>/dev/null || { cat "$dir/s3.log" >&2; exit 1; }
      sleep 0.05
    done
    grep -q ready "$dir/s3.log" || { echo "s3.sh: s3rver did not start" >&2; cat "$dir/s3.log" >&2; exit 1; }
    echo "$port" > "$dir/s3.port"
    cat <<VARS
S3_ENDPOINT=http://127.0.0.1:$port
S3_BUCKET=artifacts
AWS_ACCESS_KEY_ID=S3RVER
AWS_SECRET_ACCESS_KEY=S3RVER
AWS_REGION=us-east-1
S3_PID=$(cat "$dir/s3.pid")
VARS
    ;;
  down)
    if [ -f "$dir/s3.pid" ]; then
      pid=$(cat "$dir/s3.pid")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
      kill -9 "$pid" 2>/dev/null || true
      rm -f "$dir/s3.pid"
    fi
    ;;
  *) echo "usage: s3.sh up|down DIR" >&2; exit 2 ;;
esac
