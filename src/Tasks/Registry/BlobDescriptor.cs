using System.Text.Json.Nodes;
using Diamol.Build.Common;

namespace Diamol.Build.Registry;

/// <summary>A blob as a manifest names it: media type, content digest (sha256:...) and size in bytes.</summary>
internal sealed record BlobDescriptor(string MediaType, string Digest, long Size)
{
    /// <summary>The descriptor of <paramref name="bytes"/> as a blob of <paramref name="mediaType"/>.</summary>
    public static BlobDescriptor Of(string mediaType, byte[] bytes) => new(mediaType, ContentDigest.Of(bytes), bytes.Length);

    /// <summary>
    /// The descriptor as every manifest and index of ours writes it: mediaType, size, digest, in that order (the order
    /// is part of the bytes, so of the digest); callers add what their kind has beside (platform, annotations, artifactType).
    /// </summary>
    public JsonObject ToJson() => new() { ["mediaType"] = MediaType, ["size"] = Size, ["digest"] = Digest };
}
