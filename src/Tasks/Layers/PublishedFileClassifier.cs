using Diamol.Build.Diagnostics;

namespace Diamol.Build.Layers;

/// <summary>
/// Turns the publish's items into <see cref="PublishedFile"/>s, classified by where each file came from, robustly:
/// a file below a NuGet package folder belongs to that package however it was added (lib, runtimes, native,
/// a package's build targets copying its tools/, static web assets of a Razor class library package); a static web
/// asset of a referenced project belongs with that project, except a WebAssembly client's files from its runtime pack
/// and packages (<see cref="PublishInputs.WebAssemblyOrigins"/>), which are its runtime; a file below a project's
/// wwwroot/lib/ is vendored; a compressed twin (.gz, .br) goes with its original.
/// DiamolLayer is read from the item itself, then from the items users write it on (Content, None, Reference,
/// PackageReference, ProjectReference), matched by path, package or project; an item whose DiamolLayer reaches no
/// published file is reported. Files in the publish folder that no item names (web.config, the endpoints manifest,
/// files a custom target writes) are included too, except leftovers of earlier publishes under wwwroot/.
/// </summary>
internal sealed class PublishedFileClassifier
{
    /// <summary>How the static web assets SDK names its endpoints manifest (&lt;app&gt;.staticwebassets.endpoints.json, at the publish folder's top).</summary>
    public const string EndpointsManifestSuffix = ".staticwebassets.endpoints.json";

    private readonly PublishInputs _items;
    private readonly HashSet<string> _contentPaths = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LayerChoice> _layerByPath = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LayerChoice> _layerByPackage = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, LayerChoice> _layerByProject = new(StringComparer.Ordinal);
    private readonly string[] _packageFolders;
    /// <summary>The WebAssembly clients' package files by full path (native files are published from there).</summary>
    private readonly HashSet<string> _wasmPackageFiles = new(StringComparer.Ordinal);
    /// <summary>Their assemblies by publish path without extension ("System.Private.CoreLib", "de/X.resources"): webcil renames .dll to .wasm.</summary>
    private readonly HashSet<string> _wasmPackageAssemblies = new(StringComparer.Ordinal);
    private readonly List<string> _leftovers = [];
    /// <summary>Every file of the publish folder by relative path: the file whose bytes it stands for.</summary>
    private readonly Dictionary<string, string> _inFolder = new(StringComparer.Ordinal);

    /// <summary>A DiamolLayer value and the item that set it, to report items that reach no file.</summary>
    private sealed class LayerChoice(string layer, string item)
    {
        public string Layer { get; } = layer;
        public string Item { get; } = item;
        public bool Used { get; set; }
    }

    public PublishedFileClassifier(PublishInputs items)
    {
        _items = items;
        _packageFolders = items.PackageFolders.Where(f => f.Trim().Length > 0)
            .Select(f => EnsureSlash(Path.GetFullPath(f.Trim()).Replace('\\', '/'))).Distinct(StringComparer.Ordinal).ToArray();

        foreach (var item in items.Content)
        {
            if (item.CopyToPublishDirectory is not ("" or "Never")) _contentPaths.Add(item.FullPath);
            AddLayer(_layerByPath, item.FullPath, item.Layer, $"{NullIfEmpty(item.ItemType) ?? "Content"} '{item.ItemSpec}'");
        }

        foreach (var item in items.References) AddLayer(_layerByPath, item.FullPath, item.Layer, $"Reference '{item.FileName}'");

        foreach (var item in items.WebAssemblyOrigins.Where(i => i.PackageId.Length > 0))
        {
            _wasmPackageFiles.Add(Path.GetFullPath(item.FullPath));
            string destination = NullIfEmpty(item.DestinationSubPath) ?? item.FileName;
            _wasmPackageAssemblies.Add(WithoutExtension(destination.Replace('\\', '/')));
        }

        foreach (var item in items.PackageReferences) AddLayer(_layerByPackage, item.Id, item.Layer, $"PackageReference '{item.Id}'");
        foreach (var item in items.ProjectReferences) AddLayer(_layerByProject, item.FullPath, item.Layer, $"ProjectReference '{item.ItemSpec}'");
    }

    public IReadOnlyList<PublishedFile> Classify(string publishDirectory)
    {
        string root = Path.GetFullPath(publishDirectory);
        if (!Directory.Exists(root))
        {
            throw new DiamolException(DiagnosticCode.DIAM2001,
                $"The publish folder '{root}' (PublishDir) does not exist. Run `dotnet publish`, which runs Diamol.Build after publishing.");
        }

        // The folder is listed once; the items find their published copies in the list instead of a stat each.
        var inFolder = PublishFolderLinks.EnumerateFiles(root).ToList();
        foreach (var (relative, path) in inFolder) _inFolder.TryAdd(relative, path);

        var files = new Dictionary<string, PublishedFile>(StringComparer.Ordinal);
        foreach (var item in _items.Files)
        {
            string relative = Relative(item.RelativePath);
            if (relative.Length == 0) continue;
            string source = item.FullPath;
            var (package, version) = PackageOf(item.PackageId, item.PackageVersion, source);
            string project = item.SourceProject;
            bool fromProject = package is null && item.ReferenceSourceTarget == "ProjectReference";
            bool keyOutput = item.IsKeyOutput;
            files.TryAdd(relative, new PublishedFile(
                Published(root, relative, source),
                relative,
                package,
                version,
                FromProjectReference: fromProject,
                // The SDK lists the apphost as a None item too; it is the app's key output, not content.
                IsStaticAsset: !keyOutput && package is null
                    && (_contentPaths.Contains(source) || IsStaticByName(relative) || item.AssetKind.Length > 0),
                CustomLayer: CustomLayer(item.Layer, source, package, fromProject ? project : null),
                IsHost: package is null && !fromProject && IsHostFile(relative, keyOutput)));
        }

        bool anyProjectAsset = ReadStaticWebAssets(root, files);

        foreach (var (relative, path) in inFolder)
        {
            if (files.ContainsKey(relative)) continue;
            // The SDK names every static web asset it publishes; one under wwwroot/ that it did not name is a leftover
            // of an earlier publish (a fingerprinted _framework file of the previous build), which no page references.
            if (_items.StaticWebAssets.Count > 0 && relative.StartsWith("wwwroot/", StringComparison.Ordinal))
            {
                _leftovers.Add(relative);
                continue;
            }

            // With CopyOutputSymbolsToPublishDirectory=false this publish wrote no symbols (nor Native AOT's .dbg, which
            // no item names): one in the folder is an earlier publish's, of an older build, and the image must not hold it.
            if (!_items.CopySymbols && (relative.EndsWith(".pdb", StringComparison.OrdinalIgnoreCase) || relative.EndsWith(".dbg", StringComparison.OrdinalIgnoreCase)))
            {
                _leftovers.Add(relative);
                continue;
            }

            // The endpoints manifest lists every static asset's fingerprint: it changes whenever one of them does. With
            // a referenced project's assets (a client's, edited as often as code) it has a late layer of its own, so
            // neither a client edit nor a CSS edit re-ships the other's layer; else it goes with the site's files.
            bool endpoints = IsEndpointsManifest(relative) && anyProjectAsset;
            files.TryAdd(relative, new PublishedFile(path, relative,
                IsStaticAsset: IsStaticByName(relative) && !endpoints,
                IsHost: IsHostFile(relative, false),
                IsEndpointsManifest: endpoints));
        }

        return files.Values.ToArray();
    }

    /// <summary>Files under wwwroot/ in the publish folder that this publish did not write: left out of the image.</summary>
    public IReadOnlyList<string> Leftovers => _leftovers;

    /// <summary>Warnings for DiamolLayer metadata that reached no published file, one per layer name.</summary>
    public IEnumerable<Diagnostic> UnusedLayerWarnings()
    {
        var unused = _layerByPath.Values.Concat(_layerByPackage.Values).Concat(_layerByProject.Values)
            .Where(c => !c.Used).GroupBy(c => c.Layer, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var group in unused)
        {
            var names = group.Select(c => c.Item).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
            string list = string.Join(", ", names.Take(5)) + (names.Length > 5 ? $" and {names.Length - 5} more" : "");
            yield return new Diagnostic(DiagnosticCode.DIAM2005,
                $"DiamolLayer '{group.Key}' is set on {(names.Length == 1 ? "an item" : $"{names.Length} items")} that publish no file, so that layer gets nothing from " +
                $"{(names.Length == 1 ? "it" : "them")}: {list}. Check the path or glob, and that the file is published (CopyToPublishDirectory), or remove the metadata.");
        }
    }

    /// <summary>Static web assets as the SDK publishes them; returns whether any belongs to a referenced project.</summary>
    private bool ReadStaticWebAssets(string root, Dictionary<string, PublishedFile> files)
    {
        var primaries = new Dictionary<string, PublishedFile>(StringComparer.Ordinal);
        var alternatives = new List<(string Relative, string Source, string Related)>();
        bool anyProjectAsset = false;
        foreach (var asset in _items.StaticWebAssets)
        {
            string relative = Relative(asset.TargetPath);
            if (relative.Length == 0) continue;
            string source = asset.FullPath;
            if (asset.AssetRole == "Alternative" && asset.RelatedAsset is { Length: > 0 } related)
            {
                alternatives.Add((relative, source, Path.GetFullPath(related)));
                continue;
            }

            var file = StaticWebAsset(root, relative, asset, source);
            anyProjectAsset |= file.FromProjectReference;
            primaries[source] = file;
            files.TryAdd(relative, file);
        }

        // A compressed twin changes exactly when its original does: it shares the original's layer.
        foreach (var (relative, source, related) in alternatives)
        {
            var file = primaries.TryGetValue(related, out var original)
                ? original with { SourcePath = Published(root, relative, source), RelativePath = relative }
                : new PublishedFile(Published(root, relative, source), relative, IsStaticAsset: true);
            files.TryAdd(relative, file);
        }

        return anyProjectAsset;
    }

    private PublishedFile StaticWebAsset(string root, string relative, StaticWebAssetItem asset, string source)
    {
        // Native runtime files of Blazor WebAssembly are copied out of the runtime pack first: the original names it.
        var (package, version) = PackageOf(asset.PackageId, asset.PackageVersion, source);
        string original = asset.OriginalItemSpec;
        if (package is null && PackageOfPath(original) is { Id: { } id } fromPack) (package, version) = (id, fromPack.Version);
        if (package is null && asset.SourceType == "Package") package = NullIfEmpty(asset.SourceId);

        // A WebAssembly client's runtime (WasmResource and satellite Culture assets) that came from its runtime pack or
        // packages: a native file copied out of the pack, or an assembly the client resolved from one.
        bool webAssemblyPackage = asset.AssetTraitName is "WasmResource" or "Culture"
            && (package is not null
                || (original.Length > 0 && _wasmPackageFiles.Contains(Path.GetFullPath(original)))
                || _wasmPackageAssemblies.Contains(AssemblyKey(asset, source)));

        string sourceId = asset.SourceId;
        // Assets of a referenced project (a Razor class library, a Blazor client) change with that project's code.
        bool fromProject = package is null && asset.SourceType == "Project"
            && sourceId.Length > 0 && !sourceId.Equals(_items.ProjectPackageId, StringComparison.OrdinalIgnoreCase);
        // Files a project keeps below its wwwroot/lib/ (libman's and the templates' folder for bootstrap and the like):
        // the asset's RelativePath is its path below the project's web root.
        bool vendor = package is null && !webAssemblyPackage && asset.SourceType is "Discovered" or "Project"
            && asset.RelativePath.Replace('\\', '/').StartsWith("lib/", StringComparison.Ordinal);
        return new PublishedFile(
            Published(root, relative, source),
            relative,
            package,
            version,
            FromProjectReference: fromProject && !webAssemblyPackage,
            IsStaticAsset: package is null && !fromProject,
            CustomLayer: CustomLayer(asset.Layer, source, package, null),
            FromWebAssemblyPackage: webAssemblyPackage,
            IsVendor: vendor);
    }

    // An assembly asset's publish path without extension: its culture folder for a satellite, and its file name.
    private static string AssemblyKey(StaticWebAssetItem asset, string source)
    {
        string name = Path.GetFileNameWithoutExtension(source);
        return asset.AssetTraitName == "Culture" ? asset.AssetTraitValue + "/" + name : name;
    }

    private static string WithoutExtension(string path)
    {
        int slash = path.LastIndexOf('/');
        int dot = path.LastIndexOf('.');
        return dot > slash + 1 ? path[..dot] : path;
    }

    private string? CustomLayer(string own, string source, string? package, string? project)
    {
        if (own.Length > 0) return own;
        return Use(_layerByPath.GetValueOrDefault(source))
            ?? (package is null ? null : Use(_layerByPackage.GetValueOrDefault(package)))
            ?? (project is null ? null : Use(_layerByProject.GetValueOrDefault(project)));
    }

    private static string? Use(LayerChoice? choice)
    {
        if (choice is null) return null;
        choice.Used = true;
        return choice.Layer;
    }

    private (string? Id, string? Version) PackageOf(string id, string version, string source) =>
        id.Length > 0 ? (id, NullIfEmpty(version)) : PackageOfPath(source);

    // <folder>/<id>/<version>/...: the layout of every NuGet package folder (global packages and fallback folders).
    private (string? Id, string? Version) PackageOfPath(string path)
    {
        if (path.Length == 0) return (null, null);
        string full = Path.GetFullPath(path).Replace('\\', '/');
        foreach (string folder in _packageFolders)
        {
            if (!full.StartsWith(folder, OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase)) continue;
            string[] parts = full[folder.Length..].Split('/');
            if (parts.Length >= 3) return (parts[0], parts[1]);
        }

        return (null, null);
    }

    // The published copy when there is one (a link there must stay inside the publish folder), else the item's source.
    private string Published(string root, string relative, string source)
    {
        if (_inFolder.TryGetValue(relative, out string? listed)) return listed;
        string published = Path.Combine(root, relative);
        return File.Exists(published) || new FileInfo(published).LinkTarget is not null ? PublishFolderLinks.Resolve(published, root) : source;
    }

    // RelativePath can hold backslashes as separators even on Linux (items a package's targets add), or as a character
    // of the name: the publish folder's own listing tells which.
    private string Relative(string value) => ImagePath.FromItem(value, _inFolder.ContainsKey);

    // Static web assets (and their compressed twins and endpoint manifest) change with the site, not the code.
    private static bool IsStaticByName(string relative) =>
        relative.StartsWith("wwwroot/", StringComparison.Ordinal) || IsEndpointsManifest(relative);

    private static bool IsEndpointsManifest(string relative) =>
        !relative.Contains('/') && relative.EndsWith(EndpointsManifestSuffix, StringComparison.Ordinal);

    // The apphost is the key output the SDK marks; the manifests (and the Web SDK's web.config) are known by name.
    // None of them changes with a code edit, unless the key output is the whole app (single-file, native AOT).
    private bool IsHostFile(string relative, bool isKeyOutput) =>
        (isKeyOutput && !_items.Mode.OneFileApp)
        || (!relative.Contains('/') && (relative.EndsWith(".deps.json", StringComparison.Ordinal)
                                        || relative.EndsWith(".runtimeconfig.json", StringComparison.Ordinal)
                                        || relative == "web.config"));

    private static void AddLayer(Dictionary<string, LayerChoice> map, string key, string layer, string description)
    {
        if (layer.Length > 0 && key.Length > 0) map[key] = new LayerChoice(layer, description);
    }

    private static string EnsureSlash(string path) => path.EndsWith('/') ? path : path + "/";

    private static string? NullIfEmpty(string value) => string.IsNullOrEmpty(value) ? null : value;
}
