#!/usr/bin/env bash
# A throwaway single-node Slurm cluster on loopback for the tests, as root,
# without systemd or cgroups: munged with its own key and socket, slurmctld
# and slurmd, everything under DIR. Daemons listen on 127.0.0.1 only
# (CommunicationParameters=NoCtldInAddrAny,NoInAddrAny).
#
#   tests/infra/slurm.sh up DIR     start; prints `export SLURM_CONF=DIR/slurm.conf`
#   tests/infra/slurm.sh down DIR   stop what `up` started (by pid files)
#
# Needs Debian's slurm-wlm and munge (scripts/install-deps.sh installs them).
# No accounting daemon: finished jobs stay visible to squeue for MinJobAge.
set -euo pipefail
cmd=${1:?usage: slurm.sh up|down DIR}
D=${2:?usage: slurm.sh up|down DIR}

# Stops the daemon named by a pid file and waits (up to 10 s) until it is
# gone, so the caller can remove its directory.
stop_pidfile() {
  [ -f "$1" ] || return 0
  local pid
  pid=$(cat "$1")
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}
if [ "$cmd" = down ]; then
  stop_pidfile "$D/slurmd.pid"; stop_pidfile "$D/slurmctld.pid"; stop_pidfile "$D/munged.pid"
  exit 0
fi
[ "$cmd" = up ] || { echo "usage: slurm.sh up|down DIR" >&2; exit 2; }
for tool in slurmctld slurmd munged sbatch; do
  command -v "$tool" >/dev/null || { echo "slurm.sh: $tool not found (apt-get install slurm-wlm munge)" >&2; exit 1; }
done

rm -rf "$D"; mkdir -p "$D"/{state,spool,log}; chmod 700 "$D"
dd if=/dev/urandom of="$D/munge.key" bs=1024 count=1 status=none; chmod 400 "$D/munge.key"
# --force: munged refuses to run as root otherwise.
munged --force --key-file="$D/munge.key" --socket="$D/munge.sock" --pid-file="$D/munged.pid" \
       --log-file="$D/log/munged.log" --seed-file="$D/munged.seed"

# Ports: a free pair below the ephemeral range (32768+, where outgoing
# connections take theirs), so parallel test runs on one machine do not clash.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# Writes slurm.conf, starts slurmctld and slurmd and waits until the node is
# idle; fails (daemons stopped) when it does not get there.
start_cluster() {
  for _ in $(seq 50); do
    port=$(( 20000 + RANDOM % 12000 ))
    port_free "$port" && port_free $((port + 1)) && break
  done
  CPUS=$(nproc); MEM=$(( $(awk '/MemTotal/{print $2}' /proc/meminfo) / 1024 - 1024 ))
  cat > "$D/slurm.conf" <<CONF
ClusterName=cairn-test
SlurmctldHost=localhost(127.0.0.1)
CommunicationParameters=NoCtldInAddrAny,NoInAddrAny
AuthType=auth/munge
AuthInfo=socket=$D/munge.sock
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$port
SlurmdPort=$((port + 1))
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool/%n
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.pid
SlurmctldLogFile=$D/log/slurmctld.log
SlurmdLogFile=$D/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MinJobAge=300
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
KillWait=2
MaxArraySize=1001
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEM State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
CONF
  export SLURM_CONF=$D/slurm.conf
  slurmctld -c -f "$D/slurm.conf"   # -c: no state from an earlier cluster
  slurmd -f "$D/slurm.conf" -N localhost
  st=""
  deadline=$(( $(date +%s) + 60 ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    # A controller that died (a port taken after all) will not come back:
    # say so now instead of waiting out the deadline.
    sleep 0.2
    ctld=$(cat "$D/slurmctld.pid" 2>/dev/null || true)
    if [ -z "$ctld" ] || ! kill -0 "$ctld" 2>/dev/null; then
      grep -q fatal "$D/log/slurmctld.log" 2>/dev/null && break
      continue
    fi
    st=$(timeout 5 sinfo -h -n localhost -o %T 2>/dev/null || true)
    [ "$st" = idle ] && break
  done
  [ "$st" = idle ] && return 0
  stop_pidfile "$D/slurmd.pid"; stop_pidfile "$D/slurmctld.pid"
  return 1
}

# Another process may take a port between the check and the bind: then
# try again on another pair.
for attempt in 1 2 3; do
  if start_cluster; then
    echo "export SLURM_CONF=$D/slurm.conf"
    exit 0
  fi
  echo "slurm.sh: attempt $attempt: the node did not come up" >&2
  tail -n 5 "$D"/log/slurmctld.log >&2 || true
  rm -f "$D"/log/slurm*.log "$D/slurmctld.pid" "$D/slurmd.pid"
done
tail -n 20 "$D"/log/*.log >&2
exit 1
