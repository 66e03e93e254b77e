using Diamol.Build.Common;
using System.Net;

namespace Diamol.Build.Registry;

/// <summary>The referrers half of the client: the distribution spec 1.1 referrers API, where the registry has it.</summary>
internal sealed partial class RegistryClient
{
    /// <summary>
    /// The referrers list of <paramref name="digest"/> (an image index), or null when the registry has no referrers API:
    /// the spec has a registry with the API never answer 404, and a client given 404 fall back to the referrers tag.
    /// Only the first page is read (a Link header names more): enough to learn the API is there.
    /// </summary>
    public async Task<FetchedManifest?> GetReferrersAsync(string repository, string digest, CancellationToken ct)
    {
        string description = $"GET referrers {digest}";
        var request = new RegistryRequest(HttpMethod.Get, Api($"{repository}/referrers/{digest}"), repository, description, RegistryRequest.Pull(repository))
        {
            Accept = [MediaTypes.OciIndex],
        };
        using var response = await SendRetriedAsync(request, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        if (response.StatusCode != HttpStatusCode.OK) throw await UnexpectedAsync(response, request, ct).ConfigureAwait(false);
        if (response.Content.Headers.ContentLength > MaxManifestBytes)
        {
            throw RegistryFailures.ProtocolBreak(Registry, repository, description,
                $"the referrers list is {response.Content.Headers.ContentLength} bytes, over the {MaxManifestBytes}-byte limit");
        }

        byte[] bytes = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        if (ManifestDocument.ReadIndex(bytes) is null)
        {
            throw RegistryFailures.ProtocolBreak(Registry, repository, description, "the referrers list is not an image index");
        }

        return new FetchedManifest(bytes, MediaTypes.OciIndex, ContentDigest.Of(bytes));
    }
}
