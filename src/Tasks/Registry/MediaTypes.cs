namespace Diamol.Build.Registry;

/// <summary>
/// The media types of images and indexes, in both formats: the ones the registry client reads and writes, and the ones
/// the OCI writer gives its manifests, configs and layers.
/// </summary>
internal static class MediaTypes
{
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";
    public const string DockerLayer = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    public const string OciConfig = "application/vnd.oci.image.config.v1+json";
    public const string OciLayer = "application/vnd.oci.image.layer.v1.tar+gzip";

    /// <summary>The OCI 1.1 empty descriptor's type: an artifact's config when it has none (the 2-byte blob <c>{}</c>).</summary>
    public const string OciEmpty = "application/vnd.oci.empty.v1+json";

    // Artifact types of the documents attached to images (OCI 1.1 artifactType), as syft, cosign, oras and BuildKit name them.
    public const string Spdx = "application/spdx+json";
    public const string CycloneDx = "application/vnd.cyclonedx+json";
    public const string InToto = "application/vnd.in-toto+json";

    /// <summary>Every manifest type, for the Accept header: without them a registry may fall back to schema 1.</summary>
    public static IReadOnlyList<string> AllManifests { get; } = [OciIndex, DockerManifestList, OciManifest, DockerManifest];

    public static bool IsIndex(string mediaType) => mediaType is OciIndex or DockerManifestList;

    public static bool IsImageManifest(string mediaType) => mediaType is OciManifest or DockerManifest;

    public static string Manifest(ImageFormat format) => format == ImageFormat.Oci ? OciManifest : DockerManifest;
    public static string Index(ImageFormat format) => format == ImageFormat.Oci ? OciIndex : DockerManifestList;
    public static string Config(ImageFormat format) => format == ImageFormat.Oci ? OciConfig : DockerConfig;
    public static string Layer(ImageFormat format) => format == ImageFormat.Oci ? OciLayer : DockerLayer;

    /// <summary>The format as people read it in records and the log: "Docker manifest", "OCI manifest".</summary>
    public static string Describe(ImageFormat format) => format == ImageFormat.Oci ? "OCI manifest" : "Docker manifest";

    /// <summary>Reads ContainerImageFormat: empty is Docker.</summary>
    public static ImageFormat ParseFormat(string? value) => (value?.Trim().ToLowerInvariant()) switch
    {
        null or "" or "docker" => ImageFormat.Docker,
        "oci" => ImageFormat.Oci,
        _ => throw new Diagnostics.DiamolException(Diagnostics.DiagnosticCode.DIAM1017,
            $"ContainerImageFormat has the value '{value}', which is not valid: use Docker (the default) or OCI."),
    };
}
