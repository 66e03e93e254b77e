namespace Diamol.Build.Layers;

/// <summary>
/// One file of the publish output with what MSBuild knows about where it came from.
/// </summary>
/// <param name="SourcePath">Absolute path of the published file.</param>
/// <param name="RelativePath">Path below the publish folder, with '/' separators.</param>
/// <param name="PackageId">The NuGet package it came from, if any.</param>
/// <param name="PackageVersion">That package's version.</param>
/// <param name="FromProjectReference">True for outputs of a ProjectReference.</param>
/// <param name="IsStaticAsset">True for static web assets and content files.</param>
/// <param name="CustomLayer">A layer name chosen by the user with DiamolLayer metadata.</param>
/// <param name="IsHost">True for the apphost and the runtime manifests (deps.json, runtimeconfig.json).</param>
/// <param name="FromWebAssemblyPackage">True for a WebAssembly client's file that came from its runtime pack or a NuGet package.</param>
/// <param name="IsVendor">True for a vendored static file (below a project's wwwroot/lib/).</param>
/// <param name="IsEndpointsManifest">True for the static web assets endpoints manifest when referenced projects have static assets.</param>
internal sealed record PublishedFile(
    string SourcePath,
    string RelativePath,
    string? PackageId = null,
    string? PackageVersion = null,
    bool FromProjectReference = false,
    bool IsStaticAsset = false,
    string? CustomLayer = null,
    bool IsHost = false,
    bool FromWebAssemblyPackage = false,
    bool IsVendor = false,
    bool IsEndpointsManifest = false);
