#!/usr/bin/env bash
# ctest ui_e2e: starts the real cairn binary on a free port with a temp data
# dir, fills it through the REST API and drives the dashboard in Debian's
# chromium. Usage: run.sh <cairn-binary> <screenshot-dir>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/cairn_server.sh"
binary=$(realpath "$1")
out=${2:-$PWD/e2e-screenshots}
if [ ! -d "$here/../../web/node_modules/playwright-core" ]; then
  echo "web/node_modules is missing: build the UI first (cmake --build, or npm ci in web/)" >&2
  exit 1
fi
rm -rf "$out"
start_cairn "$binary"
node "$here/e2e.mjs" "$CAIRN_URL" "$out"
echo "screenshots: $out"
