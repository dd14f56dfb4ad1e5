#!/usr/bin/env bash
# Stops what scripts/slurm/local/start-local-slurm.sh started: slurmd, slurmctld and (if it started it) munged, each
# by the process id in its pid file under NEURALSPIN_SLURM_DIR (default /var/tmp/neuralspin-slurm). The
# configuration and the logs stay there for reading.
set -uo pipefail
base="${NEURALSPIN_SLURM_DIR:-/var/tmp/neuralspin-slurm}"

stop() {
  local name="$1" pidfile="$2"
  [ -f "$pidfile" ] || return 0
  local pid; pid="$(cat "$pidfile")"
  # only that daemon: a stale pid file may name another process by now
  if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$name" ]; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
    echo "stop-local-slurm: stopped $name ($pid)"
  fi
  rm -f "$pidfile"
}

stop slurmd "$base/slurmd.pid"
stop slurmctld "$base/slurmctld.pid"
stop munged "$base/munged.pid"
exit 0
