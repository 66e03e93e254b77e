using Diamol.Build.Oci;
using Diamol.Build.Registry;

namespace Diamol.Build.Attachments;

/// <summary>
/// Attachments in an OCI image layout being written (an archive): the empty config, each document and its artifact
/// manifest as blobs, and each manifest's entry for index.json, where the image spec's layout lets auxiliary
/// descriptors sit beside the tagged image (with no ref.name, as oras writes referrers into a layout). A reader finds
/// them from the image as a registry's referrers list gives them: the entries whose manifests name it as subject.
/// </summary>
internal static class LayoutAttachments
{
    /// <returns>The entries for <see cref="OciLayoutWriter.AddIndex"/>, in subject then document order.</returns>
    public static IReadOnlyList<ReferrerDescriptor> Add(OciLayoutWriter layout, IReadOnlyList<BlobDescriptor> subjects, IReadOnlyList<Attachment> attachments,
        DateTimeOffset created)
    {
        var entries = new List<ReferrerDescriptor>();
        if (subjects.Count == 0 || attachments.Count == 0) return entries;
        layout.AddBlob(EmptyBlob.Digest, EmptyBlob.Bytes);
        foreach (var subject in subjects)
        {
            foreach (var attachment in attachments)
            {
                layout.AddBlob(attachment.ContentDescriptor.Digest, attachment.Content);
                var manifest = ArtifactManifest.Write(attachment, subject, created);
                layout.AddBlob(manifest.Digest, manifest.Bytes);
                entries.Add(ArtifactManifest.Referrer(attachment, manifest, created));
            }
        }

        return entries;
    }
}
