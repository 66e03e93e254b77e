#!/usr/bin/env bash
# The main job, end to end: provision a local engine and base images if needed, pack Diamol.Build, publish the
# WebPing sample through its PackageReference into an image, and run it.
#
# Usage: eng/sample.sh
#   DIAMOL_SAMPLE_BASE_IMAGE  base image (default: the offline-built localhost:5000/dotnet/runtime:10.0;
#                             on a machine with internet access, mcr.microsoft.com/dotnet/runtime:10.0 works too)
#   DIAMOL_SAMPLE_RUN_ARGS    extra `docker run` arguments (default: --network none -e PINGS=3 -e INTERVAL=1000)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_CLI_USE_MSBUILD_SERVER=0

base_image=${DIAMOL_SAMPLE_BASE_IMAGE:-localhost:5000/dotnet/runtime:10.0}
if [[ $base_image == localhost:5000/* ]]; then
  bash "$root/eng/provision.sh"
fi

# A version unique to this run, restored into a package folder of its own: never a stale copy of the tasks.
version="0.1.0-local.$(date -u +%Y%m%d%H%M%S)"
rm -rf artifacts/packages
dotnet pack -c Release -o artifacts/packages -p:Version="$version" -nodeReuse:false
NUGET_PACKAGES="$root/artifacts/nuget-packages" dotnet publish samples/WebPing -c Release -nodeReuse:false \
  -p:DiamolBuildVersion="$version" -p:ContainerBaseImage="$base_image"

echo
echo "Dockerfile and layer history: samples/WebPing/bin/Release/net10.0/container/"
echo "Running webping:latest ..."
# shellcheck disable=SC2086 # the extra arguments are meant to split
docker run --rm ${DIAMOL_SAMPLE_RUN_ARGS:---network none -e PINGS=3 -e INTERVAL=1000} webping:latest
