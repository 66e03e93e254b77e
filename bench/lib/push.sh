# Push after a one-line edit, on the 16 MB fixture: the OCI builder (no engine: DOCKER_HOST points at nothing) and
# PublishContainer, both straight to the local registry. Counts the bytes the registry had to take after the edit.
# Sourced by bench/run.sh.

manifest_of() { # $1 repository -> the manifest of :latest, as the registry serves it
  curl -s -H 'Accept: application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json' \
    "$registry_url/v2/$1/manifests/latest"
}
digest_of() { # $1 repository -> the digest of :latest
  curl -s -I -H 'Accept: application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json' \
    "$registry_url/v2/$1/manifests/latest" | awk -F': ' 'tolower($1) == "docker-content-digest" { print $2 }' | tr -d '\r'
}
file_hashes() { # $1 folder -> "sha256 size path" lines
  python3 - "$1" <<'EOF'
import hashlib, os, sys
for folder, _, names in os.walk(sys.argv[1]):
    for name in names:
        p = os.path.join(folder, name)
        print(hashlib.sha256(open(p, "rb").read()).hexdigest(), os.path.getsize(p), os.path.relpath(p, sys.argv[1]))
EOF
}

bench_push() {
  local runs rep tool d repository seconds_cold seconds_edit i
  local -a tools=(oci sdk) order
  runs=$(runs_of push)
  for ((rep = 1; rep <= runs; rep++)); do
    order=(); for ((i = 0; i < 2; i++)); do order+=("${tools[(i + rep - 1) % 2]}"); done
    log "push: repetition $rep of $runs (${order[*]})"
    declare -A cold=()
    for step in cold code-edit; do
      for tool in "${order[@]}"; do
        d="$work/runs/push-$tool"; repository="bench/$runid-push-$tool-$rep"
        if [[ $step == cold ]]; then rm -rf "$d"; cp -a "$work/templates/bigdeps" "$d"; nuget_config "$d"; fi
        edit bigdeps "$step" "$d"
        local -a publish=(dotnet publish "$d/BigDeps.csproj" -c Release -nodeReuse:false -p:DiamolBuildVersion="$version"
          -p:ContainerBaseImage="$runtime_base" -p:ContainerRegistry=localhost:5000 -p:ContainerRepository="$repository")
        if [[ $tool == oci ]]; then
          publish+=(-p:DiamolBuilder=oci -p:DiamolCacheDirectory="$work/oci-cache")
          seconds=$(DOCKER_HOST=unix:///nonexistent.sock timed "$work/logs/push.$step.$tool.$rep.log" "${publish[@]}")
        else
          publish+=(-t:PublishContainer -p:DiamolEnabled=false)
          seconds=$(timed "$work/logs/push.$step.$tool.$rep.log" "${publish[@]}")
        fi
        manifest_of "$repository" >"$work/push.$tool.$step.manifest"
        file_hashes "$d/bin/Release/net10.0/publish" >"$work/push.$tool.$step.files"
        echo "$repository $(digest_of "$repository")" >>"$work/pushed"
        if [[ $step == cold ]]; then
          cold[$tool]=$seconds
        else
          python3 - "$work/push.$tool.cold.manifest" "$work/push.$tool.code-edit.manifest" "$work/push.$tool.cold.files" "$work/push.$tool.code-edit.files" <<EOF >>"$work/push.tsv"
import json, sys
before, after = (json.load(open(p)) for p in sys.argv[1:3])
blobs = lambda m: {d["digest"]: d["size"] for d in [m["config"]] + m["layers"]}
new = sum(size for digest, size in blobs(after).items() if digest not in blobs(before))
manifest = len(open(sys.argv[2], "rb").read())
files = lambda p: {line.split(" ", 2)[2]: line.split(" ", 2)[:2] for line in open(p).read().splitlines()}
old, now = files(sys.argv[3]), files(sys.argv[4])
changed = sum(int(size) for path, (digest, size) in now.items() if old.get(path, [None])[0] != digest)
print("\t".join(map(str, ["$tool", $rep, ${cold[$tool]}, $seconds, new + manifest, changed, after["config"]["size"], manifest])))
EOF
        fi
        log "push $step $tool #$rep: ${seconds}s"
      done
    done
    rm -rf "$work/runs/push-oci" "$work/runs/push-sdk"
  done
}

