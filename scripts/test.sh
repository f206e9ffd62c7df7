#!/usr/bin/env bash
# Sets everything up and runs the whole test suite: unit, contract,
# integration (the real server over HTTP) and conformance (real clients).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
cd build/release
ctest --output-on-failure --timeout 600 -j "${CAIRN_TEST_JOBS:-2}"
