#!/usr/bin/env bash
# Sets everything up and runs cairn on its embedded default:
# http://127.0.0.1:5000, sqlite:///./cairn-data/cairn.db, ./cairn-data/artifacts.
# Extra arguments go to `cairn server` (see `cairn server --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
exec ./build/release/src/cairn server "$@"
