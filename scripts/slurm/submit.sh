#!/usr/bin/env bash
# Submits a NeuralSpin job array over N shards and, after it, the merge job (--dependency=afterok on the array: the
# merge runs only once every shard has succeeded, and is cancelled if one fails).
#
#   scripts/slurm/submit.sh trajectory N RUN_DIR [--beta-max B] [--skip-bad] [--threads T] [--fit-from E1] [--fit-to E2]
#       N tasks 'neuralspin trajectory RUN_DIR --shard I/N', then 'neuralspin trajectory RUN_DIR --merge'
#       (--fit-from/--fit-to go to the merge only, the other options to the shards and the merge)
#   scripts/slurm/submit.sh ensemble N OUT_DIR --trainings K --threshold A [other 'ensemble collect' options]
#       N tasks 'neuralspin ensemble collect ... --shard I/N --out OUT_DIR/shard-I-of-N.nspack', then
#       'neuralspin ensemble merge OUT_DIR/ensemble.nspack OUT_DIR/shard-*-of-N.nspack'
#   scripts/slurm/submit.sh paper2 N OUT_DIR --quick|--full [--settings FILE] [--seed S] [other 'reproduce paper2' options]
#       'neuralspin reproduce paper2 ... --out OUT_DIR --prepare' here, then N tasks '... --collect-only --shard I/N',
#       then '... --out OUT_DIR' (the analysis: report.md, summary.json, csv/, plots/ in OUT_DIR)
#
# The jobs' logs go to DIR/slurm-logs/ (DIR = RUN_DIR or OUT_DIR). The last line printed is "jobs ARRAY_ID MERGE_ID".
# sbatch's own environment variables choose the partition, account, time limit etc. (SBATCH_PARTITION,
# SBATCH_ACCOUNT, SBATCH_TIMELIMIT, ...). NEURALSPIN is the command each task runs (default: this repository's
# ./neuralspin, built here once before submitting so that the tasks do not build it concurrently); the directories
# must be on a file system that every node sees.
set -euo pipefail

here="$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd -P "$here/../.." && pwd)"
usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

[ $# -ge 3 ] || usage
kind="$1"; n="$2"; dir="$3"; shift 3
[[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "error: N '$n' is not a positive number of shards" >&2; exit 2; }
command -v sbatch >/dev/null || { echo "error: sbatch not found: run this on a Slurm submit host" >&2; exit 2; }

export NEURALSPIN="${NEURALSPIN:-$root/neuralspin}"
export NEURALSPIN_SLURM_SCRIPTS="$here"
if [ "$NEURALSPIN" = "$root/neuralspin" ]; then
  "$NEURALSPIN" --help >/dev/null   # builds the CLI once, here, if it is missing or stale
fi

mkdir -p "$dir"
dir="$(cd -P "$dir" && pwd)"
logs="$dir/slurm-logs"
mkdir -p "$logs"

case "$kind" in
  trajectory)
    shard_opts=(); merge_opts=()
    while [ $# -gt 0 ]; do
      case "$1" in
        --fit-from|--fit-to) merge_opts+=("$1" "$2"); shift 2 ;;
        --fit-from=*|--fit-to=*) merge_opts+=("$1"); shift ;;
        *) shard_opts+=("$1"); merge_opts+=("$1"); shift ;;
      esac
    done
    array=$(sbatch --parsable --array="0-$((n - 1))" --output="$logs/%x-%A_%a.out" \
      "$here/trajectory-array.sbatch" "$dir" ${shard_opts[@]+"${shard_opts[@]}"})
    array="${array%%;*}"
    merge=$(sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes --output="$logs/%x-%j.out" \
      "$here/trajectory-merge.sbatch" "$dir" ${merge_opts[@]+"${merge_opts[@]}"})
    merge="${merge%%;*}"
    echo "trajectory of $dir in $n shards: array job $array, merge job $merge (writes $dir/trajectory.csv and $dir/plots/)"
    ;;
  ensemble)
    array=$(sbatch --parsable --array="0-$((n - 1))" --output="$logs/%x-%A_%a.out" \
      "$here/ensemble-array.sbatch" "$dir" "$@")
    array="${array%%;*}"
    merge=$(sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes --output="$logs/%x-%j.out" \
      "$here/ensemble-merge.sbatch" "$dir" "$n")
    merge="${merge%%;*}"
    echo "ensemble in $n shards into $dir: array job $array, merge job $merge (writes $dir/ensemble.nspack)"
    ;;
  paper2)
    # the projection and the settings record once, here, so that every task reads the same ones
    "$NEURALSPIN" reproduce paper2 "$@" --out "$dir" --prepare
    array=$(sbatch --parsable --array="0-$((n - 1))" --output="$logs/%x-%A_%a.out" \
      "$here/paper2-array.sbatch" "$dir" "$@")
    array="${array%%;*}"
    merge=$(sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes --output="$logs/%x-%j.out" \
      "$here/paper2-analysis.sbatch" "$dir" "$@")
    merge="${merge%%;*}"
    echo "paper 2 collections in $n shards into $dir: array job $array, analysis job $merge (writes $dir/report.md and $dir/summary.json)"
    ;;
  *) usage ;;
esac
echo "logs in $logs; follow with: squeue -j $array,$merge"
echo "jobs $array $merge"
