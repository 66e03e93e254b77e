using System.Globalization;
using System.Text;
using Diamol.Build.Common;

namespace Diamol.Build.Context;

/// <summary>
/// SHA-256 of each staged file: the one pass over the context's content that the engine build's skip check and the
/// file-level change report share. A file whose path, size and modification time (to the 100 ns tick) are what they
/// were last time keeps its digest from the cache (.diamol/file-digests.txt), so an unchanged republish reads no
/// bytes; only files whose stat changed are hashed. The stat is git's index's: size, mtime, ctime, inode and device
/// (<see cref="FileStamp"/>), so a file replaced by one of the same size and mtime (<c>touch -r</c>, <c>cp -p</c>) is
/// hashed again: it is another inode, or has a new ctime. Staged files are hard links to (or copies of) the publish
/// output.
/// </summary>
internal static class FileDigests
{
    // The cache (OutputFolder.FileDigests) has a line per file, "size ticks ctime inode device digest key": read in
    // milliseconds where a JSON document of 20,000 entries took 100.
    private const string Header = "# Diamol.Build file digests 2: size ticks ctime inode device digest layer/path";

    /// <summary>SHA-256, as OCI and the engine name content: what the skip check, the history and the SBOM use.</summary>
    public static readonly FileDigestKind Sha256 = new("sha256:", System.Security.Cryptography.HashAlgorithmName.SHA256);

    /// <summary>SHA-1, which SPDX 2.3 requires of every file: kept in a cache of its own (OutputFolder.FileSha1), the same way.</summary>
    public static readonly FileDigestKind Sha1 = new("sha1:", System.Security.Cryptography.HashAlgorithmName.SHA1);

    /// <summary>The key of a staged file: its layer and its path in the layer.</summary>
    public static string KeyOf(string layer, string relativePath) => layer + "/" + relativePath;

    /// <summary>Every file the manifest's plan staged, by key, with its path on disk.</summary>
    public static IReadOnlyDictionary<string, string> StagedFiles(OutputFolder folder, ContextManifest manifest) =>
        manifest.Plan.Layers
            .SelectMany(l => l.Files.Select(f =>
                (Key: KeyOf(l.Name, f.RelativePath), Path: Path.Combine(folder.Root, l.ContextFolder, f.RelativePath))))
            .ToDictionary(f => f.Key, f => f.Path, StringComparer.Ordinal);

    private sealed record Known(FileStamp Stamp, string Digest);

    /// <param name="files">Key (layer/path) → file on disk.</param>
    /// <param name="stamps">Stamps already taken (staging's), by key; the other files are stat'ed here.</param>
    /// <param name="kind">The hash (SHA-256 unless said); its digests are written "sha256:hex" ("sha1:hex").</param>
    public static IReadOnlyDictionary<string, string> Compute(IReadOnlyDictionary<string, string> files, string cachePath,
        IReadOnlyDictionary<string, FileStamp>? stamps = null, FileDigestKind? kind = null)
    {
        kind ??= Sha256;
        var cache = Read(cachePath, kind);
        var entries = files.ToArray();
        var found = new Known?[entries.Length];
        // A stat per file, and a hash of those whose stat changed (all of them on a cold publish).
        void Look(int i)
        {
            var (key, path) = entries[i];
            FileStamp stamp;
            if (stamps is not null && stamps.TryGetValue(key, out var taken)) stamp = taken;
            else if (FileStamp.Of(path) is { } statted) stamp = statted;
            else return;
            // The mode is not part of the content (the fingerprint adds the planned mode itself).
            stamp = stamp with { Mode = 0 };
            string digest = cache.TryGetValue(key, out var known) && known.Stamp == stamp ? known.Digest : Hash(path, kind);
            found[i] = new Known(stamp, digest);
        }

        ParallelFileWork.For(entries.Length, Look);

        var digests = new Dictionary<string, string>(entries.Length, StringComparer.Ordinal);
        bool unchanged = true;
        int kept = 0;
        for (int i = 0; i < entries.Length; i++)
        {
            if (found[i] is not { } known) continue;
            digests[entries[i].Key] = known.Digest;
            kept++;
            unchanged &= cache.TryGetValue(entries[i].Key, out var old) && old == known;
        }

        // Compared in memory, not by reading the old file back: an unchanged republish writes nothing.
        if (!unchanged || kept != cache.Count) Write(cachePath, entries.Select((entry, i) => (entry.Key, Known: found[i])));
        return digests;
    }

    private static void Write(string path, IEnumerable<(string Key, Known? Known)> entries)
    {
        var text = new StringBuilder(Header).Append('\n');
        foreach (var (key, known) in entries.Where(e => e.Known is not null).OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            var stamp = known!.Stamp;
            text.Append(stamp.Size.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(stamp.Ticks.ToString(CultureInfo.InvariantCulture))
                .Append(' ').Append(stamp.ChangeTicks.ToString(CultureInfo.InvariantCulture))
                .Append(' ').Append(stamp.Inode.ToString(CultureInfo.InvariantCulture))
                .Append(' ').Append(stamp.Device.ToString(CultureInfo.InvariantCulture))
                .Append(' ').Append(known.Digest).Append(' ').Append(Escape(key)).Append('\n');
        }

        AtomicFile.WriteIfChanged(path, text.ToString());
    }

    // A Linux file name may hold a line break.
    internal static string Escape(string key) =>
        key.AsSpan().IndexOfAny('\\', '\n', '\r') < 0 ? key : key.Replace("\\", "\\\\").Replace("\n", "\\n").Replace("\r", "\\r");

    internal static string Unescape(string key) =>
        !key.Contains('\\')
            ? key
            : System.Text.RegularExpressions.Regex.Replace(key, @"\\(.)",
                m => m.Groups[1].Value switch { "n" => "\n", "r" => "\r", var other => other });

    private static string Hash(string path, FileDigestKind kind)
    {
        using var stream = File.OpenRead(path);
        if (kind == Sha256) return ContentDigest.Of(stream);
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(kind.Algorithm);
        byte[] buffer = new byte[81920];
        int read;
        while ((read = stream.Read(buffer)) > 0) hash.AppendData(buffer, 0, read);
        return kind.Prefix + ContentDigest.Hex(hash.GetHashAndReset());
    }

    // A line that does not read (a cache from another version, a damaged file) is left out: its file is hashed again.
    private static Dictionary<string, Known> Read(string path, FileDigestKind kind)
    {
        var cache = new Dictionary<string, Known>(StringComparer.Ordinal);
        string[] lines;
        try
        {
            if (!File.Exists(path)) return cache;
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return cache;
        }

        if (lines.Length == 0 || lines[0] != Header) return cache;
        foreach (string line in lines.Skip(1))
        {
            string[] parts = line.Split(' ', 7);
            if (parts.Length == 7
                && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long size)
                && long.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long ticks)
                && long.TryParse(parts[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long changed)
                && ulong.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out ulong inode)
                && ulong.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out ulong device)
                && parts[5].StartsWith(kind.Prefix, StringComparison.Ordinal))
            {
                cache[Unescape(parts[6])] = new Known(new FileStamp(size, ticks, changed, inode, device), parts[5]);
            }
        }

        return cache;
    }
}

/// <summary>A hash the file digests are kept in: its digest prefix ("sha256:") and its algorithm.</summary>
internal sealed record FileDigestKind(string Prefix, System.Security.Cryptography.HashAlgorithmName Algorithm);
