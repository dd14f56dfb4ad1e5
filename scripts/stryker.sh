#!/usr/bin/env bash
# Mutation testing of the numerical core with Stryker.NET (stryker-config.json), one folder (or group) per run so
# that each can be run, interrupted and rerun by itself. Usage:
#   scripts/stryker.sh RUN...     RUN: a folder (Replica SpinModel Spectra Tap Ising Classic) or several joined
#                                 by + (SpinModel+Spectra), mutated in one Stryker run; Ising also in six
#                                 parts (IsingInverse IsingBp IsingMc IsingExact IsingConfig IsingThermo, 400-800 mutants each)
#                                 whose reports add up to Ising's,
#                                 Tap in two (TapCurve TapSolve; TapCurve also in two halves, TapSearch TapLambda), Classic in two (ClassicMf: Curie-Weiss and AGS;
#                                 ClassicSk: the SK files, also in three parts: ClassicSkFinite, ClassicSkRs, ClassicSkTap;
#                                 ClassicSkTap also in two: ClassicSkTapSolutions, ClassicSkTapStates)
#   scripts/stryker.sh --since [BASE]
#                                 the files of the core changed since BASE (default: the commit in
#                                 .ci/mutation-base, where the recorded per-folder scores were measured), mutated
#                                 with Stryker's --since against the tests of their folders; nothing to do when no
#                                 core file changed, and a notice instead of a run when the changed files hold more
#                                 than $STRYKER_SINCE_BUDGET estimated mutants (default 120, about 4 min with a
#                                 free core): a rewrite of a folder is measured by its folder run. .ci/run calls this.
# Each folder is mutated against the tests that exercise it (the filters below, always without the Slow and
# RealMnist categories); a group takes the union. Stryker mutates and compiles the whole library whatever the
# mutate globs (they filter the mutants afterwards), so a group saves the build and compile time of its extra
# folders; per-test coverage keeps each mutant to the tests that reach it. Reports go to StrykerOutput/<run>/
# (html, json), the log to StrykerOutput/<run>.log; printed: the table's rows for the folders and the elapsed time.
# STRYKER_CONCURRENCY=N runs N test sessions side by side (the config's 1 otherwise): 2 on this 2-core machine when
# nothing else runs.
# Stryker swaps the library in the test project's bin/: run this in a clone of its own, never beside other test
# runs in the same tree.
set -uo pipefail
set -f   # the mutate globs are passed to Stryker as they are, never expanded here
cd "$(dirname "$0")/.."
root=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 OMP_WAIT_POLICY=PASSIVE
classic_mf="AgsTheory CurieWeiss CurieWeissFiniteSize"
classic_sk="SkReplicaSymmetric SkLinearizedTap SkTapSolutions SkTapStates SkFiniteSize"
classic_theory="$classic_mf $classic_sk"

# folder_of PATH: the core folder a library file belongs to (empty if it is not mutated)
folder_of() {
  case "$1" in
    src/NeuralSpin/Ising/IsingModelFile.cs|src/NeuralSpin/Ising/IsingFileExceptions.cs) ;;
    src/NeuralSpin/Replica/*.cs) echo Replica ;;
    src/NeuralSpin/SpinModel/*.cs) echo SpinModel ;;
    src/NeuralSpin/Spectra/*.cs) echo Spectra ;;
    src/NeuralSpin/Tap/*.cs) echo Tap ;;
    src/NeuralSpin/Ising/*.cs) echo Ising ;;
    src/NeuralSpin/Classic/*.cs)
      for f in $classic_theory; do [ "$1" = "src/NeuralSpin/Classic/$f.cs" ] && echo Classic; done ;;
  esac
}

# the analyses of whole networks (golden files with independent expectations), which run the spectra and the TAP curve
analysis_tests='FullyQualifiedName~NeuralSpin.Tests.Analysis|FullyQualifiedName~NeuralSpin.Tests.Golden.GoldenTests'

# tests_of FOLDER: the tests that exercise a folder
tests_of() {
  case "$1" in
    Replica)   echo 'FullyQualifiedName~NeuralSpin.Tests.Replica' ;;
    SpinModel) echo 'FullyQualifiedName~NeuralSpin.Tests.SpinModel' ;;
    Spectra)   echo "FullyQualifiedName~NeuralSpin.Tests.Spectra|$analysis_tests" ;;
    # the curve, the transition search and the polygon minimum are exercised mostly by the analyses (the first Tap run
    # without them: 56 %); TapNewton, TapSolver and TapFreeEnergy also by the SK TAP-state tests of Classic and by
    # Ising's TAP fixed points, which know their solutions in closed form
    Tap*)      echo "FullyQualifiedName~NeuralSpin.Tests.Tap|$analysis_tests|FullyQualifiedName~NeuralSpin.Tests.Classic.SkTap|FullyQualifiedName~NeuralSpin.Tests.Ising.TapFixedPointsTests" ;;
    Ising*)    echo 'FullyQualifiedName~NeuralSpin.Tests.Ising' ;;
    # the halves of Classic take the test classes that reach their files (the theory files are used by the Curie-Weiss,
    # Hopfield, RBM and SK studies and commands): Stryker's coverage pass runs every selected test on the instrumented
    # library, 34 min for the whole Classic folder's tests beside a second run
    ClassicMf) echo 'FullyQualifiedName~NeuralSpin.Tests.Classic.Ags|FullyQualifiedName~NeuralSpin.Tests.Classic.CurieWeiss|FullyQualifiedName~NeuralSpin.Tests.Classic.HopfieldStudy|FullyQualifiedName~NeuralSpin.Tests.Classic.HopfieldCommand|FullyQualifiedName~NeuralSpin.Tests.Classic.Rbm|FullyQualifiedName~NeuralSpin.Tests.Classic.OptionLimits' ;;
    ClassicSk*) echo 'FullyQualifiedName~NeuralSpin.Tests.Classic.Sk|FullyQualifiedName~NeuralSpin.Tests.Classic.OptionLimits' ;;
    Classic)   echo 'FullyQualifiedName~NeuralSpin.Tests.Classic' ;;
  esac
}

# globs_of RUN-FOLDER: the mutate globs of a folder or of a part of Ising
globs_of() {
  case "$1" in
    Replica|SpinModel|Spectra|Tap) echo "**/$1/**/*.cs" ;;
    # Tap in two parts (a whole Tap run, 1,769 mutants, did not finish in 2.4 h of testing at concurrency 2)
    TapCurve)      for f in LambdaMinCurve TransitionSearch PolygonMinimum VertexCrossing LinearizedTap; do echo "**/Tap/$f.cs"; done ;;
    # TapCurve (1,006 mutants) in two halves for a run that fits a session: the search, and the curve's minimum
    TapSearch)     for f in TransitionSearch LinearizedTap; do echo "**/Tap/$f.cs"; done ;;
    TapLambda)     for f in LambdaMinCurve PolygonMinimum VertexCrossing; do echo "**/Tap/$f.cs"; done ;;
    TapSolve)      for f in TapNewton TapSolver TapFreeEnergy ChiRecurrence; do echo "**/Tap/$f.cs"; done ;;
    Ising)         echo '**/Ising/**/*.cs !**/Ising/IsingModelFile.cs !**/Ising/IsingFileExceptions.cs' ;;
    # Ising in six parts of 400-800 mutants each, so that a run fits in a session beside other work (a part of 1,307
    # mutants, the enumeration and thermodynamics files together, needed more than 3 h at concurrency 1 under load; the
    # enumeration with the ensemble files, 1,048 mutants, was split as well)
    IsingInverse)  echo '**/Ising/Inverse/*.cs' ;;
    IsingBp)       for f in BeliefPropagation TapFixedPoints EntropyLandscape LandscapeGrid; do echo "**/Ising/$f.cs"; done ;;
    IsingMc)       for f in MonteCarlo McDynamics McLandscape; do echo "**/Ising/$f.cs"; done ;;
    IsingExact)    echo '**/Ising/ExactEnumeration.cs' ;;
    IsingConfig)   for f in Configurations PackedConfigurations; do echo "**/Ising/$f.cs"; done ;;
    IsingThermo)   for f in HeatCapacityEntropy IsingModel IsingThermoJson LandscapeVerdict; do echo "**/Ising/$f.cs"; done ;;
    Classic)       for f in $classic_theory; do echo "**/Classic/$f.cs"; done ;;
    # Classic's theory files in two parts (1,800 lines, about 1,000-1,400 mutants together: more than a session holds)
    ClassicMf)     for f in $classic_mf; do echo "**/Classic/$f.cs"; done ;;
    ClassicSk)     for f in $classic_sk; do echo "**/Classic/$f.cs"; done ;;
    # ClassicSk (552 mutants) in three parts: its mutants cost 15-35 s each (the finite-size study's tests and many
    # timeouts), about 4.4 per minute at concurrency 2, so the whole part does not fit in a session
    ClassicSkFinite) echo '**/Classic/SkFiniteSize.cs' ;;
    ClassicSkRs)   for f in SkReplicaSymmetric SkLinearizedTap; do echo "**/Classic/$f.cs"; done ;;
    ClassicSkTap)  for f in SkTapSolutions SkTapStates; do echo "**/Classic/$f.cs"; done ;;
    # ClassicSkTap (375 mutants) in two: a run at concurrency 2 tested 219 of them in 70 min and slowed to under 2 a
    # minute on the TAP-state search's mutants (each runs the search's seeded fixture; many time out)
    ClassicSkTapSolutions) echo '**/Classic/SkTapSolutions.cs' ;;
    ClassicSkTapStates)    echo '**/Classic/SkTapStates.cs' ;;
  esac
}

# run_stryker NAME "FOLDERS" "TEST-FILTER" ARGS...: one Stryker run, its per-folder scores and its survivors
run_stryker() {
  local run=$1 folders=$2 tests=$3; shift 3
  local out="$root/StrykerOutput/$run" log="$root/StrykerOutput/$run.log" start rc report folder
  mkdir -p "$out"
  start=$(date +%s)
  (cd tests/NeuralSpin.Tests && dotnet stryker -f ../../stryker-config.json ${STRYKER_CONCURRENCY:+--concurrency "$STRYKER_CONCURRENCY"} "$@" \
     --test-case-filter "($tests)&Name!=Regenerate&TestCategory!=Slow&TestCategory!=RealMnist" \
     -O "$out" >"$log" 2>&1)
  rc=$?
  echo "$run: exit $rc, $(( $(date +%s) - start )) s"
  report="$out/reports/mutation-report.json"
  if [ -f "$report" ] && command -v jq >/dev/null; then
    # per folder: killed, survived, timeout, no coverage, score = (killed + timeout) / (those four)
    for folder in $folders; do
      case "$folder" in Ising?*) folder=Ising ;; Tap?*) folder=Tap ;; Classic?*) folder=Classic ;; esac
      jq -r --arg f "/src/NeuralSpin/$folder/" '[.files | to_entries[] | select(.key | contains($f)) | .value.mutants[] | .status]
        | {k: map(select(. == "Killed")) | length, s: map(select(. == "Survived")) | length,
           t: map(select(. == "Timeout")) | length, n: map(select(. == "NoCoverage")) | length}
        | "  \($ARGS.named.f): mutants \(.k + .s + .t + .n), killed \(.k), survived \(.s), timeout \(.t), no coverage \(.n), score "
          + (if .k + .s + .t + .n > 0 then ((.k + .t) * 10000 / (.k + .s + .t + .n) | round / 100 | tostring) + " %" else "-" end)' "$report"
    done
    jq -r '.files | to_entries[] | .key as $file | .value.mutants[] | select(.status == "Survived" or .status == "NoCoverage")
      | "  \(.status) \($file | sub(".*/src/NeuralSpin/"; "")):\(.location.start.line) \(.mutatorName): \(.replacement | gsub("\\s+"; " "))"' "$report"
  else
    grep -E "final mutation score|mutation score" "$log" || echo "  no score (see $log)"
  fi
  return "$rc"
}

dotnet tool restore >/dev/null

if [ "${1:-}" = "--since" ]; then
  base=${2:-$(tr -d '[:space:]' < .ci/mutation-base)}
  budget=${STRYKER_SINCE_BUDGET:-120}
  if ! git cat-file -e "$base^{commit}" 2>/dev/null; then
    echo "mutation (--since): the base commit $base is not in this clone's history; nothing mutated"; exit 0
  fi
  base=$(git rev-parse --verify "$base^{commit}")   # Stryker finds branches, tags and full commit ids, not HEAD~1
  changed=(); folders=""; lines=0
  while IFS= read -r f; do
    [ -f "$f" ] || continue
    folder=$(folder_of "$f"); [ -n "$folder" ] || continue
    changed+=("$f"); lines=$(( lines + $(wc -l < "$f") ))
    case " $folders " in *" $folder "*) ;; *) folders="${folders:+$folders }$folder" ;; esac
  done < <(git diff --name-only "$base" HEAD -- src/NeuralSpin)
  if [ "${#changed[@]}" -eq 0 ]; then
    echo "mutation (--since $base): no file of the numerical core changed; nothing to mutate"; exit 0
  fi
  # mutants per line of the core measured in the folder runs: 0.56-0.79 (REPRODUCE.md, "Measuring the suite")
  estimate=$(( lines * 4 / 5 ))
  echo "mutation (--since $base): ${#changed[@]} changed file(s) of the core in $folders, $lines lines, at most about $estimate mutants"
  if [ "$estimate" -gt "$budget" ]; then
    echo "  more than the budget of $budget mutants for one CI run: measure them by the folder runs in a clone of their own,"
    echo "  scripts/stryker.sh $folders, record the scores in REPRODUCE.md and move .ci/mutation-base to that commit"
    printf '    %s\n' "${changed[@]}"
    exit 0
  fi
  tests=""; for folder in $folders; do tests="${tests:+$tests|}$(tests_of "$folder")"; done
  mutate=(); for f in "${changed[@]}"; do mutate+=(-m "**/${f#src/NeuralSpin/}"); done
  run_stryker since "$folders" "$tests" --since:"$base" "${mutate[@]}"
  exit $?
fi

status=0
for run in "$@"; do
  globs=(); tests=""; folders=""
  IFS='+' read -r -a parts <<<"$run"
  for folder in "${parts[@]}"; do
    g=$(globs_of "$folder")
    if [ -z "$g" ]; then
      echo "unknown folder $folder (Replica SpinModel Spectra Tap TapCurve TapSearch TapLambda TapSolve Ising IsingInverse IsingBp IsingMc IsingExact IsingConfig IsingThermo Classic ClassicMf ClassicSk ClassicSkFinite ClassicSkRs ClassicSkTap ClassicSkTapSolutions ClassicSkTapStates)"; exit 2
    fi
    for x in $g; do globs+=("$x"); done
    tests="${tests:+$tests|}$(tests_of "$folder")"; folders="$folders $folder"
  done
  mutate=(); for g in "${globs[@]}"; do mutate+=(-m "$g"); done
  run_stryker "$run" "$folders" "$tests" "${mutate[@]}" || status=1
done
exit "$status"
