using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace Diamol.Build.EndToEndTests.Registry;

/// <summary>
/// A tiny but real linux/amd64 image: one gzip layer holding a file of random bytes, a config whose diff_id
/// matches it, and a Docker schema 2 manifest, so that `docker pull` accepts it.
/// </summary>
internal sealed record SmallImage(byte[] Layer, byte[] Config, byte[] Manifest)
{
    public const string LayerMediaType = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    public const string ConfigMediaType = "application/vnd.docker.container.image.v1+json";
    public const string ManifestMediaType = "application/vnd.docker.distribution.manifest.v2+json";

    public string LayerDigest => Digest(Layer);
    public string ConfigDigest => Digest(Config);
    public string ManifestDigest => Digest(Manifest);

    public static SmallImage Create(int randomBytes = 4096)
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, "random.bin") { DataStream = new MemoryStream(RandomNumberGenerator.GetBytes(randomBytes)) };
            writer.WriteEntry(entry);
        }

        byte[] uncompressed = tar.ToArray();
        using var gzip = new MemoryStream();
        using (var compressor = new GZipStream(gzip, CompressionLevel.Fastest, leaveOpen: true)) compressor.Write(uncompressed);
        byte[] layer = gzip.ToArray();

        byte[] config = Encoding.UTF8.GetBytes(
            $$"""{"architecture":"amd64","os":"linux","config":{"Cmd":["/random.bin"]},"rootfs":{"type":"layers","diff_ids":["{{Digest(uncompressed)}}"]},"history":""" +
            """[{"created_by":"Diamol.Build registry end-to-end test"}]}""");
        byte[] manifest = Encoding.UTF8.GetBytes(
            $$"""{"schemaVersion":2,"mediaType":"{{ManifestMediaType}}","config":{"mediaType":"{{ConfigMediaType}}","digest":"{{Digest(config)}}","size":{{config.Length}}},"layers":""" +
            $$"""[{"mediaType":"{{LayerMediaType}}","digest":"{{Digest(layer)}}","size":{{layer.Length}}}]}""");
        return new SmallImage(layer, config, manifest);
    }

    public static string Digest(byte[] content) => "sha256:" + Convert.ToHexString(SHA256.HashData(content)).ToLowerInvariant();
}
