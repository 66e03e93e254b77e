namespace Diamol.Build.Layers;

/// <summary>
/// What the publish says about its files, as plain values: each item with the metadata the classifier reads (empty
/// where the item has none, as MSBuild gives it), and the settings that shape them. The MSBuild task fills it from
/// its items; <see cref="PublishedFileClassifier"/> decides from it alone.
/// </summary>
internal sealed record PublishInputs
{
    /// <summary>ResolvedFileToPublish.</summary>
    public IReadOnlyList<PublishedItem> Files { get; init; } = [];
    /// <summary>Static web assets with their publish path (TargetPath): the SDK copies them outside ResolvedFileToPublish.</summary>
    public IReadOnlyList<StaticWebAssetItem> StaticWebAssets { get; init; } = [];
    /// <summary>Content and None items (and Content captured before the static web assets SDK replaced it).</summary>
    public IReadOnlyList<ContentItem> Content { get; init; } = [];
    /// <summary>Resolved assembly references (Reference items with a HintPath), which keep their metadata.</summary>
    public IReadOnlyList<ReferenceItem> References { get; init; } = [];
    public IReadOnlyList<PackageReferenceItem> PackageReferences { get; init; } = [];
    public IReadOnlyList<ProjectReferenceItem> ProjectReferences { get; init; } = [];
    /// <summary>
    /// The files a WebAssembly client (a referenced project, or this one) takes from its runtime pack and NuGet packages:
    /// its ReferenceCopyLocalPaths. Its static web assets, converted to webcil and fingerprinted, no longer say where
    /// they came from; these say which of them did.
    /// </summary>
    public IReadOnlyList<WebAssemblyOriginItem> WebAssemblyOrigins { get; init; } = [];
    /// <summary>NuGetPackageFolders: every file below one of them came from a package, whatever its metadata says.</summary>
    public IReadOnlyList<string> PackageFolders { get; init; } = [];
    /// <summary>The project's PackageId: the SourceId its own static web assets carry.</summary>
    public string ProjectPackageId { get; init; } = "";
    public PublishMode Mode { get; init; } = new();
    /// <summary>CopyOutputSymbolsToPublishDirectory: false leaves symbols out of the publish, so one in the folder is an earlier publish's.</summary>
    public bool CopySymbols { get; init; } = true;
}

/// <summary>A ResolvedFileToPublish item.</summary>
/// <param name="RelativePath">Its RelativePath metadata as given (backslashes may be separators or part of a name).</param>
/// <param name="FullPath">Where the file comes from.</param>
/// <param name="PackageId">NuGetPackageId.</param>
/// <param name="PackageVersion">NuGetPackageVersion.</param>
/// <param name="SourceProject">MSBuildSourceProjectFile.</param>
/// <param name="ReferenceSourceTarget">ReferenceSourceTarget: ProjectReference for a referenced project's output.</param>
/// <param name="IsKeyOutput">IsKeyOutput is True: the app's own executable (the apphost, a single-file bundle).</param>
/// <param name="AssetKind">AssetKind: set on the SDK's static web assets.</param>
/// <param name="Layer">DiamolLayer.</param>
internal sealed record PublishedItem(string RelativePath, string FullPath, string PackageId = "", string PackageVersion = "", string SourceProject = "",
    string ReferenceSourceTarget = "", bool IsKeyOutput = false, string AssetKind = "", string Layer = "");

/// <summary>A static web asset as the SDK publishes it (_PublishStaticWebAssetsTargetPath), with the metadata that says where it came from.</summary>
/// <param name="TargetPath">Its publish path.</param>
/// <param name="RelativePath">Its path below its project's web root.</param>
internal sealed record StaticWebAssetItem(string TargetPath, string FullPath, string AssetRole = "", string RelatedAsset = "", string PackageId = "",
    string PackageVersion = "", string OriginalItemSpec = "", string SourceType = "", string SourceId = "", string AssetTraitName = "",
    string AssetTraitValue = "", string RelativePath = "", string Layer = "");

/// <summary>A Content or None item.</summary>
/// <param name="ItemType">DiamolItemType: which of the two it is (empty reads as Content).</param>
internal sealed record ContentItem(string ItemSpec, string FullPath, string CopyToPublishDirectory = "", string Layer = "", string ItemType = "");

/// <summary>A resolved Reference item (ReferencePath).</summary>
internal sealed record ReferenceItem(string FullPath, string FileName, string Layer = "");

/// <summary>A PackageReference item: its Include is the package id.</summary>
internal sealed record PackageReferenceItem(string Id, string Layer = "");

/// <summary>A ProjectReference item.</summary>
internal sealed record ProjectReferenceItem(string ItemSpec, string FullPath, string Layer = "");

/// <summary>One of a WebAssembly client's ReferenceCopyLocalPaths.</summary>
/// <param name="FileName">Its file name with extension, for an item without DestinationSubPath.</param>
internal sealed record WebAssemblyOriginItem(string FullPath, string PackageId, string DestinationSubPath, string FileName);
