using Diamol.Build.Common;

namespace Diamol.Build.Registry;

/// <summary>
/// What the pipeline asks of one registry, as <see cref="Engine.IContainerEngine"/> is what it asks of an engine:
/// <see cref="RegistryClient"/> speaks the distribution API; the unit tests' fake registry keeps blobs and manifests
/// in memory. Every method fails with a DIAM code (<see cref="RegistryFailures"/>) when the registry does.
/// </summary>
internal interface IRegistryClient
{
    /// <summary>As written in image references ("localhost:5000", "docker.io").</summary>
    string Registry { get; }

    /// <summary>The manifest of <paramref name="platform"/> for a tag or digest, an index followed to its entry for the platform.</summary>
    Task<ResolvedImage> ResolveAsync(string repository, string reference, ImagePlatform platform, CancellationToken ct);

    /// <summary>A small blob (a config) in memory, verified against its digest and size.</summary>
    Task<byte[]> GetBlobAsync(string repository, BlobDescriptor blob, CancellationToken ct);

    /// <summary>A blob streamed to a file, verified; nothing is left at the path unless it is the whole, verified blob.</summary>
    Task DownloadBlobAsync(string repository, BlobDescriptor blob, string destinationPath, CancellationToken ct);

    Task<bool> BlobExistsAsync(string repository, string digest, CancellationToken ct);

    /// <summary>Links a blob from another repository of the same registry; false when the registry does not.</summary>
    Task<bool> TryMountBlobAsync(string repository, string digest, string fromRepository, CancellationToken ct);

    /// <summary>Puts a blob in the repository the cheapest way: nothing if it is there, else a mount, else an upload.</summary>
    Task<BlobPushOutcome> PushBlobAsync(string repository, BlobDescriptor blob, Func<Stream> open, string? mountFrom, CancellationToken ct);

    /// <summary>Uploads a blob the caller already knows the repository lacks (no HEAD first).</summary>
    Task UploadBlobAsync(string repository, BlobDescriptor blob, Func<Stream> open, CancellationToken ct);

    /// <summary>Pushes a manifest (or an index) under a tag or digest; returns its digest.</summary>
    Task<string> PutManifestAsync(string repository, string reference, byte[] manifest, string mediaType, CancellationToken ct);

    /// <summary>
    /// Pushes a manifest and says what the registry answered: the OCI-Subject header (the registry indexed its subject),
    /// and, with <paramref name="ifMatch"/>, whether a registry that honours conditions refused it because the tag changed.
    /// </summary>
    Task<ManifestPut> PushManifestAsync(string repository, string reference, byte[] manifest, string mediaType, string? ifMatch, CancellationToken ct);

    /// <summary>A manifest or index as it is, or null when the registry has none under that tag or digest.</summary>
    Task<FetchedManifest?> FindManifestAsync(string repository, string reference, IReadOnlyList<string> accept, CancellationToken ct);

    /// <summary>The referrers API's list for a manifest digest, or null when the registry has no referrers API (404).</summary>
    Task<FetchedManifest?> GetReferrersAsync(string repository, string digest, CancellationToken ct);
}
