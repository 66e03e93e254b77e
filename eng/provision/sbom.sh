# Sourced by eng/provision.sh (its names, log, die and have are defined there).
# ---------------------------------------------------------------------------
# 8. SBOM checks: the published JSON schemas of CycloneDX (npm, with the SPDX
#    licence list and JSF schemas it refers to) for the unit tests, and two
#    independent SBOM generators (dotnet tools from NuGet) the end-to-end test
#    compares our SBOM with. Installed once into a cache folder of their own.
# ---------------------------------------------------------------------------
ensure_sbom_checks() {
  have npm || die "npm is needed for the CycloneDX schema (Node.js comes with this machine's image)"
  if [[ ! -f $SBOM_DIR/node_modules/@cyclonedx/cyclonedx-library/res/schema/bom-1.6.SNAPSHOT.schema.json ]]; then
    log "installing the CycloneDX schemas: ${SBOM_NPM_PACKAGES[*]}"
    mkdir -p "$SBOM_DIR"
    [[ -f $SBOM_DIR/package.json ]] || printf '{ "private": true }\n' > "$SBOM_DIR/package.json"
    # --ignore-scripts: only the schema files are used, never the library's code.
    npm install --prefix "$SBOM_DIR" --no-audit --no-fund --ignore-scripts --loglevel=error "${SBOM_NPM_PACKAGES[@]}"
  fi
  local tool
  for tool in "${SBOM_DOTNET_TOOLS[@]}"; do
    local id=${tool%@*} version=${tool#*@}
    if [[ ! -d $SBOM_DIR/tools/.store/${id,,}/$version ]]; then
      log "installing the dotnet tool $id $version"
      dotnet tool uninstall "$id" --tool-path "$SBOM_DIR/tools" >/dev/null 2>&1 || true
      dotnet tool install "$id" --version "$version" --tool-path "$SBOM_DIR/tools" >/dev/null
    fi
  done
}
