# Sourced by eng/provision.sh (its names, log, die and have are defined there).
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
