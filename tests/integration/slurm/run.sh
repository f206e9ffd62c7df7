#!/usr/bin/env bash
# Runs the Slurm suite against a real single-node cluster (slurmctld +
# slurmd + munged, tests/infra/slurm.sh) started for this run on loopback and
# stopped afterwards.
#   run.sh TEST_BINARY CAIRN_BINARY
# Runs the executor/scheduler suite (TEST_BINARY), then server_e2e.sh with the
# real `cairn` binary.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
binary=${1:?usage: run.sh TEST_BINARY CAIRN_BINARY}
cairn=${2:?usage: run.sh TEST_BINARY CAIRN_BINARY}
dir=$(mktemp -d /tmp/cairn-slurm-test.XXXXXX)
cleanup() { "$here/../../infra/slurm.sh" down "$dir/cluster" || true; rm -rf "$dir" || true; }
trap cleanup EXIT
eval "$("$here/../../infra/slurm.sh" up "$dir/cluster")"
export SLURM_CONF CAIRN_SLURM_TEST_DIR="$dir/work"
mkdir -p "$CAIRN_SLURM_TEST_DIR"
"$binary"
"$here/server_e2e.sh" "$cairn"
