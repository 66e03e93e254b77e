using System.Text;
using System.Text.Json;
using Diamol.Build.Attachments;
using Diamol.Build.Credentials;
using Diamol.Build.Registry;

namespace Diamol.Build.EndToEndTests.Registry;

/// <summary>
/// Attachments against the real registry of the test machine (Debian's docker-registry, Distribution 2.8, which has no
/// referrers API): a small image pushed to a registry of the test's own, an SBOM and a provenance statement attached,
/// and both found from the image's digest through the referrers tag, read back by skopeo, independently of our client.
/// </summary>
[TestClass]
public sealed class AttachmentEndToEndTests
{
    private static readonly DateTimeOffset Created = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    [TestMethod]
    public async Task Attachments_are_found_from_the_image_digest_through_the_referrers_tag()
    {
        using var registry = new OwnRegistry();
        string host = $"127.0.0.1:{registry.Port}";
        const string repository = "e2e/attached";
        using var client = RegistryClient.Create(host, RegistryAccess.Push);
        var image = SmallImage.Create();
        await client.PushBlobAsync(repository, new BlobDescriptor(SmallImage.LayerMediaType, image.LayerDigest, image.Layer.Length),
            () => new MemoryStream(image.Layer), null, CancellationToken.None);
        await client.PushBlobAsync(repository, new BlobDescriptor(SmallImage.ConfigMediaType, image.ConfigDigest, image.Config.Length),
            () => new MemoryStream(image.Config), null, CancellationToken.None);
        string digest = await client.PutManifestAsync(repository, "1.0", image.Manifest, SmallImage.ManifestMediaType, CancellationToken.None);
        var subject = new BlobDescriptor(SmallImage.ManifestMediaType, digest, image.Manifest.Length);
        var sbom = new Attachment(MediaTypes.Spdx, Encoding.UTF8.GetBytes("""{"spdxVersion":"SPDX-2.3","name":"attached"}"""), Title: "sbom.spdx.json");
        var provenance = new Attachment(MediaTypes.InToto, Encoding.UTF8.GetBytes("""{"_type":"https://in-toto.io/Statement/v1"}"""));

        var attached = await new RegistryAttacher(client, repository).AttachAsync([subject], [sbom, provenance], Created, CancellationToken.None);
        var again = await new RegistryAttacher(client, repository).AttachAsync([subject], [sbom, provenance], Created, CancellationToken.None);

        string tag = "sha256-" + digest["sha256:".Length..];
        Assert.IsTrue(attached.All(a => a.Discovery == ReferrersDiscovery.TagSchema && a.Where == tag), "Distribution 2.8 has no referrers API");
        Assert.AreEqual("404", registry.StatusOf($"/v2/{repository}/referrers/{digest}"));
        using var index = JsonDocument.Parse(Skopeo($"docker://{host}/{repository}:{tag}"));
        var entries = index.RootElement.GetProperty("manifests").EnumerateArray().ToArray();
        CollectionAssert.AreEqual(attached.Select(a => a.ManifestDigest).ToArray(), entries.Select(e => e.GetProperty("digest").GetString()).ToArray(),
            "each attachment once, after pushing them twice");
        CollectionAssert.AreEqual(again.Select(a => a.ManifestDigest).ToArray(), attached.Select(a => a.ManifestDigest).ToArray());
        CollectionAssert.AreEqual(new[] { MediaTypes.Spdx, MediaTypes.InToto }, entries.Select(e => e.GetProperty("artifactType").GetString()).ToArray());
        foreach (var (entry, document) in entries.Zip(new[] { sbom, provenance }))
        {
            using var manifest = JsonDocument.Parse(Skopeo($"docker://{host}/{repository}@{entry.GetProperty("digest").GetString()}"));
            var root = manifest.RootElement;
            Assert.AreEqual(digest, root.GetProperty("subject").GetProperty("digest").GetString());
            Assert.AreEqual(EmptyBlob.Digest, root.GetProperty("config").GetProperty("digest").GetString());
            Assert.AreEqual(entry.GetProperty("artifactType").GetString(), root.GetProperty("artifactType").GetString());
            string layer = root.GetProperty("layers")[0].GetProperty("digest").GetString()!;
            CollectionAssert.AreEqual(document.Content, Blob(host, repository, layer), "the document's bytes, fetched back");
        }
    }

    private static string Skopeo(string reference) =>
        ProcessRunner.Run("skopeo", ["inspect", "--raw", "--tls-verify=false", reference], timeout: TimeSpan.FromMinutes(1))
            .EnsureSuccess($"skopeo inspect --raw {reference}").Output;

    private static byte[] Blob(string host, string repository, string digest)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        return http.GetByteArrayAsync(new Uri($"http://{host}/v2/{repository}/blobs/{digest}")).GetAwaiter().GetResult();
    }
}
