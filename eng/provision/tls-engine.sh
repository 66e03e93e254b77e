# Sourced by eng/provision.sh (its names, log, die and have are defined there).
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
