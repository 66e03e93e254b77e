using System.Net;
using System.Text;
using Diamol.Build.Common;
using Diamol.Build.Diagnostics;
using Diamol.Build.Oci;
using Diamol.Build.Registry;

namespace Diamol.Build.Tests.Registry;

[TestClass]
public sealed class RegistryResolveTests
{
    private const string Registry = "registry.test";

    // The platform a build resolves for, from its runtime identifier.
    private static readonly ImagePlatform LinuxX64 = ImagePlatform.FromRuntimeIdentifier("linux-x64");

    private static readonly (byte[] Bytes, BlobDescriptor Descriptor) Config = TestImages.Blob("{}", "application/vnd.oci.image.config.v1+json");
    private static readonly (byte[] Bytes, BlobDescriptor Descriptor) Layer = TestImages.Blob("layer");

    private static FakeRegistryHandler Serving(Dictionary<string, (byte[] Bytes, string MediaType)> manifests) => new(request =>
    {
        string reference = request.Path[(request.Path.LastIndexOf('/') + 1)..];
        return manifests.TryGetValue(reference, out var manifest)
            ? FakeRegistryHandler.Bytes(manifest.Bytes, manifest.MediaType)
            : FakeRegistryHandler.Json(HttpStatusCode.NotFound, """{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}""");
    });

    [TestMethod]
    public async Task Single_manifest_resolves_to_its_config_and_layers()
    {
        byte[] manifest = TestImages.Manifest(Config.Descriptor, Layer.Descriptor);
        var handler = Serving(new() { ["1.0"] = (manifest, MediaTypes.OciManifest) });
        using var client = new RegistryClient(Registry, () => null, handler);

        var image = await client.ResolveAsync("team/app", "1.0", LinuxX64, default);

        Assert.AreEqual(ContentDigest.Of(manifest), image.ManifestDigest);
        Assert.AreEqual(Config.Descriptor, image.Config);
        CollectionAssert.AreEqual(new[] { Layer.Descriptor }, image.Layers.ToArray());
        Assert.IsNull(image.IndexDigest);
        string accept = handler.Requests[0].Header("Accept")!;
        foreach (string type in MediaTypes.AllManifests) StringAssert.Contains(accept, type);
    }

    [TestMethod]
    public async Task Index_is_followed_to_the_entry_for_the_platform()
    {
        byte[] amd64 = TestImages.Manifest(Config.Descriptor, TestImages.Blob("amd64").Descriptor);
        byte[] arm64 = TestImages.Manifest(Config.Descriptor, TestImages.Blob("arm64").Descriptor);
        byte[] index = TestImages.Index((amd64, "linux/amd64"), (arm64, "linux/arm64/v8"));
        var handler = Serving(new()
        {
            ["10.0"] = (index, MediaTypes.OciIndex),
            [ContentDigest.Of(amd64)] = (amd64, MediaTypes.OciManifest),
            [ContentDigest.Of(arm64)] = (arm64, MediaTypes.OciManifest),
        });
        using var client = new RegistryClient(Registry, () => null, handler);

        var image = await client.ResolveAsync("team/app", "10.0", new ImagePlatform("linux", "arm64", "v8"), default);

        Assert.AreEqual(ContentDigest.Of(arm64), image.ManifestDigest);
        Assert.AreEqual(ContentDigest.Of(index), image.IndexDigest);
        Assert.AreEqual(TestImages.Blob("arm64").Descriptor, image.Layers.Single());
    }

    [TestMethod]
    public async Task Index_without_the_platform_is_DIAM3012_naming_the_platforms_it_has()
    {
        byte[] amd64 = TestImages.Manifest(Config.Descriptor, Layer.Descriptor);
        byte[] arm = TestImages.Manifest(Config.Descriptor, Layer.Descriptor);
        byte[] index = TestImages.Index((amd64, "linux/amd64"), (arm, "linux/arm/v7"));
        using var client = new RegistryClient(Registry, () => null, Serving(new() { ["10.0"] = (index, MediaTypes.DockerManifestList) }));

        var e = await Assert.ThrowsExactlyAsync<DiamolException>(() => client.ResolveAsync("team/app", "10.0", new ImagePlatform("linux", "riscv64"), default));

        Assert.AreEqual(DiagnosticCode.DIAM3012, e.Code);
        StringAssert.Contains(e.Message, "linux/riscv64");
        StringAssert.Contains(e.Message, "linux/amd64");
        StringAssert.Contains(e.Message, "linux/arm/v7");
        StringAssert.Contains(e.Message, Registry);
        StringAssert.Contains(e.Message, "team/app");
    }

    [TestMethod]
    public async Task Missing_tag_is_DIAM3012()
    {
        using var client = new RegistryClient(Registry, () => null, Serving([]));

        var e = await Assert.ThrowsExactlyAsync<DiamolException>(() => client.ResolveAsync("team/app", "nope", LinuxX64, default));

        Assert.AreEqual(DiagnosticCode.DIAM3012, e.Code);
        StringAssert.Contains(e.Message, "'nope'");
    }

    [TestMethod]
    public async Task Manifest_whose_bytes_do_not_match_the_digest_asked_for_is_DIAM3013()
    {
        byte[] manifest = TestImages.Manifest(Config.Descriptor, Layer.Descriptor);
        string otherDigest = "sha256:" + new string('0', 64);
        using var client = new RegistryClient(Registry, () => null, Serving(new() { [otherDigest] = (manifest, MediaTypes.OciManifest) }));

        var e = await Assert.ThrowsExactlyAsync<DiamolException>(() => client.ResolveAsync("team/app", otherDigest, LinuxX64, default));

        Assert.AreEqual(DiagnosticCode.DIAM3013, e.Code);
    }

    [TestMethod]
    public async Task Server_error_is_DIAM3011_with_the_status_and_the_registrys_message()
    {
        var handler = new FakeRegistryHandler(_ => FakeRegistryHandler.Json(HttpStatusCode.InternalServerError,
            """{"errors":[{"code":"UNKNOWN","message":"storage backend is on fire","detail":null}]}"""));
        using var client = new RegistryClient(Registry, () => null, handler);

        var e = await Assert.ThrowsExactlyAsync<DiamolException>(() => client.ResolveAsync("team/app", "1.0", LinuxX64, default));

        Assert.AreEqual(DiagnosticCode.DIAM3011, e.Code);
        StringAssert.Contains(e.Message, "500");
        StringAssert.Contains(e.Message, "storage backend is on fire");
        StringAssert.Contains(e.Message, Registry);
        StringAssert.Contains(e.Message, "team/app");
        StringAssert.Contains(e.Message, "retry");
    }

    [TestMethod]
    public async Task Schema_1_manifest_is_DIAM3011()
    {
        byte[] schema1 = Encoding.UTF8.GetBytes("""{"schemaVersion":1,"name":"team/app","fsLayers":[]}""");
        using var client = new RegistryClient(Registry, () => null,
            Serving(new() { ["old"] = (schema1, "application/vnd.docker.distribution.manifest.v1+prettyjws") }));

        var e = await Assert.ThrowsExactlyAsync<DiamolException>(() => client.ResolveAsync("team/app", "old", LinuxX64, default));

        Assert.AreEqual(DiagnosticCode.DIAM3011, e.Code);
    }

    [TestMethod]
    public async Task Put_manifest_returns_the_registrys_digest_else_the_computed_one()
    {
        byte[] manifest = TestImages.Manifest(Config.Descriptor, Layer.Descriptor);
        var handler = new FakeRegistryHandler(request =>
        {
            Assert.AreEqual(MediaTypes.OciManifest, request.Header("Content-Type"));
            return FakeRegistryHandler.Status(HttpStatusCode.Created);
        });
        using var client = new RegistryClient(Registry, () => null, handler);

        string digest = await client.PutManifestAsync("team/app", "1.0", manifest, MediaTypes.OciManifest, default);

        Assert.AreEqual(ContentDigest.Of(manifest), digest);
        Assert.AreEqual(HttpMethod.Put, handler.Requests.Single().Method);
        Assert.AreEqual("/v2/team/app/manifests/1.0", handler.Requests.Single().Path);
    }
}
