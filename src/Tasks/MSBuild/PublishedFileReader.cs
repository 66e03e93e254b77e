using Diamol.Build.Layers;
using Microsoft.Build.Framework;

namespace Diamol.Build.MSBuild;

/// <summary>
/// Maps ResolvedFileToPublish items to <see cref="PublishedFile"/>s, reading what MSBuild knows about where each
/// file came from: a package (NuGetPackageId), a ProjectReference, the project's content, static web assets.
/// The SDK drops custom metadata on its way to ResolvedFileToPublish, so DiamolLayer is read from the items the
/// user wrote it on (Content, None, PackageReference, ProjectReference) and matched by path, package or project.
/// Files in the publish folder that no item names (written by custom targets, compressed static assets) are
/// included too, so the image holds exactly what the publish folder holds.
/// </summary>
internal sealed class PublishedFileReader
{
    private readonly HashSet<string> _contentPaths = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _layerByPath = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _layerByPackage = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _layerByProject = new(StringComparer.Ordinal);

    public PublishedFileReader(IEnumerable<ITaskItem> contentItems, IEnumerable<ITaskItem> packageReferences, IEnumerable<ITaskItem> projectReferences)
    {
        foreach (var item in contentItems)
        {
            string copy = item.GetMetadata("CopyToPublishDirectory");
            if (copy is "" or "Never") continue;
            string path = item.GetMetadata("FullPath");
            _contentPaths.Add(path);
            AddLayer(_layerByPath, path, item);
        }

        foreach (var item in packageReferences) AddLayer(_layerByPackage, item.ItemSpec, item);
        foreach (var item in projectReferences) AddLayer(_layerByProject, item.GetMetadata("FullPath"), item);
    }

    public IReadOnlyList<PublishedFile> Read(string publishDirectory, IEnumerable<ITaskItem> items)
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
            string relative = item.GetMetadata("RelativePath").Replace('\\', '/');
            if (relative.Length == 0) continue;
            string source = item.GetMetadata("FullPath");
            string published = Path.Combine(root, relative);
            string? package = NullIfEmpty(item.GetMetadata("NuGetPackageId"));
            string project = item.GetMetadata("MSBuildSourceProjectFile");
            bool fromProject = item.GetMetadata("ReferenceSourceTarget") == "ProjectReference";
            var file = new PublishedFile(
                File.Exists(published) ? published : source,
                relative,
                package,
                NullIfEmpty(item.GetMetadata("NuGetPackageVersion")),
                FromProjectReference: fromProject,
                // The SDK lists the apphost as a None item too; it is the app's key output, not content.
                IsStaticAsset: item.GetMetadata("IsKeyOutput") != "True"
                    && (_contentPaths.Contains(source) || IsStaticByName(relative) || item.GetMetadata("AssetKind").Length > 0),
                CustomLayer: _layerByPath.GetValueOrDefault(source)
                    ?? (package is null ? null : _layerByPackage.GetValueOrDefault(package))
                    ?? (fromProject ? _layerByProject.GetValueOrDefault(project) : null),
                IsHost: package is null && !fromProject && IsHostFile(relative, item.GetMetadata("IsKeyOutput") == "True"));
            files.TryAdd(relative, file);
        }

        foreach (string path in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(root, path).Replace('\\', '/');
            files.TryAdd(relative, new PublishedFile(path, relative, IsStaticAsset: IsStaticByName(relative), IsHost: IsHostFile(relative, false)));
        }

        return files.Values.ToArray();
    }

    // Static web assets (and their compressed twins and endpoint manifest) change with the site, not the code.
    private static bool IsStaticByName(string relative) =>
        relative.StartsWith("wwwroot/", StringComparison.Ordinal)
        || relative.EndsWith(".staticwebassets.endpoints.json", StringComparison.Ordinal);

    // The apphost is the key output the SDK marks; the manifests (and the Web SDK's web.config) are known by name.
    // None of them changes with a code edit.
    private static bool IsHostFile(string relative, bool isKeyOutput) =>
        isKeyOutput
        || (!relative.Contains('/') && (relative.EndsWith(".deps.json", StringComparison.Ordinal)
                                        || relative.EndsWith(".runtimeconfig.json", StringComparison.Ordinal)
                                        || relative == "web.config"));

    private static void AddLayer(Dictionary<string, string> map, string key, ITaskItem item)
    {
        string layer = item.GetMetadata("DiamolLayer");
        if (layer.Length > 0) map[key] = layer;
    }

    private static string? NullIfEmpty(string value) => string.IsNullOrEmpty(value) ? null : value;
}
