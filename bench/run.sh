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

# Every image a step leaves is recorded; removing them newest first also removes the engine's intermediate images,
# so the next repetition's cold publish finds no layer of its own in the engine.
remove_images() { # $1 file of image ids (emptied)
  [[ -s $1 ]] || return 0
  tac "$1" | awk '!seen[$0]++' | while read -r id; do docker image rm -f "$id" >/dev/null 2>&1 || true; done
  : >"$1"
}
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

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

record_image() { # $1 size, $2.. repositories
  local size=$1 repository id; shift
  for repository in "$@"; do
    id=$(docker image inspect --format '{{.Id}}' "$repository:latest" 2>/dev/null) || continue
    echo "$id" >>"$work/images.$size"; echo "$id" >>"$work/images"
  done
}

# Runs a command with its output in a log; prints its wall time in seconds. A failure stops the benchmark.
timed() { # $1 log file, $2.. command
  local logfile=$1 start end; shift
  start=$(date +%s.%N)
  if ! "$@" >"$logfile" 2>&1; then
    log "FAILED: $* (log: $logfile)"; tail -n 40 "$logfile" >&2; exit 1
  fi
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }'
}

# ----------------------------------------------------------------------------------------------------------------------
# The package under test, packed from this working copy at a version of its own.
# ----------------------------------------------------------------------------------------------------------------------
log "packing Diamol.Build $version from $root/src/Sdk"
dotnet pack "$root/src/Sdk/Diamol.Build.csproj" -c Release -o "$work/feed" -p:Version="$version" -nodeReuse:false >"$work/logs/pack.log" 2>&1 \
  || { tail -n 40 "$work/logs/pack.log" >&2; exit 1; }
nuget_config() { printf '<configuration><packageSources><add key="bench" value="%s" /></packageSources></configuration>\n' "$work/feed" >"$1/nuget.config"; }

# ----------------------------------------------------------------------------------------------------------------------
# The projects. Each size is a template folder; every repetition publishes fresh copies of it, one per tool.
#   entry: the project to publish; app: the file names a hand-written Dockerfile puts in its last layer.
# ----------------------------------------------------------------------------------------------------------------------
csproj() { # $1 path, $2 sdk, $3 output type (Exe or Library), $4 extra xml
  cat >"$1" <<EOF
<Project Sdk="$2">
  <PropertyGroup>
    <OutputType>$3</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <Nullable>enable</Nullable>
    <DiamolBuildVersion Condition="'\$(DiamolBuildVersion)' == ''">0.1.0</DiamolBuildVersion>
  </PropertyGroup>
$4
</Project>
EOF
}

# (a) a small console app: one NuGet package.
make_small() {
  local d=$1; mkdir -p "$d"
  csproj "$d/SmallApp.csproj" Microsoft.NET.Sdk Exe '  <ItemGroup>
    <PackageReference Include="Diamol.Build" Version="$(DiamolBuildVersion)" />
    <PackageReference Include="Newtonsoft.Json" Version="13.0.3" />
  </ItemGroup>'
  cat >"$d/Program.cs" <<'EOF'
// The line the benchmark edits:
const string Greeting = "Hello from SmallApp";

Console.WriteLine(Newtonsoft.Json.JsonConvert.SerializeObject(new { Greeting }));
EOF
}

# (b) the 16 MB fixture, its .NET 10 reference assemblies one version back so that the upgrade step brings the fixture's own.
make_bigdeps() {
  cp -r "$root/tests/Fixtures/BigDeps" "$1"
  sed -i 's|"Basic.Reference.Assemblies.Net100" Version="1.8.14"|"Basic.Reference.Assemblies.Net100" Version="1.8.13"|' "$1/BigDeps.csproj"
  grep -q 'Net100" Version="1.8.13"' "$1/BigDeps.csproj" || { log "tests/Fixtures/BigDeps changed: update make_bigdeps"; exit 1; }
}

# (c) a large ASP.NET Core app: over 150 MB of NuGet packages (SkiaSharp's native libraries for every platform,
# Roslyn, reference assemblies), 2,000 static files in wwwroot, and a referenced class library with packages of its own.
make_large() {
  local d=$1; mkdir -p "$d/LargeApp/wwwroot" "$d/LargeLib"
  csproj "$d/LargeApp/LargeApp.csproj" Microsoft.NET.Sdk.Web Exe '  <ItemGroup>
    <PackageReference Include="Diamol.Build" Version="$(DiamolBuildVersion)" />
    <PackageReference Include="SkiaSharp" Version="3.119.0" />
    <PackageReference Include="SkiaSharp.NativeAssets.Linux" Version="3.119.0" />
    <PackageReference Include="Basic.Reference.Assemblies.Net90" Version="1.8.14" />
    <PackageReference Include="Basic.Reference.Assemblies.Net80" Version="1.8.14" />
    <PackageReference Include="Newtonsoft.Json" Version="13.0.3" />
    <ProjectReference Include="../LargeLib/LargeLib.csproj" />
  </ItemGroup>'
  csproj "$d/LargeLib/LargeLib.csproj" Microsoft.NET.Sdk Library '  <ItemGroup>
    <PackageReference Include="Microsoft.CodeAnalysis.CSharp.Workspaces" Version="4.14.0" />
  </ItemGroup>'
  cat >"$d/LargeApp/Program.cs" <<'EOF'
// The line the benchmark edits:
const string Greeting = "Hello from LargeApp";

var app = WebApplication.Create(args);
app.UseStaticFiles();
app.MapGet("/", () => $"{Greeting}: {LargeLib.Catalog.Describe()}, Skia {SkiaSharp.SKImageInfo.PlatformColorType}, {Newtonsoft.Json.JsonConvert.SerializeObject(Basic.Reference.Assemblies.Net90.References.All.Count())}");
app.Run();
EOF
  cat >"$d/LargeLib/Catalog.cs" <<'EOF'
namespace LargeLib;

public static class Catalog
{
    // The line the benchmark edits in the referenced project:
    public const string Name = "catalog v1";

    public static string Describe() => $"{Name}, Roslyn {typeof(Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree).Assembly.GetName().Version}";
}
EOF
  python3 - "$d/LargeApp/wwwroot" <<'EOF'
import os, random, sys
root = sys.argv[1]; rng = random.Random(12)
words = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau".split()
with open(os.path.join(root, "index.html"), "w") as f:
    f.write("<!doctype html><title>LargeApp</title><h1>LargeApp</h1>\n")
for i in range(1999):
    folder = os.path.join(root, "assets", f"d{i // 50:02d}")
    os.makedirs(folder, exist_ok=True)
    ext = ("css", "js", "svg", "json")[i % 4]
    body = " ".join(rng.choice(words) for _ in range(rng.randint(100, 600)))
    with open(os.path.join(folder, f"f{i:04d}.{ext}"), "w") as f:
        f.write(f"/* asset {i} */\n{body}\n")
EOF
}

# The issue's worst case for an unchanged republish: 20,000 small files and one 2 GB file (sparse here) as Content.
make_manyfiles() {
  local d=$1; mkdir -p "$d/big"
  csproj "$d/ManyFiles.csproj" Microsoft.NET.Sdk Exe '  <ItemGroup>
    <PackageReference Include="Diamol.Build" Version="$(DiamolBuildVersion)" />
    <Content Include="data/**" CopyToPublishDirectory="PreserveNewest" />
    <Content Include="big/**" CopyToPublishDirectory="PreserveNewest" />
  </ItemGroup>'
  echo 'Console.WriteLine(Directory.GetFiles("data", "*", SearchOption.AllDirectories).Length);' >"$d/Program.cs"
  python3 - "$d/data" <<'EOF'
import os, sys
for i in range(20000):
    folder = os.path.join(sys.argv[1], f"d{i // 100:03d}")
    if i % 100 == 0: os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, f"f{i:05d}.txt"), "w") as f:
        f.write(f"file {i}\n" * 40)
EOF
  truncate -s 2G "$d/big/blob.bin"
}

# Two images from one solution (bench/solution.sh before): an ASP.NET Core API and a worker sharing a class library.
make_solution() {
  local d=$1 app base; mkdir -p "$d"
  (
    cd "$d"
    dotnet new sln -n Shop >/dev/null
    dotnet new webapi -n Api -o Api --no-restore >/dev/null
    dotnet new worker -n Jobs -o Jobs --no-restore >/dev/null
    dotnet new classlib -n Shared -o Shared --no-restore >/dev/null
    for project in Api/Api.csproj Jobs/Jobs.csproj Shared/Shared.csproj; do dotnet sln Shop.slnx add "$project" >/dev/null; done
    for app in Api Jobs; do
      base=$runtime_base; [[ $app == Api ]] && base=$aspnet_base
      sed -i "s|</Project>|  <ItemGroup>\n    <ProjectReference Include=\"../Shared/Shared.csproj\" />\n    <PackageReference Include=\"Diamol.Build\" Version=\"$version\" />\n  </ItemGroup>\n  <PropertyGroup>\n    <ContainerBaseImage>$base</ContainerBaseImage>\n    <ContainerRepository>bench/$runid-solution-${app,,}-\$(BenchTool)</ContainerRepository>\n  </PropertyGroup>\n</Project>|" "$app/$app.csproj"
    done
  )
}

declare -A entry app_files base_of steps_of tools_of describe
entry[small]=SmallApp.csproj;          app_files[small]='SmallApp.*';               base_of[small]=$runtime_base
entry[bigdeps]=BigDeps.csproj;         app_files[bigdeps]='BigDeps.*';              base_of[bigdeps]=$runtime_base
entry[large]=LargeApp/LargeApp.csproj; app_files[large]='LargeApp.* LargeLib.*';    base_of[large]=$aspnet_base
entry[manyfiles]=ManyFiles.csproj;     app_files[manyfiles]='ManyFiles.*';          base_of[manyfiles]=$runtime_base
entry[solution]=Shop.slnx
all_tools="diamol oci sdk plain dockerfile"
steps_of[small]="cold unchanged code-edit package-upgrade";        tools_of[small]=$all_tools
steps_of[bigdeps]="cold unchanged code-edit package-upgrade";      tools_of[bigdeps]=$all_tools
steps_of[large]="cold unchanged code-edit static-edit package-upgrade library-edit"; tools_of[large]=$all_tools
steps_of[manyfiles]="unchanged";                                   tools_of[manyfiles]="diamol plain"
steps_of[solution]="cold";                                         tools_of[solution]="diamol oci sdk plain"

# The edits, made between steps in a tool's copy (not timed).
edit() { # $1 size, $2 step, $3 copy
  local size=$1 step=$2 d=$3
  case "$size:$step" in
    *:cold | *:unchanged) ;;
    small:code-edit) sed -i 's/"Hello from SmallApp"/"Hello again from SmallApp"/' "$d/Program.cs" ;;
    small:package-upgrade) sed -i 's/"Newtonsoft.Json" Version="13.0.3"/"Newtonsoft.Json" Version="13.0.4"/' "$d/SmallApp.csproj" ;;
    bigdeps:code-edit) sed -i 's/"Hello from BigDeps"/"Hello again from BigDeps"/' "$d/Program.cs" ;;
    bigdeps:package-upgrade) sed -i 's/Net100" Version="1.8.13"/Net100" Version="1.8.14"/' "$d/BigDeps.csproj" ;;
    large:code-edit) sed -i 's/"Hello from LargeApp"/"Hello again from LargeApp"/' "$d/LargeApp/Program.cs" ;;
    large:static-edit) echo "/* edited */" >>"$d/LargeApp/wwwroot/assets/d00/f0000.css" ;;
    large:package-upgrade) sed -i 's/"Newtonsoft.Json" Version="13.0.3"/"Newtonsoft.Json" Version="13.0.4"/' "$d/LargeApp/LargeApp.csproj" ;;
    large:library-edit) sed -i 's/"catalog v1"/"catalog v2"/' "$d/LargeLib/Catalog.cs" ;;
    *) log "no edit for $size:$step"; exit 1 ;;
  esac
}

# ----------------------------------------------------------------------------------------------------------------------
# The tools.
# ----------------------------------------------------------------------------------------------------------------------
repository_of() { echo "bench/$runid-$1-$2"; }   # $1 size, $2 tool

publish_args() { # $1 tool -> the arguments after the common ones
  case $1 in
    diamol) echo "-p:DiamolBuilder=docker" ;;
    oci) echo "-p:DiamolBuilder=oci -p:DiamolCacheDirectory=$work/oci-cache" ;;
    sdk) echo "-t:PublishContainer -p:DiamolEnabled=false" ;;
    plain | dockerfile) echo "-p:DiamolEnabled=false" ;;
  esac
}

# The hand-ordered Dockerfile a careful developer would write for a plain publish: packages (everything that is not
# the app's own files or wwwroot) first, static files next, the app's own assemblies and settings last. The context is
# sorted into three folders with hard links, as a script beside such a Dockerfile would.
hand_build() { # $1 size, $2 copy, $3 repository, $4.. publish command
  local size=$1 d=$2 repository=$3 project_dir publish context; shift 3
  "$@"
  project_dir=$(dirname "$d/${entry[$size]}")
  publish=$project_dir/bin/Release/net10.0/publish
  context=$project_dir/bin/hand-context
  rm -rf "$context"
  python3 - "$publish" "$context" "${app_files[$size]}" <<'EOF'
import fnmatch, os, sys
publish, context, patterns = sys.argv[1], sys.argv[2], sys.argv[3].split()
patterns += ["appsettings*.json", "web.config"]
for folder, _, files in os.walk(publish):
    rel_folder = os.path.relpath(folder, publish)
    for name in files:
        rel = os.path.normpath(os.path.join(rel_folder, name))
        if rel.split(os.sep)[0] == "wwwroot": layer = "static"
        elif rel_folder == "." and any(fnmatch.fnmatch(name, p) for p in patterns): layer = "app"
        else: layer = "packages"
        target = os.path.join(context, layer, rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        os.link(os.path.join(folder, name), target)
EOF
  {
    echo "FROM ${base_of[$size]}"
    echo "WORKDIR /app"
    echo "COPY packages/ ./"
    [[ -d $context/static ]] && echo "COPY static/ ./"
    echo "COPY app/ ./"
    echo "USER \$APP_UID"
    echo "ENTRYPOINT [\"dotnet\", \"$(basename "${entry[$size]}" .csproj).dll\"]"
  } >"$context/Dockerfile"
  docker build -q -t "$repository:latest" "$context"
}

timings_file() { # $1 size, $2 copy -> Diamol.Build's timings of the entry project's last publish
  echo "$(dirname "$2/${entry[$1]}")/bin/Release/net10.0/container/.diamol/timings.json"
}

# One timed publish of one tool in its copy; appends "size step tool rep seconds timings-file" to results.tsv.
run_step() { # $1 size, $2 step, $3 tool, $4 rep, $5 copy
  local size=$1 step=$2 tool=$3 rep=$4 d=$5 repository seconds timings=- extra=() args
  repository=$(repository_of "$size" "$tool")
  read -r -a args <<<"$(publish_args "$tool")"
  if [[ $size == solution ]]; then
    extra=(-m -p:BenchTool="$tool")
  else
    extra=(-p:ContainerBaseImage="${base_of[$size]}" -p:ContainerRepository="$repository")
  fi
  local publish=(dotnet publish "$d/${entry[$size]}" -c Release -nodeReuse:false -p:DiamolBuildVersion="$version" "${extra[@]}" "${args[@]}")
  local logfile="$work/logs/$size.$step.$tool.$rep.log"
  if [[ $size != solution ]]; then rm -f "$(timings_file "$size" "$d")"; fi
  if [[ $tool == dockerfile ]]; then
    seconds=$(timed "$logfile" hand_build "$size" "$d" "$repository" "${publish[@]}")
  else
    seconds=$(timed "$logfile" "${publish[@]}")
  fi
  if [[ $tool == diamol || $tool == oci ]] && [[ $size != solution ]] && [[ -f $(timings_file "$size" "$d") ]]; then
    timings="$work/timings/$size.$step.$tool.$rep.json"
    cp "$(timings_file "$size" "$d")" "$timings"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$size" "$step" "$tool" "$rep" "$seconds" "$timings" >>"$work/results.tsv"
  log "$size $step $tool #$rep: ${seconds}s"
  case $tool in
    plain) ;;
    *) if [[ $size == solution ]]; then record_image "$size" "bench/$runid-solution-api-$tool" "bench/$runid-solution-jobs-$tool"
       else record_image "$size" "$repository"; fi ;;
  esac
}

# The engine requests of one more unchanged republish (untimed), through engine-proxy.py.
count_engine_calls() { # $1 size, $2 tool, $3 copy
  local size=$1 tool=$2 d=$3 socket="$work/proxy.sock" calls="$work/engine-calls.$1.$2" args i
  read -r -a args <<<"$(publish_args "$tool")"
  rm -f "$socket"; : >"$calls"
  python3 "$bench/engine-proxy.py" "$socket" /var/run/docker.sock "$calls" &
  proxy_pid=$!
  for i in $(seq 50); do [[ -S $socket ]] && break; sleep 0.1; done
  DOCKER_HOST="unix://$socket" dotnet publish "$d/${entry[$size]}" -c Release -nodeReuse:false -p:DiamolBuildVersion="$version" \
    -p:ContainerBaseImage="${base_of[$size]}" -p:ContainerRepository="$(repository_of "$size" "$tool")" "${args[@]}" \
    >"$work/logs/$size.engine-calls.$tool.log" 2>&1 || { log "the counted publish failed: $work/logs/$size.engine-calls.$tool.log"; exit 1; }
  kill "$proxy_pid" 2>/dev/null; wait "$proxy_pid" 2>/dev/null || true; proxy_pid=
  printf '%s\t%s\t%s\n' "$size" "$tool" "$calls" >>"$work/engine-calls.tsv"
  log "$size $tool: $(wc -l <"$calls") engine requests on an unchanged republish"
}

fresh_copy() { # $1 size, $2 tool, $3 rep -> path
  local d="$work/runs/$1-$2"
  rm -rf "$d"; cp -a "$work/templates/$1" "$d"; nuget_config "$d"
  echo "$d"
}

# Fills the NuGet cache with every version a size's steps use, so no timed run downloads a package.
restore_all() { # $1 size
  local size=$1 d="$work/runs/$1-restore" step
  rm -rf "$d"; cp -a "$work/templates/$size" "$d"; nuget_config "$d"
  dotnet restore "$d/${entry[$size]}" -p:DiamolBuildVersion="$version" >"$work/logs/$size.restore.log" 2>&1 || { tail -n 40 "$work/logs/$size.restore.log" >&2; exit 1; }
  for step in ${steps_of[$size]}; do
    [[ $step == package-upgrade ]] || continue
    edit "$size" "$step" "$d"
    dotnet restore "$d/${entry[$size]}" -p:DiamolBuildVersion="$version" >>"$work/logs/$size.restore.log" 2>&1 || { tail -n 40 "$work/logs/$size.restore.log" >&2; exit 1; }
  done
  rm -rf "$d"
}

# What a size's publish output holds: files, MB, and MB of NuGet packages (not the app's own files, not wwwroot).
measure_size() { # $1 size
  local size=$1 d; d=$(fresh_copy "$size" measure 0)
  dotnet publish "$d/${entry[$size]}" -c Release -nodeReuse:false -p:DiamolEnabled=false -p:DiamolBuildVersion="$version" >"$work/logs/$size.measure.log" 2>&1 \
    || { tail -n 40 "$work/logs/$size.measure.log" >&2; exit 1; }
  python3 - "$size" "$(dirname "$d/${entry[$size]}")/bin/Release/net10.0/publish" "${app_files[$size]}" >>"$work/sizes.tsv" <<'EOF'
import fnmatch, os, sys
size, publish, patterns = sys.argv[1], sys.argv[2], sys.argv[3].split() + ["appsettings*.json", "web.config"]
files = total = packages = static = 0
for folder, _, names in os.walk(publish):
    rel = os.path.relpath(folder, publish)
    for name in names:
        n = os.path.getsize(os.path.join(folder, name)); files += 1; total += n
        if rel.split(os.sep)[0] == "wwwroot": static += 1
        elif not (rel == "." and any(fnmatch.fnmatch(name, p) for p in patterns)) and rel.split(os.sep)[0] not in ("data", "big"): packages += n
print(f"{size}\t{files}\t{total}\t{packages}\t{static}")
EOF
  rm -rf "$d"
}

# ----------------------------------------------------------------------------------------------------------------------
# The interleaved runs of one size.
# ----------------------------------------------------------------------------------------------------------------------
bench_size() { # $1 size
  local size=$1 runs rep step tool i d
  local -a tools
  runs=$(runs_of "$size")
  read -r -a tools <<<"${tools_of[$size]}"
  for ((rep = 1; rep <= runs; rep++)); do
    # The tools' order turns by one each repetition, so that none always runs right after another's cold build.
    local -a order=()
    for ((i = 0; i < ${#tools[@]}; i++)); do order+=("${tools[(i + rep - 1) % ${#tools[@]}]}"); done
    log "$size: repetition $rep of $runs (${order[*]})"
    remove_images "$work/images.$size"
    for tool in "${order[@]}"; do fresh_copy "$size" "$tool" "$rep" >/dev/null; done
    if [[ $size == manyfiles ]]; then
      # Set-up: one cold publish per tool (timed, reported as such), then the unchanged republishes.
      if ((rep == 1)); then
        for tool in "${order[@]}"; do run_step "$size" cold "$tool" "$rep" "$work/runs/$size-$tool"; done
      fi
    fi
    for step in ${steps_of[$size]}; do
      for tool in "${order[@]}"; do
        d="$work/runs/$size-$tool"
        edit "$size" "$step" "$d"
        run_step "$size" "$step" "$tool" "$rep" "$d"
      done
      if [[ $step == unchanged && $rep == 1 ]]; then
        for tool in diamol oci; do
          if [[ " ${tools[*]} " == *" $tool "* ]]; then count_engine_calls "$size" "$tool" "$work/runs/$size-$tool"; fi
        done
      fi
    done
    if [[ $size == manyfiles ]]; then break; fi   # its copies are kept across repetitions: only the unchanged step repeats
  done
  if [[ $size == manyfiles ]]; then
    for ((rep = 2; rep <= runs; rep++)); do
      for tool in "${tools[@]}"; do run_step "$size" unchanged "$tool" "$rep" "$work/runs/$size-$tool"; done
    done
  fi
  remove_images "$work/images.$size"
  for tool in "${tools[@]}"; do rm -rf "$work/runs/$size-$tool"; done
}

# ----------------------------------------------------------------------------------------------------------------------
# Push after a one-line edit, on the 16 MB fixture: the OCI builder (no engine: DOCKER_HOST points at nothing) and
# PublishContainer, both straight to the local registry. Counts the bytes the registry had to take after the edit.
# ----------------------------------------------------------------------------------------------------------------------
manifest_of() { # $1 repository -> the manifest of :latest, as the registry serves it
  curl -s -H 'Accept: application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json' \
    "$registry_url/v2/$1/manifests/latest"
}
digest_of() { # $1 repository -> the digest of :latest
  curl -s -I -H 'Accept: application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json' \
    "$registry_url/v2/$1/manifests/latest" | awk -F': ' 'tolower($1) == "docker-content-digest" { print $2 }' | tr -d '\r'
}
file_hashes() { # $1 folder -> "sha256 size path" lines
  python3 - "$1" <<'EOF'
import hashlib, os, sys
for folder, _, names in os.walk(sys.argv[1]):
    for name in names:
        p = os.path.join(folder, name)
        print(hashlib.sha256(open(p, "rb").read()).hexdigest(), os.path.getsize(p), os.path.relpath(p, sys.argv[1]))
EOF
}

bench_push() {
  local runs rep tool d repository seconds_cold seconds_edit i
  local -a tools=(oci sdk) order
  runs=$(runs_of push)
  for ((rep = 1; rep <= runs; rep++)); do
    order=(); for ((i = 0; i < 2; i++)); do order+=("${tools[(i + rep - 1) % 2]}"); done
    log "push: repetition $rep of $runs (${order[*]})"
    declare -A cold=()
    for step in cold code-edit; do
      for tool in "${order[@]}"; do
        d="$work/runs/push-$tool"; repository="bench/$runid-push-$tool-$rep"
        if [[ $step == cold ]]; then rm -rf "$d"; cp -a "$work/templates/bigdeps" "$d"; nuget_config "$d"; fi
        edit bigdeps "$step" "$d"
        local -a publish=(dotnet publish "$d/BigDeps.csproj" -c Release -nodeReuse:false -p:DiamolBuildVersion="$version"
          -p:ContainerBaseImage="$runtime_base" -p:ContainerRegistry=localhost:5000 -p:ContainerRepository="$repository")
        if [[ $tool == oci ]]; then
          publish+=(-p:DiamolBuilder=oci -p:DiamolCacheDirectory="$work/oci-cache")
          seconds=$(DOCKER_HOST=unix:///nonexistent.sock timed "$work/logs/push.$step.$tool.$rep.log" "${publish[@]}")
        else
          publish+=(-t:PublishContainer -p:DiamolEnabled=false)
          seconds=$(timed "$work/logs/push.$step.$tool.$rep.log" "${publish[@]}")
        fi
        manifest_of "$repository" >"$work/push.$tool.$step.manifest"
        file_hashes "$d/bin/Release/net10.0/publish" >"$work/push.$tool.$step.files"
        echo "$repository $(digest_of "$repository")" >>"$work/pushed"
        if [[ $step == cold ]]; then
          cold[$tool]=$seconds
        else
          python3 - "$work/push.$tool.cold.manifest" "$work/push.$tool.code-edit.manifest" "$work/push.$tool.cold.files" "$work/push.$tool.code-edit.files" <<EOF >>"$work/push.tsv"
import json, sys
before, after = (json.load(open(p)) for p in sys.argv[1:3])
blobs = lambda m: {d["digest"]: d["size"] for d in [m["config"]] + m["layers"]}
new = sum(size for digest, size in blobs(after).items() if digest not in blobs(before))
manifest = len(open(sys.argv[2], "rb").read())
files = lambda p: {line.split(" ", 2)[2]: line.split(" ", 2)[:2] for line in open(p).read().splitlines()}
old, now = files(sys.argv[3]), files(sys.argv[4])
changed = sum(int(size) for path, (digest, size) in now.items() if old.get(path, [None])[0] != digest)
print("\t".join(map(str, ["$tool", $rep, ${cold[$tool]}, $seconds, new + manifest, changed, after["config"]["size"], manifest])))
EOF
        fi
        log "push $step $tool #$rep: ${seconds}s"
      done
    done
    rm -rf "$work/runs/push-oci" "$work/runs/push-sdk"
  done
}

# ----------------------------------------------------------------------------------------------------------------------
# The run.
# ----------------------------------------------------------------------------------------------------------------------
mkdir -p "$work/templates"
for size in small bigdeps large manyfiles solution; do
  if wanted "$size" || { [[ $size == bigdeps ]] && wanted push; }; then
    log "making the $size project"
    "make_$size" "$work/templates/$size"
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
  warm="$work/runs/warm"; rm -rf "$warm"; make_small "$warm"; nuget_config "$warm"
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
