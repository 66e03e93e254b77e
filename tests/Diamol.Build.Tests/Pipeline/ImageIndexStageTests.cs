using Diamol.Build.Common;
using Diamol.Build.Credentials;
using Diamol.Build.Diagnostics;
using Diamol.Build.Oci;
using Diamol.Build.Pipeline;
using Diamol.Build.Registry;
using Diamol.Build.Tests.Registry;

namespace Diamol.Build.Tests.Pipeline;

/// <summary>The index push of a multi-platform publish against a fake registry: one index over the platforms' manifests, under every tag.</summary>
[TestClass]
public sealed class ImageIndexStageTests
{
    private const string Target = "registry.test:5000";

    private static PlatformManifest Platform(string architecture, char fill) =>
        new(new ImagePlatform("linux", architecture, null), "sha256:" + new string(fill, 64), MediaTypes.OciManifest, 512 + fill);

    [TestMethod]
    public async Task The_index_names_every_platforms_manifest_and_goes_up_under_every_tag()
    {
        var registries = new FakeRegistries();
        var images = new[] { Platform("amd64", 'a'), Platform("arm64", 'b') };

        string digest = await ImageIndexStage.PushAsync(Target, "team/app", ["1.0", "latest"], ImageFormat.Oci, images, registries, new ListBuildLog(), default);

        foreach (string tag in new[] { "1.0", "latest" })
        {
            var (bytes, mediaType) = registries[Target].Manifest("team/app", tag)!.Value;
            Assert.AreEqual(digest, ContentDigest.Of(bytes), tag);
            Assert.AreEqual(MediaTypes.OciIndex, mediaType);
            var entries = ManifestDocument.ReadIndex(bytes)!;
            CollectionAssert.AreEqual(images.Select(i => i.Digest).ToArray(), entries.Select(e => e.Digest).ToArray());
            CollectionAssert.AreEqual(new[] { "linux/amd64", "linux/arm64" }, entries.Select(e => e.Platform!.ToString()).ToArray());
            CollectionAssert.AreEqual(images.Select(i => i.Size).ToArray(), entries.Select(e => e.Size).ToArray());
        }

        CollectionAssert.AreEqual(new[] { (Target, RegistryAccess.Push) }, registries.Asked);
    }

    [TestMethod]
    public async Task Two_images_for_one_platform_are_refused_before_anything_is_pushed()
    {
        var registries = new FakeRegistries();

        var e = await Assert.ThrowsAsync<DiamolException>(() => ImageIndexStage.PushAsync(Target, "team/app", ["1.0"], ImageFormat.Oci,
            [Platform("amd64", 'a'), Platform("amd64", 'c')], registries, new ListBuildLog(), default));

        Assert.AreEqual(DiagnosticCode.DIAM1016, e.Code);
        Assert.AreEqual(0, registries[Target].Calls.Count);
    }
}
