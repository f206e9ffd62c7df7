#!/usr/bin/env bash
# Builds kube-apiserver, kube-controller-manager and kube-scheduler v1.20.2 from Debian bookworm's
# 'kubernetes' source package (it ships the full tree with vendor/; Debian itself only builds kubectl
# from it), with Go from apt. The binaries land in $OUT (default /tmp/cairn-infra/k8sbin), which is
# where tests/infra/k8s.sh looks for them (env CAIRN_K8S_BIN). Too slow for CI (~8 min on 2 cores):
# the k8s integration test skips its API-server cases when the binaries are missing.
# Needs root (apt) and a bookworm mirror; a private apt config keeps the system's sources untouched.
set -euo pipefail
W=${W:-/tmp/cairn-infra}; OUT=${OUT:-$W/k8sbin}
export DEBIAN_FRONTEND=noninteractive
# etcd-server: the API server's store when tests/infra/k8s.sh starts it.
apt-get install -y --no-install-recommends golang-go golang-github-modern-go-reflect2-dev dpkg-dev rsync etcd-server >/dev/null
mkdir -p "$W/aptsrc/lists/partial" "$W/aptsrc/cache/archives/partial" "$W/k8ssrc" "$OUT"
# The same mirror as the system's Debian source list, as a deb-src line.
MIRROR=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
[ -n "$MIRROR" ] || MIRROR=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list)
echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR bookworm main" > "$W/aptsrc/sources.list"
O="-o Dir::Etc::sourcelist=$W/aptsrc/sources.list -o Dir::Etc::sourceparts=- -o Dir::State::Lists=$W/aptsrc/lists -o Dir::Cache=$W/aptsrc/cache"
apt-get $O update >/dev/null
cd "$W/k8ssrc"; [ -d kubernetes-1.20.5+really1.20.2 ] || apt-get $O source kubernetes >/dev/null
cd kubernetes-1.20.5+really1.20.2
# k8s 1.20 vendors reflect2 v1.0.1, which crashes under Go >= 1.18 (json-iterator map iteration, first
# hit when serving CRDs); Debian's packaged reflect2 is the fixed version, so it replaces the vendored one.
V=vendor/github.com/modern-go/reflect2; rm -f $V/*.go $V/*.s
cp /usr/share/gocode/src/github.com/modern-go/reflect2/*.go /usr/share/gocode/src/github.com/modern-go/reflect2/*.s $V/
export CGO_ENABLED=0 HOME=$W/gohome GOCACHE=${GOCACHE:-$W/gocache}; mkdir -p "$HOME"
make WHAT="cmd/kube-apiserver cmd/kube-controller-manager cmd/kube-scheduler"   # GOPATH mode + openapi-gen
cp _output/bin/kube-apiserver _output/bin/kube-controller-manager _output/bin/kube-scheduler "$OUT/"
echo "k8s binaries in $OUT"
