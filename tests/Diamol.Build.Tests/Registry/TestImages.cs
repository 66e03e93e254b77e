using System.Text;
using Diamol.Build.Common;
using Diamol.Build.Registry;

namespace Diamol.Build.Tests.Registry;

/// <summary>Small, real (digest-consistent) manifests, indexes and blobs for the fake registry.</summary>
internal static class TestImages
{
    public static (byte[] Bytes, BlobDescriptor Descriptor) Blob(string text, string mediaType = "application/vnd.oci.image.layer.v1.tar+gzip")
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        return (bytes, new BlobDescriptor(mediaType, ContentDigest.Of(bytes), bytes.Length));
    }

    public static byte[] Manifest(BlobDescriptor config, params BlobDescriptor[] layers) => Encoding.UTF8.GetBytes(
        $$"""
        {"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}",
         "config":{"mediaType":"{{config.MediaType}}","digest":"{{config.Digest}}","size":{{config.Size}}},
         "layers":[{{string.Join(",", layers.Select(l => $$"""{"mediaType":"{{l.MediaType}}","digest":"{{l.Digest}}","size":{{l.Size}}}"""))}}]}
        """);

    public static byte[] Index(params (byte[] Manifest, string Platform)[] entries) => Encoding.UTF8.GetBytes(
        $$"""
        {"schemaVersion":2,"mediaType":"{{MediaTypes.OciIndex}}","manifests":[{{string.Join(",", entries.Select(Entry))}}]}
        """);

    private static string Entry((byte[] Manifest, string Platform) entry)
    {
        string[] parts = entry.Platform.Split('/');
        string variant = parts.Length > 2 ? $$""","variant":"{{parts[2]}}" """ : "";
        string platform = $$"""{"os":"{{parts[0]}}","architecture":"{{parts[1]}}"{{variant}}}""";
        return $$"""{"mediaType":"{{MediaTypes.OciManifest}}","digest":"{{ContentDigest.Of(entry.Manifest)}}","size":{{entry.Manifest.Length}},"platform":""" + platform + "}";
    }
}
