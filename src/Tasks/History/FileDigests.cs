using System.Security.Cryptography;
using System.Text.Json;

namespace Diamol.Build.History;

/// <summary>
/// SHA-256 of each staged file, for the file-level change report. A file whose size, modification time and path
/// are what they were last time keeps its digest from the cache (.diamol/file-digests.json), so an unchanged
/// republish reads no bytes; only files whose stat changed are hashed.
/// </summary>
public static class FileDigests
{
    private sealed record Known(long Size, long Ticks, string Digest);

    /// <param name="files">Key (layer/path) → file on disk.</param>
    public static IReadOnlyDictionary<string, string> Compute(IReadOnlyDictionary<string, string> files, string cachePath)
    {
        var cache = Read(cachePath);
        var digests = new Dictionary<string, string>(StringComparer.Ordinal);
        var next = new SortedDictionary<string, Known>(StringComparer.Ordinal);
        foreach (var (key, path) in files)
        {
            var info = new FileInfo(path);
            if (!info.Exists) continue;
            long ticks = info.LastWriteTimeUtc.Ticks;
            string digest = cache.TryGetValue(key, out var known) && known.Size == info.Length && known.Ticks == ticks
                ? known.Digest
                : Hash(path);
            digests[key] = digest;
            next[key] = new Known(info.Length, ticks, digest);
        }

        Context.ContextStager.WriteIfChanged(cachePath, JsonSerializer.Serialize(next));
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
