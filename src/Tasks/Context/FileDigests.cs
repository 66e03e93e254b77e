using System.Security.Cryptography;
using System.Text.Json;

namespace Diamol.Build.Context;

/// <summary>
/// SHA-256 of each staged file: the one pass over the context that staging, the engine build's skip check and the
/// file-level change report share. A file whose path, size and modification time (to the 100 ns tick) are what they
/// were last time keeps its digest from the cache (.diamol/file-digests.json), so an unchanged republish reads no
/// bytes; only files whose stat changed are hashed. Staged files are hard links to (or timed copies of) the publish
/// output, so a file the SDK rewrites gets a new time, and a new digest.
/// Staging already stats every staged file, so it records what it saw (<see cref="RecordStaged"/>) under the staging's
/// id; a later reader in the same publish (its manifest names that id) takes those stats instead of stat-ing every file
/// again, and hashes only the files staging saw change. Whoever hashes them writes the digests back, so the next
/// reader of the publish reads the file alone.
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
    /// The digests of every staged file of the context: from staging's stats when this publish staged it, else from
    /// a stat of each file; from the cache where the stat says nothing changed.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ForContext(string contextDirectory, ContextManifest manifest)
    {
        var files = StagedFiles(contextDirectory, manifest);
        string cachePath = CachePathIn(contextDirectory);
        var cache = Read(cachePath);
        bool staged = manifest.StagingId is { } id && cache.Staging == id && files.Keys.All(cache.Files.ContainsKey);
        return Compute(files, cachePath, staged ? cache : null, manifest.StagingId);
    }

    /// <summary>What staging saw of each staged file (key → size and time), kept for the rest of the publish.</summary>
    public static void RecordStaged(string contextDirectory, string stagingId, IReadOnlyDictionary<string, (long Size, long Ticks)> stats)
    {
        string cachePath = CachePathIn(contextDirectory);
        var cache = Read(cachePath);
        var files = new SortedDictionary<string, Known>(StringComparer.Ordinal);
        foreach (var (key, (size, ticks)) in stats)
        {
            files[key] = cache.Files.TryGetValue(key, out var known) && known.Size == size && known.Ticks == ticks && known.Digest is not null
                ? known
                : new Known(size, ticks, null);
        }

        Write(cachePath, new Cache(stagingId, files));
    }

    /// <summary>A file's size, time (ticks, UTC) and SHA-256 ("sha256:..."); no digest when staging saw it change and nobody hashed it yet.</summary>
    private sealed record Known(long Size, long Ticks, string? Digest);

    private sealed record Cache(string? Staging, SortedDictionary<string, Known> Files);

    /// <param name="files">Key (layer/path) → file on disk.</param>
    public static IReadOnlyDictionary<string, string> Compute(IReadOnlyDictionary<string, string> files, string cachePath) => Compute(files, cachePath, null, null);

    /// <param name="staged">Staging's record of this publish: its stats stand for the files', so none is stat-ed again.</param>
    /// <param name="stagingId">The staging the digests written back belong to.</param>
    private static IReadOnlyDictionary<string, string> Compute(IReadOnlyDictionary<string, string> files, string cachePath, Cache? staged, string? stagingId)
    {
        var cache = staged ?? Read(cachePath);
        var entries = files.ToArray();
        var found = new Known?[entries.Length];
        // A stat per file (unless staging's stands for it), and a hash of those whose stat changed (all of them on a
        // cold publish).
        void Look(int i)
        {
            var (key, path) = entries[i];
            if (staged is not null)
            {
                var seen = staged.Files[key];
                try
                {
                    found[i] = seen.Digest is null ? seen with { Digest = Hash(path) } : seen;
                }
                catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
                {
                    // Gone since staging: no digest, as for a file a stat finds missing.
                }

                return;
            }

            var info = new FileInfo(path);
            if (!info.Exists) return;
            long ticks = info.LastWriteTimeUtc.Ticks;
            string digest = cache.Files.TryGetValue(key, out var known) && known.Size == info.Length && known.Ticks == ticks && known.Digest is not null
                ? known.Digest
                : Hash(path);
            found[i] = new Known(info.Length, ticks, digest);
        }

        ParallelFileWork.For(entries.Length, Look);

        var digests = new Dictionary<string, string>(StringComparer.Ordinal);
        var next = new SortedDictionary<string, Known>(StringComparer.Ordinal);
        for (int i = 0; i < entries.Length; i++)
        {
            if (found[i] is not { } known) continue;
            digests[entries[i].Key] = known.Digest!;
            next[entries[i].Key] = known;
        }

        Write(cachePath, new Cache(stagingId, next));
        return digests;
    }

    private static string Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return "sha256:" + Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
    }

    private static void Write(string cachePath, Cache cache) => ContextStager.WriteIfChanged(cachePath, JsonSerializer.Serialize(cache));

    // A missing, broken or older cache (a plain key → entry map) is an empty one: every file is hashed once.
    private static Cache Read(string path)
    {
        try
        {
            var cache = File.Exists(path) ? JsonSerializer.Deserialize<Cache>(File.ReadAllText(path)) : null;
            return cache?.Files is null ? new Cache(null, new(StringComparer.Ordinal)) : cache with { Files = new(cache.Files, StringComparer.Ordinal) };
        }
        catch (JsonException)
        {
            return new Cache(null, new(StringComparer.Ordinal));
        }
    }
}
