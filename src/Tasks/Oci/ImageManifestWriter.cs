using System.Text;
using System.Text.Json.Nodes;
using Diamol.Build.Common;
using Diamol.Build.Registry;

namespace Diamol.Build.Oci;

/// <summary>A manifest or index as bytes, with its digest and media type.</summary>
internal sealed record WrittenManifest(byte[] Bytes, string Digest, string MediaType)
{
    public static WrittenManifest Of(JsonObject json, string mediaType)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(json.ToJsonString(CompactJson.Options));
        return new WrittenManifest(bytes, ContentDigest.Of(bytes), mediaType);
    }
}

/// <summary>Writes image manifests and image indexes in Docker v2 schema 2 or OCI form.</summary>
internal static class ImageManifestWriter
{
    /// <summary>A manifest over the config and every layer, the base's first; layer media types follow the format (same bytes).</summary>
    public static WrittenManifest Manifest(ImageFormat format, BlobDescriptor config, IEnumerable<BlobDescriptor> layers)
    {
        var json = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.Manifest(format),
            ["config"] = new BlobDescriptor(MediaTypes.Config(format), config.Digest, config.Size).ToJson(),
            ["layers"] = new JsonArray(layers.Select(l => (JsonNode)new BlobDescriptor(LayerType(format, l.MediaType), l.Digest, l.Size).ToJson()).ToArray()),
        };
        return WrittenManifest.Of(json, MediaTypes.Manifest(format));
    }

    /// <summary>An index (manifest list) over one manifest per platform.</summary>
    public static WrittenManifest Index(ImageFormat format, IEnumerable<(WrittenManifest Manifest, ImagePlatform Platform)> images)
    {
        var json = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.Index(format),
            ["manifests"] = new JsonArray(images.Select(i =>
            {
                var entry = new BlobDescriptor(i.Manifest.MediaType, i.Manifest.Digest, i.Manifest.Bytes.Length).ToJson();
                var platform = new JsonObject { ["architecture"] = i.Platform.Architecture, ["os"] = i.Platform.Os };
                if (i.Platform.Variant is not null) platform["variant"] = i.Platform.Variant;
                entry["platform"] = platform;
                return (JsonNode)entry;
            }).ToArray()),
        };
        return WrittenManifest.Of(json, MediaTypes.Index(format));
    }

    // Foreign (non-distributable) and zstd layers keep their own type; gzip layers take the format's name for gzip.
    private static string LayerType(ImageFormat format, string mediaType) =>
        mediaType is MediaTypes.DockerLayer or MediaTypes.OciLayer ? MediaTypes.Layer(format) : mediaType;

}
