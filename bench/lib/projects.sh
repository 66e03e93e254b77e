# The projects: each size is a checked-in fixture (bench/fixtures/<size>, or the test fixture tests/Fixtures/BigDeps
# with bench/fixtures/bigdeps over it) copied into the run's templates folder, where a fixture's generate.py, when it
# has one, writes the files that are too many or too large to keep in the repository. Every repetition publishes
# fresh copies of a template, one per tool.
#   entry: the project to publish; app: the file names a hand-written Dockerfile puts in its last layer.

nuget_config() { printf '<configuration><packageSources><add key="bench" value="%s" /></packageSources></configuration>\n' "$work/feed" >"$1/nuget.config"; }

make_project() { # $1 size, $2 template folder
  local size=$1 d=$2
  if [[ $size == bigdeps ]]; then
    cp -r "$root/tests/Fixtures/BigDeps" "$d"
    cp "$bench/fixtures/bigdeps/Directory.Build.targets" "$d/"
  else
    cp -r "$bench/fixtures/$size" "$d"
  fi
  if [[ -f $d/generate.py ]]; then python3 "$d/generate.py" "$d"; rm "$d/generate.py"; fi
}

declare -A entry app_files base_of steps_of tools_of
entry[small]=SmallApp.csproj;          app_files[small]='SmallApp.*';               base_of[small]=$runtime_base
entry[bigdeps]=BigDeps.csproj;         app_files[bigdeps]='BigDeps.*';              base_of[bigdeps]=$runtime_base
entry[large]=LargeApp/LargeApp.csproj; app_files[large]='LargeApp.* LargeLib.*';    base_of[large]=$aspnet_base
entry[manyfiles]=ManyFiles.csproj;     app_files[manyfiles]='ManyFiles.*';          base_of[manyfiles]=$runtime_base
entry[solution]=Shop.slnx
all_tools="diamol oci sdk plain dockerfile"
steps_of[small]="cold unchanged code-edit package-upgrade";        tools_of[small]=$all_tools
steps_of[bigdeps]="cold unchanged code-edit package-upgrade";      tools_of[bigdeps]=$all_tools
steps_of[large]="cold unchanged code-edit static-edit package-upgrade library-edit"; tools_of[large]=$all_tools
steps_of[manyfiles]="unchanged";                                   tools_of[manyfiles]="diamol plain"
steps_of[solution]="cold";                                         tools_of[solution]="diamol oci sdk plain"

# The edits, made between steps in a tool's copy (not timed).
# The edits, made between steps in a tool's copy (not timed).
edit() { # $1 size, $2 step, $3 copy
  local size=$1 step=$2 d=$3
  case "$size:$step" in
    *:cold | *:unchanged) ;;
    small:code-edit) sed -i 's/"Hello from SmallApp"/"Hello again from SmallApp"/' "$d/Program.cs" ;;
    small:package-upgrade) sed -i 's/"Newtonsoft.Json" Version="13.0.3"/"Newtonsoft.Json" Version="13.0.4"/' "$d/SmallApp.csproj" ;;
    bigdeps:code-edit) sed -i 's/"Hello from BigDeps"/"Hello again from BigDeps"/' "$d/Program.cs" ;;
    bigdeps:package-upgrade) sed -i 's|<BenchNet100Version>1.8.13<|<BenchNet100Version>1.8.14<|' "$d/Directory.Build.targets" ;;
    large:code-edit) sed -i 's/"Hello from LargeApp"/"Hello again from LargeApp"/' "$d/LargeApp/Program.cs" ;;
    large:static-edit) echo "/* edited */" >>"$d/LargeApp/wwwroot/assets/d00/f0000.css" ;;
    large:package-upgrade) sed -i 's/"Newtonsoft.Json" Version="13.0.3"/"Newtonsoft.Json" Version="13.0.4"/' "$d/LargeApp/LargeApp.csproj" ;;
    large:library-edit) sed -i 's/"catalog v1"/"catalog v2"/' "$d/LargeLib/Catalog.cs" ;;
    *) log "no edit for $size:$step"; exit 1 ;;
  esac
}

fresh_copy() { # $1 size, $2 tool, $3 rep -> path
  local d="$work/runs/$1-$2"
  rm -rf "$d"; cp -a "$work/templates/$1" "$d"; nuget_config "$d"
  echo "$d"
}

# Fills the NuGet cache with every version a size's steps use, so no timed run downloads a package.
restore_all() { # $1 size
  local size=$1 d="$work/runs/$1-restore" step
  rm -rf "$d"; cp -a "$work/templates/$size" "$d"; nuget_config "$d"
  dotnet restore "$d/${entry[$size]}" -p:DiamolBuildVersion="$version" >"$work/logs/$size.restore.log" 2>&1 || { tail -n 40 "$work/logs/$size.restore.log" >&2; exit 1; }
  for step in ${steps_of[$size]}; do
    [[ $step == package-upgrade ]] || continue
    edit "$size" "$step" "$d"
    dotnet restore "$d/${entry[$size]}" -p:DiamolBuildVersion="$version" >>"$work/logs/$size.restore.log" 2>&1 || { tail -n 40 "$work/logs/$size.restore.log" >&2; exit 1; }
  done
  rm -rf "$d"
}

# What a size's publish output holds: files, MB, and MB of NuGet packages (not the app's own files, not wwwroot).
measure_size() { # $1 size
  local size=$1 d; d=$(fresh_copy "$size" measure 0)
  dotnet publish "$d/${entry[$size]}" -c Release -nodeReuse:false -p:DiamolEnabled=false -p:DiamolBuildVersion="$version" >"$work/logs/$size.measure.log" 2>&1 \
    || { tail -n 40 "$work/logs/$size.measure.log" >&2; exit 1; }
  python3 - "$size" "$(dirname "$d/${entry[$size]}")/bin/Release/net10.0/publish" "${app_files[$size]}" >>"$work/sizes.tsv" <<'EOF'
import fnmatch, os, sys
size, publish, patterns = sys.argv[1], sys.argv[2], sys.argv[3].split() + ["appsettings*.json", "web.config"]
files = total = packages = static = 0
for folder, _, names in os.walk(publish):
    rel = os.path.relpath(folder, publish)
    for name in names:
        n = os.path.getsize(os.path.join(folder, name)); files += 1; total += n
        if rel.split(os.sep)[0] == "wwwroot": static += 1
        elif not (rel == "." and any(fnmatch.fnmatch(name, p) for p in patterns)) and rel.split(os.sep)[0] not in ("data", "big"): packages += n
print(f"{size}\t{files}\t{total}\t{packages}\t{static}")
EOF
  rm -rf "$d"
}

