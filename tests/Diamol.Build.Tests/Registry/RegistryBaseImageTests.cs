using Diamol.Build.Common;
using Diamol.Build.Credentials;
using Diamol.Build.Diagnostics;
using Diamol.Build.Oci;
using Diamol.Build.Registry;
using Diamol.Build.Spec;

namespace Diamol.Build.Tests.Registry;

/// <summary>Reading a base image from its registry (RegistryBaseImage) against the fake registries: which client, which manifest, which failure.</summary>
[TestClass]
public sealed class RegistryBaseImageTests
{
    private static readonly ImagePlatform Amd64 = new("linux", "amd64", null);

    private static ImageReference Reference(string name) => ImageReference.TryParse(name, out _)!;

    [TestMethod]
    public async Task A_tag_naming_an_index_gives_the_platforms_manifest_and_its_config_pinned_to_the_index()
    {
        var registries = new FakeRegistries();
        var stored = FakeBaseImages.Add(registries["base.test"], "dotnet/runtime", "10.0");

        var image = await RegistryBaseImage.ReadAsync(registries, Reference("base.test/dotnet/runtime:10.0"), Amd64, null, default);

        Assert.AreEqual(stored.ManifestDigest, image.Image.ManifestDigest);
        Assert.AreEqual(stored.IndexDigest, image.PinDigest);
        CollectionAssert.AreEqual(stored.Layers.ToArray(), image.Image.Layers.ToArray());
        Assert.AreEqual(Amd64.ToString(), image.Platform!.ToString());
        var facts = image.Facts();
        CollectionAssert.Contains(facts.Env.ToArray(), "APP_UID=1654");
        // The manifest, the index's entry and the config: one client, asked for once.
        CollectionAssert.AreEqual(new[] { ("base.test", RegistryAccess.Pull) }, registries.Asked);
    }

    [TestMethod]
    public async Task A_base_kept_in_the_push_registry_is_read_with_the_push_login_and_any_other_with_the_pull_login()
    {
        var registries = new FakeRegistries();
        FakeBaseImages.Add(registries["registry.test:5000"], "team/base", "1");
        FakeBaseImages.Add(registries["other.test"], "team/base", "1");

        await RegistryBaseImage.ReadAsync(registries, Reference("registry.test:5000/team/base:1"), Amd64, "registry.test:5000", default);
        await RegistryBaseImage.ReadAsync(registries, Reference("other.test/team/base:1"), Amd64, "registry.test:5000", default);

        CollectionAssert.AreEqual(new[] { ("registry.test:5000", RegistryAccess.PullFromPushRegistry), ("other.test", RegistryAccess.Pull) }, registries.Asked);
    }

    [TestMethod]
    public async Task A_base_read_by_one_stage_of_a_build_is_not_asked_for_again_by_the_next_by_tag_or_by_its_pinned_digest()
    {
        // The Dockerfile stage reads the base by its tag and pins FROM to the index's digest; the OCI writer (another task
        // of the same build, another session) then reads FROM. The registry sees one read, and both stages one image.
        var memo = new ResolvedImageMemo();
        var dockerfileStage = new FakeRegistries { Resolved = memo };
        var stored = FakeBaseImages.Add(dockerfileStage["base.test"], "dotnet/runtime", "10.0");
        var first = await RegistryBaseImage.ReadAsync(dockerfileStage, Reference("base.test/dotnet/runtime:10.0"), Amd64, null, default);
        int reads = dockerfileStage["base.test"].Calls.Count;

        var byDigest = await RegistryBaseImage.ReadAsync(dockerfileStage, Reference("base.test/dotnet/runtime:10.0@" + stored.IndexDigest), Amd64, null, default);
        var byTag = await RegistryBaseImage.ReadAsync(dockerfileStage, Reference("base.test/dotnet/runtime:10.0"), Amd64, null, default);

        Assert.AreEqual(reads, dockerfileStage["base.test"].Calls.Count, "the registry was asked nothing more");
        Assert.AreEqual(first.Image.ManifestDigest, byDigest.Image.ManifestDigest);
        Assert.AreEqual(first.Image.ManifestDigest, byTag.Image.ManifestDigest);
        CollectionAssert.AreEqual(first.Config, byDigest.Config);

        // Another platform of the same index is another image: it is read.
        var arm64 = new ImagePlatform("linux", "arm64", null);
        var other = await RegistryBaseImage.ReadAsync(dockerfileStage, Reference("base.test/dotnet/runtime:10.0"), arm64, null, default);
        Assert.AreNotEqual(reads, dockerfileStage["base.test"].Calls.Count);
        Assert.AreEqual(arm64.ToString(), other.Platform!.ToString());
    }

    [TestMethod]
    public async Task A_platform_the_index_lacks_is_refused_with_DIAM3012()
    {
        var registries = new FakeRegistries();
        FakeBaseImages.Add(registries["base.test"], "dotnet/runtime", "10.0");

        var e = await Assert.ThrowsAsync<DiamolException>(() =>
            RegistryBaseImage.ReadAsync(registries, Reference("base.test/dotnet/runtime:10.0"), new ImagePlatform("linux", "s390x", null), null, default));

        Assert.AreEqual(DiagnosticCode.DIAM3012, e.Code);
        StringAssert.Contains(e.Message, "linux/s390x");
    }

    [TestMethod]
    public async Task A_Docker_Hub_name_is_read_from_docker_io_under_library()
    {
        var registries = new FakeRegistries();
        FakeBaseImages.Add(registries["docker.io"], "library/ubuntu", "24.04");

        var image = await RegistryBaseImage.ReadAsync(registries, Reference("ubuntu:24.04"), Amd64, null, default);

        Assert.AreEqual("library/ubuntu", image.Image.Repository);
        Assert.AreEqual("docker.io", registries.Asked.Single().Registry);
        Assert.AreEqual(1, registries["docker.io"].Count("GET manifest library/ubuntu 24.04"));
    }
}

/// <summary>The session's clients: what the base image's read over real HTTP (a fake handler) logs and asks.</summary>
[TestClass]
public sealed class RegistrySessionReadTests
{
    [TestMethod]
    public async Task A_base_image_read_through_the_session_logs_its_retries_and_looks_its_login_up_once()
    {
        var config = TestImages.Blob("""{"architecture":"amd64","os":"linux","config":{}}""", "application/vnd.oci.image.config.v1+json");
        var layer = TestImages.Blob("layer");
        byte[] manifest = TestImages.Manifest(config.Descriptor, layer.Descriptor);
        int manifestAsks = 0;
        var handler = new FakeRegistryHandler(request =>
        {
            if (request.Authorization is null) return FakeRegistryHandler.Challenge("Basic realm=\"test\"");
            if (request.Path.Contains("/manifests/", StringComparison.Ordinal))
            {
                return ++manifestAsks == 1 ? FakeRegistryHandler.Status(System.Net.HttpStatusCode.ServiceUnavailable) : FakeRegistryHandler.Bytes(manifest, Build.Registry.MediaTypes.OciManifest);
            }

            return FakeRegistryHandler.Bytes(request.Path.EndsWith(config.Descriptor.Digest, StringComparison.Ordinal) ? config.Bytes : layer.Bytes);
        });
        int lookups = 0;
        var credentials = new CredentialLookup(_ => null, registry => { lookups++; return new RegistryLogin(registry, "u", "p", null); }, "/config");
        var log = new List<string>();
        using var session = new Build.Registry.RegistrySession(credentials, retries: RegistryRetryTests.Fast, log: log.Add) { Handler = handler };
        var reference = ImageReference.TryParse("registry.test/team/base:1", out _)!;

        var image = await RegistryBaseImage.ReadAsync(session, reference, new ImagePlatform("linux", "amd64", null), null, default);
        var (client, repository) = RegistryBaseImage.ClientFor(session, reference, null);
        using var temp = new TempFolder("session");
        await client.DownloadBlobAsync(repository, image.Image.Layers[0], Path.Combine(temp.Path, "layer"), default);

        Assert.AreEqual(1, log.Count, string.Join("\n", log));
        StringAssert.Contains(log[0], "GET manifest 1");
        StringAssert.Contains(log[0], "503");
        Assert.AreEqual(1, lookups, "one client, one login lookup, for the manifest, the config and the layer");
        Assert.AreEqual(1, session.ClientCount);
    }
}
