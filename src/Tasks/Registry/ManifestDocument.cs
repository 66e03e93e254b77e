using System.Text.Json;
using Diamol.Build.Common;

namespace Diamol.Build.Registry;

/// <summary>
/// Reads manifests and indexes: which kind a document is, an image manifest's config and layers, an index's
/// entries. Malformed documents are reported as the caller says (a protocol break), so this only returns null.
/// </summary>
internal static class ManifestDocument
{
    /// <summary>
    /// The media type: the response's Content-Type when it is a manifest type, else the document's own mediaType,
    /// else what its shape says (a "manifests" array is an index).
    /// </summary>
    public static string? MediaTypeOf(byte[] document, string? contentType)
    {
        if (contentType is not null && MediaTypes.AllManifests.Contains(contentType)) return contentType;
        try
        {
            using var json = JsonDocument.Parse(document);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            if (root.TryGetProperty("mediaType", out var mediaType) && mediaType.ValueKind == JsonValueKind.String) return mediaType.GetString();
            if (root.TryGetProperty("manifests", out _)) return MediaTypes.OciIndex;
            if (root.TryGetProperty("config", out _) && root.TryGetProperty("layers", out _)) return MediaTypes.OciManifest;
            return contentType;
        }
        catch (JsonException)
        {
            return contentType;
        }
    }

    public static (BlobDescriptor Config, IReadOnlyList<BlobDescriptor> Layers)? ReadImage(byte[] document)
    {
        try
        {
            using var json = JsonDocument.Parse(document);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("config", out var config)
                || !root.TryGetProperty("layers", out var layers)
                || layers.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var configDescriptor = Descriptor(config);
            if (configDescriptor is null) return null;
            var layerDescriptors = new List<BlobDescriptor>();
            foreach (var layer in layers.EnumerateArray())
            {
                var descriptor = Descriptor(layer);
                if (descriptor is null) return null;
                layerDescriptors.Add(descriptor);
            }

            return (configDescriptor, layerDescriptors);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static IReadOnlyList<ImageIndexEntry>? ReadIndex(byte[] document)
    {
        try
        {
            using var json = JsonDocument.Parse(document);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("manifests", out var manifests) || manifests.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var entries = new List<ImageIndexEntry>();
            foreach (var manifest in manifests.EnumerateArray())
            {
                var descriptor = Descriptor(manifest);
                if (descriptor is null) return null;
                entries.Add(new ImageIndexEntry(descriptor.MediaType, descriptor.Digest, descriptor.Size, Platform(manifest)));
            }

            return entries;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// The entry for a platform: an exact match (same variant, or both without one) first, else one whose
    /// missing variant matches any, as <see cref="ImagePlatform.Matches"/> allows.
    /// </summary>
    public static ImageIndexEntry? Select(IReadOnlyList<ImageIndexEntry> entries, ImagePlatform platform)
    {
        var candidates = entries.Where(e => e.Platform is not null && (e.MediaType.Length == 0 || MediaTypes.IsImageManifest(e.MediaType)) && platform.Matches(e.Platform)).ToList();
        return candidates.FirstOrDefault(e => e.Platform!.Variant == platform.Variant) ?? candidates.FirstOrDefault();
    }

    private static BlobDescriptor? Descriptor(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object) return null;
        string? mediaType = element.TryGetProperty("mediaType", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        string? digest = element.TryGetProperty("digest", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
        long size = element.TryGetProperty("size", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetInt64(out long value) ? value : -1;
        if (digest is null || size < 0) return null;
        return new BlobDescriptor(mediaType ?? "", digest, size);
    }

    private static ImagePlatform? Platform(JsonElement manifest)
    {
        if (!manifest.TryGetProperty("platform", out var platform) || platform.ValueKind != JsonValueKind.Object) return null;
        string? os = platform.TryGetProperty("os", out var o) ? o.GetString() : null;
        string? architecture = platform.TryGetProperty("architecture", out var a) ? a.GetString() : null;
        string? variant = platform.TryGetProperty("variant", out var v) ? v.GetString() : null;
        return os is null || architecture is null ? null : new ImagePlatform(os, architecture, variant);
    }
}
