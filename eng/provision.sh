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
# 1. Debian packages. Only install what is missing (checked by command, so a
#    docker-ce or other pre-existing install is reused, not fought with), and
#    only then pay for apt-get update. Waits for a concurrent apt/dpkg.
# ---------------------------------------------------------------------------
wait_for_apt() {
  local i
  for i in $(seq 600); do
    pgrep -x apt-get >/dev/null 2>&1 || pgrep -x dpkg >/dev/null 2>&1 || pgrep -x apt >/dev/null 2>&1 || return 0
    [[ $i == 1 ]] && log "waiting for another apt/dpkg run to finish..."
    sleep 1
  done
  die "apt/dpkg still busy after 10 minutes"
}

install_packages() {
  local -a missing=()
  # docker.io brings the CLI and dockerd; only needed if one of them is missing
  # and no engine is already answering.
  if ! have docker || { ! have dockerd && ! docker_answers; }; then missing+=(docker.io); fi
  have debootstrap     || missing+=(debootstrap)
  have docker-registry || missing+=(docker-registry)
  have htpasswd        || missing+=(apache2-utils)
  have curl            || missing+=(curl)
  have podman          || missing+=(podman)
  have stunnel4        || missing+=(stunnel4)
  have openssl         || missing+=(openssl)
  have chromium        || missing+=(chromium)   # renders the HTML history report in a test
  have skopeo          || missing+=(skopeo)     # checks that archives and their blobs are whole, in a test
  [[ -e /usr/share/keyrings/debian-archive-keyring.gpg ]] || missing+=(debian-archive-keyring)
  ((${#missing[@]} == 0)) && return 0

  log "installing: ${missing[*]}"
  wait_for_apt
  local -a opts=(-o DPkg::Lock::Timeout=600 -q)
  apt-get "${opts[@]}" update
  apt-get "${opts[@]}" install -y --no-install-recommends "${missing[@]}"
}

# ---------------------------------------------------------------------------
# 2. Docker engine. Reuse any engine that answers; otherwise start dockerd
#    detached, without a bridge network or iptables (this machine must not
#    route to private ranges). Storage driver: overlay2, else fuse-overlayfs,
#    else vfs; a driver only counts if a container really runs on it. The
#    choice is remembered so later restarts find their images again.
# ---------------------------------------------------------------------------
docker_answers() { timeout 10 docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

wait_for_docker() {   # $1 = dockerd pid (or empty), $2 = seconds
  local pid=$1 i
  for i in $(seq "$2"); do
    docker_answers && return 0
    [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null && return 1
    sleep 1
  done
  return 1
}

# Runs a static binary (docker-init = tini) in a scratch image: proves the
# storage driver can mount a rootfs and runc can start a container.
probe_container() {
  local init tmp rc=0
  init=$(readlink -f "$(command -v docker-init 2>/dev/null || true)" 2>/dev/null || true)
  [[ -x $init ]] || return 0   # nothing static to probe with; trust the daemon
  tmp=$(mktemp -d)
  cp "$init" "$tmp/init"
  tar -C "$tmp" -c init | docker import - diamol-probe:latest >/dev/null || rc=1
  ((rc == 0)) && { docker run --rm --network none diamol-probe:latest /init --version >/dev/null || rc=1; }
  docker rmi -f diamol-probe:latest >/dev/null 2>&1 || true
  rm -rf "$tmp"
  return $rc
}

ensure_docker() {
  if docker_answers; then log "docker engine: reusing running engine"; return 0; fi

  # A dockerd that is still starting up: give it the same 60 s.
  if pgrep -x dockerd >/dev/null 2>&1 && wait_for_docker "" 60; then
    log "docker engine: reusing running engine"; return 0
  fi

  local -a hostopt=()
  if [[ -n ${DOCKER_HOST:-} ]]; then
    [[ $DOCKER_HOST == unix://* ]] || die "DOCKER_HOST=$DOCKER_HOST does not answer and is not a local socket"
    hostopt=(-H "$DOCKER_HOST")
  fi

  mkdir -p "$CACHE_DIR"
  local state=$CACHE_DIR/dockerd-storage-driver drivers=() d pid
  if grep -qs '"storage-driver"' /etc/docker/daemon.json; then
    drivers=("")               # daemon.json decides; passing the flag too would conflict
  elif [[ -s $state ]]; then
    drivers=("$(cat "$state")")
  else
    drivers=(overlay2)
    have fuse-overlayfs && drivers+=(fuse-overlayfs)
    drivers+=(vfs)
  fi

  for d in "${drivers[@]}"; do
    log "starting dockerd (storage driver: ${d:-from daemon.json}), log: $DOCKERD_LOG"
    echo "=== $(date -Is) provision.sh: dockerd --storage-driver=${d:-default}" >>"$DOCKERD_LOG"
    nohup setsid dockerd --bridge=none --iptables=false --ip-forward=false \
      ${d:+--storage-driver="$d"} "${hostopt[@]}" </dev/null >>"$DOCKERD_LOG" 2>&1 &
    pid=$!
    if wait_for_docker "$pid" 60; then
      if probe_container; then
        [[ -n $d ]] && echo "$d" >"$state"
        return 0
      fi
      log "storage driver $d: daemon up but containers fail; trying the next one"
    else
      log "dockerd with storage driver ${d:-default} did not come up"
    fi
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  done
  tail -n 30 "$DOCKERD_LOG" >&2 || true
  die "no working docker engine: dockerd did not answer within 60 s or could not run a container with any storage driver (log tail above, full log: $DOCKERD_LOG)"
}

# ---------------------------------------------------------------------------
# 3. Local registries (Debian's docker-registry, no container needed): the
#    SDK's container tooling pulls base images from a registry, and tests push
#    to one. The second registry requires htpasswd auth, for credential tests.
# ---------------------------------------------------------------------------
write_if_changed() {  # $1 = path; content on stdin. Keeps mtime when unchanged.
  local tmp
  tmp=$(mktemp)
  cat >"$tmp"
  if cmp -s "$tmp" "$1"; then rm -f "$tmp"; else mv "$tmp" "$1"; chmod 644 "$1"; fi
}

http_status() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$1" 2>/dev/null || true; }

start_registry() {    # $1 = name, $2 = url, $3 = expected /v2/ status, $4 = config, $5 = log
  local name=$1 url=$2 want=$3 config=$4 logf=$5 pid i
  if [[ $(http_status "$url/v2/") == "$want" ]]; then log "$name: reusing $url"; return 0; fi
  log "starting $name on $url, log: $logf"
  nohup setsid docker-registry serve "$config" </dev/null >>"$logf" 2>&1 &
  pid=$!
  for i in $(seq 30); do
    [[ $(http_status "$url/v2/") == "$want" ]] && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 1
  done
  tail -n 20 "$logf" >&2 || true
  die "$name did not answer $want on $url/v2/ (log: $logf)"
}

ensure_registries() {
  mkdir -p "$CACHE_DIR/registry" "$CACHE_DIR/registry-auth"

  write_if_changed "$CACHE_DIR/registry.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $CACHE_DIR/registry
  delete:
    enabled: true
http:
  addr: 127.0.0.1:5000
  secret: diamol-test-local
EOF

  # bcrypt salts differ each time: only (re)write when the password doesn't verify.
  local htp=$CACHE_DIR/registry-auth.htpasswd
  if ! htpasswd -vb "$htp" "$AUTH_REGISTRY_USER" "$AUTH_REGISTRY_PASSWORD" >/dev/null 2>&1; then
    htpasswd -Bbn "$AUTH_REGISTRY_USER" "$AUTH_REGISTRY_PASSWORD" >"$htp"
  fi
  write_if_changed "$CACHE_DIR/registry-auth.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $CACHE_DIR/registry-auth
  delete:
    enabled: true
http:
  addr: 127.0.0.1:5001
  secret: diamol-test-auth
auth:
  htpasswd:
    realm: diamol-test
    path: $htp
EOF

  start_registry registry      "$REGISTRY_URL"      200 "$CACHE_DIR/registry.yml"      "$REGISTRY_LOG"
  start_registry auth-registry "$AUTH_REGISTRY_URL" 401 "$CACHE_DIR/registry-auth.yml" "$AUTH_REGISTRY_LOG"
}

# ---------------------------------------------------------------------------
# 4. .NET base images, built offline from this machine's .NET runtime so tests
#    never need mcr.microsoft.com. Same layout and config as Microsoft's images.
# ---------------------------------------------------------------------------
RUNTIME_VERSION= ASPNET_VERSION=

detect_dotnet() {
  local d=$DOTNET_ROOT_HOST/shared
  RUNTIME_VERSION=$(ls -1 "$d/Microsoft.NETCore.App" 2>/dev/null | grep '^10\.' | sort -V | tail -n1 || true)
  ASPNET_VERSION=$(ls -1 "$d/Microsoft.AspNetCore.App" 2>/dev/null | grep '^10\.' | sort -V | tail -n1 || true)
  [[ -n $RUNTIME_VERSION ]] || die "no .NET 10 runtime under $d/Microsoft.NETCore.App"
  [[ -n $ASPNET_VERSION ]]  || die "no ASP.NET Core 10 runtime under $d/Microsoft.AspNetCore.App"
  [[ -x $DOTNET_ROOT_HOST/dotnet && -d $DOTNET_ROOT_HOST/host/fxr ]] || die "no dotnet host / host/fxr in $DOTNET_ROOT_HOST"
}

# debootstrap needs the mirror apt already uses (the only reachable one).
# Reads one-line .list files and deb822 .sources files.
apt_mirror() {
  local f m=""
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f $f ]] || continue
    m=$(awk -v s="$SUITE" '$1=="deb" { i=2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
                                     if ($(i+1)==s) { print $i; exit } }' "$f")
    [[ -n $m ]] && break
  done
  if [[ -z $m ]]; then
    for f in /etc/apt/sources.list.d/*.sources; do
      [[ -f $f ]] || continue
      m=$(awk -v s="$SUITE" '
        function flush() { if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " s " ") && en !~ /^no$/ && uris != "") { split(uris, u, " "); print u[1]; found=1; exit } types=suites=uris=en="" }
        /^[ \t]*#/ { next }
        /^[ \t]*$/ { flush(); next }
        { k=tolower($1); sub(/:$/, "", k); $1=""; sub(/^ +/, ""); v=$0
          if (k=="types") types=v; else if (k=="suites") suites=v; else if (k=="uris") uris=v; else if (k=="enabled") en=tolower(v) }
        END { if (!found) flush() }' "$f")
      [[ -n $m ]] && break
    done
  fi
  # No mirror is written into the repository: without one in apt's own configuration there is nothing to fetch from.
  [[ -n $m ]] || die "no apt source for '$SUITE' in /etc/apt/sources.list or /etc/apt/sources.list.d: debootstrap needs the mirror apt uses; add it there (a 'deb <mirror> $SUITE main' line) and run eng/provision.sh again"
  echo "$m"
}

umount_under() {      # lazy-unmount anything left mounted below $1 (failed debootstrap)
  local mnt
  awk -v p="$1/" 'index($2, p) == 1 { print $2 }' /proc/mounts | sort -r | while read -r mnt; do
    umount -l "$mnt" 2>/dev/null || true
  done
}

# Debootstrap once, trim, add the non-root `app` user, cache as a tarball:
# later runs (and image rebuilds) never debootstrap again.
ensure_rootfs_tar() {
  [[ -s $ROOTFS_TAR ]] && return 0
  local dir=$CACHE_DIR/rootfs.work mirror
  mirror=$(apt_mirror)
  umount_under "$dir"; rm -rf "$dir"; mkdir -p "$dir"
  trap 'umount_under "'"$dir"'"' EXIT
  log "debootstrap $SUITE from $mirror (one-time, ~1 min)"
  debootstrap --variant=minbase --include="$ROOTFS_PACKAGES" "$SUITE" "$dir" "$mirror" \
    >"$CACHE_DIR/debootstrap.log" 2>&1 || { tail -n 30 "$CACHE_DIR/debootstrap.log" >&2; die "debootstrap failed (log: $CACHE_DIR/debootstrap.log)"; }
  umount_under "$dir"

  chroot "$dir" groupadd --gid "$APP_UID" app
  chroot "$dir" useradd --no-log-init --uid "$APP_UID" --gid "$APP_UID" --create-home app

  # Trim like debian:*-slim: no apt lists/caches, docs, man pages, logs.
  rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/* "$dir"/var/cache/debconf/*-old \
         "$dir"/var/lib/dpkg/*-old "$dir"/var/log/* "$dir"/usr/share/doc/* "$dir"/usr/share/man/* \
         "$dir"/usr/share/info/* "$dir"/usr/share/lintian "$dir"/usr/share/linda "$dir"/tmp/* \
         "$dir"/dev/* "$dir"/proc/* "$dir"/sys/* "$dir"/run/*
  [[ -d $dir/usr/share/locale ]] && find "$dir"/usr/share/locale -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
  : >"$dir/etc/resolv.conf"; : >"$dir/etc/hostname"  # the engine bind-mounts these

  tar --numeric-owner -C "$dir" -cf "$ROOTFS_TAR.tmp" .
  mv "$ROOTFS_TAR.tmp" "$ROOTFS_TAR"
  rm -rf "$dir"
  trap - EXIT
}

# Up to date = right runtime version + recipe labels (and for child images:
# built on the current parent, i.e. the parent's layers are a prefix).
image_current() {     # $1 = image, [$2 = parent image]
  local got
  got=$(docker image inspect -f "{{index .Config.Labels \"$LABEL_RUNTIME\"}}|{{index .Config.Labels \"$LABEL_RECIPE\"}}" "$1" 2>/dev/null) || return 1
  [[ $got == "$RUNTIME_VERSION|$RECIPE" ]] || return 1
  if [[ -n ${2:-} ]]; then
    local mine parent
    mine=$(docker image inspect -f '{{join .RootFS.Layers " "}}' "$1")
    parent=$(docker image inspect -f '{{join .RootFS.Layers " "}}' "$2")
    [[ $mine == "$parent "* ]] || return 1
  fi
}

build_runtime_deps() {
  image_current "$BASE_RUNTIME_DEPS" && return 0
  ensure_rootfs_tar
  log "importing $BASE_RUNTIME_DEPS"
  docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "ENV APP_UID=$APP_UID" \
    --change 'ENV ASPNETCORE_HTTP_PORTS=8080' \
    --change 'ENV DOTNET_RUNNING_IN_CONTAINER=true' \
    --change "LABEL $LABEL_RUNTIME=$RUNTIME_VERSION $LABEL_RECIPE=$RECIPE" \
    --change 'CMD ["bash"]' \
    "$ROOTFS_TAR" "$BASE_RUNTIME_DEPS" >/dev/null
}

# Stages files as hard links (same filesystem; falls back to copying) and runs
# the legacy builder with no network: COPY-only Dockerfiles, one layer each.
docker_build() {      # $1 = image, $2 = context dir (holds Dockerfile)
  log "building $1"
  local out   # quiet unless it fails (hides the legacy builder's deprecation notice)
  out=$(docker build -q --network none --label "$LABEL_RUNTIME=$RUNTIME_VERSION" --label "$LABEL_RECIPE=$RECIPE" \
          -t "$1" "$2" 2>&1) || { printf '%s\n' "$out" >&2; die "docker build of $1 failed"; }
}

stage() {             # $1 = source, $2 = destination (parent created)
  mkdir -p "$(dirname "$2")"
  cp -al "$1" "$2" 2>/dev/null || { rm -rf "$2"; cp -a "$1" "$2"; }
}

build_runtime() {
  image_current "$BASE_RUNTIME" "$BASE_RUNTIME_DEPS" && return 0
  local ctx=$CACHE_DIR/build/runtime src=$DOTNET_ROOT_HOST
  rm -rf "$ctx"; mkdir -p "$ctx/rootfs/usr/share/dotnet/shared" "$ctx/rootfs/usr/bin"
  stage "$src/dotnet"            "$ctx/rootfs/usr/share/dotnet/dotnet"
  stage "$src/host"              "$ctx/rootfs/usr/share/dotnet/host"
  stage "$src/shared/Microsoft.NETCore.App/$RUNTIME_VERSION" \
        "$ctx/rootfs/usr/share/dotnet/shared/Microsoft.NETCore.App/$RUNTIME_VERSION"
  for f in LICENSE.txt ThirdPartyNotices.txt; do
    [[ -f $src/$f ]] && stage "$src/$f" "$ctx/rootfs/usr/share/dotnet/$f"
  done
  ln -s /usr/share/dotnet/dotnet "$ctx/rootfs/usr/bin/dotnet"
  cat >"$ctx/Dockerfile" <<EOF
FROM $BASE_RUNTIME_DEPS
ENV DOTNET_VERSION=$RUNTIME_VERSION
COPY rootfs/ /
EOF
  docker_build "$BASE_RUNTIME" "$ctx"
  rm -rf "$ctx"
}

build_aspnet() {
  image_current "$BASE_ASPNET" "$BASE_RUNTIME" && return 0
  local ctx=$CACHE_DIR/build/aspnet
  rm -rf "$ctx"; mkdir -p "$ctx"
  stage "$DOTNET_ROOT_HOST/shared/Microsoft.AspNetCore.App/$ASPNET_VERSION" \
        "$ctx/rootfs/usr/share/dotnet/shared/Microsoft.AspNetCore.App/$ASPNET_VERSION"
  cat >"$ctx/Dockerfile" <<EOF
FROM $BASE_RUNTIME
ENV ASPNET_VERSION=$ASPNET_VERSION
COPY rootfs/ /
EOF
  docker_build "$BASE_ASPNET" "$ctx"
  rm -rf "$ctx"
}

# Push unless the registry already serves a manifest whose config digest is
# this image's ID (i.e. exactly this image).
push_image() {        # $1 = image (localhost:5000/repo:tag)
  local ref=${1#"$REGISTRY"/} repo tag id remote
  repo=${ref%:*}; tag=${ref##*:}
  id=$(docker image inspect -f '{{.Id}}' "$1")
  remote=$(curl -fsS --max-time 10 -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
             "$REGISTRY_URL/v2/$repo/manifests/$tag" 2>/dev/null \
           | tr -d ' \n' | grep -o '"config":{[^}]*}' | grep -o 'sha256:[0-9a-f]*' || true)
  [[ $remote == "$id" ]] && return 0
  log "pushing $1"
  docker push -q "$1" >/dev/null
}

ensure_base_images() {
  detect_dotnet
  build_runtime_deps
  build_runtime
  build_aspnet
  local img
  for img in "$BASE_RUNTIME_DEPS" "$BASE_RUNTIME" "$BASE_ASPNET"; do push_image "$img"; done
  rm -rf "$CACHE_DIR/build"
}

# The images must run offline: the runtime lists itself; aspnet (as the
# non-root app user, like a real app would) lists both frameworks.
verify_images() {
  local out
  out=$(docker run --rm --network none "$BASE_RUNTIME" dotnet --list-runtimes) \
    || die "$BASE_RUNTIME does not run"
  grep -q "Microsoft.NETCore.App $RUNTIME_VERSION" <<<"$out" || die "$BASE_RUNTIME: unexpected runtimes: $out"
  out=$(docker run --rm --network none --user "$APP_UID" "$BASE_ASPNET" dotnet --list-runtimes) \
    || die "$BASE_ASPNET does not run"
  grep -q "Microsoft.NETCore.App $RUNTIME_VERSION" <<<"$out" \
    && grep -q "Microsoft.AspNetCore.App $ASPNET_VERSION" <<<"$out" \
    || die "$BASE_ASPNET: unexpected runtimes: $out"
}

# ---------------------------------------------------------------------------
# 4b. The multi-platform base image $BASE_RUNTIME_DEPS_MULTI: an index of the
#     amd64 runtime-deps image (by digest) and an arm64 image with the same
#     config, whose root file system is unpacked from Debian's arm64 packages
#     (dpkg-deb, no maintainer scripts: nothing arm64 ever runs here). Pushed
#     through the registry API by eng/push-oci-image.py, since docker push
#     cannot push an image of a foreign architecture.
# ---------------------------------------------------------------------------
arm64_apt() {         # apt-get with a private, arm64-only state: the host's apt is left alone
  apt-get -q -o Dir::State="$ARM64_DIR/apt/state" -o Dir::State::status="$ARM64_DIR/apt/status" \
    -o Dir::Cache="$ARM64_DIR/apt/cache" -o Dir::Etc::SourceList="$ARM64_DIR/apt/sources.list" \
    -o Dir::Etc::SourceParts="$ARM64_DIR/apt/sources.list.d" \
    -o APT::Architecture=arm64 -o APT::Architectures=arm64 -o APT::Sandbox::User=root "$@"
}

arm64_deb() {         # $1 = package: its newest downloaded .deb (arm64 or all), or nothing
  { compgen -G "$ARM64_DIR/debs/${1}_*_arm64.deb"; compgen -G "$ARM64_DIR/debs/${1}_*_all.deb"; true; } \
    | sort -V | tail -n1
}

arm64_debs_present() {
  local p
  for p in "${ARM64_PACKAGES[@]}"; do [[ -n $(arm64_deb "$p") ]] || return 1; done
}

fetch_arm64_debs() {
  arm64_debs_present && return 0
  local mirror
  mirror=$(apt_mirror)
  mkdir -p "$ARM64_DIR/apt/state/lists/partial" "$ARM64_DIR/apt/cache/archives/partial" \
           "$ARM64_DIR/apt/sources.list.d" "$ARM64_DIR/debs"
  : >"$ARM64_DIR/apt/status"
  write_if_changed "$ARM64_DIR/apt/sources.list" <<EOF
deb [arch=arm64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $SUITE main
EOF
  log "downloading arm64 packages from $mirror: ${ARM64_PACKAGES[*]}"
  arm64_apt update >"$ARM64_DIR/apt.log" 2>&1 \
    || { tail -n 20 "$ARM64_DIR/apt.log" >&2; die "apt-get update (arm64) failed (log: $ARM64_DIR/apt.log)"; }
  (cd "$ARM64_DIR/debs" && arm64_apt download "${ARM64_PACKAGES[@]}") >>"$ARM64_DIR/apt.log" 2>&1 \
    || { tail -n 20 "$ARM64_DIR/apt.log" >&2; die "apt-get download (arm64) failed (log: $ARM64_DIR/apt.log)"; }
  arm64_debs_present || die "arm64 packages missing after download (log: $ARM64_DIR/apt.log)"
}

# Unpack the .debs into a merged-/usr tree like the amd64 one, then take from
# the amd64 rootfs what maintainer scripts would have generated (architecture-
# independent text): users and groups (with app, $APP_UID), the CA bundle and
# its hash links, the time zone; and the openssl package's configuration and
# /usr/lib/ssl links (libssl3's default certificate paths point there).
# Cached as a gzipped tarball: the layer blob as pushed.
ensure_arm64_rootfs_tgz() {
  [[ -s $ARM64_ROOTFS_TGZ ]] && return 0
  fetch_arm64_debs
  ensure_rootfs_tar
  local dir=$CACHE_DIR/rootfs-arm64.work deb d p
  rm -rf "$dir"; mkdir -p "$dir"
  log "unpacking arm64 rootfs (${#ARM64_PACKAGES[@]} packages, no maintainer scripts)"
  for d in bin sbin lib; do mkdir -p "$dir/usr/$d"; ln -s "usr/$d" "$dir/$d"; done
  mkdir -p "$dir/var/lib/dpkg"
  for p in "${ARM64_PACKAGES[@]}"; do
    deb=$(arm64_deb "$p")
    dpkg-deb --fsys-tarfile "$deb" | tar -C "$dir" -x -p --numeric-owner --keep-directory-symlink \
      || die "cannot unpack $deb"
    # A dpkg status database, so image scanners see what is installed.
    { dpkg-deb -f "$deb" | sed '1a Status: install ok installed'; echo; } >>"$dir/var/lib/dpkg/status.new"
  done
  mv "$dir/var/lib/dpkg/status.new" "$dir/var/lib/dpkg/status"
  [[ -e $dir/usr/bin/sh ]] || ln -s dash "$dir/usr/bin/sh"   # dash's postinst would make it

  tar -C "$dir" -x --numeric-owner -p -f "$ROOTFS_TAR" \
    ./etc/passwd ./etc/group ./etc/shadow ./etc/gshadow ./etc/ssl ./etc/ca-certificates.conf \
    ./usr/lib/ssl/cert.pem ./usr/lib/ssl/certs ./usr/lib/ssl/openssl.cnf ./usr/lib/ssl/private \
    ./etc/localtime ./etc/timezone ./home/app ./tmp ./root \
    || die "cannot copy users, certificates and time zone from $ROOTFS_TAR"
  grep -q "^app:x:$APP_UID:$APP_UID:" "$dir/etc/passwd" && grep -q "^app:x:$APP_UID:" "$dir/etc/group" \
    || die "no app user ($APP_UID) in $ROOTFS_TAR"
  [[ -e $dir/usr/lib/aarch64-linux-gnu/libc.so.6 && -e $dir/usr/lib/ld-linux-aarch64.so.1 ]] \
    || die "arm64 rootfs has no libc / dynamic loader"
  mkdir -p "$dir/dev" "$dir/proc" "$dir/sys" "$dir/run"
  : >"$dir/etc/resolv.conf"; : >"$dir/etc/hostname"; : >"$dir/etc/hosts"  # the engine bind-mounts these
  rm -rf "$dir"/usr/share/doc/* "$dir"/usr/share/man/* "$dir"/usr/share/info/* "$dir"/usr/share/lintian
  [[ -d $dir/usr/share/locale ]] && find "$dir"/usr/share/locale -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +

  tar --numeric-owner --sort=name -C "$dir" -c . | gzip -n -6 >"$ARM64_ROOTFS_TGZ.tmp" \
    || die "cannot write $ARM64_ROOTFS_TGZ"
  mv "$ARM64_ROOTFS_TGZ.tmp" "$ARM64_ROOTFS_TGZ"
  rm -rf "$dir"
}

multi_index_args() {
  local ref=${BASE_RUNTIME_DEPS_MULTI#"$REGISTRY"/} base=${BASE_RUNTIME_DEPS#"$REGISTRY"/}
  printf '%s\n' --registry "$REGISTRY_URL" --repo "${ref%:*}" --base-tag "${base##*:}" \
                 --tag "${ref##*:}" --platform "$ARM64_PLATFORM"
}

# Skipped when the index already lists the registry's current runtime-deps:10.0
# (by digest) for amd64 and an existing arm64 manifest.
ensure_multi_platform_index() {
  local -a args
  mapfile -t args < <(multi_index_args)
  [[ -f $PUSH_IMAGE_PY ]] || die "missing $PUSH_IMAGE_PY"
  python3 "$PUSH_IMAGE_PY" check "${args[@]}" >/dev/null && return 0
  ensure_arm64_rootfs_tgz
  log "pushing $BASE_RUNTIME_DEPS_MULTI (linux/amd64 + $ARM64_PLATFORM)"
  python3 "$PUSH_IMAGE_PY" push "${args[@]}" --layer "$ARM64_ROOTFS_TGZ" \
    --created "$(date -u -r "$ARM64_ROOTFS_TGZ" +%Y-%m-%dT%H:%M:%SZ)" >/dev/null \
    || die "pushing $BASE_RUNTIME_DEPS_MULTI failed"
  python3 "$PUSH_IMAGE_PY" check "${args[@]}" >/dev/null || die "$BASE_RUNTIME_DEPS_MULTI is incomplete after the push"
}

# ---------------------------------------------------------------------------
# 5. Podman's Docker-compatible API service, so the tests build through Podman
#    too. Rootful, no network of its own is needed (builds without RUN use
#    none; containers run with --network none). The local registry is plain
#    HTTP on loopback: tell Podman so.
# ---------------------------------------------------------------------------
podman_answers() { curl -fsS --max-time 5 --unix-socket "$PODMAN_SOCKET" http://d/_ping >/dev/null 2>&1; }

ensure_podman() {
  mkdir -p /etc/containers/registries.conf.d
  write_if_changed /etc/containers/registries.conf.d/diamol-test.conf <<EOF2
[[registry]]
location = "$REGISTRY"
insecure = true
EOF2
  podman_answers && return 0
  mkdir -p "$(dirname "$PODMAN_SOCKET")"
  rm -f "$PODMAN_SOCKET"
  log "starting podman system service on $PODMAN_SOCKET"
  setsid nohup podman system service --time=0 "unix://$PODMAN_SOCKET" >"$PODMAN_LOG" 2>&1 </dev/null &
  local i
  for i in $(seq 30); do podman_answers && return 0; sleep 1; done
  tail -n 20 "$PODMAN_LOG" >&2 || true
  die "podman system service did not answer on $PODMAN_SOCKET"
}

# ---------------------------------------------------------------------------
# 6. The engine behind mutual TLS on 127.0.0.1:2376, as a remote engine with
#    DOCKER_TLS_VERIFY is reached: stunnel terminates TLS (checking the client's
#    certificate chain against our CA) and forwards to the engine's socket. The
#    certificates are made once with openssl and kept in the cache.
# ---------------------------------------------------------------------------
make_certificates() {
  [[ -f $TLS_DIR/client/key.pem && -f $TLS_DIR/server-cert.pem ]] && return 0
  log "making TLS certificates in $TLS_DIR"
  rm -rf "$TLS_DIR"
  mkdir -p "$TLS_DIR/client"
  (
    cd "$TLS_DIR"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca-key.pem -out ca.pem -days 3650 -subj /CN=diamol-test-ca 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout server-key.pem -out server.csr -subj /CN=localhost 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out server-cert.pem -days 3650 -extfile server.ext 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout client/key.pem -out client.csr -subj /CN=diamol-test-client 2>/dev/null
    printf 'extendedKeyUsage=clientAuth\n' >client.ext
    openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out client/cert.pem -days 3650 -extfile client.ext 2>/dev/null
    cp ca.pem client/ca.pem
    chmod 600 ca-key.pem server-key.pem client/key.pem
  )
}

tls_engine_answers() {
  curl -fsS --max-time 5 --cacert "$TLS_DIR/ca.pem" --cert "$TLS_DIR/client/cert.pem" --key "$TLS_DIR/client/key.pem" \
    https://localhost:2376/_ping >/dev/null 2>&1
}

ensure_tls_engine() {
  make_certificates
  tls_engine_answers && return 0
  log "starting the TLS endpoint $TLS_ENGINE"
  write_if_changed "$TLS_DIR/stunnel.conf" <<EOF2
foreground = yes
pid =
[docker-tls]
accept = 127.0.0.1:2376
connect = /var/run/docker.sock
cert = $TLS_DIR/server-cert.pem
key = $TLS_DIR/server-key.pem
CAfile = $TLS_DIR/ca.pem
verifyChain = yes
EOF2
  setsid nohup stunnel4 "$TLS_DIR/stunnel.conf" >"$TLS_LOG" 2>&1 </dev/null &
  local i
  for i in $(seq 20); do tls_engine_answers && return 0; sleep 0.5; done
  tail -n 20 "$TLS_LOG" >&2 || true
  die "the TLS endpoint $TLS_ENGINE did not answer"
}

# ---------------------------------------------------------------------------
# 6b. The second engine (eng/diamol-engine2): tests that kill an engine use it,
#     never the shared one. Installed on the PATH so a test can restart it.
# ---------------------------------------------------------------------------
ENGINE2=unix:///run/diamol-engine2/docker.sock
ensure_engine2() {
  install -m 0755 "$SCRIPT_DIR/diamol-engine2" /usr/local/bin/diamol-engine2
  diamol-engine2 status && return 0
  log "starting the second engine $ENGINE2 (log: /var/log/diamol-engine2.log)"
  diamol-engine2 start || die "the second engine did not start"
}

# ---------------------------------------------------------------------------
# 7. Dockerfile linters (npm), installed once into a cache folder of their own
#    so the tests can check every generated Dockerfile with both.
# ---------------------------------------------------------------------------
ensure_linters() {
  if [[ -x $LINT_DIR/node_modules/.bin/dockerfile-utils && -x $LINT_DIR/node_modules/.bin/dockerfilelint ]]; then
    return 0
  fi
  have npm || die "npm is needed for the Dockerfile linters (Node.js comes with this machine's image)"
  log "installing Dockerfile linters: ${LINT_PACKAGES[*]}"
  mkdir -p "$LINT_DIR"
  [[ -f $LINT_DIR/package.json ]] || printf '{ "private": true }\n' > "$LINT_DIR/package.json"
  npm install --prefix "$LINT_DIR" --no-audit --no-fund --loglevel=error "${LINT_PACKAGES[@]}"
}

# ---------------------------------------------------------------------------
# 8. Summary.
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
  summary
}

main "$@" </dev/null
