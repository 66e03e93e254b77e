# Sourced by eng/provision.sh (its names, log, die and have are defined there).
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
