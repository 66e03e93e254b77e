# Sourced by eng/provision.sh (its names, log, die and have are defined there).
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
