namespace Diamol.Build.Registry;

/// <summary>
/// One platform's image manifest as a registry serves it: its exact bytes and digest, its config and layers,
/// and the digest of the index (or Docker manifest list) it was chosen from, if any.
/// </summary>
internal sealed record ResolvedImage(
    string Registry,
    string Repository,
    string ManifestDigest,
    string ManifestMediaType,
    byte[] ManifestBytes,
    BlobDescriptor Config,
    IReadOnlyList<BlobDescriptor> Layers,
    string? IndexDigest);
