using Diamol.Build.Common;
using Diamol.Build.Engine;
using Diamol.Build.Oci;
using Diamol.Build.Registry;

namespace Diamol.Build.Pipeline;

/// <summary>Where the OCI writer sends the image, besides the registry that ContainerRegistry names.</summary>
/// <param name="ArchivePath">ContainerArchiveOutputPath: a tarball for `docker load` and `podman load`.</param>
/// <param name="LoadInto">The engine to load the image into (the local Docker or Podman), or null.</param>
/// <param name="TagInRegistry">False for one platform of a multi-platform image: pushed by digest, the index gets the tags.</param>
/// <param name="LayoutDirectory">For one platform of a multi-platform archive: every blob of the image goes into this OCI layout folder.</param>
/// <param name="IdleLimit">DiamolIdleTimeout for the engine's load (the registry clients carry their own, with the retries).</param>
internal sealed record OciOptions(ImagePlatform Platform, ImageFormat Format, DateTimeOffset Time, BlobCache Cache, string? ArchivePath, IEngineSource? LoadInto,
    bool TagInRegistry = true, string? LayoutDirectory = null, TimeSpan? IdleLimit = null);

/// <summary>What the OCI writer made: the record for the history stage, and the manifest (for an index over several platforms).</summary>
internal sealed record OciBuildResult(BuildRecord Record, WrittenManifest Manifest);

/// <summary>What <see cref="OciBuildStage.WriteAsync"/> made, and where it went.</summary>
/// <param name="ArchivePath">The archive written (ContainerArchiveOutputPath resolved), or null.</param>
/// <param name="LayoutDirectory">One platform of a multi-platform archive: the layout folder its blobs went to, or null.</param>
internal sealed record OciWriteResult(BuildRecord Record, WrittenManifest Manifest, ImagePlatform Platform, string? ArchivePath, string? LayoutDirectory);
