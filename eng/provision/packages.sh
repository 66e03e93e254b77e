# Sourced by eng/provision.sh (its names, log, die and have are defined there).
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
  have clang           || missing+=(clang)      # Native AOT's compiler and linker, for the webapiaot test
  [[ -e /usr/include/zlib.h ]] || missing+=(zlib1g-dev)   # Native AOT links zlib
  [[ -e /usr/share/keyrings/debian-archive-keyring.gpg ]] || missing+=(debian-archive-keyring)
  ((${#missing[@]} == 0)) && return 0

  log "installing: ${missing[*]}"
  wait_for_apt
  local -a opts=(-o DPkg::Lock::Timeout=600 -q)
  apt-get "${opts[@]}" update
  apt-get "${opts[@]}" install -y --no-install-recommends "${missing[@]}"
}
