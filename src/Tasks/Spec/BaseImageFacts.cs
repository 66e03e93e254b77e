namespace Diamol.Build.Spec;

/// <summary>
/// What the engine knows about the base image, where the SDK's rules need it: its environment (APP_UID gives the
/// default user, ASPNETCORE_* the ports), its entrypoint (kept or replaced), its digest (to pin FROM), the digest of the
/// platform's manifest (the org.opencontainers.image.base.digest label, as PublishContainer writes it) and its platform.
/// </summary>
/// <param name="Digest">The digest FROM is pinned to (sha256:...): the index's when the tag names one, as `docker pull` records it; null if unknown.</param>
/// <param name="ManifestDigest">The digest of the manifest of the image's platform (the index's entry), when known; else the label takes <paramref name="Digest"/>.</param>
/// <param name="Platform">The platform the base image's config names; null when it names none.</param>
internal sealed record BaseImageFacts(
    string? Digest,
    IReadOnlyList<string> Env,
    IReadOnlyList<string>? Entrypoint,
    string? ManifestDigest = null,
    Common.ImagePlatform? Platform = null)
{
    /// <summary>What the base digest label holds: the platform manifest's digest, as PublishContainer's, when known.</summary>
    public string? LabelDigest => ManifestDigest ?? Digest;
}
