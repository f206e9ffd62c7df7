#!/usr/bin/env bash
# Runs the Kubernetes suite against a real kube-apiserver, Job controller and
# scheduler (tests/infra/k8s.sh) started for this run on loopback and stopped
# afterwards:
#   run.sh TEST_BINARY CAIRN_BINARY
# the executor suite (TEST_BINARY), then server_e2e.sh with the real `cairn`.
# The API server binaries are built from source (tests/infra/k8s-build.sh,
# ~8 min) and CI does not build them: without them this exits 77, which
# ctest reports as skipped, after saying so.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
binary=${1:?usage: run.sh TEST_BINARY CAIRN_BINARY}
cairn=${2:?usage: run.sh TEST_BINARY CAIRN_BINARY}
bin=${CAIRN_K8S_BIN:-/tmp/cairn-infra/k8sbin}
if [ ! -x "$bin/kube-apiserver" ] || ! command -v etcd >/dev/null; then
  echo "SKIPPED: no kube-apiserver in $bin (or no etcd): the Kubernetes executor cases against a real API server"
  echo "         (executor suite and cairn server --pipelines-executor kubernetes) did not run."
  echo "         Build the binaries with tests/infra/k8s-build.sh (or set CAIRN_K8S_BIN) to run them."
  echo "         The manifest, kubeconfig, error-mapping and Argo export tests run in other suites regardless."
  exit 77
fi
dir=$(mktemp -d /tmp/cairn-k8s-test.XXXXXX)
cleanup() { "$here/../../infra/k8s.sh" down "$dir/cluster" || true; rm -rf "$dir" || true; }
trap cleanup EXIT
if ! out=$("$here/../../infra/k8s.sh" up "$dir/cluster" 2>&1); then
  echo "$out" >&2
  exit 1
fi
eval "$out"
export CAIRN_K8S_KUBECONFIG=$KUBECONFIG CAIRN_K8S_KUBECONFIG_NOBODY=$dir/cluster/kubeconfig-nobody
export CAIRN_K8S_TEST_DIR=$dir/work
mkdir -p "$CAIRN_K8S_TEST_DIR"
"$binary"
"$here/server_e2e.sh" "$cairn"
