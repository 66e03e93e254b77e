#!/usr/bin/env bash
# The benchmark, side by side in one run: Diamol.Build (engine builder and OCI builder), the .NET SDK's
# `-t:PublishContainer`, a plain `dotnet publish` with no image (the floor) and a hand-ordered Dockerfile built with
# `docker build` after a plain publish, on three sizes of app and the steps of an inner loop; then the issue's
# "20,000 small files + one 2 GB file" republish, a two-image solution published cold with -m, and a push after a
# one-line edit. Runs are interleaved (each step runs with every tool before the next step, the tools' order turning
# by one each repetition), every repetition starts from a fresh copy with no image of it in the engine, and the report
# gives medians with their spread, ratios to PublishContainer per interleaved pair, and Diamol.Build's own time by
# stage from its tasks' timings.json. Times are measured here, never asserted in tests. Writes docs/benchmarks.md.
#
# Usage: bench/run.sh   (after eng/provision.sh; uses the local engine and the localhost:5000 registry)
#   BENCH_RUNS=N          repetitions of every part (default: 3, and 2 for the large app and the solution)
#   BENCH_RUNS_LARGE=N    repetitions of one part (BENCH_RUNS_SMALL, _BIGDEPS, _LARGE, _MANYFILES, _SOLUTION, _PUSH)
#   BENCH_SIZES="..."     which parts to run, of: small bigdeps large manyfiles solution push (default: all)
#   BENCH_QUICK=1         for development: bigdeps and push, one repetition, report to /tmp/diamol-benchmarks-quick.md
#   BENCH_GENERATE_ONLY=1 make the selected sizes' projects, publish each once without an image, print their size, stop
#   BENCH_OUT=FILE        where the report goes (default docs/benchmarks.md)
#   BENCH_KEEP=1          keep the work folder (its logs) instead of removing it at the end
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench=$root/bench
started=$(date +%s)

quick=${BENCH_QUICK:-0}
if [[ $quick == 1 ]]; then
  sizes=${BENCH_SIZES:-bigdeps push}
  out=${BENCH_OUT:-/tmp/diamol-benchmarks-quick.md}
else
  sizes=${BENCH_SIZES:-small bigdeps large manyfiles solution push}
  out=${BENCH_OUT:-$root/docs/benchmarks.md}
fi
runs_of() { # $1 size -> repetitions: BENCH_RUNS_<SIZE>, else BENCH_RUNS, else the default
  local own="BENCH_RUNS_${1^^}"
  if [[ -n ${!own:-} ]]; then echo "${!own}"; elif [[ -n ${BENCH_RUNS:-} ]]; then echo "$BENCH_RUNS"; elif [[ $quick == 1 ]]; then echo 1
  else case $1 in large | solution) echo 2 ;; *) echo 3 ;; esac; fi
}
wanted() { [[ " $sizes " == *" $1 "* ]]; }

work=$(mktemp -d /tmp/diamol-bench.XXXXXX)
runid=$(printf '%04x%04x' $RANDOM $RANDOM)   # in every image and registry name of this run
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_CLI_USE_MSBUILD_SERVER=0 MSBUILDDISABLENODEREUSE=1 \
  NUGET_PACKAGES="$work/packages" DOCKER_BUILDKIT=0
runtime_base=localhost:5000/dotnet/runtime:10.0
aspnet_base=localhost:5000/dotnet/aspnet:10.0
registry_url=http://127.0.0.1:5000
version="0.1.0-bench.$(date -u +%Y%m%d%H%M%S)"
mkdir -p "$work/logs" "$work/timings" "$work/runs"
: >"$work/results.tsv"; : >"$work/push.tsv"; : >"$work/engine-calls.tsv"; : >"$work/images"; : >"$work/pushed"; : >"$work/sizes.tsv"

# The parts, one file each: shared helpers, the projects and their edits, the tools, the interleaved runs, the push.
for part in common projects tools interleave push; do source "$bench/lib/$part.sh"; done

proxy_pid=
cleanup() {
  local status=$?
  if [[ -n $proxy_pid ]]; then kill "$proxy_pid" 2>/dev/null || true; fi
  remove_images "$work/images"
  docker image ls --format '{{.Repository}}:{{.Tag}}' 2>/dev/null | grep "^bench/$runid-" | xargs -r docker image rm -f >/dev/null 2>&1 || true
  local repository digest
  while read -r repository digest; do
    curl -s -o /dev/null -X DELETE "$registry_url/v2/$repository/manifests/$digest" || true
  done <"$work/pushed"
  if [[ ${BENCH_KEEP:-0} == 1 ]]; then echo "work folder kept: $work" >&2; else rm -rf "$work"; fi
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ----------------------------------------------------------------------------------------------------------------------
# The package under test, packed from this working copy at a version of its own.
# ----------------------------------------------------------------------------------------------------------------------
log "packing Diamol.Build $version from $root/src/Sdk"
dotnet pack "$root/src/Sdk/Diamol.Build.csproj" -c Release -o "$work/feed" -p:Version="$version" -nodeReuse:false >"$work/logs/pack.log" 2>&1 \
  || { tail -n 40 "$work/logs/pack.log" >&2; exit 1; }


# ----------------------------------------------------------------------------------------------------------------------
# The run.
# ----------------------------------------------------------------------------------------------------------------------
mkdir -p "$work/templates"
for size in small bigdeps large manyfiles solution; do
  if wanted "$size" || { [[ $size == bigdeps ]] && wanted push; }; then
    log "making the $size project"
    make_project "$size" "$work/templates/$size"
    nuget_config "$work/templates/$size"
    restore_all "$size"
    if [[ $size != solution && $size != manyfiles ]]; then measure_size "$size"; fi   # manyfiles: 20,000 files and 2 GB, as made
  fi
done

if [[ ${BENCH_GENERATE_ONLY:-0} == 1 ]]; then
  printf 'size\tfiles\tbytes\tpackage bytes\tstatic files\n'; cat "$work/sizes.tsv"
  exit 0
fi

# The OCI builder's base-layer cache is this run's own; one untimed publish per base image fills it, as a developer's
# machine has it filled, so that no timed run downloads a base image.
log "filling the OCI builder's base-image cache"
for base in "$runtime_base" "$aspnet_base"; do
  warm="$work/runs/warm"; rm -rf "$warm"; make_project small "$warm"; nuget_config "$warm"
  dotnet publish "$warm/SmallApp.csproj" -c Release -nodeReuse:false -p:DiamolBuildVersion="$version" -p:ContainerBaseImage="$base" \
    -p:ContainerRepository="bench/$runid-warm" -p:DiamolBuilder=oci -p:DiamolCacheDirectory="$work/oci-cache" >"$work/logs/warm.log" 2>&1 \
    || { tail -n 40 "$work/logs/warm.log" >&2; exit 1; }
  record_image warm "bench/$runid-warm"
done
remove_images "$work/images.warm"; rm -rf "$work/runs/warm"

for size in small bigdeps large manyfiles solution; do
  if wanted "$size"; then bench_size "$size"; fi
done
if wanted push; then bench_push; fi

# ----------------------------------------------------------------------------------------------------------------------
# The report.
# ----------------------------------------------------------------------------------------------------------------------
command="bench/run.sh"
for variable in BENCH_SIZES BENCH_RUNS BENCH_RUNS_SMALL BENCH_RUNS_BIGDEPS BENCH_RUNS_LARGE BENCH_RUNS_MANYFILES BENCH_RUNS_SOLUTION BENCH_RUNS_PUSH BENCH_QUICK; do
  if [[ -n ${!variable:-} ]]; then command="$variable='${!variable}' $command"; fi
done
cat >"$work/meta.json" <<EOF
{
  "date": "$(date -u +%Y-%m-%d)",
  "command": "$command",
  "quick": $([[ $quick == 1 ]] && echo true || echo false),
  "cores": "$(nproc)",
  "memory": "$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)",
  "cpu": "$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)",
  "docker": "$(docker version --format '{{.Server.Version}}'), storage driver $(docker info --format '{{.Driver}}'), classic builder",
  "sdk": "$(dotnet --version)",
  "commit": "$(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- src || echo ' with uncommitted changes in src/')",
  "version": "$version",
  "minutes": $(( ($(date +%s) - started + 30) / 60 )),
  "runs": {$(for s in small bigdeps large manyfiles solution push; do printf '"%s": %s, ' "$s" "$(runs_of "$s")"; done | sed 's/, $//')}
}
EOF
mkdir -p "$(dirname "$out")"
python3 "$bench/report.py" "$work" "$out"
log "wrote $out ($(( ($(date +%s) - started) / 60 )) min)"
cat "$out"
