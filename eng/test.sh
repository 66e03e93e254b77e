#!/usr/bin/env bash
# The test command: checks the style and builds the solution (its analyzers and code style are errors) before anything
# is provisioned, so a style slip fails in seconds and an analyzer finding in the build's minute or two; then
# provisions what the tests need (Docker engine, local registries, offline .NET base images, chromium), runs the unit
# tests (about a minute, so a logic slip fails next) and then the end-to-end tests. Ends with one
# line "N passed, N failed" (totals over all test projects). Exits non-zero on any failure.
#
# Usage: eng/test.sh [extra `dotnet test` arguments, e.g. --filter FullyQualifiedName~WebPing]
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
results="$root/artifacts/test-results"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_CLI_USE_MSBUILD_SERVER=0 MSBUILDDISABLENODEREUSE=1

# A step that fails before any test ran counts as one failure.
stop() { echo "$1 failed" >&2; echo "0 passed, 1 failed"; exit 1; }

rm -rf "$results"
mkdir -p "$results"
bash "$root/eng/style.sh" || stop "the style check (eng/style.sh)"
dotnet build Diamol.Build.sln -c Release -nodeReuse:false || stop "the build"

projects=(tests/Diamol.Build.Tests tests/Diamol.Build.EndToEndTests)
status=0
run_tests() { # $1 project, then the extra arguments
  local project=$1 name; shift
  name=$(basename "$project")
  dotnet test "$project" -c Release --no-build --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" \
    --results-directory "$results" "$@" || status=1
}
# The unit tests need no engine, but one of them renders the history page in chromium, which provision.sh installs
# (seconds once the machine is provisioned); the end-to-end tests need the rest of what it brings up.
bash "$root/eng/provision.sh"
run_tests tests/Diamol.Build.Tests "$@"
run_tests tests/Diamol.Build.EndToEndTests "$@"

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
