using Diamol.Build.Diagnostics;
using Diamol.Build.Oci;
using Diamol.Build.Registry;

namespace Diamol.Build.Attachments;

/// <summary>
/// Attaches documents to an image already in a registry, as the distribution spec 1.1 has a client push manifests with
/// a subject: each document's blobs, then its artifact manifest by digest (never a tag of its own), then discovery.
/// A registry with the referrers API (it answers the push with OCI-Subject, or answers GET /v2/&lt;name&gt;/referrers/
/// &lt;digest&gt;) indexes the subject itself. Without it the referrers tag schema: the index under sha256-&lt;hex&gt; is
/// read (404: none yet), our entries added unless present, and pushed back, conditionally on the ETag read when the
/// registry gave one, then read again to check ours stayed; a writer that replaced it meanwhile means another round.
/// </summary>
internal sealed class RegistryAttacher(IRegistryClient client, string repository, Action<string>? log = null)
{
    /// <summary>How many read-extend-push rounds of the referrers tag before giving up on writers that keep replacing it.</summary>
    public const int TagAttempts = 4;

    private bool _emptyPushed;
    private bool? _referrersApi;

    /// <summary>
    /// Attaches every document to every subject (an image's manifest; each platform's manifest of an index); returns where
    /// each went, in subject then document order. Pushing the same documents again changes nothing in the registry.
    /// </summary>
    /// <param name="created">The publish's reproducible time, the manifests' org.opencontainers.image.created.</param>
    public async Task<IReadOnlyList<AttachedArtifact>> AttachAsync(IReadOnlyList<BlobDescriptor> subjects, IReadOnlyList<Attachment> attachments,
        DateTimeOffset created, CancellationToken ct)
    {
        var attached = new List<AttachedArtifact>();
        foreach (var subject in subjects)
        {
            var referrers = new List<ReferrerDescriptor>();
            foreach (var attachment in attachments)
            {
                var manifest = ArtifactManifest.Write(attachment, subject, created);
                var put = await Refusable(attachment, subject, () => PushAsync(attachment, manifest, ct)).ConfigureAwait(false);
                if (put.Subject == subject.Digest) _referrersApi = true;
                referrers.Add(ArtifactManifest.Referrer(attachment, manifest, created));
            }

            _referrersApi ??= await client.GetReferrersAsync(repository, subject.Digest, ct).ConfigureAwait(false) is not null;
            string? tag = null;
            if (_referrersApi == false)
            {
                tag = ReferrersTag.For(subject.Digest);
                await ListUnderTagAsync(tag, referrers, ct).ConfigureAwait(false);
            }

            var discovery = tag is null ? ReferrersDiscovery.ReferrersApi : ReferrersDiscovery.TagSchema;
            attached.AddRange(attachments.Zip(referrers, (a, r) => new AttachedArtifact(subject.Digest, r.Digest, a.ArtifactType, discovery, tag)));
            log?.Invoke($"Attached {string.Join(", ", attachments.Select(a => a.ArtifactType))} to {client.Registry}/{repository}@{subject.Digest} " +
                (tag is null ? "(the registry's referrers API lists them)" : $"(listed under the referrers tag {tag})"));
        }

        return attached;
    }

    private async Task<ManifestPut> PushAsync(Attachment attachment, WrittenManifest manifest, CancellationToken ct)
    {
        if (!_emptyPushed)
        {
            await client.PushBlobAsync(repository, EmptyBlob.Descriptor, () => new MemoryStream(EmptyBlob.Bytes), null, ct).ConfigureAwait(false);
            _emptyPushed = true;
        }

        await client.PushBlobAsync(repository, attachment.ContentDescriptor, () => new MemoryStream(attachment.Content), null, ct).ConfigureAwait(false);
        return await client.PushManifestAsync(repository, manifest.Digest, manifest.Bytes, manifest.MediaType, ifMatch: null, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Read, extend, push, check. The spec leaves races on the tag to clients: a conditional push (If-Match) stops us
    /// overwriting a newer list where the registry honours it; the read afterwards catches a writer that overwrote ours
    /// where it does not, and the round is done again. What no client can catch: a registry without conditions, and
    /// another writer that read before our push and pushes after our check, drops our entries (not the manifests).
    /// </summary>
    private async Task ListUnderTagAsync(string tag, IReadOnlyList<ReferrerDescriptor> referrers, CancellationToken ct)
    {
        for (int attempt = 1; attempt <= TagAttempts; attempt++)
        {
            // Every manifest type accepted: a tag that holds an image must show as one (DIAM3023), not as a 404 of content negotiation.
            var current = await client.FindManifestAsync(repository, tag, MediaTypes.AllManifests, ct).ConfigureAwait(false);
            var list = current is null ? ReferrersList.Empty() : Read(tag, current);
            if (list.Add(referrers) == 0) return;
            var put = await Refusable(referrers[0].ArtifactType, tag,
                () => client.PushManifestAsync(repository, tag, list.ToBytes(), MediaTypes.OciIndex, current?.ETag, ct)).ConfigureAwait(false);
            if (put.PreconditionFailed)
            {
                log?.Invoke($"The referrers tag {tag} changed while the attachments were added to it; adding them again");
                continue;
            }

            var check = await client.FindManifestAsync(repository, tag, MediaTypes.AllManifests, ct).ConfigureAwait(false);
            if (check is not null && Read(tag, check).Add(referrers) == 0) return;
            log?.Invoke($"Another writer replaced the referrers tag {tag} after the attachments were added to it; adding them again");
        }

        throw AttachmentFailures.TagContended(client.Registry, repository, tag, TagAttempts);
    }

    private ReferrersList Read(string tag, FetchedManifest found) =>
        (MediaTypes.IsIndex(found.MediaType) ? ReferrersList.Read(found.Bytes) : null)
        ?? throw AttachmentFailures.TagTaken(client.Registry, repository, tag, found.MediaType);

    private Task<T> Refusable<T>(Attachment attachment, BlobDescriptor subject, Func<Task<T>> push) =>
        Refusable(attachment.ArtifactType, subject.Digest, push);

    // A refusal (a 4xx other than authentication, or a protocol break) is the registry's no to an artifact; the rest is as the client said it.
    private async Task<T> Refusable<T>(string artifactType, string what, Func<Task<T>> push)
    {
        try
        {
            return await push().ConfigureAwait(false);
        }
        catch (DiamolException e) when (e.Code == DiagnosticCode.DIAM3011)
        {
            throw AttachmentFailures.Refused(client.Registry, repository, artifactType, what, e);
        }
    }
}
