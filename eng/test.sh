#!/usr/bin/env bash
# The test command: provisions what the tests need (Docker engine, local registries, offline .NET base images),
# builds the solution, runs every test project, and ends with one line "N passed, N failed" (totals over all
# test projects). Exits non-zero on any failure.
#
# Usage: eng/test.sh [extra `dotnet test` arguments, e.g. --filter FullyQualifiedName~WebPing]
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
results="$root/artifacts/test-results"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_CLI_USE_MSBUILD_SERVER=0 MSBUILDDISABLENODEREUSE=1

bash "$root/eng/provision.sh"

rm -rf "$results"
mkdir -p "$results"
dotnet build Diamol.Build.sln -c Release -nodeReuse:false

projects=(tests/Diamol.Build.Tests tests/Diamol.Build.EndToEndTests)
status=0
for project in "${projects[@]}"; do
  name=$(basename "$project")
  dotnet test "$project" -c Release --no-build --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" \
    --results-directory "$results" "$@" || status=1
done

# Totals from the TRX files; a project whose run produced none counts as one failure.
passed=0
failed=0
for project in "${projects[@]}"; do
  trx="$results/$(basename "$project").trx"
  if [[ ! -f $trx ]]; then
    echo "no results for $project" >&2
    failed=$((failed + 1))
    continue
  fi
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  e=$(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${e:-0}))
done

((failed == 0)) || status=1
echo "$passed passed, $failed failed"
exit "$status"
