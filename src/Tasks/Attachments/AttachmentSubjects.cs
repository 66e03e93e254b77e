using Diamol.Build.Registry;

namespace Diamol.Build.Attachments;

/// <summary>
/// What the documents of a published image are attached to: an image manifest itself; for an index (a multi-platform
/// image), each platform's manifest, as BuildKit does with its attestations (a platform's SBOM is about that
/// platform's files). Entries of an index that are not platform images (BuildKit's attestation manifests,
/// platform unknown/unknown) get none.
/// </summary>
internal static class AttachmentSubjects
{
    public static IReadOnlyList<BlobDescriptor> Of(byte[] manifest, string mediaType, string digest)
    {
        if (!MediaTypes.IsIndex(mediaType)) return [new BlobDescriptor(mediaType, digest, manifest.Length)];
        var entries = ManifestDocument.ReadIndex(manifest)
            ?? throw new ArgumentException("The index to attach to is not a valid image index.", nameof(manifest));
        return entries
            .Where(e => MediaTypes.IsImageManifest(e.MediaType) && e.Platform is { } platform && platform.Os != "unknown")
            .Select(e => new BlobDescriptor(e.MediaType, e.Digest, e.Size))
            .ToList();
    }
}
