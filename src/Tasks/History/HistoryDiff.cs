using Diamol.Build.Common;

namespace Diamol.Build.History;

/// <summary>
/// Compares two history artifacts by layer DiffID, which is what registries and engines compare too: a layer with
/// the same DiffID is not pushed or pulled again. Used for the artifact's "changes" and for the diff target.
/// </summary>
internal static class HistoryDiff
{
    public static HistoryChanges Compare(LayerHistory before, LayerHistory after)
    {
        var beforeIds = LayerIds(before);
        var afterIds = LayerIds(after);
        var added = Layers(after).Where(e => !beforeIds.Contains(e.DiffId!)).Select(Changed).ToArray();
        var removed = Layers(before).Where(e => !afterIds.Contains(e.DiffId!)).Select(Changed).ToArray();
        var files = CompareFiles(before, after);
        return new HistoryChanges
        {
            PreviousImageId = before.Image.Id,
            PreviousCreated = before.Image.Created,
            AddedBytes = added.Sum(l => l.Size),
            RemovedBytes = removed.Sum(l => l.Size),
            Added = added,
            Removed = removed,
            Files = files,
            Summary = Summarize(added, removed, files),
        };
    }

    /// <summary>
    /// Files of our layers, compared by layer name and path: added, removed, or changed (another digest, or another
    /// size where a digest is missing). Empty unless both artifacts list their files (schema 2).
    /// </summary>
    public static IReadOnlyList<FileChange> CompareFiles(LayerHistory before, LayerHistory after)
    {
        var old = FilesByLayer(before);
        var current = FilesByLayer(after);
        if (old.Count == 0 || current.Count == 0) return [];
        var changes = new List<FileChange>();
        foreach (string layer in old.Keys.Union(current.Keys).Order(StringComparer.Ordinal))
        {
            var a = old.GetValueOrDefault(layer) ?? [];
            var b = current.GetValueOrDefault(layer) ?? [];
            foreach (string path in a.Keys.Union(b.Keys).Order(StringComparer.Ordinal))
            {
                bool had = a.TryGetValue(path, out var was);
                bool has = b.TryGetValue(path, out var now);
                if (had && has)
                {
                    bool differs = was!.Digest is not null && now!.Digest is not null ? was.Digest != now.Digest : was.Size != now!.Size;
                    if (differs) changes.Add(new FileChange(layer, path, "changed", was.Size, now!.Size));
                }
                else if (has)
                {
                    changes.Add(new FileChange(layer, path, "added", null, now!.Size));
                }
                else
                {
                    changes.Add(new FileChange(layer, path, "removed", was!.Size, null));
                }
            }
        }

        return changes;
    }

    private static Dictionary<string, Dictionary<string, HistoryFile>> FilesByLayer(LayerHistory history) =>
        history.Entries.Where(e => e.Origin == "ours" && e.LayerName is not null && e.Files is not null)
            .GroupBy(e => e.LayerName!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last().Files!.ToDictionary(f => f.Path, StringComparer.Ordinal), StringComparer.Ordinal);

    /// <summary>"WebApi.dll +512 B", "appsettings.json (new)", "old.js (removed)".</summary>
    public static string Describe(FileChange change) => change.Change switch
    {
        "added" => $"{change.Path} (new, {ByteSize.Format(change.Delta)})",
        "removed" => $"{change.Path} (removed, {ByteSize.Format(-change.Delta)})",
        _ => change.Delta == 0 ? $"{change.Path} (changed, same size)" : $"{change.Path} {Signed(change.Delta)}",
    };

    /// <summary>"+512 B", "-1.2 kB"; a changed file of unchanged size is "same size", not a "+0 B" that reads as unchanged.</summary>
    public static string Signed(long delta) => delta == 0 ? "same size" : (delta < 0 ? "-" : "+") + ByteSize.Format(Math.Abs(delta));

    private static string Summarize(IReadOnlyList<ChangedLayer> added, IReadOnlyList<ChangedLayer> removed, IReadOnlyList<FileChange> files)
    {
        if (added.Count == 0 && removed.Count == 0) return "no layer changed";
        var parts = added.Select(l => $"+{ByteSize.Format(l.Size)} in layer {Describe(l)}{FilesOf(l, files)}").ToList();
        if (removed.Count > 0) parts.Add($"-{ByteSize.Format(removed.Sum(l => l.Size))} in {Diagnostics.Counted.Of(removed.Count, "layer")} no longer used");
        return string.Join(", ", parts);
    }

    // The files that made a layer new, largest change first: the answer to "why did this layer change?".
    private static string FilesOf(ChangedLayer layer, IReadOnlyList<FileChange> files)
    {
        var mine = files.Where(f => f.Layer == layer.LayerName).OrderByDescending(f => Math.Abs(f.Delta)).ThenBy(f => f.Path, StringComparer.Ordinal).ToArray();
        if (mine.Length == 0) return "";
        string shown = string.Join(", ", mine.Take(3).Select(Describe));
        return $" ({shown}{(mine.Length > 3 ? $", and {mine.Length - 3} more" : "")})";
    }

    private static string Describe(ChangedLayer layer) =>
        layer.Origin == "base" ? "base" : layer.LayerName ?? layer.LayerKind ?? $"#{layer.Index}";

    private static IEnumerable<HistoryEntry> Layers(LayerHistory history) =>
        history.Entries.Where(e => !e.EmptyLayer && e.DiffId is not null);

    private static HashSet<string> LayerIds(LayerHistory history) => Layers(history).Select(e => e.DiffId!).ToHashSet(StringComparer.Ordinal);

    private static ChangedLayer Changed(HistoryEntry entry) =>
        new(entry.Index, entry.DiffId, entry.Origin, entry.LayerKind, entry.LayerName, entry.Size, entry.CreatedBy);
}
