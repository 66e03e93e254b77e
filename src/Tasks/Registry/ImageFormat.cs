namespace Diamol.Build.Registry;

/// <summary>The manifest format (ContainerImageFormat): Docker v2 schema 2 by default, as the SDK, or OCI.</summary>
internal enum ImageFormat
{
    Docker,
    Oci,
}
