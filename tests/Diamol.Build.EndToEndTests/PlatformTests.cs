using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace Diamol.Build.EndToEndTests;

/// <summary>
/// The image's platform is the runtime identifier's and the base image is checked to be for it: a single-platform
/// base for another platform is refused (DIAM1022) for every destination of the OCI writer and by the engine
/// builder, while the multi-platform base gives an arm64 config whose app binaries are AArch64.
/// </summary>
[TestClass]
public sealed class PlatformTests
{
    private const string Registry = "http://127.0.0.1:5000";

    private static string Unique(string name) => $"diamol-platform/{name}-{Guid.NewGuid().ToString("N")[..8]}";

    // Framework-dependent for arm64: the app's apphost is AArch64, the runtime must come from the base.
    private static readonly string[] Arm64 = ["RuntimeIdentifier=linux-arm64", "SelfContained=false"];

    private static void AssertRefusedForThePlatform(ProcessResult publish, string baseImage, string basePlatform)
    {
        Assert.AreNotEqual(0, publish.ExitCode, publish.All);
        StringAssert.Contains(publish.Output, "DIAM1022");
        StringAssert.Contains(publish.Output, $"'{baseImage}'");
        StringAssert.Contains(publish.Output, $"single-platform image for {basePlatform}");
        StringAssert.Contains(publish.Output, "multi-platform base image");
    }

    [TestMethod]
    public void Linux_arm64_on_a_single_platform_amd64_base_is_refused_for_a_push_an_archive_and_an_engine_load()
    {
        var project = ConsumerProject.FromSample("WebPing");
        string baseImage = TestEnvironment.BaseRuntime; // a single amd64 manifest, not an index
        string repository = Unique("refused");

        var push = project.Publish([$"ContainerBaseImage={baseImage}", "ContainerRegistry=127.0.0.1:5000", $"ContainerRepository={repository}", .. Arm64]);
        AssertRefusedForThePlatform(push, baseImage, "linux/amd64");
        Assert.AreEqual(404, ManifestStatus(repository, "latest"), "nothing was pushed");

        string archive = Path.Combine(TestEnvironment.WorkRoot, repository.Replace('/', '-') + ".tar");
        var archived = project.Publish([$"ContainerBaseImage={baseImage}", $"ContainerArchiveOutputPath={archive}", $"ContainerRepository={repository}", .. Arm64]);
        AssertRefusedForThePlatform(archived, baseImage, "linux/amd64");
        Assert.IsFalse(File.Exists(archive), "no archive was written");

        // The engine is amd64: the automatic choice gives the image to the OCI writer, to load it.
        var load = project.Publish([$"ContainerBaseImage={baseImage}", $"ContainerRepository={repository}", .. Arm64]);
        AssertRefusedForThePlatform(load, baseImage, "linux/amd64");
        Assert.AreNotEqual(0, ProcessRunner.Docker("image", "inspect", repository + ":latest").ExitCode, "nothing was loaded");

        // The engine builder cannot build for arm64 at all on this engine: refused before the base is even read.
        var engine = project.Publish([$"ContainerBaseImage={baseImage}", "DiamolBuilder=docker", $"ContainerRepository={repository}", .. Arm64]);
        Assert.AreNotEqual(0, engine.ExitCode, engine.All);
        StringAssert.Contains(engine.Output, "DIAM3006");
        Assert.AreNotEqual(0, ProcessRunner.Docker("image", "inspect", repository + ":latest").ExitCode, "nothing was built");
    }

    /// <summary>
    /// RuntimeIdentifiers with two RIDs on a single-platform amd64 base: the arm64 image is refused, so no index claims
    /// arm64 for an image whose config says amd64, and the tag is not pushed.
    /// </summary>
    [TestMethod]
    public void Two_runtime_identifiers_on_a_single_platform_amd64_base_are_refused_and_push_no_index()
    {
        var project = OciBuilderTests.TwoPlatformWebPing();
        string repository = Unique("two-refused");
        var publish = project.Publish($"ContainerBaseImage={TestEnvironment.BaseRuntimeDeps}", "ContainerRegistry=127.0.0.1:5000", $"ContainerRepository={repository}");
        AssertRefusedForThePlatform(publish, TestEnvironment.BaseRuntimeDeps, "linux/amd64");
        Assert.AreEqual(404, ManifestStatus(repository, "latest"), "no index was pushed under the tag");
    }

    /// <summary>
    /// The engine builder has no --platform: a base that the engine holds for arm64 (a single arm64 manifest, pulled)
    /// under a linux-x64 publish would give an image whose config says arm64 over x64 binaries. Refused, and so is the
    /// OCI writer's push from the same base.
    /// </summary>
    [TestMethod]
    public void A_single_platform_arm64_base_is_refused_by_the_engine_builder_and_the_OCI_writer_for_linux_x64()
    {
        var project = ConsumerProject.FromSample("WebPing");
        string baseRepository = Unique("arm64-base");
        string baseImage = $"127.0.0.1:5000/{baseRepository}:base";
        string repository = Unique("refused-x64");
        try
        {
            PushArm64EntryAsSinglePlatformImage(baseRepository, "base");
            ProcessRunner.Docker("pull", baseImage).EnsureSuccess("docker pull of the arm64 base");
            Assert.AreEqual("arm64", ImageInspection.Inspect(baseImage).GetProperty("Architecture").GetString());

            var engine = project.Publish($"ContainerBaseImage={baseImage}", "DiamolBuilder=docker", $"ContainerRepository={repository}", "RuntimeIdentifier=linux-x64", "SelfContained=false");
            AssertRefusedForThePlatform(engine, baseImage, "linux/arm64/v8");
            StringAssert.Contains(engine.Output, "the engine's image");
            Assert.AreNotEqual(0, ProcessRunner.Docker("image", "inspect", repository + ":latest").ExitCode, "nothing was built");

            var oci = project.Publish($"ContainerBaseImage={baseImage}", "ContainerRegistry=127.0.0.1:5000", $"ContainerRepository={repository}",
                "RuntimeIdentifier=linux-x64", "SelfContained=false");
            AssertRefusedForThePlatform(oci, baseImage, "linux/arm64/v8");
            Assert.AreEqual(404, ManifestStatus(repository, "latest"), "nothing was pushed");
        }
        finally
        {
            ImageInspection.RemoveImages(baseImage, repository + ":latest");
        }
    }

    [TestMethod]
    public void Linux_arm64_on_the_multi_platform_base_pushes_an_arm64_config_with_AArch64_binaries_and_says_so_everywhere()
    {
        var project = ConsumerProject.FromSample("WebPing");
        string baseImage = TestEnvironment.BaseRuntimeDeps + "-multi";
        string repository = Unique("arm64-pushed");
        var publish = project.Publish([$"ContainerBaseImage={baseImage}", "ContainerRegistry=127.0.0.1:5000", $"ContainerRepository={repository}", "-v:n", .. Arm64])
            .EnsureSuccess("publish for linux-arm64 on the multi-platform base");
        StringAssert.Contains(publish.Output, "OCI writer (linux/arm64/v8");

        var manifest = RegistryInspection.Manifest(repository, "latest");
        using var config = JsonDocument.Parse(Blob(repository, manifest.GetProperty("config").GetProperty("digest").GetString()!));
        Assert.AreEqual("linux", config.RootElement.GetProperty("os").GetString());
        Assert.AreEqual("arm64", config.RootElement.GetProperty("architecture").GetString());
        Assert.AreEqual("v8", config.RootElement.GetProperty("variant").GetString());

        // The label names the base's arm64 manifest (the index's entry), as PublishContainer's does.
        var index = RegistryInspection.Manifest("dotnet/runtime-deps", "10.0-multi");
        string arm64Manifest = index.GetProperty("manifests").EnumerateArray()
            .Single(m => m.GetProperty("platform").GetProperty("architecture").GetString() == "arm64").GetProperty("digest").GetString()!;
        Assert.AreEqual(arm64Manifest, config.RootElement.GetProperty("config").GetProperty("Labels").GetProperty("org.opencontainers.image.base.digest").GetString());

        // The apphost in the pushed layers is an AArch64 ELF file (e_machine 0xB7 at offset 18).
        byte[] apphost = FileFromLayers(repository, manifest, "app/WebPing");
        Assert.AreEqual(0x7F, apphost[0]);
        Assert.AreEqual(0xB7, apphost[18], "e_machine is AArch64");

        // The history says the same platform.
        string history = File.ReadAllText(Path.Combine(project.Directory, "bin", "Release", "net10.0", "linux-arm64", "container", "image-history.json"));
        StringAssert.Matches(history, new System.Text.RegularExpressions.Regex("\"architecture\"\\s*:\\s*\"arm64\"", System.Text.RegularExpressions.RegexOptions.IgnoreCase));
    }

    // The index's arm64 entry, under a repository and tag of its own: a single-platform arm64 image (its blobs mounted).
    private static void PushArm64EntryAsSinglePlatformImage(string repository, string tag)
    {
        var index = RegistryInspection.Manifest("dotnet/runtime-deps", "10.0-multi");
        var entry = index.GetProperty("manifests").EnumerateArray().Single(m => m.GetProperty("platform").GetProperty("architecture").GetString() == "arm64");
        string mediaType = entry.GetProperty("mediaType").GetString()!;
        using var client = new HttpClient();
        using var get = new HttpRequestMessage(HttpMethod.Get, $"{Registry}/v2/dotnet/runtime-deps/manifests/{entry.GetProperty("digest").GetString()}");
        get.Headers.TryAddWithoutValidation("Accept", mediaType);
        byte[] bytes = client.Send(get).EnsureSuccessStatusCode().Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
        using var manifest = JsonDocument.Parse(bytes);
        var blobs = manifest.RootElement.GetProperty("layers").EnumerateArray().Append(manifest.RootElement.GetProperty("config")).Select(b => b.GetProperty("digest").GetString());
        foreach (string? digest in blobs)
        {
            using var mount = client.PostAsync($"{Registry}/v2/{repository}/blobs/uploads/?mount={digest}&from=dotnet/runtime-deps", null).GetAwaiter().GetResult();
            Assert.AreEqual(System.Net.HttpStatusCode.Created, mount.StatusCode, $"mount of {digest}");
        }

        using var content = new ByteArrayContent(bytes);
        content.Headers.TryAddWithoutValidation("Content-Type", mediaType);
        client.PutAsync($"{Registry}/v2/{repository}/manifests/{tag}", content).GetAwaiter().GetResult().EnsureSuccessStatusCode();
    }

    private static int ManifestStatus(string repository, string reference)
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Head, $"{Registry}/v2/{repository}/manifests/{reference}");
        request.Headers.TryAddWithoutValidation("Accept", "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json");
        return (int)client.Send(request).StatusCode;
    }

    private static byte[] Blob(string repository, string digest)
    {
        using var client = new HttpClient();
        return client.GetByteArrayAsync($"{Registry}/v2/{repository}/blobs/{digest}").GetAwaiter().GetResult();
    }

    private static byte[] FileFromLayers(string repository, JsonElement manifest, string path)
    {
        foreach (var layer in manifest.GetProperty("layers").EnumerateArray().Reverse())
        {
            using var tar = new TarReader(new GZipStream(new MemoryStream(Blob(repository, layer.GetProperty("digest").GetString()!)), CompressionMode.Decompress));
            while (tar.GetNextEntry() is { } entry)
            {
                if (entry.Name.TrimStart('.', '/') != path || entry.DataStream is null) continue;
                using var bytes = new MemoryStream();
                entry.DataStream.CopyTo(bytes);
                return bytes.ToArray();
            }
        }

        Assert.Fail($"no layer of {repository} holds {path}");
        return [];
    }
}
