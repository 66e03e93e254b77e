using Diamol.Build.Spec;

namespace Diamol.Build.Sbom;

/// <summary>
/// What is in an image, as the SBOM writers need it: plain records, sorted, so the same image gives the same
/// documents byte for byte (<see cref="SpdxWriter"/>, <see cref="CycloneDxWriter"/>).
/// </summary>
/// <param name="Image">The image itself: its name (repository) and tag.</param>
/// <param name="App">The project that was published.</param>
/// <param name="Packages">The NuGet packages with at least one file in the image, and the referenced projects, by id.</param>
/// <param name="Runtimes">The .NET runtime the app runs on: from the base image, or (self-contained) its runtime pack.</param>
/// <param name="BaseImage">The image FROM names, with its digest when known.</param>
/// <param name="Files">Every file of our layers, by image path.</param>
/// <param name="Created">The document's time (SOURCE_DATE_EPOCH, else the fixed epoch).</param>
/// <param name="ToolVersion">Diamol.Build's version, named as the documents' creator.</param>
internal sealed record SbomInventory(
    SbomImage Image,
    SbomComponent App,
    IReadOnlyList<SbomComponent> Packages,
    IReadOnlyList<SbomComponent> Runtimes,
    SbomBaseImage? BaseImage,
    IReadOnlyList<SbomFile> Files,
    DateTimeOffset Created,
    string ToolVersion);

/// <summary>The image an SBOM describes: <c>repository:tag</c>, and its digest when it is known when the SBOM is written.</summary>
internal sealed record SbomImage(string Repository, string Tag, string? Digest = null)
{
    public string Name => $"{Repository}:{Tag}";
}

/// <summary>What a component is, which decides its purpose in SPDX and its type in CycloneDX.</summary>
internal enum SbomComponentKind
{
    App,
    Package,
    Project,
    Runtime,
}

/// <summary>
/// A piece of software in the image: the app, a NuGet package, a referenced project or the runtime.
/// </summary>
/// <param name="Id">The package id, project name or runtime name (Microsoft.NETCore.App).</param>
/// <param name="Sha512">The nupkg's SHA-512 (lowercase hex), from project.assets.json.</param>
/// <param name="License">The SPDX licence expression the package's nuspec declares; null when not known.</param>
/// <param name="Layers">The layers holding its files, sorted; empty for the runtime of a framework-dependent app (the base image's).</param>
/// <param name="DependsOn">The ids of the components it depends on that are in the image, sorted.</param>
/// <param name="Source">Where it was found, for the document's comment: "project.assets.json", the base image's env, ...</param>
/// <param name="Purl">The package URL: pkg:nuget for what came from a feed (packages, a runtime pack); projects, the app and a base image's runtime have none.</param>
internal sealed record SbomComponent(
    SbomComponentKind Kind,
    string Id,
    string Version,
    string? Sha512 = null,
    string? License = null,
    IReadOnlyList<string>? Layers = null,
    IReadOnlyList<string>? DependsOn = null,
    string? Source = null,
    string? Purl = null)
{
    public IReadOnlyList<string> LayerNames => Layers ?? [];

    public IReadOnlyList<string> Dependencies => DependsOn ?? [];
}

/// <summary>The base image: its reference as FROM names it and its digest (sha256:...), when known.</summary>
internal sealed record SbomBaseImage(string Reference, string? Digest)
{
    public string Purl => PackageUrl.Oci(Reference, Digest);
}

/// <summary>A file of one of our layers: its path in the image, its layer, size, digests, and the package it came from.</summary>
/// <param name="Sha256">Lowercase hex, no prefix.</param>
/// <param name="Sha1">Lowercase hex: SPDX 2.3 requires a SHA-1 for every file.</param>
/// <param name="Owner">The id of the package or project the file came from; null for the app's own files.</param>
internal sealed record SbomFile(string Path, string Layer, long Size, string Sha256, string Sha1, string? Owner);
