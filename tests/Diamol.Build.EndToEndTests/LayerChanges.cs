using System.Security.Cryptography;
using System.Text.Json;

namespace Diamol.Build.EndToEndTests;

/// <summary>What one publish left: the published files' hashes, the image's layers by DiffID and our layers by name.</summary>
public sealed record PublishSnapshot(
    IReadOnlyDictionary<string, (string Hash, long Size)> Published,
    IReadOnlyDictionary<string, long> LayerSizes,
    IReadOnlyList<(string Name, string DiffId)> OurLayers,
    IReadOnlyDictionary<string, string> LayerOfFile)
{
    public static PublishSnapshot Take(ConsumerProject project, string image)
    {
        using var history = JsonDocument.Parse(File.ReadAllText(Path.Combine(project.ContainerFolder, "image-history.json")));
        var ours = history.RootElement.GetProperty("entries").EnumerateArray()
            .Where(e => e.GetProperty("origin").GetString() == "ours" && e.TryGetProperty("layerName", out var n) && n.ValueKind == JsonValueKind.String)
            .Select(e => (e.GetProperty("layerName").GetString()!, e.GetProperty("diffId").GetString()!))
            .ToArray();
        string layers = Path.Combine(project.ContainerFolder, "layers");
        var layerOfFile = Directory.EnumerateFiles(layers, "*", SearchOption.AllDirectories).ToDictionary(
            path => string.Join('/', Path.GetRelativePath(layers, path).Split(Path.DirectorySeparatorChar).Skip(1)),
            path => Path.GetRelativePath(layers, path).Split(Path.DirectorySeparatorChar)[0]);
        return new PublishSnapshot(Hashes(project.PublishFolder), ImageInspection.LayerSizes(image), ours, layerOfFile);
    }

    public static Dictionary<string, (string Hash, long Size)> Hashes(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(
            path => Path.GetRelativePath(folder, path).Replace('\\', '/'),
            path => (Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))), new FileInfo(path).Length));

    /// <summary>Every file of a folder as <see cref="ImageInspection.Files"/> lists an image's: "sha256  ./path", sorted.</summary>
    public static string[] FileLines(string folder) =>
        Hashes(folder).Select(f => $"{f.Value.Hash.ToLowerInvariant()}  ./{f.Key}").Order(StringComparer.Ordinal).ToArray();
}

/// <summary>
/// What an edit cost, measured: the bytes of published files that changed, the bytes of image layers that are new,
/// and which of our layers got a new DiffID.
/// </summary>
public sealed record LayerChange(long ChangedBytes, long NewBytes, IReadOnlyList<string> NewLayers, IReadOnlyList<string> ChangedLayers, long CarriedBytes)
{
    private const long Overhead = 100_000;

    public static LayerChange Between(PublishSnapshot before, PublishSnapshot after)
    {
        var changed = after.Published.Where(f => before.Published.GetValueOrDefault(f.Key).Hash != f.Value.Hash).ToArray();
        long changedBytes = changed.Sum(f => f.Value.Size);
        long newBytes = after.LayerSizes.Where(l => !before.LayerSizes.ContainsKey(l.Key)).Sum(l => l.Value);
        var beforeIds = before.OurLayers.Select(l => l.DiffId).ToHashSet();
        var newLayers = after.OurLayers.Where(l => !beforeIds.Contains(l.DiffId)).Select(l => l.Name).ToArray();
        var changedLayers = changed.Select(f => after.LayerOfFile.GetValueOrDefault(f.Key, "?")).Distinct().ToArray();
        // The classic builder re-creates every layer after the first one whose files changed: their unchanged files
        // are carried into new layers. That is the engine path's overhead, bounded by those layers' size.
        var order = after.OurLayers.Select(l => l.Name).ToList();
        int first = changedLayers.Select(name => order.IndexOf(name)).Where(i => i >= 0).DefaultIfEmpty(order.Count).Min();
        var carriedLayers = order.Skip(first).ToHashSet();
        long carried = after.LayerOfFile.Where(f => carriedLayers.Contains(f.Value) && !changed.Any(c => c.Key == f.Key))
            .Sum(f => after.Published.GetValueOrDefault(f.Key).Size);
        return new LayerChange(changedBytes, newBytes, newLayers, changedLayers, carried);
    }

    /// <summary>The layers that must be new: the first one holding a changed file, and every one after it.</summary>
    public IReadOnlyList<string> ExpectedNewLayers(PublishSnapshot after)
    {
        var order = after.OurLayers.Select(l => l.Name).ToList();
        int first = ChangedLayers.Select(name => order.IndexOf(name)).Where(i => i >= 0).DefaultIfEmpty(order.Count).Min();
        return order.Skip(first).ToArray();
    }

    /// <summary>1.5 x the changed files plus 100 kB: what an edit may cost when no unchanged file is carried (issue 22's bound).</summary>
    public long ChangedBound => ChangedBytes * 3 / 2 + Overhead;

    /// <summary>1.5 x the changed files, plus the unchanged files the engine path carries into re-created layers, plus 100 kB.</summary>
    public long Bound => ChangedBytes * 3 / 2 + CarriedBytes + Overhead;

    public override string ToString() =>
        $"changed files {ChangedBytes:N0} B in [{string.Join(", ", ChangedLayers)}]; new layers [{string.Join(", ", NewLayers)}] {NewBytes:N0} B; " +
        $"carried {CarriedBytes:N0} B; bound {Bound:N0} B (without the carried files {ChangedBound:N0} B)";
}
