#!/usr/bin/env bash
# Provision everything the test suite needs on a bare Debian 12 machine:
# a Docker engine (no bridge network), two local registries (anonymous and
# htpasswd-protected) and offline-built .NET base images pushed to the local
# registry. Idempotent: a second run only checks and reports (a few seconds).
#
# Usage: sudo eng/provision.sh        (runs as root, no stdin, CI=true or not)
set -euo pipefail

# ---------------------------------------------------------------------------
# Names the tests rely on (documented here, in one place).
# ---------------------------------------------------------------------------
REGISTRY=localhost:5000                              # image-name prefix (docker: insecure by default)
REGISTRY_URL=http://127.0.0.1:5000                   # anonymous registry, delete enabled
AUTH_REGISTRY=localhost:5001
AUTH_REGISTRY_URL=http://127.0.0.1:5001              # htpasswd-protected registry
AUTH_REGISTRY_USER=diamol
AUTH_REGISTRY_PASSWORD=diamol-secret
BASE_RUNTIME_DEPS=$REGISTRY/dotnet/runtime-deps:10.0 # mirrors mcr.microsoft.com/dotnet/runtime-deps:10.0
BASE_RUNTIME=$REGISTRY/dotnet/runtime:10.0           # mirrors mcr.microsoft.com/dotnet/runtime:10.0
BASE_ASPNET=$REGISTRY/dotnet/aspnet:10.0             # mirrors mcr.microsoft.com/dotnet/aspnet:10.0
TLS_DIR=/var/cache/diamol-test/tls                   # CA, server and client certificates for the TLS engine tests
TLS_ENGINE=tcp://localhost:2376                      # the engine behind a mutual-TLS endpoint (client certs: $TLS_DIR/client)
TLS_LOG=/var/log/diamol-tls-engine.log
PODMAN_SOCKET=/run/diamol-podman/podman.sock         # Podman's Docker-compatible API, for the Podman tests
PODMAN_LOG=/var/log/diamol-podman.log
LINT_DIR=/var/cache/diamol-test/lint                 # npm linters the tests run on generated Dockerfiles
LINT_PACKAGES=(dockerfile-utils@0.16.3 dockerfilelint@1.8.0)
SBOM_DIR=/var/cache/diamol-test/sbom                 # CycloneDX schemas (npm) and SBOM generators (dotnet tools) the SBOM tests check against
SBOM_NPM_PACKAGES=(@cyclonedx/cyclonedx-library@10.3.0)
SBOM_DOTNET_TOOLS=(CycloneDX@6.3.1 Microsoft.Sbom.DotNetTool@4.1.13)

# Internals.
CACHE_DIR=/var/cache/diamol-test
DOCKERD_LOG=/var/log/diamol-dockerd.log
REGISTRY_LOG=/var/log/diamol-registry.log
AUTH_REGISTRY_LOG=/var/log/diamol-registry-auth.log
DOTNET_ROOT_HOST=${DOTNET_ROOT:-/usr/share/dotnet}
SUITE=bookworm
ROOTFS_PACKAGES=ca-certificates,libicu72,libssl3,tzdata
APP_UID=1654
RECIPE=1                        # bump to force a rebuild of the base images
LABEL_RUNTIME=org.diamol.test.runtime
LABEL_RECIPE=org.diamol.test.recipe
ROOTFS_TAR=$CACHE_DIR/rootfs-$SUITE-runtime-deps-r$RECIPE.tar
# The multi-platform index (section 4b): runtime-deps:10.0 for linux/amd64 plus
# an arm64 image made from Debian's arm64 packages without running arm64 code.
BASE_RUNTIME_DEPS_MULTI=$REGISTRY/dotnet/runtime-deps:10.0-multi
ARM64_PLATFORM=linux/arm64/v8
ARM64_PACKAGES=(libc6 libgcc-s1 gcc-12-base libstdc++6 zlib1g libssl3 libicu72 ca-certificates tzdata
                base-files bash dash libtinfo6)   # + /etc/os-release, and the shells of CMD and the app user
ARM64_DIR=$CACHE_DIR/arm64                         # private apt state (arm64 only) and the downloaded .debs
ARM64_ROOTFS_TGZ=$CACHE_DIR/rootfs-$SUITE-runtime-deps-arm64-r$RECIPE.tar.gz
SCRIPT_DIR=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
PUSH_IMAGE_PY=$SCRIPT_DIR/push-oci-image.py

export DEBIAN_FRONTEND=noninteractive
export DOCKER_BUILDKIT=0        # the engine's legacy builder; no BuildKit needed

log()  { printf '[provision] %s\n' "$*"; }
die()  { printf '[provision] ERROR: %s\n' "$*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }

# ---------------------------------------------------------------------------
# The services, one file each under eng/provision/ (in the order main runs them).
# ---------------------------------------------------------------------------
for part in packages docker registries base-images multi-platform podman tls-engine engine2 linters sbom; do
  # shellcheck source=/dev/null
  source "$SCRIPT_DIR/provision/$part.sh"
done

# ---------------------------------------------------------------------------
# 9. Summary.
# ---------------------------------------------------------------------------
summary() {
  local img size
  log "engine:   $(docker version --format 'Docker {{.Server.Version}}, API {{.Server.APIVersion}}'), storage driver $(docker info --format '{{.Driver}}' 2>/dev/null)"
  log "registry: $REGISTRY_URL (as $REGISTRY, anonymous)"
  log "registry: $AUTH_REGISTRY_URL (as $AUTH_REGISTRY, user $AUTH_REGISTRY_USER / $AUTH_REGISTRY_PASSWORD)"
  log ".NET:     runtime $RUNTIME_VERSION, aspnetcore $ASPNET_VERSION"
  for img in "$BASE_RUNTIME_DEPS" "$BASE_RUNTIME" "$BASE_ASPNET"; do
    size=$(docker image inspect -f '{{.Size}}' "$img")
    log "image:    $img ($((size / 1000000)) MB)"
  done
  local -a args; mapfile -t args < <(multi_index_args)
  log "image:    $BASE_RUNTIME_DEPS_MULTI (index of linux/amd64 + $ARM64_PLATFORM, $(python3 "$PUSH_IMAGE_PY" check "${args[@]}" | cut -d' ' -f1))"
  log "tls:      $TLS_ENGINE (DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$TLS_DIR/client)"
  log "engine 2: $ENGINE2 (diamol-engine2 start|kill|status)"
  log "podman:   unix://$PODMAN_SOCKET ($(podman version --format '{{.Server.Version}}' 2>/dev/null || echo '?'))"
  log "linters:  $LINT_DIR/node_modules/.bin/{dockerfile-utils,dockerfilelint}"
  log "sbom:     $SBOM_DIR (CycloneDX schemas; tools/dotnet-CycloneDX, tools/sbom-tool)"
}

main() {
  [[ $(id -u) == 0 ]] || die "run as root"
  install_packages
  ensure_docker
  ensure_registries
  ensure_base_images
  verify_images
  ensure_multi_platform_index
  ensure_podman
  ensure_tls_engine
  ensure_engine2
  ensure_linters
  ensure_sbom_checks
  summary
}

main "$@" </dev/null
