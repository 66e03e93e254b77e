# Sourced by eng/provision.sh (its names, log, die and have are defined there).
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
