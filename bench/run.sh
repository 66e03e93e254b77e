#!/usr/bin/env bash
# Side-by-side measurement of Diamol.Build and the .NET SDK's PublishContainer on the BigDeps fixture
# (a console app with 16 MB of NuGet packages): wall time of a cold publish, of a publish with nothing changed,
# and of a publish after a one-line code edit, and the bytes of new image layers that edit costs; then the same edit
# pushed straight to a registry with no engine (Diamol.Build's OCI writer) beside PublishContainer's push.
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

manifest_blobs() { # $1 repository -> "digest size" lines of the config and layers the registry has under :latest
  curl -s -H 'Accept: application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json' \
    "http://127.0.0.1:5000/v2/$1/manifests/latest" | python3 -c '
import json, sys
m = json.load(sys.stdin)
for d in [m["config"]] + m["layers"]: print(d["digest"], d["size"])'
}

measure_push() { # $1 name, $2.. publish arguments: edit -> pushed, the daemonless way
  local name=$1; shift
  local project="$work/push-$name" repository="bench/push-$name-$RANDOM"
  cp -r "$root/tests/Fixtures/BigDeps" "$project"
  cp "$work/nuget.config" "$project/"
  local publish=(dotnet publish "$project" -c Release -nodeReuse:false -p:DiamolBuildVersion="$version" -p:ContainerBaseImage="$base" -p:ContainerRegistry=localhost:5000 -p:ContainerRepository="$repository" "$@")
  local cold edit
  cold=$(seconds "${publish[@]}")
  manifest_blobs "$repository" >"$work/push-$name.before"
  sed -i 's/"Hello from BigDeps"/"Hello again from BigDeps"/' "$project/Program.cs"
  edit=$(seconds "${publish[@]}")
  manifest_blobs "$repository" >"$work/push-$name.after"
  echo "| $name | $cold | $edit | $(new_bytes "$work/push-$name.before" "$work/push-$name.after") |"
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
  echo
  echo "## Push to a registry, no engine"
  echo
  echo "Both push straight to the local registry (127.0.0.1:5000): Diamol.Build with its OCI writer (DOCKER_HOST points at"
  echo "nothing), PublishContainer as it always does. Seconds per \`dotnet publish\`; bytes the registry had to take after the edit"
  echo "(config and layers not in the previous manifest)."
  echo
  echo "| tool | cold push (s) | one-line edit, pushed (s) | bytes uploaded after the edit |"
  echo "|---|---:|---:|---:|"
  DOCKER_HOST=unix:///nonexistent.sock measure_push diamol
  measure_push sdk -t:PublishContainer -p:DiamolEnabled=false
} | tee "$root/bench/results.md"
