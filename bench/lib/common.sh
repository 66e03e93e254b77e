# Shared by the benchmark's parts: the log, a timed command, and the engine images a step leaves. Sourced by
# bench/run.sh, whose globals ($work, ...) it uses.

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }


# Every image a step leaves is recorded; removing them newest first also removes the engine's intermediate images,
# so the next repetition's cold publish finds no layer of its own in the engine.
remove_images() { # $1 file of image ids (emptied)
  [[ -s $1 ]] || return 0
  tac "$1" | awk '!seen[$0]++' | while read -r id; do docker image rm -f "$id" >/dev/null 2>&1 || true; done
  : >"$1"
}

record_image() { # $1 size, $2.. repositories
  local size=$1 repository id; shift
  for repository in "$@"; do
    id=$(docker image inspect --format '{{.Id}}' "$repository:latest" 2>/dev/null) || continue
    echo "$id" >>"$work/images.$size"; echo "$id" >>"$work/images"
  done
}

# Runs a command with its output in a log; prints its wall time in seconds. A failure stops the benchmark.
timed() { # $1 log file, $2.. command
  local logfile=$1 start end; shift
  start=$(date +%s.%N)
  if ! "$@" >"$logfile" 2>&1; then
    log "FAILED: $* (log: $logfile)"; tail -n 40 "$logfile" >&2; exit 1
  fi
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }'
}

