using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Diamol.Build.Attachments;
using Diamol.Build.Diagnostics;
using Diamol.Build.Registry;
using Diamol.Build.Tests.Registry;

namespace Diamol.Build.Tests.Attachments;

/// <summary>Attaching documents to an image in the in-memory registry: both ways of discovery, an existing list kept, idempotence, refusals, races.</summary>
[TestClass]
public sealed class RegistryAttacherTests
{
    private const string Repository = "team/app";
    private static readonly DateTimeOffset Created = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
    private static readonly Attachment Sbom = new(MediaTypes.Spdx, Encoding.UTF8.GetBytes("""{"spdxVersion":"SPDX-2.3"}"""));
    private static readonly Attachment Provenance = new(MediaTypes.InToto, Encoding.UTF8.GetBytes("""{"_type":"https://in-toto.io/Statement/v1"}"""));

    private static (InMemoryDistribution Registry, BlobDescriptor Image) RegistryWithImage()
    {
        var registry = new InMemoryDistribution("registry.test");
        var config = registry.AddBlob(Repository, """{"os":"linux"}"""u8.ToArray(), MediaTypes.OciConfig);
        byte[] manifest = Encoding.UTF8.GetBytes(
            $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}","config":{"mediaType":"{{config.MediaType}}","digest":"{{config.Digest}}","size":{{config.Size}}},"layers":[]}""");
        string digest = registry.AddManifest(Repository, manifest, MediaTypes.OciManifest, "1.0");
        return (registry, new BlobDescriptor(MediaTypes.OciManifest, digest, manifest.Length));
    }

    private static JsonObject TagIndex(InMemoryDistribution registry, BlobDescriptor image) =>
        (JsonObject)JsonNode.Parse(registry.Manifest(Repository, ReferrersTag.For(image.Digest))!.Value.Bytes)!;

    private static string[] Digests(JsonObject index) => ((JsonArray)index["manifests"]!).Select(m => m!["digest"]!.GetValue<string>()).ToArray();

    [TestMethod]
    public async Task Without_the_referrers_API_the_attachments_are_listed_under_the_referrers_tag()
    {
        var (registry, image) = RegistryWithImage();

        var attached = await new RegistryAttacher(registry, Repository).AttachAsync([image], [Sbom, Provenance], Created, default);

        string tag = "sha256-" + image.Digest["sha256:".Length..];
        Assert.IsTrue(attached.All(a => a.Discovery == ReferrersDiscovery.TagSchema && a.Where == tag && a.SubjectDigest == image.Digest));
        var index = TagIndex(registry, image);
        Assert.AreEqual(MediaTypes.OciIndex, index["mediaType"]!.GetValue<string>());
        CollectionAssert.AreEqual(attached.Select(a => a.ManifestDigest).ToArray(), Digests(index));
        var entry = index["manifests"]![0]!;
        Assert.AreEqual(MediaTypes.Spdx, entry["artifactType"]!.GetValue<string>());
        Assert.AreEqual("2023-11-14T22:13:20Z", entry["annotations"]!["org.opencontainers.image.created"]!.GetValue<string>());
        // The manifests went up by digest, their blobs (the empty config once) before them.
        foreach (var a in attached)
        {
            var (bytes, mediaType) = registry.Manifest(Repository, a.ManifestDigest)!.Value;
            Assert.AreEqual(MediaTypes.OciManifest, mediaType);
            using var json = JsonDocument.Parse(bytes);
            Assert.AreEqual(image.Digest, json.RootElement.GetProperty("subject").GetProperty("digest").GetString());
        }

        CollectionAssert.AreEqual(Sbom.Content, registry.Blob(Repository, Sbom.ContentDescriptor.Digest));
        CollectionAssert.AreEqual("{}"u8.ToArray(), registry.Blob(Repository, EmptyBlob.Digest));
        Assert.AreEqual(1, registry.Count($"UPLOAD {Repository} {EmptyBlob.Digest}"));
        Assert.IsFalse(registry.Calls.Any(c => c.StartsWith("PUT manifest", StringComparison.Ordinal) && c.EndsWith(" 1.0", StringComparison.Ordinal)));
        Assert.IsTrue(registry.Calls.IndexOf($"UPLOAD {Repository} {Sbom.ContentDescriptor.Digest}") < registry.Calls.IndexOf($"PUT manifest {Repository} {attached[0].ManifestDigest}"));
    }

    [TestMethod]
    public async Task With_the_referrers_API_no_tag_is_written()
    {
        var (registry, image) = RegistryWithImage();
        registry.ReferrersApi = true;

        var attached = await new RegistryAttacher(registry, Repository).AttachAsync([image], [Sbom], Created, default);

        Assert.AreEqual(ReferrersDiscovery.ReferrersApi, attached.Single().Discovery);
        Assert.IsNull(attached.Single().Where);
        Assert.IsNull(registry.Manifest(Repository, ReferrersTag.For(image.Digest)));
        Assert.AreEqual(0, registry.Count("GET referrers"), "the push's OCI-Subject said so already");
    }

    [TestMethod]
    public async Task A_registry_with_the_API_that_sends_no_OCI_Subject_is_found_by_asking_the_API()
    {
        var (registry, image) = RegistryWithImage();
        var silent = new SilentSubject(registry);
        registry.ReferrersApi = true;

        var attached = await new RegistryAttacher(silent, Repository).AttachAsync([image], [Sbom], Created, default);

        Assert.AreEqual(ReferrersDiscovery.ReferrersApi, attached.Single().Discovery);
        Assert.AreEqual(1, registry.Count("GET referrers"));
        Assert.IsNull(registry.Manifest(Repository, ReferrersTag.For(image.Digest)));
    }

    [TestMethod]
    public async Task An_existing_referrers_tag_is_kept_and_extended()
    {
        var (registry, image) = RegistryWithImage();
        string signature = "sha256:" + new string('5', 64);
        string existing = $$$"""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json",
            "digest":"{{{signature}}}","size":700,"artifactType":"application/vnd.dev.cosign.artifact.sig.v1+json","annotations":{"other.tool":"kept"}}]}
            """;
        registry.AddManifest(Repository, Encoding.UTF8.GetBytes(existing), MediaTypes.OciIndex, ReferrersTag.For(image.Digest));

        var attached = await new RegistryAttacher(registry, Repository).AttachAsync([image], [Sbom], Created, default);

        var index = TagIndex(registry, image);
        CollectionAssert.AreEqual(new[] { signature, attached.Single().ManifestDigest }, Digests(index));
        Assert.AreEqual("kept", index["manifests"]![0]!["annotations"]!["other.tool"]!.GetValue<string>());
        Assert.AreEqual("application/vnd.dev.cosign.artifact.sig.v1+json", index["manifests"]![0]!["artifactType"]!.GetValue<string>());
    }

    [TestMethod]
    public async Task Attaching_the_same_documents_again_changes_nothing()
    {
        var (registry, image) = RegistryWithImage();
        await new RegistryAttacher(registry, Repository).AttachAsync([image], [Sbom, Provenance], Created, default);
        byte[] first = registry.Manifest(Repository, ReferrersTag.For(image.Digest))!.Value.Bytes;
        int tagPushes = registry.Count($"PUT manifest {Repository} {ReferrersTag.For(image.Digest)}");

        var again = await new RegistryAttacher(registry, Repository).AttachAsync([image], [Sbom, Provenance], Created, default);

        CollectionAssert.AreEqual(first, registry.Manifest(Repository, ReferrersTag.For(image.Digest))!.Value.Bytes);
        Assert.AreEqual(tagPushes, registry.Count($"PUT manifest {Repository} {ReferrersTag.For(image.Digest)}"), "the list had them: no push");
        Assert.AreEqual(2, Digests(TagIndex(registry, image)).Length);
        Assert.AreEqual(2, again.Count);
    }

    [TestMethod]
    public async Task Each_platform_manifest_of_an_index_gets_its_own_attachments_and_tag()
    {
        var (registry, amd64) = RegistryWithImage();
        byte[] other = Encoding.UTF8.GetBytes($$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}",""" +
            "\"config\":{\"mediaType\":\"x\",\"digest\":\"sha256:" + new string('2', 64) + "\",\"size\":2},\"layers\":[]}");
        var arm64 = new BlobDescriptor(MediaTypes.OciManifest, registry.AddManifest(Repository, other, MediaTypes.OciManifest), other.Length);

        var attached = await new RegistryAttacher(registry, Repository).AttachAsync([amd64, arm64], [Sbom], Created, default);

        Assert.AreEqual(2, attached.Count);
        Assert.AreNotEqual(attached[0].ManifestDigest, attached[1].ManifestDigest);
        CollectionAssert.AreEqual(new[] { attached[0].ManifestDigest }, Digests(TagIndex(registry, amd64)));
        CollectionAssert.AreEqual(new[] { attached[1].ManifestDigest }, Digests(TagIndex(registry, arm64)));
    }

    [TestMethod]
    public async Task A_referrers_tag_holding_an_image_is_refused_with_DIAM3023()
    {
        var (registry, image) = RegistryWithImage();
        registry.AddManifest(Repository, registry.Manifest(Repository, "1.0")!.Value.Bytes, MediaTypes.OciManifest, ReferrersTag.For(image.Digest));

        var failure = await Assert.ThrowsExactlyAsync<DiamolException>(() => new RegistryAttacher(registry, Repository).AttachAsync([image], [Sbom], Created, default));

        Assert.AreEqual(DiagnosticCode.DIAM3023, failure.Code);
        StringAssert.Contains(failure.Message, ReferrersTag.For(image.Digest));
        StringAssert.Contains(failure.Message, "registry.test/team/app");
    }

    [TestMethod]
    public async Task A_registry_refusing_the_artifact_manifest_fails_with_DIAM3022_naming_registry_and_repository()
    {
        var (registry, image) = RegistryWithImage();
        var manifest = ArtifactManifest.Write(Sbom, image, Created);
        registry.Fault = call => call == $"PUT manifest {Repository} {manifest.Digest}"
            ? RegistryFailures.ServerFault("registry.test", Repository, $"PUT manifest {manifest.Digest}", System.Net.HttpStatusCode.BadRequest, "MANIFEST_INVALID")
            : null;

        var failure = await Assert.ThrowsExactlyAsync<DiamolException>(() => new RegistryAttacher(registry, Repository).AttachAsync([image], [Sbom], Created, default));

        Assert.AreEqual(DiagnosticCode.DIAM3022, failure.Code);
        StringAssert.Contains(failure.Message, "registry.test");
        StringAssert.Contains(failure.Message, Repository);
        StringAssert.Contains(failure.Message, "MANIFEST_INVALID");
        Assert.IsNull(registry.Manifest(Repository, ReferrersTag.For(image.Digest)), "nothing listed for a manifest that is not there");
    }

    [TestMethod]
    public async Task A_writer_that_moves_the_tag_between_read_and_push_is_met_with_If_Match_and_both_entries_stay()
    {
        var (registry, image) = RegistryWithImage();
        string tag = ReferrersTag.For(image.Digest);
        registry.AddManifest(Repository, Encoding.UTF8.GetBytes("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}"""), MediaTypes.OciIndex, tag);
        string theirs = "sha256:" + new string('7', 64);
        bool raced = false;
        registry.BeforeManifestPush = (_, reference) =>
        {
            if (reference != tag || raced) return;
            raced = true;
            registry.AddManifest(Repository, Encoding.UTF8.GetBytes($$"""
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
                {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{theirs}}","size":9,"artifactType":"x/y"}]}
                """), MediaTypes.OciIndex, tag);
        };
        var said = new List<string>();

        var attached = await new RegistryAttacher(registry, Repository, said.Add).AttachAsync([image], [Sbom], Created, default);

        CollectionAssert.AreEqual(new[] { theirs, attached.Single().ManifestDigest }, Digests(TagIndex(registry, image)));
        Assert.AreEqual(1, registry.Count($"PUT manifest {Repository} {tag} 412"));
        Assert.IsTrue(said.Any(s => s.Contains("changed while", StringComparison.Ordinal)));
    }

    [TestMethod]
    public async Task Without_If_Match_a_writer_that_overwrote_our_list_is_caught_by_the_check_and_ours_added_again()
    {
        var (registry, image) = RegistryWithImage();
        string tag = ReferrersTag.For(image.Digest);
        OtherWriterReplacesTheTagAfterOurPushes(registry, tag, times: 1);

        var attached = await new RegistryAttacher(registry, Repository).AttachAsync([image], [Sbom], Created, default);

        CollectionAssert.AreEqual(new[] { attached.Single().ManifestDigest }, Digests(TagIndex(registry, image)));
        Assert.AreEqual(2, registry.Count($"PUT manifest {Repository} {tag}"));
    }

    [TestMethod]
    public async Task Writers_that_always_replace_the_tag_end_in_DIAM3023_after_the_rounds()
    {
        var (registry, image) = RegistryWithImage();
        string tag = ReferrersTag.For(image.Digest);
        OtherWriterReplacesTheTagAfterOurPushes(registry, tag, times: int.MaxValue);

        var failure = await Assert.ThrowsExactlyAsync<DiamolException>(() => new RegistryAttacher(registry, Repository).AttachAsync([image], [Sbom], Created, default));

        Assert.AreEqual(DiagnosticCode.DIAM3023, failure.Code);
        Assert.AreEqual(RegistryAttacher.TagAttempts, registry.Count($"PUT manifest {Repository} {tag}"));
    }

    /// <summary>
    /// On a registry that ignores If-Match, another writer puts back its own list (lacking ours) right after each of our
    /// pushes of the tag, before our check reads it, for the first <paramref name="times"/> pushes.
    /// </summary>
    private static void OtherWriterReplacesTheTagAfterOurPushes(InMemoryDistribution registry, string tag, int times)
    {
        registry.HonoursIfMatch = false;
        var theirs = Encoding.UTF8.GetBytes("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}""");
        int replaced = 0;
        registry.Fault = call =>
        {
            if (replaced < times && call == $"GET manifest {Repository} {tag}" && registry.Calls[^2] == $"PUT manifest {Repository} {tag}")
            {
                replaced++;
                registry.AddManifest(Repository, theirs, MediaTypes.OciIndex, tag);
            }

            return null;
        };
    }

    /// <summary>A registry with the referrers API that does not send OCI-Subject on a push (some do not).</summary>
    private sealed class SilentSubject(InMemoryDistribution inner) : IRegistryClient
    {
        public string Registry => inner.Registry;
        public Task<ResolvedImage> ResolveAsync(string repository, string reference, Diamol.Build.Common.ImagePlatform platform, CancellationToken ct) =>
            inner.ResolveAsync(repository, reference, platform, ct);
        public Task<byte[]> GetBlobAsync(string repository, BlobDescriptor blob, CancellationToken ct) => inner.GetBlobAsync(repository, blob, ct);
        public Task DownloadBlobAsync(string repository, BlobDescriptor blob, string destinationPath, CancellationToken ct) => inner.DownloadBlobAsync(repository, blob, destinationPath, ct);
        public Task<bool> BlobExistsAsync(string repository, string digest, CancellationToken ct) => inner.BlobExistsAsync(repository, digest, ct);
        public Task<bool> TryMountBlobAsync(string repository, string digest, string fromRepository, CancellationToken ct) => inner.TryMountBlobAsync(repository, digest, fromRepository, ct);
        public Task<BlobPushOutcome> PushBlobAsync(string repository, BlobDescriptor blob, Func<Stream> open, string? mountFrom, CancellationToken ct) =>
            inner.PushBlobAsync(repository, blob, open, mountFrom, ct);
        public Task UploadBlobAsync(string repository, BlobDescriptor blob, Func<Stream> open, CancellationToken ct) => inner.UploadBlobAsync(repository, blob, open, ct);
        public Task<string> PutManifestAsync(string repository, string reference, byte[] manifest, string mediaType, CancellationToken ct) =>
            inner.PutManifestAsync(repository, reference, manifest, mediaType, ct);
        public async Task<ManifestPut> PushManifestAsync(string repository, string reference, byte[] manifest, string mediaType, string? ifMatch, CancellationToken ct) =>
            (await inner.PushManifestAsync(repository, reference, manifest, mediaType, ifMatch, ct)) with { Subject = null };
        public Task<FetchedManifest?> FindManifestAsync(string repository, string reference, IReadOnlyList<string> accept, CancellationToken ct) =>
            inner.FindManifestAsync(repository, reference, accept, ct);
        public Task<FetchedManifest?> GetReferrersAsync(string repository, string digest, CancellationToken ct) => inner.GetReferrersAsync(repository, digest, ct);
    }
}
