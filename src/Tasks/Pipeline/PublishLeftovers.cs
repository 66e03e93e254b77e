using System.Text.RegularExpressions;

namespace Diamol.Build.Pipeline;

/// <summary>
/// What a killed publish leaves behind and the next publish removes: the cache's half-fetched downloads
/// (<c>&lt;digest&gt;.&lt;guid&gt;.partial</c>, 80 MB each for a base layer) and an archive's temporary file
/// (<c>&lt;archive&gt;.tmp</c>). Only files of exactly our naming, last written before this publish started, and that no
/// process holds open for writing (our writers open them exclusively) are removed: never a user's file, never the
/// download of a publish running beside this one.
/// </summary>
internal static partial class PublishLeftovers
{
    [GeneratedRegex("^[a-f0-9]{64}\\.[a-f0-9]{32}\\.partial$")]
    private static partial Regex PartialDownload();

    /// <summary>Removes the partial downloads in a cache's blob folder; returns how many.</summary>
    public static int RemovePartialDownloads(string blobFolder, DateTime startedUtc)
    {
        if (!Directory.Exists(blobFolder)) return 0;
        int removed = 0;
        try
        {
            foreach (string path in Directory.EnumerateFiles(blobFolder, "*.partial"))
            {
                if (PartialDownload().IsMatch(Path.GetFileName(path)) && TryRemove(path, startedUtc)) removed++;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A folder that cannot be listed keeps its leftovers: they cost room, not correctness.
        }

        return removed;
    }

    /// <summary>Removes the temporary file a killed archive write left beside <paramref name="archivePath"/>.</summary>
    public static bool RemoveArchiveTemporary(string archivePath, DateTime startedUtc) => TryRemove(TemporaryOf(archivePath), startedUtc);

    /// <summary>The temporary file an archive is written to before it is renamed into place.</summary>
    public static string TemporaryOf(string archivePath) => Path.GetFullPath(archivePath) + ".tmp";

    private static bool TryRemove(string path, DateTime startedUtc)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists || info.LastWriteTimeUtc >= startedUtc) return false;
            // Our writers hold these files with FileShare.None (an exclusive lock on Unix too): a file still being
            // written cannot be opened so, and is left alone. Removed while held, so nobody takes it over between.
            using var held = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            File.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
