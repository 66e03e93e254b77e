using Diamol.Build.Layers;
using Microsoft.Build.Framework;

namespace Diamol.Build.MSBuild;

/// <summary>
/// What the publish says about its files: their MSBuild items, and the settings that shape them. The task's only
/// business with them is <see cref="ToInputs"/>, which reads the metadata the classifier needs into plain values;
/// <see cref="PublishedFileClassifier"/> decides.
/// </summary>
internal sealed record PublishItems
{
    /// <summary>ResolvedFileToPublish.</summary>
    public IReadOnlyList<ITaskItem> Files { get; init; } = [];
    /// <summary>Static web assets with their publish path (TargetPath): the SDK copies them outside ResolvedFileToPublish.</summary>
    public IReadOnlyList<ITaskItem> StaticWebAssets { get; init; } = [];
    /// <summary>Content and None items (and Content captured before the static web assets SDK replaced it).</summary>
    public IReadOnlyList<ITaskItem> Content { get; init; } = [];
    /// <summary>Resolved assembly references (Reference items with a HintPath), which keep their metadata.</summary>
    public IReadOnlyList<ITaskItem> References { get; init; } = [];
    public IReadOnlyList<ITaskItem> PackageReferences { get; init; } = [];
    public IReadOnlyList<ITaskItem> ProjectReferences { get; init; } = [];
    /// <summary>
    /// The files a WebAssembly client (a referenced project, or this one) takes from its runtime pack and NuGet packages:
    /// its ReferenceCopyLocalPaths, with NuGetPackageId and DestinationSubPath. Its static web assets, converted to
    /// webcil and fingerprinted, no longer say where they came from; these say which of them did.
    /// </summary>
    public IReadOnlyList<ITaskItem> WebAssemblyOrigins { get; init; } = [];
    /// <summary>NuGetPackageFolders: every file below one of them came from a package, whatever its metadata says.</summary>
    public IReadOnlyList<string> PackageFolders { get; init; } = [];
    /// <summary>The project's PackageId: the SourceId its own static web assets carry.</summary>
    public string ProjectPackageId { get; init; } = "";
    public PublishMode Mode { get; init; } = new();
    /// <summary>CopyOutputSymbolsToPublishDirectory: false leaves symbols out of the publish, so one in the folder is an earlier publish's.</summary>
    public bool CopySymbols { get; init; } = true;

    /// <summary>Each item's metadata, read once (FullPath is computed on every read), as the classifier's plain values.</summary>
    public PublishInputs ToInputs() => new()
    {
        Files = Files.Select(i => new PublishedItem(i.GetMetadata("RelativePath"), i.GetMetadata("FullPath"), i.GetMetadata("NuGetPackageId"),
            i.GetMetadata("NuGetPackageVersion"), i.GetMetadata("MSBuildSourceProjectFile"), i.GetMetadata("ReferenceSourceTarget"),
            i.GetMetadata("IsKeyOutput") == "True", i.GetMetadata("AssetKind"), i.GetMetadata("DiamolLayer"))).ToArray(),
        StaticWebAssets = StaticWebAssets.Select(i => new StaticWebAssetItem(i.GetMetadata("TargetPath"), i.GetMetadata("FullPath"),
            i.GetMetadata("AssetRole"), i.GetMetadata("RelatedAsset"), i.GetMetadata("NuGetPackageId"), i.GetMetadata("NuGetPackageVersion"),
            i.GetMetadata("OriginalItemSpec"), i.GetMetadata("SourceType"), i.GetMetadata("SourceId"), i.GetMetadata("AssetTraitName"),
            i.GetMetadata("AssetTraitValue"), i.GetMetadata("RelativePath"), i.GetMetadata("DiamolLayer"))).ToArray(),
        Content = Content.Select(i => new ContentItem(i.ItemSpec, i.GetMetadata("FullPath"), i.GetMetadata("CopyToPublishDirectory"),
            i.GetMetadata("DiamolLayer"), i.GetMetadata("DiamolItemType"))).ToArray(),
        References = References.Select(i => new ReferenceItem(i.GetMetadata("FullPath"), i.GetMetadata("FileName"), i.GetMetadata("DiamolLayer")))
            .ToArray(),
        PackageReferences = PackageReferences.Select(i => new PackageReferenceItem(i.ItemSpec, i.GetMetadata("DiamolLayer"))).ToArray(),
        ProjectReferences = ProjectReferences
            .Select(i => new ProjectReferenceItem(i.ItemSpec, i.GetMetadata("FullPath"), i.GetMetadata("DiamolLayer"))).ToArray(),
        WebAssemblyOrigins = WebAssemblyOrigins.Select(i => new WebAssemblyOriginItem(i.GetMetadata("FullPath"), i.GetMetadata("NuGetPackageId"),
            i.GetMetadata("DestinationSubPath"), i.GetMetadata("Filename") + i.GetMetadata("Extension"))).ToArray(),
        PackageFolders = PackageFolders,
        ProjectPackageId = ProjectPackageId,
        Mode = Mode,
        CopySymbols = CopySymbols,
    };
}
