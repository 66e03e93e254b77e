using System.Text.Json.Nodes;
using Diamol.Build.Oci;
using Diamol.Build.Registry;

namespace Diamol.Build.Attachments;

/// <summary>
/// The OCI 1.1 artifact manifest of one attachment, as the image spec's artifacts guidance lays out an artifact without a
/// config: an image manifest with an artifactType, the empty descriptor as config, the document as its one layer and the
/// image as its subject. Same document, subject and time: same bytes, so an attachment pushed again is the same manifest.
/// </summary>
internal static class ArtifactManifest
{
    public const string CreatedAnnotation = "org.opencontainers.image.created";
    public const string TitleAnnotation = "org.opencontainers.image.title";

    /// <param name="subject">The image manifest the document is about (for an index, one platform's manifest).</param>
    /// <param name="created">The publish's reproducible time (<see cref="ReproducibleTime"/>).</param>
    public static WrittenManifest Write(Attachment attachment, BlobDescriptor subject, DateTimeOffset created)
    {
        var document = attachment.ContentDescriptor;
        var layer = document.ToJson();
        if (attachment.Title is not null) layer["annotations"] = new JsonObject { [TitleAnnotation] = attachment.Title };
        var json = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciManifest,
            ["artifactType"] = attachment.ArtifactType,
            ["config"] = EmptyBlob.Descriptor.ToJson(),
            ["layers"] = new JsonArray(layer),
            ["subject"] = subject.ToJson(),
            ["annotations"] = new JsonObject(Annotations(attachment, created).Select(a => KeyValuePair.Create(a.Key, (JsonNode?)a.Value))),
        };
        return WrittenManifest.Of(json, MediaTypes.OciManifest);
    }

    /// <summary>The manifest's entry in a referrers list: its artifactType and all its annotations, as the distribution spec asks.</summary>
    public static ReferrerDescriptor Referrer(Attachment attachment, WrittenManifest manifest, DateTimeOffset created) =>
        new(manifest.MediaType, manifest.Digest, manifest.Bytes.Length, attachment.ArtifactType, Annotations(attachment, created));

    // The created time first, then the attachment's own, in ordinal order so the bytes do not depend on how they were given.
    private static List<KeyValuePair<string, string>> Annotations(Attachment attachment, DateTimeOffset created) =>
    [
        KeyValuePair.Create(CreatedAnnotation, ReproducibleTime.Format(created)),
        .. attachment.Annotations.Where(a => a.Key != CreatedAnnotation).OrderBy(a => a.Key, StringComparer.Ordinal),
    ];

}
