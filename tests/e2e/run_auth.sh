#!/usr/bin/env bash
# ctest ui_e2e_auth: the login flow and the Account page in Debian's
# chromium against the real cairn binary started with --auth
# (tests/e2e/auth_e2e.mjs).
# Usage: run_auth.sh <cairn-binary> <screenshot-dir>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/cairn_server.sh"
binary=$(realpath "$1")
out=${2:-$PWD/e2e-auth-screenshots}
if [ ! -d "$here/../../web/node_modules/playwright-core" ]; then
  echo "web/node_modules is missing: build the UI first (cmake --build, or npm ci in web/)" >&2
  exit 1
fi
rm -rf "$out"
# A fresh random admin password for this run, given as the environment
# variable the server documents (never a flag: command lines are public).
password="e2e-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
CAIRN_AUTH_ADMIN_PASSWORD=$password start_cairn "$binary" --auth --auth-admin-user admin
node "$here/auth_e2e.mjs" "$CAIRN_URL" "$out" admin "$password"
echo "screenshots: $out"
