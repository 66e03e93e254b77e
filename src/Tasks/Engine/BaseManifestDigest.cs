using System.Text.Json;
using Diamol.Build.Diagnostics;

namespace Diamol.Build.Engine;

/// <summary>
/// The digest of the base image's manifest for the image's platform, for the org.opencontainers.image.base.digest
/// label as PublishContainer writes it. The engine records only the digest it pulled by (an index's, for every
/// multi-platform base), so the index is read from its registry and its entry for the platform taken. An index and
/// a platform always name one manifest, so the answer is kept in the build context and asked for again only when the
/// base's digest changes.
/// </summary>
internal static class BaseManifestDigest
{
    private sealed record Known(string Key, string ManifestDigest);

    /// <param name="registries">The clients to ask with (the caller sets their retries: this is best effort).</param>
    /// <param name="pinned">The digest the engine knows the base by (an index's or a manifest's).</param>
    /// <param name="folder">Where the answer is kept between publishes (when its .diamol/ exists); null to keep nothing.</param>
    /// <param name="pushRegistry">ContainerRegistry: a base kept there is read with the push login.</param>
    /// <returns>The manifest digest, or null when the registry could not answer (<paramref name="why"/> says why).</returns>
    public static async Task<(string? Digest, string? Why)> ResolveAsync(Registry.IRegistryClients registries, Spec.ImageReference reference, string pinned,
        Common.ImagePlatform platform, Context.OutputFolder? folder, string? pushRegistry, CancellationToken cancellationToken)
    {
        string key = $"{reference.CanonicalName}@{pinned} {platform}";
        // Kept only in a folder that is already ours (.diamol/ marks it so): a first publish must not mark a folder
        // before the Dockerfile stage has checked that it holds nothing of the user's.
        string? path = folder is { HasRecords: true } ? folder.BaseManifest : null;
        if (path is not null && Read(path) is { } known && known.Key == key) return (known.ManifestDigest, null);
        try
        {
            var (client, repository) = Oci.RegistryBaseImage.ClientFor(registries, reference, pushRegistry);
            var image = await client.ResolveAsync(repository, pinned, platform, cancellationToken).ConfigureAwait(false);
            if (path is not null) Write(path, new Known(key, image.ManifestDigest));
            return (image.ManifestDigest, null);
        }
        catch (DiamolException e) when (e.Code is not DiagnosticCode.DIAM3004)
        {
            return (null, e.Message);
        }
    }

    private static Known? Read(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<Known>(File.ReadAllText(path)) : null;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static void Write(string path, Known known) => Common.AtomicFile.WriteIfChanged(path, JsonSerializer.Serialize(known));
}
