using Diamol.Build.Common;
using Diamol.Build.Registry;

namespace Diamol.Build.Attachments;

/// <summary>
/// A document to attach to an image (an SBOM, a provenance statement, a signature): the artifactType its manifest
/// carries, the document's own media type (the layer's; the artifactType when not given), its bytes, and the annotations
/// of its manifest beside the created time (names in the org.opencontainers.* or a tool's own namespace).
/// </summary>
internal sealed record Attachment(string ArtifactType, byte[] Content, string? ContentMediaType = null, string? Title = null)
{
    public IReadOnlyList<KeyValuePair<string, string>> Annotations { get; init; } = [];

    /// <summary>The layer's media type: the document's own, else the artifactType (an SPDX JSON document is application/spdx+json either way).</summary>
    public string LayerMediaType => ContentMediaType ?? ArtifactType;

    public BlobDescriptor ContentDescriptor => BlobDescriptor.Of(LayerMediaType, Content);
}
