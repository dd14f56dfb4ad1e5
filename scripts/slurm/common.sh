# Shared by the sbatch scripts of scripts/slurm/ (sourced, not run): checks that the job is a task of an array
# 0..N-1 and sets I, N and NEURALSPIN (the command to run; submit.sh sets it to this repository's ./neuralspin).
set -euo pipefail
NEURALSPIN="${NEURALSPIN:-${SLURM_SUBMIT_DIR:-.}/neuralspin}"
if [ "${1:-}" = array ]; then
  if [ -z "${SLURM_ARRAY_TASK_ID:-}" ] || [ -z "${SLURM_ARRAY_TASK_COUNT:-}" ]; then
    echo "error: submit this script as a job array over the shards: sbatch --array=0-\$((N-1)) ..." >&2; exit 2
  fi
  if [ "${SLURM_ARRAY_TASK_MIN:-0}" != 0 ] || [ "${SLURM_ARRAY_TASK_MAX:-}" != "$((SLURM_ARRAY_TASK_COUNT - 1))" ]; then
    echo "error: the array must be 0-\$((N-1)) (one task per shard); this one is ${SLURM_ARRAY_TASK_MIN:-?}-${SLURM_ARRAY_TASK_MAX:-?} with ${SLURM_ARRAY_TASK_COUNT} tasks" >&2; exit 2
  fi
  I="$SLURM_ARRAY_TASK_ID"; N="$SLURM_ARRAY_TASK_COUNT"
fi
echo "$(date -u +%FT%TZ) job ${SLURM_ARRAY_JOB_ID:-${SLURM_JOB_ID:-?}}${SLURM_ARRAY_TASK_ID:+_$SLURM_ARRAY_TASK_ID} on $(hostname): $NEURALSPIN"
