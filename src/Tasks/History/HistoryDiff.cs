namespace Diamol.Build.History;

/// <summary>
/// Compares two history artifacts by layer DiffID, which is what registries and engines compare too: a layer with
/// the same DiffID is not pushed or pulled again. Used for the artifact's "changes" and for the diff target.
/// </summary>
public static class HistoryDiff
{
    public static HistoryChanges Compare(LayerHistory before, LayerHistory after)
    {
        var beforeIds = LayerIds(before);
        var afterIds = LayerIds(after);
        var added = Layers(after).Where(e => !beforeIds.Contains(e.DiffId!)).Select(Changed).ToArray();
        var removed = Layers(before).Where(e => !afterIds.Contains(e.DiffId!)).Select(Changed).ToArray();
        return new HistoryChanges
        {
            PreviousImageId = before.Image.Id,
            PreviousCreated = before.Image.Created,
            AddedBytes = added.Sum(l => l.Size),
            RemovedBytes = removed.Sum(l => l.Size),
            Added = added,
            Removed = removed,
            Summary = Summarize(added, removed),
        };
    }

    private static string Summarize(IReadOnlyList<ChangedLayer> added, IReadOnlyList<ChangedLayer> removed)
    {
        if (added.Count == 0 && removed.Count == 0) return "no layer changed";
        var parts = added.Select(l => $"+{HistoryMarkdownWriter.Size(l.Size)} in layer {Describe(l)}").ToList();
        if (removed.Count > 0) parts.Add($"-{HistoryMarkdownWriter.Size(removed.Sum(l => l.Size))} in {removed.Count} layer(s) no longer used");
        return string.Join(", ", parts);
    }

    private static string Describe(ChangedLayer layer) =>
        layer.Origin == "base" ? "base" : layer.LayerName ?? layer.LayerKind ?? $"#{layer.Index}";

    private static IEnumerable<HistoryEntry> Layers(LayerHistory history) =>
        history.Entries.Where(e => !e.EmptyLayer && e.DiffId is not null);

    private static HashSet<string> LayerIds(LayerHistory history) => Layers(history).Select(e => e.DiffId!).ToHashSet(StringComparer.Ordinal);

    private static ChangedLayer Changed(HistoryEntry entry) =>
        new(entry.Index, entry.DiffId, entry.Origin, entry.LayerKind, entry.LayerName, entry.Size, entry.CreatedBy);
}
