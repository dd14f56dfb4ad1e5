#!/usr/bin/env bash
# Mutation testing of the numerical core with Stryker.NET (stryker-config.json), one folder (or group) per run so
# that each can be run, interrupted and rerun by itself. Usage:
#   scripts/stryker.sh RUN...     RUN: a folder (Replica SpinModel Spectra Tap Ising Classic) or several joined
#                                 by + (SpinModel+Spectra), mutated in one Stryker run; Ising also in three
#                                 parts (IsingInverse IsingSampling IsingExact) whose reports add up to Ising's
# Each folder is mutated against the tests that exercise it (the filters below, always without the Slow and
# RealMnist categories); a group takes the union. Stryker mutates and compiles the whole library whatever the
# mutate globs (they filter the mutants afterwards), so a group saves the build and compile time of its extra
# folders; per-test coverage keeps each mutant to the tests that reach it. Reports go to StrykerOutput/<run>/
# (html, json), the log to StrykerOutput/<run>.log; printed: the table's rows for the folders and the elapsed time.
# Stryker swaps the library in the test project's bin/: run this in a clone of its own, never beside other test
# runs in the same tree.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 OMP_WAIT_POLICY=PASSIVE
dotnet tool restore >/dev/null
status=0
for run in "$@"; do
  globs=(); tests=""
  IFS='+' read -r -a folders <<<"$run"
  for folder in "${folders[@]}"; do
    case "$folder" in
      Replica)   globs+=('**/Replica/**/*.cs');   t='FullyQualifiedName~NeuralSpin.Tests.Replica' ;;
      SpinModel) globs+=('**/SpinModel/**/*.cs'); t='FullyQualifiedName~NeuralSpin.Tests.SpinModel' ;;
      Spectra)   globs+=('**/Spectra/**/*.cs')
                 t='FullyQualifiedName~NeuralSpin.Tests.Spectra|FullyQualifiedName~NeuralSpin.Tests.Analysis|FullyQualifiedName~NeuralSpin.Tests.Golden.GoldenTests' ;;
      Tap)       globs+=('**/Tap/**/*.cs');       t='FullyQualifiedName~NeuralSpin.Tests.Tap' ;;
      Ising)     globs+=('**/Ising/**/*.cs' '!**/Ising/IsingModelFile.cs' '!**/Ising/IsingFileExceptions.cs')
                 t='FullyQualifiedName~NeuralSpin.Tests.Ising' ;;
      # Ising in three parts of about a third of its mutants each, so that a run fits in a session beside other work
      IsingInverse)  globs+=('**/Ising/Inverse/*.cs'); t='FullyQualifiedName~NeuralSpin.Tests.Ising' ;;
      IsingSampling) for f in BeliefPropagation MonteCarlo McDynamics McLandscape TapFixedPoints EntropyLandscape \
                       LandscapeGrid; do globs+=("**/Ising/$f.cs"); done
                     t='FullyQualifiedName~NeuralSpin.Tests.Ising' ;;
      IsingExact)    for f in ExactEnumeration Configurations PackedConfigurations HeatCapacityEntropy IsingModel \
                       IsingThermoJson LandscapeVerdict; do globs+=("**/Ising/$f.cs"); done
                     t='FullyQualifiedName~NeuralSpin.Tests.Ising' ;;
      Classic)   for f in AgsTheory CurieWeiss CurieWeissFiniteSize SkReplicaSymmetric SkLinearizedTap SkTapSolutions \
                   SkTapStates SkFiniteSize; do globs+=("**/Classic/$f.cs"); done
                 t='FullyQualifiedName~NeuralSpin.Tests.Classic' ;;
      *) echo "unknown folder $folder (Replica SpinModel Spectra Tap Ising IsingInverse IsingSampling IsingExact Classic)"; exit 2 ;;
    esac
    tests="${tests:+$tests|}$t"
  done
  mutate=(); for g in "${globs[@]}"; do mutate+=(-m "$g"); done
  out="$root/StrykerOutput/$run"; log="$root/StrykerOutput/$run.log"
  mkdir -p "$out"
  start=$(date +%s)
  (cd tests/NeuralSpin.Tests && dotnet stryker -f ../../stryker-config.json "${mutate[@]}" \
     --test-case-filter "($tests)&Name!=Regenerate&TestCategory!=Slow&TestCategory!=RealMnist" \
     -O "$out" >"$log" 2>&1)
  rc=$?
  echo "$run: exit $rc, $(( $(date +%s) - start )) s"
  report="$out/reports/mutation-report.json"
  if [ -f "$report" ] && command -v jq >/dev/null; then
    # per folder: killed, survived, timeout, no coverage, score = (killed + timeout) / (those four)
    for folder in "${folders[@]}"; do
      case "$folder" in Ising?*) folder=Ising ;; esac
      jq -r --arg f "/src/NeuralSpin/$folder/" '[.files | to_entries[] | select(.key | contains($f)) | .value.mutants[] | .status]
        | {k: map(select(. == "Killed")) | length, s: map(select(. == "Survived")) | length,
           t: map(select(. == "Timeout")) | length, n: map(select(. == "NoCoverage")) | length}
        | "  \($ARGS.named.f): mutants \(.k + .s + .t + .n), killed \(.k), survived \(.s), timeout \(.t), no coverage \(.n), score "
          + (if .k + .s + .t + .n > 0 then ((.k + .t) * 10000 / (.k + .s + .t + .n) | round / 100 | tostring) + " %" else "-" end)' "$report"
    done
    jq -r '.files | to_entries[] | .key as $file | .value.mutants[] | select(.status == "Survived" or .status == "NoCoverage")
      | "  \(.status) \($file | sub(".*/src/NeuralSpin/"; "")):\(.location.start.line) \(.mutatorName): \(.replacement | gsub("\\s+"; " "))"' "$report"
  else
    grep -E "final mutation score" "$log" || echo "  no score (see $log)"
  fi
  [ "$rc" -ne 0 ] && status=1
done
exit "$status"
