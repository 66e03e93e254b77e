# Sourced by eng/provision.sh (its names, log, die and have are defined there).
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
