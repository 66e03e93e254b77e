using System.Globalization;
using System.Text.RegularExpressions;
using Diamol.Build.Common;
using Diamol.Build.Layers;

namespace Diamol.Build.Context;

/// <summary>
/// The one published file whose bytes depend on when the sources were checked out: the static web assets SDK writes
/// each asset's file time into <c>&lt;app&gt;.staticwebassets.endpoints.json</c> as its <c>Last-Modified</c> header,
/// so two clones of one commit publish different bytes and the image cannot be reproducible. When
/// SOURCE_DATE_EPOCH is set (the reproducible-builds convention: "no time in the output later than this"), the image
/// gets a copy whose later times are clamped to it; everything else in the file, and the publish folder, stay as the
/// SDK wrote them. Without SOURCE_DATE_EPOCH the file goes in as published.
/// </summary>
internal static partial class EndpointManifestTimes
{
    public const string Suffix = PublishedFileClassifier.EndpointsManifestSuffix;

    /// <summary>
    /// The files with each endpoints manifest replaced by its clamped copy (written only when its bytes change, so its
    /// stamp stays while nothing changed). The copies are kept in <see cref="OutputFolder.Clamped"/> (never sent to the
    /// engine as such; staged from there); copies no longer needed are removed.
    /// </summary>
    public static IReadOnlyList<PublishedFile> Clamp(IReadOnlyList<PublishedFile> files, DateTimeOffset? sourceDateEpoch, OutputFolder output)
    {
        string folder = output.Clamped;
        var kept = new HashSet<string>(StringComparer.Ordinal);
        var result = new PublishedFile[files.Count];
        for (int i = 0; i < files.Count; i++)
        {
            var file = files[i];
            result[i] = file;
            if (sourceDateEpoch is not { } epoch || !file.RelativePath.EndsWith(Suffix, StringComparison.Ordinal)) continue;
            string text = File.ReadAllText(file.SourcePath);
            string clamped = ClampText(text, epoch);
            if (clamped == text) continue;
            string copy = Path.Combine(folder, file.RelativePath.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            AtomicFile.WriteIfChanged(copy, clamped);
            kept.Add(copy);
            result[i] = file with { SourcePath = copy };
        }

        if (Directory.Exists(folder))
        {
            foreach (string stale in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Where(f => !kept.Contains(f)).ToArray()) File.Delete(stale);
            if (kept.Count == 0) Directory.Delete(folder, recursive: true);
        }

        return result;
    }

    /// <summary>Every Last-Modified value later than the epoch becomes the epoch, in the same RFC 1123 form (so the size stays).</summary>
    public static string ClampText(string text, DateTimeOffset epoch)
    {
        string limit = epoch.ToUniversalTime().ToString("R", CultureInfo.InvariantCulture);
        return LastModified().Replace(text, m =>
            DateTimeOffset.TryParseExact(m.Groups["value"].Value, "R", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) && time > epoch
                ? m.Groups["head"].Value + limit + m.Groups["tail"].Value
                : m.Value);
    }

    [GeneratedRegex(@"(?<head>""Name""\s*:\s*""Last-Modified""\s*,\s*""Value""\s*:\s*"")(?<value>[^""]*)(?<tail>"")")]
    private static partial Regex LastModified();
}
