#!/usr/bin/env python3
"""Writes docs/benchmarks.md from what bench/run.sh measured in its work folder: medians with their spread, ratios to
PublishContainer per interleaved pair, Diamol.Build's time by stage (from the tasks' own timings.json), and every
target of issue 12 with its measured figure and met or missed. The hand-written section on why a target is missed is
kept as it is when the file is written again.

Usage: report.py WORK_FOLDER OUTPUT_FILE
"""
import json
import os
import re
import statistics
import sys
from collections import Counter, defaultdict

work, out = sys.argv[1], sys.argv[2]
meta = json.load(open(os.path.join(work, "meta.json")))

TOOLS = {
    "diamol": "Diamol.Build, engine builder",
    "oci": "Diamol.Build, OCI builder",
    "sdk": "`-t:PublishContainer`",
    "plain": "plain publish, no image (the floor)",
    "dockerfile": "hand-ordered Dockerfile, `docker build`",
}
STEPS = {
    "cold": "cold",
    "unchanged": "unchanged republish",
    "code-edit": "one-line code edit",
    "static-edit": "one static-file edit",
    "package-upgrade": "one package upgrade",
    "library-edit": "edit in the referenced project",
}
STAGES = ["choose-builder", "base-image", "read-publish-items", "plan", "stage", "save-manifest", "engine-connect", "base-image-inspect",
          "fingerprint", "skip-check", "delta-check", "cache-from", "send-context", "engine-steps", "read-image-and-history", "push",
          "oci-write", "history"]
SHORT = {"small": "small console app", "bigdeps": "16 MB fixture", "large": "large app",
         "manyfiles": "20,000 files + 2 GB", "solution": "two-image solution with `-m`"}
SIZES = {
    "small": "(a) A small console app",
    "bigdeps": "(b) The 16 MB fixture, tests/Fixtures/BigDeps",
    "large": "(c) A large ASP.NET Core app with a referenced project",
    "manyfiles": "20,000 small files and one 2 GB file",
    "solution": "A two-image solution, cold, with `-m`",
}
WHY_BEGIN = "<!-- why-missed:begin (hand-written: bench/run.sh keeps this section as it is) -->"
WHY_END = "<!-- why-missed:end -->"


def lines(name):
    path = os.path.join(work, name)
    return [line.rstrip("\n").split("\t") for line in open(path)] if os.path.exists(path) else []


# seconds[(size, step, tool)][rep] and stages[(size, step, tool)][rep][stage] (milliseconds)
seconds = defaultdict(dict)
stages = defaultdict(dict)
for size, step, tool, rep, secs, timings in lines("results.tsv"):
    seconds[(size, step, tool)][int(rep)] = float(secs)
    if timings != "-":
        by_stage = defaultdict(float)
        for stage in json.load(open(timings))["stages"]:
            by_stage[stage["name"]] += stage["milliseconds"]
        stages[(size, step, tool)][int(rep)] = dict(by_stage)
sizes = {row[0]: row[1:] for row in lines("sizes.tsv")}
def summarize_calls(path):
    """(count, "GET /version ×1, ...") with the API version and image names dropped."""
    calls = [re.sub(r"^(\S+) /v[0-9.]+/", r"\1 /", c.split("?")[0]) for c in open(path).read().splitlines()]
    calls = [re.sub(r"^(\S+) /images/.+/(json|history|push|tag|get)$", r"\1 /images/{name}/\2", c) for c in calls]
    counts = Counter(calls)
    return len(calls), ", ".join(f"{c} ×{n}" for c, n in sorted(counts.items()))


engine_calls = {(row[0], row[1]): summarize_calls(row[2]) for row in lines("engine-calls.tsv")}
push = defaultdict(list)
for tool, rep, cold, edit, uploaded, changed, config, manifest in lines("push.tsv"):
    push[tool].append(dict(cold=float(cold), edit=float(edit), uploaded=int(uploaded), changed=int(changed),
                           config=int(config), manifest=int(manifest)))


def median(values):
    return statistics.median(values) if values else None


def spread(values, fmt="{:.2f}"):
    if not values:
        return "–"
    text = fmt.format(median(values))
    return text if len(values) == 1 else f"{text} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def paired(size, step, tool, other, combine):
    a, b = seconds.get((size, step, tool), {}), seconds.get((size, step, other), {})
    return [combine(a[r], b[r]) for r in sorted(a) if r in b]


def ratios(size, step, tool):
    return paired(size, step, tool, "sdk", lambda x, y: x / y)


def over_plain(size, step, tool):
    return paired(size, step, tool, "plain", lambda x, y: x - y)


def own_times(size, step, tool):
    """Diamol's own time per repetition: its wall time - the plain publish's of the same repetition - engine-steps."""
    total, plain, timed = seconds.get((size, step, tool), {}), seconds.get((size, step, "plain"), {}), stages.get((size, step, tool), {})
    return [(total[r] - plain[r] - timed[r].get("engine-steps", 0) / 1000, total[r]) for r in sorted(total) if r in plain and r in timed]


def mb(n):
    return f"{n / 1e6:.1f} MB"


def size_bytes(n):
    return f"{n / 1e6:.2f} MB" if n >= 1e6 else f"{n / 1e3:.1f} kB"


def present(size):
    return [t for t in TOOLS if any(k[0] == size and k[2] == t for k in seconds)]


def steps_of(size):
    return [s for s in STEPS if any(k[0] == size and k[1] == s for k in seconds)]


report = []
w = report.append


def runs_line(size, tools):
    counts = sorted({len(seconds[(size, s, t)]) for s in steps_of(size) for t in tools if (size, s, t) in seconds})
    return "/".join(map(str, counts)) + (" run" if counts == [1] else " runs")


def time_tables(size):
    tools, steps = present(size), steps_of(size)
    w(f"Wall time of each `dotnet publish` (with `docker build` for the hand-ordered Dockerfile), seconds: median (min–max) of {runs_line(size, tools)}.")
    w("")
    w("| step | " + " | ".join(TOOLS[t] for t in tools) + " |")
    w("|---|" + "---:|" * len(tools))
    for s in steps:
        w(f"| {STEPS[s]} | " + " | ".join(spread(list(seconds.get((size, s, t), {}).values())) for t in tools) + " |")
    w("")
    if "sdk" in tools:
        compare_table(size, steps, [t for t in tools if t != "sdk"], ratios, "{:.2f}×",
                      "Ratio to PublishContainer, per interleaved pair (each run ÷ PublishContainer's run of the same step in the same repetition): median (min–max).")
    elif "plain" in tools:
        compare_table(size, steps, [t for t in tools if t != "plain"], over_plain, "{:+.2f}",
                      "Time over the plain publish, per interleaved pair (each run − the plain publish's run of the same repetition), seconds: median (min–max).")


def compare_table(size, steps, others, pairs, fmt, caption):
    w(caption)
    w("")
    w("| step | " + " | ".join(TOOLS[t] for t in others) + " |")
    w("|---|" + "---:|" * len(others))
    for s in steps:
        w(f"| {STEPS[s]} | " + " | ".join(spread(pairs(size, s, t), fmt) for t in others) + " |")
    w("")


def stage_tables(size):
    for tool in ("diamol", "oci"):
        steps = [s for s in steps_of(size) if stages.get((size, s, tool))]
        if not steps:
            continue
        seen = {name for s in steps for rep in stages[(size, s, tool)].values() for name in rep}
        names = [n for n in STAGES if n in seen] + sorted(seen - set(STAGES))
        w(f"{TOOLS[tool]} by stage, milliseconds (median over the runs; from `container/.diamol/timings.json`):")
        w("")
        w("| stage | " + " | ".join(STEPS[s] for s in steps) + " |")
        w("|---|" + "---:|" * len(steps))
        for name in names:
            cells = []
            for s in steps:
                values = [rep[name] for rep in stages[(size, s, tool)].values() if name in rep]
                cells.append(f"{median(values):.0f}" if values else "–")
            w(f"| {name} | " + " | ".join(cells) + " |")
        w("| **wall time of the publish** | " + " | ".join(f"{median(list(seconds[(size, s, tool)].values())) * 1000:.0f}" for s in steps) + " |")
        summed = [median([sum(v for k, v in rep.items() if k != "engine-steps") for rep in stages[(size, s, tool)].values()]) for s in steps]
        w("| **stages other than engine-steps, summed** | " + " | ".join(f"{x:.0f}" for x in summed) + " |")
        own = [own_times(size, s, tool) for s in steps]
        w("| **Diamol's own time** | " + " | ".join(f"{median([o for o, _ in x]) * 1000:.0f}" if x else "–" for x in own) + " |")
        w("| **own time ÷ wall time** | " + " | ".join(f"{median([o / t for o, t in x]) * 100:.0f} %" if x else "–" for x in own) + " |")
        w("")


# ----------------------------------------------------------------------------------------------------------------------
w("# Benchmarks")
w("")
w("<!-- Generated by bench/run.sh (bench/report.py): edit the scripts, not this file, except the section marked as hand-written. -->")
w("")
if meta["quick"]:
    w("> **Quick mode** (`BENCH_QUICK=1`): one size, one repetition, for developing the benchmark. Not figures to quote.")
    w("")
w(f"Measured {meta['date']} with `{meta['command']}` (about {meta['minutes']} minutes), on {meta['cores']} cores ({meta['cpu']}), "
  f"{meta['memory']} of memory, Docker {meta['docker']}, .NET SDK {meta['sdk']}; Diamol.Build packed from commit "
  f"{meta['commit']} as {meta['version']}.")
w("")
w("How: every repetition publishes a fresh copy of each project per tool (no `bin`/`obj`, NuGet packages already in "
  "this run's private NuGet folder, no image of it in the engine: every image a repetition made is removed before the "
  "next), then makes the steps in order in that copy. Runs are interleaved: each step runs with every tool before the "
  "next step, and the tools' order turns by one each repetition. A time is the wall time of one `dotnet publish` "
  "(`-c Release -nodeReuse:false`, no MSBuild server), the image tagged in the local engine at the end (pushed to the "
  "registry in the push table); for the hand-ordered Dockerfile it is a plain publish, sorting the output into three "
  "folders with hard links (packages, static files, the app's own files) and `docker build` of a Dockerfile with one "
  "`COPY` per folder in that order. Tools: "
  "`-p:DiamolBuilder=docker` (engine builder), `-p:DiamolBuilder=oci` (OCI builder, loaded into the engine), "
  "`-t:PublishContainer -p:DiamolEnabled=false` (the SDK), `-p:DiamolEnabled=false` (plain publish, the floor).")
w("")
w("**Diamol's own time** is, per repetition, the Diamol.Build publish's wall time minus the plain publish's wall time of "
  "the same step and repetition, minus the `engine-steps` stage (the engine's build after it has the context); the "
  "tables give its median. For the OCI builder there is no `engine-steps`: its load into the engine is counted as its own. "
  "It is the difference of two runs, so a noisy machine can make it negative; the stage tables also give the sum of "
  "the stages the tasks measured other than `engine-steps`, which leaves out MSBuild's own work in Diamol.Build's targets.")
w("")

# The machine's sizes.
if sizes:
    w("| project | files published | bytes published | of them NuGet packages | static files |")
    w("|---|---:|---:|---:|---:|")
    for size, (files, total, packages, static) in sizes.items():
        w(f"| {SIZES[size]} | {int(files):,} | {mb(int(total))} | {mb(int(packages))} | {int(static):,} |")
    w("")

descriptions = {
    "small": "`Program.cs` and Newtonsoft.Json (13.0.3, upgraded to 13.0.4). No static files, no referenced project.",
    "bigdeps": "A console app with 16 MB of NuGet packages (.NET 10 and .NET 8 reference assemblies); its .NET 10 "
               "package starts at 1.8.13 and the upgrade step brings the fixture's 1.8.14. No static files, no referenced project.",
    "large": "`Microsoft.NET.Sdk.Web` on the aspnet base image: SkiaSharp with its native libraries for every platform, "
             "Roslyn (in the referenced class library), .NET 9 and .NET 8 reference assemblies, Newtonsoft.Json "
             "(13.0.3, upgraded to 13.0.4), and 2,000 generated files in `wwwroot` (the SDK publishes them with their "
             "compressed forms). Static edit: one line added to one CSS file; library edit: one constant in the class library.",
    "manyfiles": "A console app whose project has 20,000 files of 400 bytes and one sparse 2 GB file as `Content` with "
                 "`CopyToPublishDirectory`. One cold publish per tool sets it up; then unchanged republishes only.",
    "solution": "An ASP.NET Core API and a worker sharing a class library (`dotnet new webapi`, `worker`, `classlib`), "
                "each with Diamol.Build; one `dotnet publish Shop.slnx -m` from a fresh copy.",
}
for size in SIZES:
    if not any(k[0] == size for k in seconds):
        continue
    w(f"## {SIZES[size]}")
    w("")
    w(descriptions[size])
    w("")
    time_tables(size)
    stage_tables(size)

if engine_calls:
    w("## Engine requests on an unchanged republish")
    w("")
    w("One more unchanged republish after the timed ones, with `DOCKER_HOST` pointed at a counting proxy "
      "(`bench/engine-proxy.py`) in front of the engine's socket; untimed.")
    w("")
    w("| project | tool | requests | which (API version dropped) |")
    w("|---|---|---:|---|")
    for (size, tool), (count, which) in engine_calls.items():
        w(f"| {SIZES[size]} | {TOOLS[tool]} | {count} | {which or '–'} |")
    w("")

if push:
    w("## Push after a one-line edit, on the 16 MB fixture")
    w("")
    w("Both push straight to the local registry (`-p:ContainerRegistry=localhost:5000`): the OCI builder with no "
      "engine (`DOCKER_HOST` points at nothing), PublishContainer as it always does; a new repository each repetition. "
      "*Uploaded* is what the registry had to take after the edit: the config and layers not in the previous manifest, "
      "plus the manifest. *Changed files* are the published files whose content the edit changed.")
    w("")
    w("| tool | cold push (s) | edit pushed (s) | uploaded after the edit | changed files | config | manifest | uploaded ÷ (changed + config + manifest) |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|")
    for tool, runs in push.items():
        floor = [r["changed"] + r["config"] + r["manifest"] for r in runs]
        w(f"| {TOOLS[tool]} | {spread([r['cold'] for r in runs])} | {spread([r['edit'] for r in runs])} | "
          f"{size_bytes(median([r['uploaded'] for r in runs]))} | {size_bytes(median([r['changed'] for r in runs]))} | "
          f"{size_bytes(median([r['config'] for r in runs]))} | {size_bytes(median([r['manifest'] for r in runs]))} | "
          f"{spread([r['uploaded'] / f for r, f in zip(runs, floor)], '{:.2f}×')} |")
    w("")

# ----------------------------------------------------------------------------------------------------------------------
targets = []


def target(text, figure, met, miss=""):
    if figure is None:
        targets.append(f"- {text}: not measured in this run.")
    else:
        targets.append(f"- {text}: {figure} — **{'met' if met else 'missed'}**{'' if met or not miss else ' (' + miss + ')'}.")


def ratio_target(size, step, tool, limit, label):
    r = ratios(size, step, tool)
    if not r:
        return target(label, None, False)
    m = median(r)
    ours, sdk = median(list(seconds[(size, step, tool)].values())), median(list(seconds[(size, step, "sdk")].values()))
    target(label, f"{m:.2f}× ({ours:.2f} s against {sdk:.2f} s)", m <= limit,
           f"by {m - limit:.2f}×, {ours - limit * sdk:.2f} s over {limit}× PublishContainer")


for size in ("bigdeps", "large"):
    for tool in ("diamol", "oci"):
        ratio_target(size, "code-edit", tool, 0.8, f"One-line code edit ≤ 0.8× PublishContainer, {SHORT[size]}, {TOOLS[tool]}")
for size in ("bigdeps", "large"):
    for tool in ("diamol", "oci"):
        own = own_times(size, "code-edit", tool)
        share = median([o / t for o, t in own]) if own else None
        target(f"One-line code edit, Diamol's own time ≤ 10 % of the total, {SHORT[size]}, {TOOLS[tool]}",
               None if share is None else f"{share * 100:.0f} % ({median([o for o, _ in own]):.2f} s of {median([t for _, t in own]):.2f} s)",
               share is not None and share <= 0.10, "" if share is None else f"by {(share - 0.10) * 100:.0f} points")
for size, limit in (("bigdeps", 0.3), ("manyfiles", 2.0)):
    for tool in ("diamol", "oci"):
        if size == "manyfiles" and tool == "oci":
            continue
        d = over_plain(size, "unchanged", tool)
        target(f"Unchanged republish ≤ {limit} s over a plain publish, {SHORT[size]}, {TOOLS[tool]}",
               None if not d else f"{median(d):+.2f} s", bool(d) and median(d) <= limit, "" if not d else f"by {median(d) - limit:.2f} s")
for size in ("bigdeps", "manyfiles"):
    for tool in ("diamol", "oci"):
        if (size, tool) in engine_calls:
            count, which = engine_calls[(size, tool)]
            target(f"Unchanged republish makes no engine call, {SHORT[size]}, {TOOLS[tool]}",
                   f"{count} request{'s' if count != 1 else ''}" + (f" ({which})" if which else ""), count == 0)
for size in ("small", "bigdeps", "large", "solution"):
    for tool in ("diamol", "oci"):
        ratio_target(size, "cold", tool, 1.2, f"Cold publish ≤ 1.2× PublishContainer, {SHORT[size]}, {TOOLS[tool]}")
if push.get("oci"):
    runs = push["oci"]
    r = median([x["uploaded"] / (x["changed"] + x["config"] + x["manifest"]) for x in runs])
    target("Push after a one-line edit (OCI builder): bytes uploaded ≤ 1.5× the changed files + config + manifest",
           f"{r:.2f}× ({size_bytes(median([x['uploaded'] for x in runs]))} for {size_bytes(median([x['changed'] + x['config'] + x['manifest'] for x in runs]))})",
           r <= 1.5, f"by {r - 1.5:.2f}×")
    if push.get("sdk"):
        pairs = [o["edit"] / s["edit"] for o, s in zip(push["oci"], push["sdk"])]
        m = median(pairs)
        target("Push after a one-line edit (OCI builder): wall time ≤ PublishContainer's push",
               f"{m:.2f}× ({median([x['edit'] for x in push['oci']]):.2f} s against {median([x['edit'] for x in push['sdk']]):.2f} s)",
               m <= 1.0, f"by {(m - 1) * 100:.1f} %")
else:
    target("Push after a one-line edit (OCI builder)", None, False)

w("## Issue 12's targets")
w("")
w("Each from the tables above (medians; ratios are the medians of the per-pair ratios). Generated: met or missed is "
  "computed, not judged.")
w("")
report.extend(targets)
w("")

kept = None
if os.path.exists(out):
    text = open(out, encoding="utf-8").read()
    if WHY_BEGIN in text and WHY_END in text:
        kept = text[text.index(WHY_BEGIN):text.index(WHY_END) + len(WHY_END)]
if kept:
    w(kept)
else:
    w(WHY_BEGIN)
    w("## Why the missed targets are missed, and what would close them")
    w("")
    w("> **PLACEHOLDER — to be written by hand after a full run.** For each target marked *missed* above: by how much")
    w("> (the figure above), the measured cause (the stage in the tables above that takes the time) and what would")
    w("> close it. `bench/run.sh` keeps everything between this section's markers as it is when it writes the file again.")
    w(WHY_END)
w("")
with open(out, "w", encoding="utf-8") as f:
    f.write("\n".join(report))
