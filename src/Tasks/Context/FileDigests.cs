using System.Security.Cryptography;
using System.Text.Json;

namespace Diamol.Build.Context;

/// <summary>
/// SHA-256 of each staged file: the one pass over the context's content that the engine build's skip check and the
/// file-level change report share. A file whose path, size and modification time (to the 100 ns tick) are what they
/// were last time keeps its digest from the cache (.diamol/file-digests.json), so an unchanged republish reads no
/// bytes; only files whose stat changed are hashed. Staged files are hard links to (or timed copies of) the publish
/// output, so a file the SDK rewrites gets a new time, and a new digest.
/// </summary>
public static class FileDigests
{
    public const string FileName = "file-digests.json";

    public static string CachePathIn(string contextDirectory) => Path.Combine(contextDirectory, ContextManifest.FolderName, FileName);

    /// <summary>The key of a staged file: its layer and its path in the layer.</summary>
    public static string KeyOf(string layer, string relativePath) => layer + "/" + relativePath;

    /// <summary>Every file the manifest's plan staged, by key, with its path on disk.</summary>
    public static IReadOnlyDictionary<string, string> StagedFiles(string contextDirectory, ContextManifest manifest) =>
        manifest.Plan.Layers.SelectMany(l => l.Files.Select(f => (Key: KeyOf(l.Name, f.RelativePath), Path: Path.Combine(contextDirectory, l.ContextFolder, f.RelativePath))))
            .ToDictionary(f => f.Key, f => f.Path, StringComparer.Ordinal);

    /// <summary>
    /// The digests of every staged file of the context, from the cache where the stamp says nothing changed. With this
    /// publish's <paramref name="staged"/> context, the stamps are staging's (no stat here) and the digests are
    /// computed once: a second caller gets the first one's.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ForContext(string contextDirectory, ContextManifest manifest, StagedContext? staged = null)
    {
        if (staged?.Digests is { } known) return known;
        var digests = Compute(StagedFiles(contextDirectory, manifest), CachePathIn(contextDirectory), staged?.Files);
        if (staged is not null) staged.Digests = digests;
        return digests;
    }

    private sealed record Known(long Size, long Ticks, string Digest);

    /// <param name="files">Key (layer/path) → file on disk.</param>
    /// <param name="stamps">Stamps already taken (staging's), by key; the other files are stat'ed here.</param>
    public static IReadOnlyDictionary<string, string> Compute(IReadOnlyDictionary<string, string> files, string cachePath, IReadOnlyDictionary<string, FileStamp>? stamps = null)
    {
        var cache = Read(cachePath);
        var entries = files.ToArray();
        var found = new Known?[entries.Length];
        // A stat per file, and a hash of those whose stat changed (all of them on a cold publish).
        void Look(int i)
        {
            var (key, path) = entries[i];
            FileStamp stamp;
            if (stamps is not null && stamps.TryGetValue(key, out var taken)) stamp = taken;
            else if (new FileInfo(path) is { Exists: true } info) stamp = FileStamp.Of(info);
            else return;
            string digest = cache.TryGetValue(key, out var known) && known.Size == stamp.Size && known.Ticks == stamp.Ticks
                ? known.Digest
                : Hash(path);
            found[i] = new Known(stamp.Size, stamp.Ticks, digest);
        }

        ParallelFileWork.For(entries.Length, Look);

        var digests = new Dictionary<string, string>(StringComparer.Ordinal);
        var next = new SortedDictionary<string, Known>(StringComparer.Ordinal);
        for (int i = 0; i < entries.Length; i++)
        {
            if (found[i] is not { } known) continue;
            digests[entries[i].Key] = known.Digest;
            next[entries[i].Key] = known;
        }

        // Compared in memory, not by reading the old file back: an unchanged republish writes nothing.
        bool unchanged = next.Count == cache.Count && next.All(entry => cache.TryGetValue(entry.Key, out var old) && old == entry.Value);
        if (!unchanged) ContextStager.WriteIfChanged(cachePath, JsonSerializer.Serialize(next));
        return digests;
    }

    private static string Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return "sha256:" + Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
    }

    private static Dictionary<string, Known> Read(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<Dictionary<string, Known>>(File.ReadAllText(path)) ?? [] : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
