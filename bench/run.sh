#!/usr/bin/env bash
# Side-by-side measurement of Diamol.Build and the .NET SDK's PublishContainer on the BigDeps fixture
# (a console app with 16 MB of NuGet packages): wall time of a cold publish, of a publish with nothing changed,
# and of a publish after a one-line code edit, and the bytes of new image layers that edit costs.
# Times are measured here, never asserted in tests. Writes bench/results.md.
#
# Usage: bench/run.sh   (after eng/provision.sh; uses the local engine and localhost:5000 base images)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d /tmp/diamol-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_CLI_USE_MSBUILD_SERVER=0 NUGET_PACKAGES="$work/packages"
base=localhost:5000/dotnet/runtime:10.0
version="0.1.0-bench.$(date -u +%Y%m%d%H%M%S)"

dotnet pack "$root/src/Sdk/Diamol.Build.csproj" -c Release -o "$work/feed" -p:Version="$version" -nodeReuse:false >/dev/null
cat >"$work/nuget.config" <<EOF2
<configuration><packageSources><add key="bench" value="$work/feed" /></packageSources></configuration>
EOF2

seconds() { local start end; start=$(date +%s.%N); "$@" >/dev/null; end=$(date +%s.%N); python3 -c "print(f\"{$end - $start:.1f}\")"; }
layer_bytes() { # $1 image -> "diffid size" lines, from docker save
  local dir; dir=$(mktemp -d "$work/save.XXXX"); docker save "$1" | tar -x -C "$dir"
  python3 - "$dir" <<'EOF2'
import json, os, sys
d = sys.argv[1]; m = json.load(open(os.path.join(d, "manifest.json")))[0]
cfg = json.load(open(os.path.join(d, m["Config"])))
for diff, layer in zip(cfg["rootfs"]["diff_ids"], m["Layers"]):
    print(diff, os.path.getsize(os.path.join(d, layer)))
EOF2
}
new_bytes() { # $1 before file, $2 after file
  awk 'NR==FNR { seen[$1] = 1; next } !($1 in seen) { sum += $2 } END { print sum + 0 }' "$1" "$2"
}

measure() { # $1 name, $2.. publish arguments
  local name=$1; shift
  local project="$work/$name"
  cp -r "$root/tests/Fixtures/BigDeps" "$project"
  cp "$work/nuget.config" "$project/"
  local publish=(dotnet publish "$project" -c Release -nodeReuse:false -p:DiamolBuildVersion="$version" -p:ContainerBaseImage="$base" -p:ContainerRepository="bench/$name" "$@")
  local cold warm edit
  cold=$(seconds "${publish[@]}")
  warm=$(seconds "${publish[@]}")
  layer_bytes "bench/$name:latest" >"$work/$name.before"
  sed -i 's/"Hello from BigDeps"/"Hello again from BigDeps"/' "$project/Program.cs"
  edit=$(seconds "${publish[@]}")
  layer_bytes "bench/$name:latest" >"$work/$name.after"
  echo "| $name | $cold | $warm | $edit | $(new_bytes "$work/$name.before" "$work/$name.after") |"
  docker image rm -f "bench/$name:latest" >/dev/null
}

{
  echo "# Benchmark: Diamol.Build and PublishContainer on tests/Fixtures/BigDeps"
  echo
  echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores, $(docker version --format 'Docker {{.Server.Version}}'), .NET SDK $(dotnet --version)."
  echo "Seconds of wall time per \`dotnet publish\`; bytes of image layers new after a one-line code edit."
  echo
  echo "| tool | cold publish (s) | nothing changed (s) | one-line edit (s) | new layer bytes after the edit |"
  echo "|---|---:|---:|---:|---:|"
  measure diamol
  measure sdk -t:PublishContainer -p:DiamolEnabled=false
} | tee "$root/bench/results.md"
