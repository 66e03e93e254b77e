# Sourced by eng/provision.sh (its names, log, die and have are defined there).
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
