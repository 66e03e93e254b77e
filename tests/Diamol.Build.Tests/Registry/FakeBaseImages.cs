using System.Text;
using Diamol.Build.Common;
using Diamol.Build.Registry;

namespace Diamol.Build.Tests.Registry;

/// <summary>Base images put into a fake registry: a config with its diff ids, a few small layers, and an index over linux/amd64 and linux/arm64.</summary>
internal static class FakeBaseImages
{
    /// <summary>The amd64 image's layers, in order.</summary>
    public sealed record Stored(IReadOnlyList<BlobDescriptor> Layers, string ManifestDigest, string IndexDigest);

    public static Stored Add(InMemoryDistribution registry, string repository, string tag, int layers = 3)
    {
        var amd64 = Image(registry, repository, "amd64", layers);
        var arm64 = Image(registry, repository, "arm64", layers);
        byte[] index = TestImages.Index((amd64.Manifest, "linux/amd64"), (arm64.Manifest, "linux/arm64"));
        string indexDigest = registry.AddManifest(repository, index, MediaTypes.OciIndex, tag);
        return new Stored(amd64.Layers, ContentDigest.Of(amd64.Manifest), indexDigest);
    }

    private static (byte[] Manifest, IReadOnlyList<BlobDescriptor> Layers) Image(InMemoryDistribution registry, string repository, string architecture, int count)
    {
        var layers = Enumerable.Range(1, count)
            .Select(i => registry.AddBlob(repository, Encoding.UTF8.GetBytes($"{repository} {architecture} layer {i}")))
            .ToArray();
        string diffIds = string.Join(",", layers.Select(l => $"\"sha256:{new string((char)('0' + layers.ToList().IndexOf(l)), 64)}\""));
        string history = string.Join(",", layers.Select((_, i) => $"{{\"created_by\":\"base step {i + 1}\"}}"));
        byte[] config = Encoding.UTF8.GetBytes(
            $"{{\"architecture\":\"{architecture}\",\"os\":\"linux\",\"config\":{{\"Env\":[\"PATH=/usr/bin\",\"APP_UID=1654\"],\"WorkingDir\":\"/\"}}," +
            $"\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[{diffIds}]}},\"history\":[{history}]}}");
        var configDescriptor = registry.AddBlob(repository, config, "application/vnd.oci.image.config.v1+json");
        byte[] manifest = TestImages.Manifest(configDescriptor, layers);
        registry.AddManifest(repository, manifest, MediaTypes.OciManifest);
        return (manifest, layers);
    }
}
