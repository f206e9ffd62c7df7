#!/usr/bin/env bash
# Configures and builds cairn (release preset, ccache when available).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset release >/dev/null
cmake --build --preset release -j "${CAIRN_BUILD_JOBS:-$(nproc)}"
