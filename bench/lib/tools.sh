# The tools, and one timed publish of one of them. Sourced by bench/run.sh.

repository_of() { echo "bench/$runid-$1-$2"; }   # $1 size, $2 tool

publish_args() { # $1 tool -> the arguments after the common ones
  case $1 in
    diamol) echo "-p:DiamolBuilder=docker" ;;
    oci) echo "-p:DiamolBuilder=oci -p:DiamolCacheDirectory=$work/oci-cache" ;;
    sdk) echo "-t:PublishContainer -p:DiamolEnabled=false" ;;
    plain | dockerfile) echo "-p:DiamolEnabled=false" ;;
  esac
}

# The hand-ordered Dockerfile a careful developer would write for a plain publish: packages (everything that is not
# the app's own files or wwwroot) first, static files next, the app's own assemblies and settings last. The context is
# sorted into three folders with hard links, as a script beside such a Dockerfile would.
hand_build() { # $1 size, $2 copy, $3 repository, $4.. publish command
  local size=$1 d=$2 repository=$3 project_dir publish context; shift 3
  "$@"
  project_dir=$(dirname "$d/${entry[$size]}")
  publish=$project_dir/bin/Release/net10.0/publish
  context=$project_dir/bin/hand-context
  rm -rf "$context"
  python3 - "$publish" "$context" "${app_files[$size]}" <<'EOF'
import fnmatch, os, sys
publish, context, patterns = sys.argv[1], sys.argv[2], sys.argv[3].split()
patterns += ["appsettings*.json", "web.config"]
for folder, _, files in os.walk(publish):
    rel_folder = os.path.relpath(folder, publish)
    for name in files:
        rel = os.path.normpath(os.path.join(rel_folder, name))
        if rel.split(os.sep)[0] == "wwwroot": layer = "static"
        elif rel_folder == "." and any(fnmatch.fnmatch(name, p) for p in patterns): layer = "app"
        else: layer = "packages"
        target = os.path.join(context, layer, rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        os.link(os.path.join(folder, name), target)
EOF
  {
    echo "FROM ${base_of[$size]}"
    echo "WORKDIR /app"
    echo "COPY packages/ ./"
    [[ -d $context/static ]] && echo "COPY static/ ./"
    echo "COPY app/ ./"
    echo "USER \$APP_UID"
    echo "ENTRYPOINT [\"dotnet\", \"$(basename "${entry[$size]}" .csproj).dll\"]"
  } >"$context/Dockerfile"
  docker build -q -t "$repository:latest" "$context"
}

timings_file() { # $1 size, $2 copy -> Diamol.Build's timings of the entry project's last publish
  echo "$(dirname "$2/${entry[$1]}")/bin/Release/net10.0/container/.diamol/timings.json"
}

# One timed publish of one tool in its copy; appends "size step tool rep seconds timings-file" to results.tsv.
run_step() { # $1 size, $2 step, $3 tool, $4 rep, $5 copy
  local size=$1 step=$2 tool=$3 rep=$4 d=$5 repository seconds timings=- extra=() args
  repository=$(repository_of "$size" "$tool")
  read -r -a args <<<"$(publish_args "$tool")"
  if [[ $size == solution ]]; then
    extra=(-m -p:BenchTool="$tool" -p:BenchRunId="$runid" -p:BenchAspNetBase="$aspnet_base" -p:BenchRuntimeBase="$runtime_base")
  else
    extra=(-p:ContainerBaseImage="${base_of[$size]}" -p:ContainerRepository="$repository")
  fi
  local publish=(dotnet publish "$d/${entry[$size]}" -c Release -nodeReuse:false -p:DiamolBuildVersion="$version" "${extra[@]}" "${args[@]}")
  local logfile="$work/logs/$size.$step.$tool.$rep.log"
  if [[ $size != solution ]]; then rm -f "$(timings_file "$size" "$d")"; fi
  if [[ $tool == dockerfile ]]; then
    seconds=$(timed "$logfile" hand_build "$size" "$d" "$repository" "${publish[@]}")
  else
    seconds=$(timed "$logfile" "${publish[@]}")
  fi
  if [[ $tool == diamol || $tool == oci ]] && [[ $size != solution ]] && [[ -f $(timings_file "$size" "$d") ]]; then
    timings="$work/timings/$size.$step.$tool.$rep.json"
    cp "$(timings_file "$size" "$d")" "$timings"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$size" "$step" "$tool" "$rep" "$seconds" "$timings" >>"$work/results.tsv"
  log "$size $step $tool #$rep: ${seconds}s"
  case $tool in
    plain) ;;
    *) if [[ $size == solution ]]; then record_image "$size" "bench/$runid-solution-api-$tool" "bench/$runid-solution-jobs-$tool"
       else record_image "$size" "$repository"; fi ;;
  esac
}

# The engine requests of one more unchanged republish (untimed), through engine-proxy.py.
count_engine_calls() { # $1 size, $2 tool, $3 copy
  local size=$1 tool=$2 d=$3 socket="$work/proxy.sock" calls="$work/engine-calls.$1.$2" args i
  read -r -a args <<<"$(publish_args "$tool")"
  rm -f "$socket"; : >"$calls"
  python3 "$bench/engine-proxy.py" "$socket" /var/run/docker.sock "$calls" &
  proxy_pid=$!
  for i in $(seq 50); do [[ -S $socket ]] && break; sleep 0.1; done
  DOCKER_HOST="unix://$socket" dotnet publish "$d/${entry[$size]}" -c Release -nodeReuse:false -p:DiamolBuildVersion="$version" \
    -p:ContainerBaseImage="${base_of[$size]}" -p:ContainerRepository="$(repository_of "$size" "$tool")" "${args[@]}" \
    >"$work/logs/$size.engine-calls.$tool.log" 2>&1 || { log "the counted publish failed: $work/logs/$size.engine-calls.$tool.log"; exit 1; }
  kill "$proxy_pid" 2>/dev/null; wait "$proxy_pid" 2>/dev/null || true; proxy_pid=
  printf '%s\t%s\t%s\n' "$size" "$tool" "$calls" >>"$work/engine-calls.tsv"
  log "$size $tool: $(wc -l <"$calls") engine requests on an unchanged republish"
}

