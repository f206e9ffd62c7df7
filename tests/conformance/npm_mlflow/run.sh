#!/usr/bin/env bash
# Conformance: the npm `mlflow` client runs a scripted workflow against a real
# cairn server. Usage: run.sh <path-to-cairn-binary>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../lib/cairn_server.sh"
if [ ! -d "$here/node_modules/mlflow" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi
start_cairn "$1"
node "$here/workflow.js" "$CAIRN_URL"
