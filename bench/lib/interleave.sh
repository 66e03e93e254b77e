# The interleaved runs of one size. Sourced by bench/run.sh.

bench_size() { # $1 size
  local size=$1 runs rep step tool i d
  local -a tools
  runs=$(runs_of "$size")
  read -r -a tools <<<"${tools_of[$size]}"
  for ((rep = 1; rep <= runs; rep++)); do
    # The tools' order turns by one each repetition, so that none always runs right after another's cold build.
    local -a order=()
    for ((i = 0; i < ${#tools[@]}; i++)); do order+=("${tools[(i + rep - 1) % ${#tools[@]}]}"); done
    log "$size: repetition $rep of $runs (${order[*]})"
    remove_images "$work/images.$size"
    for tool in "${order[@]}"; do fresh_copy "$size" "$tool" "$rep" >/dev/null; done
    if [[ $size == manyfiles ]]; then
      # Set-up: one cold publish per tool (timed, reported as such), then the unchanged republishes.
      if ((rep == 1)); then
        for tool in "${order[@]}"; do run_step "$size" cold "$tool" "$rep" "$work/runs/$size-$tool"; done
      fi
    fi
    for step in ${steps_of[$size]}; do
      for tool in "${order[@]}"; do
        d="$work/runs/$size-$tool"
        edit "$size" "$step" "$d"
        run_step "$size" "$step" "$tool" "$rep" "$d"
      done
      if [[ $step == unchanged && $rep == 1 ]]; then
        for tool in diamol oci; do
          if [[ " ${tools[*]} " == *" $tool "* ]]; then count_engine_calls "$size" "$tool" "$work/runs/$size-$tool"; fi
        done
      fi
    done
    if [[ $size == manyfiles ]]; then break; fi   # its copies are kept across repetitions: only the unchanged step repeats
  done
  if [[ $size == manyfiles ]]; then
    for ((rep = 2; rep <= runs; rep++)); do
      for tool in "${tools[@]}"; do run_step "$size" unchanged "$tool" "$rep" "$work/runs/$size-$tool"; done
    done
  fi
  remove_images "$work/images.$size"
  for tool in "${tools[@]}"; do rm -rf "$work/runs/$size-$tool"; done
}

