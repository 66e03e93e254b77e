using System.Net;
using System.Net.Http.Headers;
using Diamol.Build.Common;

namespace Diamol.Build.Registry;

/// <summary>The manifests half of the client: a tag or digest resolved to a platform's image, and manifests pushed.</summary>
internal sealed partial class RegistryClient
{
    /// <summary>
    /// The manifest of <paramref name="platform"/> for a tag or digest. A Docker manifest list or OCI index is
    /// followed to its entry for the platform; a single manifest is taken as it is.
    /// </summary>
    public async Task<ResolvedImage> ResolveAsync(string repository, string reference, ImagePlatform platform, CancellationToken ct)
    {
        var top = await FetchManifestAsync(repository, reference, MediaTypes.AllManifests, ct).ConfigureAwait(false)
            ?? throw RegistryFailures.NotFound(Registry, repository, $"manifest for '{reference}'",
                "Check the image name and its tag or digest, and that it was pushed to this registry.");

        string? indexDigest = null;
        var image = top;
        if (MediaTypes.IsIndex(top.MediaType))
        {
            var entries = ManifestDocument.ReadIndex(top.Bytes)
                ?? throw RegistryFailures.ProtocolBreak(Registry, repository, $"GET manifest {reference}", "the index is not a valid manifest list");
            var entry = ManifestDocument.Select(entries, platform)
                ?? throw RegistryFailures.NotFound(Registry, repository, $"image for {platform} in '{reference}'",
                    $"Its index has {Platforms(entries)}. Publish for a runtime identifier of one of those platforms, " +
                    $"or use a base image that has {platform}.");
            indexDigest = top.Digest;
            image = await FetchManifestAsync(repository, entry.Digest, entry.MediaType.Length > 0 ? [entry.MediaType] : MediaTypes.AllManifests, ct)
                .ConfigureAwait(false)
                ?? throw RegistryFailures.NotFound(Registry, repository, $"manifest {entry.Digest} (the {platform} entry of '{reference}')",
                    "The index names a manifest the registry does not have: push the image again, or report it to the registry's operators.");
        }

        if (!MediaTypes.IsImageManifest(image.MediaType))
        {
            throw RegistryFailures.ProtocolBreak(Registry, repository, $"GET manifest {reference}",
                $"the manifest has the media type '{image.MediaType}', and only Docker schema 2 and OCI image manifests and indexes are supported");
        }

        var (config, layers) = ManifestDocument.ReadImage(image.Bytes)
            ?? throw RegistryFailures.ProtocolBreak(Registry, repository, $"GET manifest {reference}", "the manifest has no valid config and layers");
        return new ResolvedImage(Registry, repository, image.Digest, image.MediaType, image.Bytes, config, layers, indexDigest);
    }

    /// <summary>Pushes a manifest under a tag or digest; returns its digest (Docker-Content-Digest, else computed).</summary>
    public async Task<string> PutManifestAsync(string repository, string reference, byte[] manifest, string mediaType, CancellationToken ct) =>
        (await PushManifestAsync(repository, reference, manifest, mediaType, ifMatch: null, ct).ConfigureAwait(false)).Digest;

    /// <summary>
    /// Pushes a manifest; with <paramref name="ifMatch"/> (an ETag the registry gave), only over that version of the
    /// tag: a registry that honours the condition answers 412, returned as <see cref="ManifestPut.PreconditionFailed"/>.
    /// </summary>
    public async Task<ManifestPut> PushManifestAsync(string repository, string reference, byte[] manifest, string mediaType, string? ifMatch,
        CancellationToken ct)
    {
        var request = new RegistryRequest(HttpMethod.Put, Api($"{repository}/manifests/{reference}"), repository, $"PUT manifest {reference}",
            RegistryRequest.Push(repository))
        {
            Content = _ =>
            {
                var content = new ByteArrayContent(manifest);
                content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
                return content;
            },
            IfMatch = ifMatch,
        };
        using var response = await SendRetriedAsync(request, ct).ConfigureAwait(false);
        if (ifMatch is not null && response.StatusCode == HttpStatusCode.PreconditionFailed) return new ManifestPut(ContentDigest.Of(manifest), null, true);
        if (response.StatusCode != HttpStatusCode.Created) throw await UnexpectedAsync(response, request, ct).ConfigureAwait(false);
        return new ManifestPut(HeaderValue(response, DigestHeader) ?? ContentDigest.Of(manifest), HeaderValue(response, SubjectHeader), false);
    }

    /// <summary>A manifest by tag or digest as it is, or null when the registry has none (404).</summary>
    public Task<FetchedManifest?> FindManifestAsync(string repository, string reference, IReadOnlyList<string> accept, CancellationToken ct) =>
        FetchManifestAsync(repository, reference, accept, ct);

    private async Task<FetchedManifest?> FetchManifestAsync(string repository, string reference, IReadOnlyList<string> accept, CancellationToken ct)
    {
        string description = $"GET manifest {reference}";
        var request = new RegistryRequest(HttpMethod.Get, Api($"{repository}/manifests/{reference}"), repository, description,
            RegistryRequest.Pull(repository))
        {
            Accept = accept,
        };
        using var response = await SendRetriedAsync(request, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        if (response.StatusCode != HttpStatusCode.OK) throw await UnexpectedAsync(response, request, ct).ConfigureAwait(false);
        if (response.Content.Headers.ContentLength > MaxManifestBytes)
        {
            throw RegistryFailures.ProtocolBreak(Registry, repository, description,
                $"the manifest is {response.Content.Headers.ContentLength} bytes, over the {MaxManifestBytes}-byte limit");
        }

        byte[] bytes = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        string digest = ContentDigest.Of(bytes);
        string? claimed = ContentDigest.IsDigestReference(reference) ? reference : HeaderValue(response, DigestHeader);
        if (claimed is not null && ContentDigest.IsSha256(claimed) && claimed != digest)
        {
            throw RegistryFailures.DigestMismatch(Registry, repository, $"the manifest '{reference}'", claimed, digest);
        }

        string mediaType = ManifestDocument.MediaTypeOf(bytes, response.Content.Headers.ContentType?.MediaType)
            ?? throw RegistryFailures.ProtocolBreak(Registry, repository, description, "the manifest has no media type and is not valid JSON");
        return new FetchedManifest(bytes, mediaType, digest, response.Headers.ETag?.ToString());
    }

    private static string Platforms(IReadOnlyList<ImageIndexEntry> entries)
    {
        var platforms = entries.Select(e => e.Platform).OfType<ImagePlatform>()
            .Where(p => p.Os != "unknown").Select(p => p.ToString()).Distinct().ToList();
        return platforms.Count == 0 ? "no platform entries" : "images for " + string.Join(", ", platforms);
    }
}
