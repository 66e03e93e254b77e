using Diamol.Build.Common;
using Diamol.Build.Context;
using Diamol.Build.Engine;

namespace Diamol.Build.Pipeline;

/// <summary>
/// An engine build that starts where the last build's unchanged steps end. The classic builder needs the whole context
/// on every build and checksums the sources of every COPY, the unchanged ones included, to find them in its cache; for
/// a one-file edit that is nearly all of an engine build's time on a large app. When the first steps are the same as
/// last time (<see cref="BuildInputs.StepKeys"/>), the image the last build made at the last of them is what this build
/// would make there. So the engine is sent a Dockerfile that starts FROM that image and holds the remaining steps, with
/// only the layer folders those steps copy. Every step runs as it would in a full build, on the same parent image, so
/// the layers, the configuration and the history are the same, and the engine's cache entries are the ones a
/// `docker build` of the context folder finds (same parent, same instruction, same files).
/// </summary>
/// <param name="ReusedSteps">How many of the Dockerfile's steps come from the last build (FROM included).</param>
/// <param name="ParentImageId">The full id of the image the last build made at the last reused step.</param>
/// <param name="Part">What the engine is sent: the shortened Dockerfile and the layer folders it copies.</param>
internal sealed record DeltaBuild(int ReusedSteps, string ParentImageId, ContextSelection Part)
{
    /// <summary>
    /// The delta build for this build, or null (and why) when it must be a full one. The parent image is asked of the
    /// engine: one removed since (a prune, a removed tag) means a full build.
    /// </summary>
    public static async Task<(DeltaBuild? Delta, string Reason)> PlanAsync(
        IContainerEngine engine, string engineName, BuildRecord? previous, IReadOnlyList<string> stepKeys,
        ContextManifest manifest, BuildOptions options, CancellationToken cancellationToken)
    {
        var instructions = manifest.Instructions;
        string? refusal = Refusal(engine, engineName, previous, options);
        if (refusal is not null) return (null, refusal);

        var last = previous!.StepKeys!;
        int reused = 0;
        while (reused < stepKeys.Count && reused < last.Count && stepKeys[reused] == last[reused]) reused++;
        if (reused == stepKeys.Count) return (null, "every step is the same as last time (the tags or the Dockerfile's comments changed)");
        // Reusing steps up to the first file layer saves nothing: the whole context would still be sent.
        if (!instructions.Take(reused).Any(i => i.LayerName is not null)) return (null, $"step {reused + 1} ({Short(instructions[reused].Text)}) changed before any file layer");

        // An ARG ends at FROM, so a later step would not see it in a build that starts from the image.
        if (instructions.Take(reused).FirstOrDefault(i => i.Keyword.Equals("ARG", StringComparison.OrdinalIgnoreCase)) is { } argument)
        {
            return (null, $"an unchanged step declares a build argument ({Short(argument.Text)}), which a build that starts from its image would not see");
        }

        string? parentShortId = previous!.Build.Steps[reused - 1].ImageId;
        var parent = parentShortId is null ? null : await engine.InspectImageAsync(parentShortId, cancellationToken).ConfigureAwait(false);
        if (parent is null) return (null, $"the image the last build made at step {reused} ({parentShortId ?? "no id"}) is no longer in the engine");

        var rest = instructions.Skip(reused).ToArray();
        string dockerfile = $"FROM {ContentDigest.WithoutPrefix(parent.Id)}\n" + string.Concat(rest.Select(i => i.Text + "\n"));
        var folders = rest.Where(i => i.LayerName is not null)
            .Select(i => manifest.Layers.First(l => l.Name == i.LayerName).ContextFolder).Distinct().ToArray();
        return (new DeltaBuild(reused, parent.Id, new ContextSelection(dockerfile, folders)), "");
    }

    private static string? Refusal(IContainerEngine engine, string engineName, BuildRecord? previous, BuildOptions options)
    {
        if (previous?.StepKeys is not { } keys || keys.Count != previous.Build.Steps.Count || previous.Build.Steps.Count == 0)
        {
            return "there is no complete record of a last build";
        }

        if (previous.Engine != engineName) return $"the last build was made by another engine ({previous.Engine})";
        // Podman's compatible /build has not been shown to keep step images a later build can start from.
        if (engine.IsPodman) return "Podman always gets the whole context";
        if (options.Pull == PullPolicy.Always) return "DiamolPullPolicy is Always, so the engine pulls the base image again";
        if (options.CacheFrom.Count > 0) return "DiamolCacheFrom names cache images";
        // One stage, FROM first, and no step but our COPYs reads the context: DiamolInstruction refuses FROM, COPY,
        // ADD and ONBUILD, so the layer folders are all a shortened context needs.
        return null;
    }

    /// <summary>
    /// The full build's steps: the reused ones from the last build (taken from the cache, as far as this build is
    /// concerned) and then the steps the engine ran, numbered as in the full Dockerfile. The engine's first step is the
    /// FROM of the reused image, which is the last reused step.
    /// </summary>
    public IReadOnlyList<BuildStep> Merge(IReadOnlyList<BuildStep> previousSteps, IReadOnlyList<BuildStep> engineSteps) =>
        previousSteps.Take(ReusedSteps).Select(s => s with { Cached = true })
            .Concat(engineSteps.Skip(1).Select((s, i) => s with { Number = ReusedSteps + 1 + i }))
            .ToArray();

    private static string Short(string instruction)
    {
        string line = instruction.Split('\n')[0].TrimEnd('\\', ' ');
        return line.Length <= 60 ? line : line[..57] + "...";
    }
}
