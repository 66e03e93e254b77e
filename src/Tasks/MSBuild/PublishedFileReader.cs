using Diamol.Build.Layers;
using Microsoft.Build.Framework;

namespace Diamol.Build.MSBuild;

/// <summary>
/// Maps ResolvedFileToPublish items to <see cref="PublishedFile"/>s, reading the metadata that says where each
/// file came from. Files in the publish folder that no item names (written by custom targets) are included too,
/// as app files, so the image holds exactly what the publish folder holds.
/// </summary>
internal static class PublishedFileReader
{
    public static IReadOnlyList<PublishedFile> Read(string publishDirectory, IEnumerable<ITaskItem> items)
    {
        string root = Path.GetFullPath(publishDirectory);
        if (!Directory.Exists(root))
        {
            throw new Diagnostics.DiamolException(Diagnostics.DiagnosticCode.DIAM2001,
                $"The publish folder '{root}' (PublishDir) does not exist. Run `dotnet publish`, which runs Diamol.Build after publishing.");
        }

        var files = new Dictionary<string, PublishedFile>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            string relative = item.GetMetadata("RelativePath");
            if (string.IsNullOrEmpty(relative)) continue;
            relative = relative.Replace('\\', '/');
            string published = Path.Combine(root, relative);
            var file = new PublishedFile(
                File.Exists(published) ? published : item.GetMetadata("FullPath"),
                relative,
                NullIfEmpty(item.GetMetadata("NuGetPackageId")),
                NullIfEmpty(item.GetMetadata("NuGetPackageVersion")),
                FromProjectReference: item.GetMetadata("ReferenceSourceTarget") == "ProjectReference"
                    || !string.IsNullOrEmpty(item.GetMetadata("MSBuildSourceProjectFile")) && item.GetMetadata("ReferenceSourceTarget") != "",
                IsStaticAsset: !string.IsNullOrEmpty(item.GetMetadata("AssetKind")) || !string.IsNullOrEmpty(item.GetMetadata("SourceType"))
                    || relative.StartsWith("wwwroot/", StringComparison.Ordinal),
                CustomLayer: NullIfEmpty(item.GetMetadata("DiamolLayer")));
            files.TryAdd(relative, file);
        }

        foreach (string path in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(root, path).Replace('\\', '/');
            files.TryAdd(relative, new PublishedFile(path, relative));
        }

        return files.Values.ToArray();
    }

    private static string? NullIfEmpty(string value) => string.IsNullOrEmpty(value) ? null : value;
}
