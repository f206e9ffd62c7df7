#!/usr/bin/env bash
# A throwaway Kubernetes control plane on loopback for the tests: etcd,
# kube-apiserver (HTTPS, static tokens, RBAC), kube-controller-manager (the
# Job controller and garbage collector) and kube-scheduler, everything under
# DIR, on free ports. There is no kubelet and no container runtime: `up`
# registers one fake Ready node ("cairn-fake-node") so pods get scheduled,
# and tests play kubelet by patching pod status themselves (phase
# Succeeded/Failed, container exit codes).
#
#   tests/infra/k8s.sh up DIR     start; prints `export KUBECONFIG=DIR/kubeconfig`
#   tests/infra/k8s.sh down DIR   stop what `up` started (by pid files)
#
# Binaries: kube-apiserver, kube-controller-manager, kube-scheduler from
# $CAIRN_K8S_BIN (default /tmp/cairn-infra/k8sbin; tests/infra/k8s-build.sh
# builds them from Debian's source package), etcd from apt (etcd-server).
# Exit status 3 when the binaries are missing, so callers can skip.
# Two users: DIR/kubeconfig is an admin (system:masters); DIR/kubeconfig-nobody
# authenticates but has no RBAC rights (for permission-denied tests).
set -euo pipefail
cmd=${1:?usage: k8s.sh up|down DIR}
D=${2:?usage: k8s.sh up|down DIR}
BIN=${CAIRN_K8S_BIN:-/tmp/cairn-infra/k8sbin}

stop_pidfile() {
  [ -f "$1" ] || return 0
  local pid
  pid=$(cat "$1")
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}
if [ "$cmd" = down ]; then
  for p in scheduler controller-manager apiserver etcd; do stop_pidfile "$D/$p.pid"; done
  exit 0
fi
[ "$cmd" = up ] || { echo "usage: k8s.sh up|down DIR" >&2; exit 2; }
for b in kube-apiserver kube-controller-manager kube-scheduler; do
  [ -x "$BIN/$b" ] || { echo "k8s.sh: $BIN/$b not found (build it with tests/infra/k8s-build.sh, or set CAIRN_K8S_BIN)" >&2; exit 3; }
done
command -v etcd >/dev/null || { echo "k8s.sh: etcd not found (apt-get install etcd-server)" >&2; exit 3; }

# A free TCP port on 127.0.0.1 (bind to port 0 and read what the kernel chose).
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

rm -rf "$D"; mkdir -p "$D/pki"; chmod 700 "$D"
openssl genrsa -out "$D/pki/sa.key" 2048 2>/dev/null
openssl rsa -in "$D/pki/sa.key" -pubout -out "$D/pki/sa.pub" 2>/dev/null
token() { head -c16 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
ADMIN=$(token); NOBODY=$(token)
{ echo "$ADMIN,admin,admin,system:masters"; echo "$NOBODY,nobody,nobody"; } > "$D/tokens.csv"

ETCD_PORT=$(free_port); PEER_PORT=$(free_port); API_PORT=$(free_port)
ETCD_UNSUPPORTED_ARCH= etcd --name cairn --data-dir "$D/etcd" \
  --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls "http://127.0.0.1:$PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$PEER_PORT" \
  --initial-cluster "cairn=http://127.0.0.1:$PEER_PORT" > "$D/etcd.log" 2>&1 &
echo $! > "$D/etcd.pid"
"$BIN/kube-apiserver" --etcd-servers="http://127.0.0.1:$ETCD_PORT" --bind-address=127.0.0.1 \
  --advertise-address=127.0.0.1 --secure-port="$API_PORT" --insecure-port=0 --cert-dir="$D/pki" \
  --token-auth-file="$D/tokens.csv" --authorization-mode=RBAC --service-cluster-ip-range=10.0.0.0/24 \
  --service-account-issuer=https://kubernetes.default.svc --service-account-key-file="$D/pki/sa.pub" \
  --service-account-signing-key-file="$D/pki/sa.key" \
  --enable-admission-plugins=NamespaceLifecycle,ServiceAccount > "$D/apiserver.log" 2>&1 &
echo $! > "$D/apiserver.pid"

write_kubeconfig() {  # FILE USER TOKEN
  cat > "$1" <<KC
apiVersion: v1
kind: Config
clusters: [ { name: cairn-test, cluster: { server: "https://127.0.0.1:$API_PORT", insecure-skip-tls-verify: true } } ]
users: [ { name: $2, user: { token: "$3" } } ]
contexts: [ { name: cairn-test, context: { cluster: cairn-test, user: $2, namespace: default } } ]
current-context: cairn-test
KC
}
write_kubeconfig "$D/kubeconfig" admin "$ADMIN"
write_kubeconfig "$D/kubeconfig-nobody" nobody "$NOBODY"

api() {  # METHOD PATH [BODY [CONTENT-TYPE]]
  curl -skf -X "$1" -H "Authorization: Bearer $ADMIN" -H "Content-Type: ${4:-application/json}" \
    ${3:+--data "$3"} "https://127.0.0.1:$API_PORT$2"
}
ready=
for _ in $(seq 600); do api GET /readyz >/dev/null 2>&1 && { ready=1; break; }; sleep 0.1; done
[ -n "$ready" ] || { echo "k8s.sh: kube-apiserver did not become ready; see $D/apiserver.log" >&2; tail -20 "$D/apiserver.log" >&2; exit 1; }

# --secure-port=0: no serving endpoints (nothing probes them), no ports to pick.
"$BIN/kube-controller-manager" --kubeconfig="$D/kubeconfig" --leader-elect=false --port=0 --secure-port=0 \
  --service-account-private-key-file="$D/pki/sa.key" --use-service-account-credentials=false \
  --controllers='*,-nodeipam,-nodelifecycle' > "$D/controller-manager.log" 2>&1 &
echo $! > "$D/controller-manager.pid"
"$BIN/kube-scheduler" --kubeconfig="$D/kubeconfig" --leader-elect=false --port=0 --secure-port=0 \
  > "$D/scheduler.log" 2>&1 &
echo $! > "$D/scheduler.pid"

# The fake node: Ready with room for test pods (GPUs included), labelled for
# node-selector tests, without the not-ready taint it is created with.
api POST /api/v1/nodes '{"apiVersion":"v1","kind":"Node","metadata":{"name":"cairn-fake-node","labels":{"kubernetes.io/hostname":"cairn-fake-node","cairn.dev/pool":"test"}}}' >/dev/null
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
api PATCH /api/v1/nodes/cairn-fake-node/status "{\"status\":{\"capacity\":{\"cpu\":\"16\",\"memory\":\"64Gi\",\"pods\":\"500\",\"nvidia.com/gpu\":\"4\"},\"allocatable\":{\"cpu\":\"16\",\"memory\":\"64Gi\",\"pods\":\"500\",\"nvidia.com/gpu\":\"4\"},\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"reason\":\"KubeletReady\",\"message\":\"fake\",\"lastHeartbeatTime\":\"$now\",\"lastTransitionTime\":\"$now\"}]}}" application/merge-patch+json >/dev/null
api PATCH /api/v1/nodes/cairn-fake-node '{"spec":{"taints":null}}' application/merge-patch+json >/dev/null
# The namespace's default service account (the ServiceAccount admission plugin
# refuses pods until the token controller created it).
for _ in $(seq 300); do api GET /api/v1/namespaces/default/serviceaccounts/default >/dev/null 2>&1 && break; sleep 0.1; done
echo "export KUBECONFIG=$D/kubeconfig"
