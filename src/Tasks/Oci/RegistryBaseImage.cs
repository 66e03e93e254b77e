using System.Text.Json;
using Diamol.Build.Registry;
using Diamol.Build.Spec;

namespace Diamol.Build.Oci;

/// <summary>A base image as a registry serves it for one platform: its manifest and its config.</summary>
public sealed record BaseImageManifest(ResolvedImage Image, byte[] Config)
{
    /// <summary>The digest FROM is pinned to: the index's when the tag names one, else the manifest's (as `docker pull` records it).</summary>
    public string PinDigest => Image.IndexDigest ?? Image.ManifestDigest;

    /// <summary>What the SDK's rules need of the base image (APP_UID, ports, entrypoint, digest).</summary>
    public BaseImageFacts Facts()
    {
        using var json = JsonDocument.Parse(Config);
        var config = json.RootElement.TryGetProperty("config", out var c) && c.ValueKind == JsonValueKind.Object ? c : default;
        string[]? Strings(string name) =>
            config.ValueKind == JsonValueKind.Object && config.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
                ? value.EnumerateArray().Select(e => e.GetString() ?? "").ToArray()
                : null;
        return new BaseImageFacts(PinDigest, Strings("Env") ?? [], Strings("Entrypoint"));
    }
}

/// <summary>Reads base images from their registry, without an engine: tag to digest, index to platform, config.</summary>
public static class RegistryBaseImage
{
    /// <summary>The registry host and the repository path its API uses (Docker Hub's official images live under library/).</summary>
    public static (string Registry, string Repository) Locate(ImageReference reference)
    {
        return (reference.RegistryOrDockerHub, reference.RepositoryPath);
    }

    public static async Task<BaseImageManifest> ReadAsync(ImageReference reference, ImagePlatform platform, CancellationToken cancellationToken)
    {
        var (registry, repository) = Locate(reference);
        using var client = RegistryClient.Create(registry, RegistryAccess.Pull);
        var image = await client.ResolveAsync(repository, reference.Digest ?? reference.Tag ?? "latest", platform, cancellationToken).ConfigureAwait(false);
        byte[] config = await client.GetBlobAsync(repository, image.Config, cancellationToken).ConfigureAwait(false);
        return new BaseImageManifest(image, config);
    }
}
