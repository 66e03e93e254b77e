# Sourced by eng/provision.sh (its names, log, die and have are defined there).
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
