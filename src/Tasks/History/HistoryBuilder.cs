using Diamol.Build.Dockerfile;
using Diamol.Build.Common;
using Diamol.Build.Layers;
using Diamol.Build.Spec;

namespace Diamol.Build.History;

/// <summary>
/// Joins the engine's history with what we know from our side (the Dockerfile's lines, the layer plan, the
/// build's cache hits) into a <see cref="LayerHistory"/>. The newest history entries are ours, one per
/// instruction after FROM; everything before them came with the base image.
/// </summary>
internal static partial class HistoryBuilder
{
    private const int LargestFilesShown = 5;

    public static LayerHistory Build(
        string generator,
        string repository,
        IReadOnlyList<string> tags,
        ImageFacts image,
        BaseImageSummary baseImage,
        IReadOnlyList<ImageHistoryRow> history,
        DockerfileDocument dockerfile,
        IReadOnlyList<BuildStep> steps,
        LayerPlan plan,
        IReadOnlyDictionary<string, string>? fileDigests = null)
    {
        var ours = dockerfile.Instructions.Skip(1).ToArray();
        var byStepImage = MatchByStepImage(history, steps, ours.Length);
        int baseCount = Math.Max(0, history.Count - ours.Length);
        var layersByName = plan.Layers.ToDictionary(l => l.Name, StringComparer.Ordinal);

        // The instructions' own values first: a saved record's environment is already masked, so it knows none.
        var redactor = Dockerfile.InstructionSecrets.RedactorFor(dockerfile.Instructions, image.Env, image.Labels);
        var entries = new List<HistoryEntry>(history.Count);
        int layerIndex = 0;
        int? knownLayerCount = 0;
        for (int i = 0; i < history.Count; i++)
        {
            var raw = history[i];
            // An entry the build named (its step's image id) is tied to that step; without ids, ours are the last ones.
            int? ourIndex = byStepImage is not null
                ? byStepImage.TryGetValue(i, out int matched) ? matched : null
                : i >= baseCount ? i - baseCount : null;
            bool isOurs = ourIndex is not null;
            bool empty = IsEmpty(raw, knownLayerCount);
            knownLayerCount = raw.LayerCount ?? (knownLayerCount is null ? null : knownLayerCount + (empty ? 0 : 1));
            string? diffId = !empty && layerIndex < image.DiffIds.Count ? image.DiffIds[layerIndex] : null;
            if (!empty) layerIndex++;

            var entry = new HistoryEntry
            {
                Index = i,
                CreatedBy = redactor.Redact(raw.CreatedBy),
                Created = raw.Created,
                Size = raw.Size,
                EmptyLayer = empty,
                DiffId = diffId,
                Origin = isOurs ? "ours" : "base",
            };

            if (isOurs)
            {
                var instruction = ours[ourIndex!.Value];
                // Step 1 is FROM; our n-th instruction after it is step n + 2 (1-based).
                int stepNumber = ourIndex.Value + 2;
                var step = steps.FirstOrDefault(s => s.Number == stepNumber);
                entry = entry with
                {
                    DockerfileLine = instruction.Line,
                    Instruction = redactor.Redact(instruction.Text),
                    Cached = step?.Cached ?? false,
                    LayerKind = KindOf(instruction),
                    LayerName = instruction.LayerName,
                };

                if (instruction.LayerName is { } name && layersByName.TryGetValue(name, out var layer))
                {
                    entry = entry with
                    {
                        FileCount = layer.Files.Count,
                        LargestFiles = layer.Files
                            .OrderByDescending(f => f.Size).ThenBy(f => f.RelativePath, StringComparer.Ordinal)
                            .Take(LargestFilesShown)
                            .Select(f => new HistoryFile(f.RelativePath, f.Size))
                            .ToArray(),
                        Files = layer.Files
                            .OrderBy(f => f.RelativePath, StringComparer.Ordinal)
                            .Select(f => new HistoryFile(f.RelativePath, f.Size, fileDigests?.GetValueOrDefault(Context.FileDigests.KeyOf(layer.Name, f.RelativePath))))
                            .ToArray(),
                        SourceFolder = layer.ContextFolder,
                    };
                }
            }

            entries.Add(entry);
        }

        var ourEntries = entries.Where(e => e.Origin == "ours").ToArray();
        return new LayerHistory
        {
            Generator = generator,
            Image = new HistoryImage
            {
                Id = image.Id,
                Repository = repository,
                Tags = tags,
                Created = image.Created,
                Size = image.Size,
                Os = image.Os,
                Architecture = image.Architecture,
                Env = image.Env.Select(SecretRedactor.RedactEntry).ToArray(),
            },
            BaseImage = new HistoryBaseImage
            {
                Name = baseImage.Name,
                Id = baseImage.Id,
                Layers = baseImage.LayerCount,
                Size = baseImage.Size,
            },
            Dockerfile = Context.OutputFolder.DockerfileName,
            Entries = entries,
            Totals = new HistoryTotals
            {
                BaseBytes = entries.Where(e => e.Origin == "base").Sum(e => e.Size),
                OurBytes = ourEntries.Sum(e => e.Size),
                NewBytes = ourEntries.Where(e => e.Cached != true).Sum(e => e.Size),
                CachedBytes = ourEntries.Where(e => e.Cached == true).Sum(e => e.Size),
            },
        };
    }

    // File layers carry their plan kind; other instructions that add files (RUN, ADD, COPY of the user's) are the
    // user's own; everything else (ENV, LABEL, WORKDIR, ...) only sets configuration.
    private static string KindOf(DockerfileInstruction instruction) =>
        instruction.LayerKind is { } kind ? kind.ToString().ToLowerInvariant()
        : instruction.Keyword is "RUN" or "ADD" or "COPY" ? "custom"
        : "metadata";

    // Where the engine still knows the image an entry produced, its layer count says exactly whether the
    // entry added a layer. For imported or pulled history only the size is left to go by.
    private static bool IsEmpty(ImageHistoryRow entry, int? layersBefore) =>
        entry.LayerCount is { } count && layersBefore is { } before ? count == before : entry.Size == 0;

    /// <summary>
    /// History entry index → our instruction index, by the image each build step produced (the engine names it after
    /// "--->", and its history lists that image's id): exact even when the history holds entries no instruction of
    /// ours made (a base image's ONBUILD triggers). Null when the ids do not account for every instruction (another
    /// engine, an OCI build, an imported history): then ours are the last entries, as before.
    /// </summary>
    private static Dictionary<int, int>? MatchByStepImage(IReadOnlyList<ImageHistoryRow> history, IReadOnlyList<BuildStep> steps, int ourCount)
    {
        if (ourCount == 0 || steps.Count == 0) return null;
        var map = new Dictionary<int, int>();
        for (int k = 0; k < ourCount; k++)
        {
            var step = steps.FirstOrDefault(s => s.Number == k + 2);
            if (step?.ImageId is not { Length: >= 12 } id) return null;
            int entry = -1;
            for (int i = 0; i < history.Count; i++)
            {
                string hex = ContentDigest.WithoutPrefix(history[i].Id);
                if (hex.StartsWith(id, StringComparison.Ordinal)) entry = i;
            }

            if (entry < 0 || map.ContainsKey(entry)) return null;
            map[entry] = k;
        }

        return map;
    }

}
