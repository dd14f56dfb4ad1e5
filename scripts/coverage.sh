#!/usr/bin/env bash
# Line and branch coverage of the library (src/NeuralSpin) by the non-Slow tests of both test projects, per folder,
# and the public members none of whose lines ran. Usage: scripts/coverage.sh [output directory]
# (default coverage/, git-ignored). coverlet.collector instruments NeuralSpin.dll only ([NeuralSpin]*); the summary
# is scripts/coverage/CoverageReport.cs reading the Cobertura files. Writes <out>/summary.md and prints it.
# The Slurm tests need the local Slurm of .ci/run; without it they fail, and the coverage is measured all the same.
set -uo pipefail
cd "$(dirname "$0")/.."
out="${1:-coverage}"
rm -rf "$out"; mkdir -p "$out"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 OMP_WAIT_POLICY=PASSIVE SNAPSHOOTER_STRICT_MODE=true
start=$(date +%s)
dotnet test Verification.sln --filter "TestCategory!=Slow" --collect "XPlat Code Coverage" \
  --results-directory "$out/raw" --logger "console;verbosity=minimal" \
  -- DataCollectionRunSettings.DataCollectors.DataCollector.Configuration.Include="[NeuralSpin]*" \
     DataCollectionRunSettings.DataCollectors.DataCollector.Configuration.Format=cobertura \
  >"$out/test.log" 2>&1
rc=$?
grep -E "^(Passed|Failed)!|Total tests" "$out/test.log" || tail -20 "$out/test.log"
echo "tests: exit $rc, $(( $(date +%s) - start )) s"
mapfile -t reports < <(find "$out/raw" -name coverage.cobertura.xml | sort)
if [ "${#reports[@]}" -ne 2 ]; then
  echo "expected 2 Cobertura reports (one per test project), found ${#reports[@]}"; exit 1
fi
dll=$(find src/NeuralSpin/bin/Debug -name NeuralSpin.dll -path "*net10.0*" | head -1)
dotnet run scripts/coverage/CoverageReport.cs -- "$dll" "${reports[@]}" | tee "$out/summary.md"
exit "${PIPESTATUS[0]}"
