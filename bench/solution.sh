#!/usr/bin/env bash
# Cold publish of a two-image solution, Diamol.Build beside the .NET SDK's PublishContainer: an ASP.NET Core API and
# a worker that share a class library, made from the SDK's templates. "Cold" is a fresh copy of the solution (no
# bin/obj) with NuGet packages already in the cache and no image of it in the engine, published with one
# `dotnet publish` of the solution (MSBuild builds the projects in parallel). Runs alternate between the tools,
# RUNS times each; the table gives the median and the spread. It also times the engine's part alone (`docker build`
# of the generated context with --no-cache) to show where Diamol.Build's time goes.
# Times are measured here, never asserted in tests. Writes bench/solution-results.md.
#
# Usage: bench/solution.sh [RUNS]   (after eng/provision.sh; default 3 runs)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=${1:-3}
work=$(mktemp -d /tmp/diamol-bench-sln.XXXXXX)
trap 'rm -rf "$work"' EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_CLI_USE_MSBUILD_SERVER=0 MSBUILDDISABLENODEREUSE=1 NUGET_PACKAGES="$work/packages"
version="0.1.0-bench.$(date -u +%Y%m%d%H%M%S)"

dotnet pack "$root/src/Sdk/Diamol.Build.csproj" -c Release -o "$work/feed" -p:Version="$version" -nodeReuse:false >/dev/null

# The solution, once; each run publishes a fresh copy of it.
template="$work/template"
mkdir -p "$template"
(
  cd "$template"
  dotnet new sln -n Shop >/dev/null
  dotnet new webapi -n Api -o Api --no-restore >/dev/null
  dotnet new worker -n Jobs -o Jobs --no-restore >/dev/null
  dotnet new classlib -n Shared -o Shared --no-restore >/dev/null
  for project in Api/Api.csproj Jobs/Jobs.csproj Shared/Shared.csproj; do dotnet sln Shop.slnx add "$project" >/dev/null; done
  for app in Api Jobs; do
    base=localhost:5000/dotnet/runtime:10.0; [[ $app == Api ]] && base=localhost:5000/dotnet/aspnet:10.0
    sed -i "s|</Project>|  <ItemGroup>\n    <ProjectReference Include=\"../Shared/Shared.csproj\" />\n    <PackageReference Include=\"Diamol.Build\" Version=\"$version\" />\n  </ItemGroup>\n  <PropertyGroup>\n    <ContainerBaseImage>$base</ContainerBaseImage>\n    <ContainerRepository>bench-sln/$(tr '[:upper:]' '[:lower:]' <<<"$app")-\$(BenchTool)</ContainerRepository>\n  </PropertyGroup>\n</Project>|" "$app/$app.csproj"
  done
  # Shared is a library: PublishContainer and Diamol.Build leave it alone.
  printf '<configuration><packageSources><add key="bench" value="%s" /></packageSources></configuration>\n' "$work/feed" >nuget.config
  dotnet restore Shop.slnx >/dev/null   # fills the NuGet cache once, so no run pays for downloads
)

seconds() { local start end; start=$(date +%s.%N); "$@" >"$work/last.log" 2>&1 || { cat "$work/last.log"; exit 1; }; end=$(date +%s.%N); python3 -c "print(f\"{$end - $start:.2f}\")"; }
fresh() { rm -rf "$work/run"; cp -r "$template" "$work/run"; find "$work/run" -name obj -o -name bin | xargs rm -rf; docker image rm -f "bench-sln/api-$1" "bench-sln/jobs-$1" >/dev/null 2>&1 || true; }

declare -A times
for ((i = 1; i <= runs; i++)); do
  fresh diamol
  times[diamol]+="$(seconds dotnet publish "$work/run/Shop.slnx" -c Release -nodeReuse:false -p:BenchTool=diamol) "
  fresh sdk
  times[sdk]+="$(seconds dotnet publish "$work/run/Shop.slnx" -c Release -nodeReuse:false -t:PublishContainer -p:DiamolEnabled=false -p:BenchTool=sdk) "
  fresh none
  times[none]+="$(seconds dotnet publish "$work/run/Shop.slnx" -c Release -nodeReuse:false -p:DiamolEnabled=false -p:BenchTool=none) "
done

# The engine's part alone: both generated contexts built again without the cache, one after the other.
fresh diamol
dotnet publish "$work/run/Shop.slnx" -c Release -nodeReuse:false -p:BenchTool=diamol >/dev/null
engine=$(seconds bash -c "docker build -q --no-cache -t bench-sln/engine-api '$work/run/Api/bin/Release/net10.0/container' && docker build -q --no-cache -t bench-sln/engine-jobs '$work/run/Jobs/bin/Release/net10.0/container'")
steps=$(grep -c '^[A-Z]' "$work/run/Api/bin/Release/net10.0/container/Dockerfile")
docker image rm -f bench-sln/api-diamol bench-sln/jobs-diamol bench-sln/api-sdk bench-sln/jobs-sdk bench-sln/engine-api bench-sln/engine-jobs >/dev/null 2>&1 || true

stats() { python3 -c "import statistics,sys; v=sorted(map(float,sys.argv[1:])); print(f'{statistics.median(v):.1f} | {v[0]:.1f}–{v[-1]:.1f}')" $1; }
median() { python3 -c "import statistics,sys; print(statistics.median(map(float,sys.argv[1:])))" $1; }
ratio=$(python3 -c "print(f'{$(median "${times[diamol]}") / $(median "${times[sdk]}"):.2f}')")

{
  echo "# Benchmark: cold publish of a two-image solution"
  echo
  echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores, $(docker version --format 'Docker {{.Server.Version}}'), .NET SDK $(dotnet --version);"
  echo "$runs runs per tool, alternating. An ASP.NET Core API and a worker sharing a class library (\`dotnet new webapi\`,"
  echo "\`worker\`, \`classlib\`), one \`dotnet publish Shop.slnx\` from a fresh copy, packages already restored once. Command: \`bench/solution.sh $runs\`."
  echo
  echo "| tool | median (s) | spread (s) |"
  echo "|---|---:|---:|"
  echo "| plain \`dotnet publish\`, no image (the floor) | $(stats "${times[none]}") |"
  echo "| Diamol.Build (engine builder) | $(stats "${times[diamol]}") |"
  echo "| \`-t:PublishContainer\` | $(stats "${times[sdk]}") |"
  echo
  echo "Diamol.Build / PublishContainer: **${ratio}x**."
  echo
  echo "The engine's share: \`docker build --no-cache\` of the two generated contexts alone takes ${engine} s"
  echo "($steps Dockerfile instructions in the API's Dockerfile; the classic builder runs each one in a container of its own and"
  echo "commits it, which costs a few hundred milliseconds per instruction whether or not it adds files)."
} | tee "$root/bench/solution-results.md"
