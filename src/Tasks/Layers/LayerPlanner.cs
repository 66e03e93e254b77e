using System.Text.RegularExpressions;
using Diamol.Build.Diagnostics;

namespace Diamol.Build.Layers;

/// <summary>
/// Splits the publish output into layers by how often files change, so that a code change re-creates only
/// the small app layer while package layers stay cached. The plan is independent of enumeration order.
/// </summary>
internal static partial class LayerPlanner
{
    [GeneratedRegex(@"^[a-z0-9][a-z0-9._-]{0,62}$")]
    private static partial Regex CustomLayerNamePattern();

    public static LayerPlan Plan(IEnumerable<PublishedFile> files, FileModePolicy modes = FileModePolicy.Normalize)
    {
        // One entry per destination path: the publish pipeline can list a file twice (for example as a
        // copy-local asset and as content); the richer classification wins so the result is order-independent.
        var byPath = new Dictionary<string, (PublishedFile File, LayerKind Kind)>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            string relative = Normalize(file.RelativePath);
            var kind = Classify(file);
            if (!byPath.TryGetValue(relative, out var existing)
                || Rank(kind) < Rank(existing.Kind)
                || (Rank(kind) == Rank(existing.Kind) && string.CompareOrdinal(file.SourcePath, existing.File.SourcePath) < 0))
            {
                byPath[relative] = (file with { RelativePath = relative }, kind);
            }
        }

        // One stat of each file gives its size and its mode, on every core (20,000 files are 20,000 stats).
        var chosen = byPath.Values.ToArray();
        var entries = new (PublishedFile File, LayerKind Kind, FileInfo Info)[chosen.Length];
        Common.ParallelFileWork.For(chosen.Length, i =>
        {
            var info = new FileInfo(chosen[i].File.SourcePath);
            _ = info.Exists; // the stat, here rather than on first use
            entries[i] = (chosen[i].File, chosen[i].Kind, info);
        });
        // Checked in path order, so the file a missing-file error names does not depend on the threads.
        foreach (var entry in entries.OrderBy(e => e.File.RelativePath, StringComparer.Ordinal)) RefuseMissing(entry.File, entry.Info);

        var layers = entries
            .GroupBy(entry => (entry.Kind, Name: entry.Kind == LayerKind.Custom ? entry.File.CustomLayer! : entry.Kind.ToString().ToLowerInvariant()))
            .OrderBy(group => LayerOrder.Of(group.Key.Kind))
            .ThenBy(group => group.Key.Name, StringComparer.Ordinal)
            .Select(group => new Layer(
                group.Key.Kind,
                group.Key.Name,
                group.OrderBy(e => e.File.RelativePath, StringComparer.Ordinal)
                     .Select(e => new LayerFile(e.File.SourcePath, e.File.RelativePath, e.Info.Length, ImageFileModes.ForFile(ModeOf(e.Info), modes)))
                     .ToArray()))
            .Where(layer => layer.Files.Count > 0)
            .ToArray();

        return new LayerPlan(layers);
    }

    private static LayerKind Classify(PublishedFile file)
    {
        if (!string.IsNullOrWhiteSpace(file.CustomLayer))
        {
            // "vendor" names the built-in layer of vendored files: DiamolLayer="vendor" on files outside wwwroot/lib puts them there too.
            if (file.CustomLayer == VendorLayerName) return LayerKind.Vendor;
            if (!CustomLayerNamePattern().IsMatch(file.CustomLayer) || Enum.GetNames<LayerKind>().Any(k => k.Equals(file.CustomLayer, StringComparison.OrdinalIgnoreCase)))
            {
                throw new DiamolException(DiagnosticCode.DIAM2001,
                    $"The DiamolLayer metadata of '{file.RelativePath}' has the value '{file.CustomLayer}', which is not a valid layer name: " +
                    "use 1 to 63 lowercase letters, digits, '.', '_' and '-', starting with a letter or digit, and not a built-in layer's name " +
                    $"({string.Join(", ", Enum.GetNames<LayerKind>().Select(k => k.ToLowerInvariant()).Where(k => k != VendorLayerName))}; 'vendor' names the built-in vendor layer).");
            }

            return LayerKind.Custom;
        }

        if (file.FromWebAssemblyPackage) return LayerKind.Webassembly;
        if (!string.IsNullOrEmpty(file.PackageId))
        {
            return file.PackageVersion?.Contains('-') == true ? LayerKind.Prerelease : LayerKind.Packages;
        }

        if (file.IsEndpointsManifest) return LayerKind.Endpoints;
        if (file.IsVendor) return LayerKind.Vendor;
        if (file.FromProjectReference) return LayerKind.Projects;
        if (file.IsHost) return LayerKind.Host;
        if (file.IsStaticAsset) return LayerKind.Static;
        return LayerKind.App;
    }

    private const string VendorLayerName = "vendor";

    // Lower is more specific: a user's choice first, then the client's runtime (its files are package files too),
    // package, host, vendored, static, project; app is the fallback.
    private static int Rank(LayerKind kind) => kind switch
    {
        LayerKind.Custom => 0,
        LayerKind.Webassembly => 1,
        LayerKind.Packages => 2,
        LayerKind.Prerelease => 3,
        LayerKind.Host => 4,
        LayerKind.Endpoints => 5,
        LayerKind.Vendor => 6,
        LayerKind.Static => 7,
        LayerKind.Projects => 8,
        LayerKind.App => 99,
        _ => 50 + LayerOrder.Of(kind),
    };

    // A ':' is an ordinary character in a Linux file name (the SDK publishes "a:b.txt"); only a leading drive
    // ("C:") marks a path that is not below the publish folder.
    private static string Normalize(string relativePath)
    {
        string normalized = ImagePath.FromFileSystem(relativePath).TrimStart('/');
        string[] parts = normalized.Split('/');
        if (normalized.Length == 0 || parts.Any(part => part is ".." or "." or "")
            || System.Text.RegularExpressions.Regex.IsMatch(parts[0], "^[A-Za-z]:"))
        {
            throw new DiamolException(DiagnosticCode.DIAM2001,
                $"The published file path '{relativePath}' is not a plain relative path below the publish folder. " +
                "Check the RelativePath metadata of the ResolvedFileToPublish item that adds it.");
        }

        return normalized;
    }

    // A link's own mode is 0777: take its target's, as the bytes are the target's.
    private static UnixFileMode? ModeOf(FileInfo info) =>
        OperatingSystem.IsWindows() ? null
        : info.Attributes.HasFlag(FileAttributes.ReparsePoint) ? ImageFileModes.OnDisk(info.FullName)
        : info.UnixFileMode;

    private static void RefuseMissing(PublishedFile file, FileInfo info)
    {
        if (!info.Exists && file.SourcePath.Contains('\uFFFD', StringComparison.Ordinal))
        {
            throw new DiamolException(DiagnosticCode.DIAM2024,
                $"The published file '{file.RelativePath}' has a name that is not valid UTF-8 (its undecodable bytes are shown as '\uFFFD'): " +
                ".NET reads file names as UTF-8 and cannot open this one, so it cannot be carried into the image byte for byte. " +
                "Rename the file (or the folder holding it) to a UTF-8 name.");
        }

        if (!info.Exists)
        {
            throw new DiamolException(DiagnosticCode.DIAM2001,
                $"The published file '{file.RelativePath}' was expected at '{file.SourcePath}' but is not there. " +
                "Run the publish again; if it persists, a target removed the file after publish.");
        }
    }
}
