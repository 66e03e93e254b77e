using Diamol.Build.Context;
using System.Text.Json;
using Diamol.Build.Common;
using Diamol.Build.Credentials;
using Diamol.Build.Diagnostics;
using Diamol.Build.Oci;
using Diamol.Build.Pipeline;
using Diamol.Build.Registry;
using Diamol.Build.Spec;
using Diamol.Build.Tests.Registry;
using Diamol.Build.Tests.Spec;

namespace Diamol.Build.Tests.Pipeline;

/// <summary>
/// The OCI writer's push against fake registries: what it asks, what it uploads, which manifest it writes, and what a
/// refusal leaves. The real registries' side is end to end (OciBuilderTests, RegistryQuirkTests, RegistryFaultTests).
/// </summary>
[TestClass]
public sealed class OciBuildStageTests : EngineStageTest
{
    private const string BaseRegistry = "localhost:5000";
    private const string Target = "registry.test:5000";
    private static readonly ImagePlatform Amd64 = new("linux", "amd64", null);

    private FakeRegistries _registries = null!;
    private FakeBaseImages.Stored _base = null!;

    [TestInitialize]
    public void AddBase()
    {
        _registries = new FakeRegistries();
        _base = FakeBaseImages.Add(_registries[BaseRegistry], "dotnet/runtime", "10.0", layers: 3);
    }

    private OciOptions Options(bool tagInRegistry = true) =>
        new(Amd64, ImageFormat.Oci, ReproducibleTime.Fixed, new BlobCache(Path.Combine(Root, "cache")), null, null, TagInRegistry: tagInRegistry);

    private void StagePushed(string baseImage = BaseImage, string appContent = "app") =>
        Stage(ContainerSpecFactoryTests.Valid with { BaseImage = baseImage, Registry = Target, Tags = ["1.0", "latest"] }, ("WebPing.dll", appContent, false));

    private Task<OciBuildResult> Write(bool tagInRegistry = true) => OciBuildStage.RunAsync(State(), Options(tagInRegistry), _registries, _log, default);

    private InMemoryDistribution Pushed => _registries[Target];

    [TestMethod]
    public async Task A_push_uploads_every_blob_the_registry_lacks_and_tags_one_manifest_over_them()
    {
        StagePushed();

        var result = await Write();

        foreach (string tag in new[] { "1.0", "latest" })
        {
            var (bytes, mediaType) = Pushed.Manifest("webping", tag)!.Value;
            Assert.AreEqual(result.Manifest.Digest, ContentDigest.Of(bytes), tag);
            Assert.AreEqual(MediaTypes.OciManifest, mediaType);
        }

        var (config, layers) = ManifestDocument.ReadImage(result.Manifest.Bytes)!.Value;
        CollectionAssert.AreEqual(_base.Layers.Select(l => l.Digest).ToArray(), layers.Take(3).Select(l => l.Digest).ToArray(), "the base's layers first");
        Assert.IsTrue(layers.Count > 3, "and ours after them");
        foreach (var blob in layers.Append(config)) Assert.IsNotNull(Pushed.Blob("webping", blob.Digest), $"{blob.Digest} is not in the registry");
        Assert.AreEqual(result.Manifest.Digest, result.Record.PushedDigest);
        using var json = JsonDocument.Parse(Pushed.Blob("webping", config.Digest)!);
        Assert.AreEqual("amd64", json.RootElement.GetProperty("architecture").GetString());
    }

    [TestMethod]
    public async Task An_absent_base_layer_is_asked_about_once_fetched_once_and_uploaded_without_a_second_HEAD()
    {
        StagePushed();

        await Write();

        foreach (var layer in _base.Layers)
        {
            Assert.AreEqual(1, Pushed.Count($"HEAD webping {layer.Digest}"), string.Join("\n", Pushed.Calls));
            Assert.AreEqual(1, Pushed.Count($"UPLOAD webping {layer.Digest}"));
            Assert.AreEqual(1, _registries[BaseRegistry].Count($"GET blob dotnet/runtime {layer.Digest}"));
        }

        // Another registry: no mount is tried. The base is read with the pull login, the push with the push login.
        Assert.AreEqual(0, Pushed.Count("MOUNT"));
        CollectionAssert.AreEquivalent(new[] { (BaseRegistry, RegistryAccess.Pull), (Target, RegistryAccess.Push) }, _registries.Asked.Distinct().ToArray());
    }

    [TestMethod]
    public async Task A_base_kept_in_the_push_registry_is_mounted_not_fetched()
    {
        FakeBaseImages.Add(Pushed, "team/base", "1", layers: 2);
        StagePushed(baseImage: $"{Target}/team/base:1");

        var result = await Write();

        var (_, layers) = ManifestDocument.ReadImage(result.Manifest.Bytes)!.Value;
        foreach (var layer in layers.Take(2))
        {
            Assert.AreEqual(1, Pushed.Count($"MOUNT webping {layer.Digest} team/base"), string.Join("\n", Pushed.Calls));
            Assert.AreEqual(0, Pushed.Count($"GET blob team/base {layer.Digest}"), "a mounted layer is not fetched");
            Assert.AreEqual(0, Pushed.Count($"UPLOAD webping {layer.Digest}"));
        }

        CollectionAssert.AreEquivalent(new[] { (Target, RegistryAccess.PullFromPushRegistry), (Target, RegistryAccess.Push) }, _registries.Asked.Distinct().ToArray());
    }

    [TestMethod]
    public async Task A_republish_of_the_same_image_uploads_nothing_and_records_every_step_as_present()
    {
        StagePushed();
        var first = await Write();
        Pushed.Calls.Clear();

        var second = await Write();

        Assert.AreEqual(first.Manifest.Digest, second.Manifest.Digest, "the same files give the same image");
        Assert.AreEqual(0, Pushed.Count("UPLOAD"), string.Join("\n", Pushed.Calls));
        Assert.IsTrue(second.Record.Build.Steps.All(s => s.Cached));
        Assert.IsTrue(_log.Lines.Any(l => l.Contains("0 blobs uploaded", StringComparison.Ordinal)), string.Join("\n", _log.Lines));
    }

    [TestMethod]
    public async Task A_refused_manifest_fails_the_publish_and_leaves_no_record()
    {
        StagePushed();
        Pushed.Fault = call => call.StartsWith("PUT manifest", StringComparison.Ordinal)
            ? RegistryFailures.ServerFault(Target, "webping", "PUT manifest 1.0", System.Net.HttpStatusCode.InternalServerError, "the fake says no")
            : null;

        var e = await Assert.ThrowsAsync<DiamolException>(() => Write());

        Assert.AreEqual(DiagnosticCode.DIAM3011, e.Code);
        Assert.IsNull(BuildRecord.TryLoad(new OutputFolder(_context)), "no record of an image that was not pushed");
        Assert.IsFalse(File.Exists(Path.Combine(_context, OutputFolder.ImageJsonName)));
    }

    [TestMethod]
    public async Task One_platform_of_a_multi_platform_image_is_pushed_by_digest_with_no_tag()
    {
        StagePushed();

        var result = await Write(tagInRegistry: false);

        Assert.IsNull(Pushed.Manifest("webping", "1.0"));
        Assert.IsNull(Pushed.Manifest("webping", "latest"));
        Assert.AreEqual(1, Pushed.Count($"PUT manifest webping {result.Manifest.Digest}"));
        CollectionAssert.AreEqual(new[] { $"{Target}/webping@{result.Manifest.Digest}" }, result.Record.Build.References.ToArray());
    }
}
