#!/usr/bin/env bash
# Installs everything cairn needs to build and test on Debian 12 (run as
# root). Safe to run again: apt and npm skip what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  build-essential g++ cmake ninja-build pkg-config ccache git curl ca-certificates
  libboost-dev libsimdjson-dev libcli11-dev rapidjson-dev libfmt-dev
  libsqlite3-dev sqlite3 libcurl4-openssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libyaml-cpp-dev
  libeigen3-dev
  libxgboost-dev libopencv-dnn-dev
  slurm-wlm munge
  clang libclang-rt-14-dev
  chromium
  libpq-dev postgresql-15 nginx-light
  libargon2-dev libssl-dev openssl
)
# libpq-dev, postgresql-15: the PostgreSQL store and its tests, which start a
# throwaway cluster of their own (tests/infra/postgres.sh). nginx-light: the
# load balancer in front of several server replicas in the scale-out test.
# libargon2-dev: password hashing (argon2id) for --auth. libssl-dev: TLS.
# libeigen3-dev: the Gaussian-process suggester (src/tuning). libxgboost-dev,
# libopencv-dnn-dev: the XGBoost and ONNX model backends (src/serving).
# slurm-wlm, munge: the Slurm executor's tests start a one-node cluster of
# their own (tests/infra/slurm.sh); nothing is started by the install.
# clang, libclang-rt-14-dev: the libFuzzer targets (fuzz/run.sh, ctest fuzz_smoke).
# chromium: the web dashboard's browser test (ctest ui_e2e) drives Debian's
# build through playwright-core; no browser is downloaded.
# Node.js runs the real-client conformance tests (npm `mlflow`). Keep a
# newer Node if the machine has one; Debian's nodejs+npm otherwise.
command -v node >/dev/null 2>&1 || APT_PACKAGES+=(nodejs)
command -v npm >/dev/null 2>&1 || APT_PACKAGES+=(npm)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm packages of the conformance suite, pinned by its package-lock.json.
if [ -f tests/conformance/npm_mlflow/package-lock.json ]; then
  (cd tests/conformance/npm_mlflow && npm ci --no-audit --no-fund --loglevel=error)
fi
# The S3 server of the S3 artifact store tests (tests/infra/s3.sh), pinned by
# its package-lock.json. npm warns that it wants node>=24; it runs on Node 20.
if [ -f tests/infra/s3/package-lock.json ]; then
  (cd tests/infra/s3 && npm ci --no-audit --no-fund --loglevel=error)
fi
# The Argo Workflow JSON schema (and js-yaml) that validates `cairn pipelines
# export --format argo` (tests/infra/argo), pinned by its package-lock.json.
if [ -f tests/infra/argo/package-lock.json ]; then
  (cd tests/infra/argo && npm ci --no-audit --no-fund --loglevel=error)
fi

# The web dashboard's toolchain (vite, vitest, playwright-core), pinned by
# web/package-lock.json. The CMake build runs the same `npm ci` when the lock
# file is newer than web/node_modules; doing it here only moves the wait.
if [ -f web/package-lock.json ] && [ ! web/node_modules/.package-lock.json -nt web/package-lock.json ]; then
  (cd web && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
fi
