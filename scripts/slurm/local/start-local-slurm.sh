#!/usr/bin/env bash
# Starts a single-node Slurm on this machine for the Slurm end-to-end test (tests/NeuralSpin.Tests/Slurm) and for
# trying the sbatch scripts of scripts/slurm/ without a cluster: munged, slurmctld and slurmd on localhost, run as
# root, with a minimal slurm.conf (proctrack/linuxproc, task/none, select/cons_tres, no accounting) in its own
# directory, so that no system-wide Slurm configuration is touched. Installs Debian's slurmctld, slurmd,
# slurm-client and munge with apt-get when they are missing. Waits until sinfo shows the node idle.
#
#   scripts/slurm/local/start-local-slurm.sh        # then: export SLURM_CONF=/var/tmp/neuralspin-slurm/slurm.conf
#   scripts/slurm/local/stop-local-slurm.sh
#
# NEURALSPIN_SLURM_DIR (default /var/tmp/neuralspin-slurm) holds slurm.conf, the state, spool and pid files and the
# daemons' logs (log/slurmctld.log, log/slurmd.log; munged logs to /var/log/munge/munged.log). On failure the logs are printed and the
# script exits 1. Running it again while the daemons are up only checks that the node is idle.
set -euo pipefail

base="${NEURALSPIN_SLURM_DIR:-/var/tmp/neuralspin-slurm}"
conf="$base/slurm.conf"
log="$base/log"
timeout_s="${NEURALSPIN_SLURM_START_TIMEOUT:-90}"
export SLURM_CONF="$conf"

say() { echo "start-local-slurm: $*"; }

show_logs() {
  for f in "$log"/slurmctld.log "$log"/slurmd.log /var/log/munge/munged.log "$base"/apt.log; do
    [ -f "$f" ] || continue
    echo "---- last lines of $f ----"
    tail -n 40 "$f"
  done
}

fail() {
  echo "start-local-slurm: error: $*" >&2
  show_logs >&2
  exit 1
}

[ "$(id -u)" -eq 0 ] || fail "run as root (the daemons run as root and apt-get installs the packages)"

# the process of a pid file is alive and is that daemon (not another process that reuses a stale pid)
# (and not a killed one that is not reaped yet)
alive() {
  local pid; pid="$(cat "$1" 2>/dev/null)" && [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$2" ] \
    && ! grep -q '^State:[[:space:]]*Z' "/proc/$pid/status" 2>/dev/null
}

node_state() { timeout 5 sinfo -h -n localhost -o %T 2>/dev/null | head -n 1 | tr -d '*' || true; }

mkdir -p "$base/state" "$base/spool" "$log"

# 1. the packages
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  say "installing slurmctld slurmd slurm-client munge with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  install() { apt-get install -y -q --no-install-recommends slurmctld slurmd slurm-client munge >>"$base/apt.log" 2>&1; }
  if ! install; then
    apt-get update -q >>"$base/apt.log" 2>&1 || true
    install || fail "apt-get install slurmctld slurmd slurm-client munge failed (see $base/apt.log)"
  fi
  # the packages' service scripts may have started daemons with the system configuration: leave those alone, but
  # ours need the ports, so stop the ones that the installation itself started
  for svc in slurmctld slurmd; do
    if command -v systemctl >/dev/null && systemctl is-active --quiet "$svc" 2>/dev/null; then systemctl stop "$svc" || true; fi
  done
fi

# already up: only wait for the node
if alive "$base/slurmctld.pid" slurmctld && alive "$base/slurmd.pid" slurmd && [ -f "$conf" ]; then
  deadline=$((SECONDS + timeout_s))
  while [ "$SECONDS" -lt "$deadline" ]; do
    [ "$(node_state)" = idle ] && { say "already running; node localhost idle (SLURM_CONF=$conf)"; exit 0; }
    sleep 1
  done
  fail "the running daemons' node is not idle after ${timeout_s} s (state '$(node_state)'); stop them with stop-local-slurm.sh and start again"
fi

# 2. munge: a key, then munged (unless one already answers)
if ! (munge -n 2>/dev/null | unmunge >/dev/null 2>&1); then
  if [ ! -s /etc/munge/munge.key ]; then
    say "creating /etc/munge/munge.key"
    mkdir -p /etc/munge
    if command -v mungekey >/dev/null; then mungekey --create --keyfile=/etc/munge/munge.key >/dev/null 2>&1 || true; fi
    [ -s /etc/munge/munge.key ] || dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none
  fi
  chown munge:munge /etc/munge /etc/munge/munge.key 2>/dev/null || true
  chmod 0700 /etc/munge; chmod 0400 /etc/munge/munge.key
  mkdir -p /run/munge /var/lib/munge /var/log/munge
  chown munge:munge /run/munge /var/lib/munge /var/log/munge 2>/dev/null || true
  chmod 0755 /run/munge
  say "starting munged"
  runuser -u munge -- munged || fail "munged did not start"
  cp /run/munge/munged.pid "$base/munged.pid"
  for _ in $(seq 1 20); do (munge -n | unmunge >/dev/null 2>&1) && break; sleep 0.5; done
  (munge -n | unmunge >/dev/null 2>&1) || fail "munged does not answer (munge -n | unmunge)"
fi

# 3. slurm.conf: one node with what slurmd detects on this machine
detected="$(slurmd -C 2>/dev/null | head -n 1)"
cpus="$(sed -n 's/.* CPUs=\([0-9]*\).*/\1/p' <<<"$detected")"; cpus="${cpus:-$(nproc)}"
mem="$(sed -n 's/.* RealMemory=\([0-9]*\).*/\1/p' <<<"$detected")"
[ -n "$mem" ] || mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 ))
cat >"$conf" <<CONF
# written by scripts/slurm/local/start-local-slurm.sh: a single-node Slurm on localhost, run as root
ClusterName=neuralspin
SlurmctldHost=localhost
SlurmctldPort=${NEURALSPIN_SLURMCTLD_PORT:-6817}
SlurmdPort=${NEURALSPIN_SLURMD_PORT:-6818}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$base/state
SlurmdSpoolDir=$base/spool
SlurmctldPidFile=$base/slurmctld.pid
SlurmdPidFile=$base/slurmd.pid
SlurmctldLogFile=$log/slurmctld.log
SlurmdLogFile=$log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
KillWait=5
MinJobAge=600
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF

# 4. the daemons (slurmctld with a clean state: no jobs of an earlier start)
say "starting slurmctld and slurmd (SLURM_CONF=$conf, $cpus CPUs, $mem MB)"
: >"$log/slurmctld.log"; : >"$log/slurmd.log"
slurmctld -c -f "$conf" || fail "slurmctld did not start"
slurmd -f "$conf" -N localhost || fail "slurmd did not start"

deadline=$((SECONDS + timeout_s))
while [ "$SECONDS" -lt "$deadline" ]; do
  state="$(node_state)"
  if [ "$state" = idle ]; then say "node localhost idle; export SLURM_CONF=$conf"; exit 0; fi
  alive "$base/slurmctld.pid" slurmctld || fail "slurmctld exited"
  alive "$base/slurmd.pid" slurmd || fail "slurmd exited"
  sleep 1
done
fail "node localhost not idle after ${timeout_s} s (state '$(node_state)')"
