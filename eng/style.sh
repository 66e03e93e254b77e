#!/usr/bin/env bash
# The style check: the first step of the test command, engine-free and done in seconds. Whitespace as .editorconfig
# says (`dotnet format whitespace --verify-no-changes`), and no C# line over the limit below (200 characters today, to
# come down to 150 as the remaining lines are wrapped; no formatter enforces it). The analyzers and the code style
# rules run in the build that follows (EnforceCodeStyleInBuild, warnings as errors). Run `dotnet format whitespace --folder --exclude samples bench` to fix
# the first; wrap the lines it names for the second.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
limit=200

# samples look exactly like a user's project and bench's fixtures like the SDK's templates: neither is ours to style.
dotnet format whitespace --folder --verify-no-changes --exclude samples bench

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files '*.cs' | grep -v '^samples/\|^bench/')
else
  mapfile -t files < <(find src tests -name '*.cs' -not -path '*/bin/*' -not -path '*/obj/*')
fi
long=$(awk -v limit=$limit 'length($0) > limit { print FILENAME ":" FNR ": " length($0) " characters" }' "${files[@]}")
if [[ -n $long ]]; then
  printf '%s\n' "$long" >&2
  echo "style: $(wc -l <<<"$long") C# line(s) over $limit characters; wrap them" >&2
  exit 1
fi
echo "style: whitespace as .editorconfig says, no C# line over $limit characters"
