namespace Diamol.Build.Sbom;

/// <summary>A file of one of our layers as the layer plan has it, with the SHA-256 the context's digests hold when known.</summary>
/// <param name="ImagePath">Absolute path in the image.</param>
/// <param name="SourcePath">Where it is read from (for the digests not given).</param>
/// <param name="Sha256">"sha256:hex" or hex; null: computed here.</param>
/// <param name="PackageId">The package it came from, as the publish items say; null: found by name from the assets file.</param>
internal sealed record SbomFileInput(string Layer, string ImagePath, string SourcePath, long Size, string? Sha256 = null, string? PackageId = null,
    string? Sha1 = null);

/// <summary>Everything an SBOM is made from: the image, its layers' files, the project's restore and the base image.</summary>
/// <param name="AssetsJson">The text of obj/project.assets.json.</param>
/// <param name="TargetFramework">The TargetFramework alias (net10.0).</param>
/// <param name="BaseImageEnv">The base image's environment (NAME=value): DOTNET_VERSION and ASPNET_VERSION name its runtime.</param>
/// <param name="SourceDateEpoch">SOURCE_DATE_EPOCH as the environment has it.</param>
internal sealed record SbomRequest(
    SbomImage Image,
    string AppName,
    string AppVersion,
    IReadOnlyList<SbomFileInput> Files,
    string AssetsJson,
    string TargetFramework,
    string? RuntimeIdentifier,
    string BaseImage,
    string? BaseImageDigest,
    IReadOnlyList<string> BaseImageEnv,
    string? SourceDateEpoch,
    string ToolVersion);
