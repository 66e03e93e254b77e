namespace Diamol.Build.Oci;

/// <summary>The manifest format (ContainerImageFormat): Docker v2 schema 2 by default, as the SDK, or OCI.</summary>
public enum ImageFormat
{
    Docker,
    Oci,
}

/// <summary>The media types of each format.</summary>
public static class MediaTypes
{
    public const string DockerManifest = Registry.ManifestMediaTypes.DockerManifest;
    public const string DockerManifestList = Registry.ManifestMediaTypes.DockerManifestList;
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";
    public const string DockerLayer = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    public const string OciManifest = Registry.ManifestMediaTypes.OciManifest;
    public const string OciIndex = Registry.ManifestMediaTypes.OciIndex;
    public const string OciConfig = "application/vnd.oci.image.config.v1+json";
    public const string OciLayer = "application/vnd.oci.image.layer.v1.tar+gzip";

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
