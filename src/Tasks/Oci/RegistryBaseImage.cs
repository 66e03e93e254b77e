using System.Text.Json;
using Diamol.Build.Common;
using Diamol.Build.Credentials;
using Diamol.Build.Registry;
using Diamol.Build.Spec;

namespace Diamol.Build.Oci;

/// <summary>A base image as a registry serves it for one platform: its manifest and its config.</summary>
internal sealed record BaseImageManifest(ResolvedImage Image, byte[] Config)
{
    /// <summary>The digest FROM is pinned to: the index's when the tag names one, else the manifest's (as `docker pull` records it).</summary>
    public string PinDigest => Image.IndexDigest ?? Image.ManifestDigest;

    /// <summary>The platform the base's config names (os, architecture, variant); null when it names no architecture.</summary>
    public ImagePlatform? Platform
    {
        get
        {
            using var json = JsonDocument.Parse(Config);
            string? Field(string name) =>
                json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty(name, out var value)
                    && value.ValueKind == JsonValueKind.String
                    && value.GetString() is { Length: > 0 } text ? text : null;
            return Field("architecture") is { } architecture ? new ImagePlatform(Field("os") ?? "linux", architecture, Field("variant")) : null;
        }
    }

    private const string OnBuildField = "OnBuild"; // the image config's field, named as Docker names it

    /// <summary>The base's ONBUILD triggers (config.OnBuild), which only the engine runs.</summary>
    public IReadOnlyList<string> OnBuild
    {
        get
        {
            using var json = JsonDocument.Parse(Config);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("config", out var config)
                && config.ValueKind == JsonValueKind.Object
                && config.TryGetProperty(OnBuildField, out var triggers) && triggers.ValueKind == JsonValueKind.Array
                    ? triggers.EnumerateArray().Select(t => t.GetString() ?? "").ToArray()
                    : [];
        }
    }

    /// <summary>
    /// Refuses a base the OCI writer cannot make a true image of for <paramref name="target"/>: one for another platform
    /// (DIAM1022), one with ONBUILD triggers (DIAM1023). Returns the warning for a base that names no platform.
    /// </summary>
    public Diagnostics.Diagnostic? RequireUsableFor(string baseImage, ImagePlatform target)
    {
        var warning = BaseImageRequirements.RequirePlatform(baseImage, Platform, target, $"manifest {Image.ManifestDigest} in {Image.Registry}",
            Image.IndexDigest is not null);
        BaseImageRequirements.RequireNoTriggers(baseImage, OnBuild);
        return warning;
    }

    /// <summary>What the SDK's rules need of the base image (APP_UID, ports, entrypoint, digest).</summary>
    public BaseImageFacts Facts()
    {
        using var json = JsonDocument.Parse(Config);
        var config = json.RootElement.TryGetProperty("config", out var c) && c.ValueKind == JsonValueKind.Object ? c : default;
        string[]? Strings(string name) =>
            config.ValueKind == JsonValueKind.Object && config.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
                ? value.EnumerateArray().Select(e => e.GetString() ?? "").ToArray()
                : null;
        return new BaseImageFacts(PinDigest, Strings("Env") ?? [], Strings("Entrypoint"), Image.ManifestDigest, Platform);
    }
}

/// <summary>Reads base images from their registry, without an engine: tag to digest, index to platform, config.</summary>
internal static class RegistryBaseImage
{
    /// <summary>The registry host and the repository path its API uses (Docker Hub's official images live under library/).</summary>
    public static (string Registry, string Repository) Locate(ImageReference reference)
    {
        return (reference.RegistryOrDockerHub, reference.RepositoryPath);
    }

    /// <summary>
    /// The client a base image is read with, and its repository: the pull client of its registry, which for the
    /// registry the image is pushed to (<paramref name="pushRegistry"/>) is read with the push login, as the SDK does.
    /// </summary>
    public static (IRegistryClient Client, string Repository) ClientFor(IRegistryClients registries, ImageReference reference, string? pushRegistry)
    {
        var (registry, repository) = Locate(reference);
        return (registries.For(registry, EnvironmentCredentials.PullAccess(registry, pushRegistry)), repository);
    }

    /// <param name="registries">This run's clients: the base's manifest, config and layers are read with one.</param>
    /// <param name="pushRegistry">
    /// The registry the image goes to (ContainerRegistry), whose push login a base kept there is read with; null for none.
    /// </param>
    public static async Task<BaseImageManifest> ReadAsync(IRegistryClients registries, ImageReference reference, ImagePlatform platform,
        string? pushRegistry, CancellationToken cancellationToken)
    {
        var (client, repository) = ClientFor(registries, reference, pushRegistry);
        string tagOrDigest = reference.Digest ?? reference.Tag ?? "latest";
        if (registries.Resolved is { } memo && memo.TryGet(client.Registry, repository, tagOrDigest, platform, out var known, out byte[] knownConfig))
        {
            return new BaseImageManifest(known, knownConfig);
        }

        var image = await client.ResolveAsync(repository, tagOrDigest, platform, cancellationToken).ConfigureAwait(false);
        byte[] config = await client.GetBlobAsync(repository, image.Config, cancellationToken).ConfigureAwait(false);
        registries.Resolved?.Add(client.Registry, repository, tagOrDigest, platform, image, config);
        return new BaseImageManifest(image, config);
    }
}
