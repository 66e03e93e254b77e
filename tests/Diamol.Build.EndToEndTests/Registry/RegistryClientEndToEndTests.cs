using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Diamol.Build.Common;
using Diamol.Build.Credentials;
using Diamol.Build.Diagnostics;
using Diamol.Build.Oci;
using Diamol.Build.Registry;

namespace Diamol.Build.EndToEndTests.Registry;

/// <summary>
/// The daemonless registry client against the real local registries (eng/provision.sh): anonymous on
/// 127.0.0.1:5000 with the base images, htpasswd basic auth on 127.0.0.1:5001. Pushes go to repositories unique
/// to each test, deleted afterwards where the registry allows it.
/// </summary>
[TestClass]
[DoNotParallelize]
public sealed class RegistryClientEndToEndTests
{
    private const string Open = "127.0.0.1:5000";
    private const string Authenticated = "127.0.0.1:5001";
    private const string User = "diamol";
    private const string Password = "diamol-secret";

    private static readonly string[] CredentialVariables =
    [
        "DOTNET_CONTAINER_REGISTRY_UNAME", "DOTNET_CONTAINER_REGISTRY_PWORD",
        "DOTNET_CONTAINER_PUSH_REGISTRY_UNAME", "DOTNET_CONTAINER_PUSH_REGISTRY_PWORD",
        "SDK_CONTAINER_REGISTRY_UNAME", "SDK_CONTAINER_REGISTRY_PWORD",
    ];

    private static string UniqueRepository(string purpose) => $"e2e/registry-{purpose}-{Guid.NewGuid().ToString("N")[..8]}";

    [TestMethod]
    public async Task Resolves_runtime_deps_and_reads_its_config()
    {
        using var client = RegistryClient.Create(Open, RegistryAccess.Push);

        var image = await client.ResolveAsync("dotnet/runtime-deps", "10.0", new ImagePlatform("linux", "amd64"), CancellationToken.None);
        byte[] config = await client.GetBlobAsync("dotnet/runtime-deps", image.Config, CancellationToken.None);

        Assert.AreEqual(RegistryDigest(Open, "dotnet/runtime-deps", "10.0"), image.ManifestDigest);
        Assert.AreEqual(SmallImage.Digest(image.ManifestBytes), image.ManifestDigest);
        Assert.IsTrue(image.Layers.Count > 0);
        using var json = JsonDocument.Parse(config);
        Assert.AreEqual("linux", json.RootElement.GetProperty("os").GetString());
        Assert.AreEqual("amd64", json.RootElement.GetProperty("architecture").GetString());
        Assert.AreEqual(image.Layers.Count, json.RootElement.GetProperty("rootfs").GetProperty("diff_ids").GetArrayLength());
    }

    [TestMethod]
    public async Task Downloads_a_layer_and_verifies_it()
    {
        using var client = RegistryClient.Create(Open, RegistryAccess.Push);
        var image = await client.ResolveAsync("dotnet/runtime-deps", "10.0", new ImagePlatform("linux", "amd64"), CancellationToken.None);
        var layer = image.Layers[0];
        string folder = Path.Combine(TestEnvironment.WorkRoot, "registry-download-" + Guid.NewGuid().ToString("N")[..8]);
        string destination = Path.Combine(folder, "layer.tar.gz");

        await client.DownloadBlobAsync("dotnet/runtime-deps", layer, destination, CancellationToken.None);

        Assert.AreEqual(layer.Size, new FileInfo(destination).Length);
        using (var file = File.OpenRead(destination))
        {
            Assert.AreEqual(layer.Digest, "sha256:" + Convert.ToHexString(SHA256.HashData(file)).ToLowerInvariant());
        }

        CollectionAssert.AreEqual(new[] { destination }, Directory.GetFiles(folder), "no temporary file is left");
        Directory.Delete(folder, recursive: true);
    }

    [TestMethod]
    public async Task Pushes_a_small_image_that_docker_pulls_and_a_second_push_uploads_nothing()
    {
        var image = SmallImage.Create();
        string repository = UniqueRepository("push");
        string reference = $"{Open}/{repository}:1.0";
        try
        {
            using (var client = RegistryClient.Create(Open, RegistryAccess.Push))
            {
                (string Digest, string[] Outcomes) pushed = await Push(client, repository, image);

                Assert.AreEqual(image.ManifestDigest, pushed.Digest);
                CollectionAssert.AreEqual(new[] { "Uploaded", "Uploaded" }, pushed.Outcomes, "the layer and the config");
            }

            Assert.AreEqual(image.ManifestDigest, RegistryDigest(Open, repository, "1.0"), "the registry serves the manifest we pushed");
            ProcessRunner.Docker("pull", reference).EnsureSuccess("docker pull of the pushed image");
            var inspect = ProcessRunner.Docker("image", "inspect", "--format", "{{.Id}}", reference).EnsureSuccess("docker image inspect");
            Assert.AreEqual(image.ConfigDigest, inspect.Output.Trim(), "docker's image id is the config digest");

            using (var again = RegistryClient.Create(Open, RegistryAccess.Push))
            {
                (string Digest, string[] Outcomes) pushed = await Push(again, repository, image);

                CollectionAssert.AreEqual(new[] { "AlreadyPresent", "AlreadyPresent" }, pushed.Outcomes, "both blobs found by HEAD, nothing uploaded a second time");
            }
        }
        finally
        {
            ImageInspection.RemoveImages(reference);
            DeleteManifest(Open, repository, image.ManifestDigest);
        }
    }

    [TestMethod]
    public async Task Mounts_a_blob_from_another_repository()
    {
        var image = SmallImage.Create();
        string source = UniqueRepository("mount-from");
        string destination = UniqueRepository("mount-to");
        using var client = RegistryClient.Create(Open, RegistryAccess.Push);
        var layer = new BlobDescriptor(SmallImage.LayerMediaType, image.LayerDigest, image.Layer.Length);
        Assert.AreEqual("Uploaded", await PushBlob(client, source, layer, image.Layer));

        Assert.IsFalse(await client.BlobExistsAsync(destination, image.LayerDigest, CancellationToken.None));
        Assert.IsTrue(await client.TryMountBlobAsync(destination, image.LayerDigest, source, CancellationToken.None));

        Assert.IsTrue(await client.BlobExistsAsync(destination, image.LayerDigest, CancellationToken.None));
        Assert.IsFalse(await client.TryMountBlobAsync(UniqueRepository("mount-none"), SmallImage.Digest(Encoding.UTF8.GetBytes("nowhere")), source, CancellationToken.None),
            "a blob the source does not have is not mounted");
    }

    [TestMethod]
    public async Task Chunked_upload_with_small_chunks_stores_the_blob()
    {
        byte[] content = RandomNumberGenerator.GetBytes(10_000);
        string digest = SmallImage.Digest(content);
        string repository = UniqueRepository("chunks");
        // Anonymous, as the open registry is: a login is looked up only on a 401.
        using var client = new RegistryClient(Open, () => null) { ChunkThreshold = 0, ChunkSize = 1_500 };
        var blob = new BlobDescriptor("application/octet-stream", digest, content.Length);

        Assert.AreEqual("Uploaded", await PushBlob(client, repository, blob, content));
        byte[] stored = await client.GetBlobAsync(repository, blob, CancellationToken.None);
        CollectionAssert.AreEqual(content, stored);
    }

    [TestMethod]
    public async Task Pushes_to_the_authenticated_registry_with_environment_credentials()
    {
        var image = SmallImage.Create();
        string repository = UniqueRepository("auth");
        var saved = WithCredentialVariables(User, Password);
        try
        {
            using var client = RegistryClient.Create(Authenticated, RegistryAccess.Push);
            (string Digest, string[] Outcomes) pushed = await Push(client, repository, image);

            Assert.AreEqual(image.ManifestDigest, pushed.Digest);
            Assert.AreEqual(image.ManifestDigest, RegistryDigest(Authenticated, repository, "1.0", (User, Password)));
        }
        finally
        {
            Restore(saved);
        }
    }

    [TestMethod]
    public async Task Wrong_password_is_DIAM3005_without_the_password_in_the_message()
    {
        const string wrong = "not-the-Password-42";
        var image = SmallImage.Create();
        var saved = WithCredentialVariables(User, wrong);
        try
        {
            using var client = RegistryClient.Create(Authenticated, RegistryAccess.Push);
            var e = await Assert.ThrowsAsync<DiamolException>(async () => await Push(client, UniqueRepository("denied"), image));

            Assert.AreEqual(DiagnosticCode.DIAM3005, e.Code, e.ToString());
            StringAssert.Contains(e.Message, Authenticated);
            Assert.IsFalse(e.Message.Contains(wrong, StringComparison.Ordinal), e.Message);
            Assert.IsFalse(e.Message.Contains(Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{wrong}")), StringComparison.Ordinal));
        }
        finally
        {
            Restore(saved);
        }
    }

    /// <summary>Pushes the image as a build does (PushBlobAsync, then the manifest): its digest and each blob's outcome.</summary>
    private static async Task<(string Digest, string[] Outcomes)> Push(RegistryClient client, string repository, SmallImage image)
    {
        var layer = new BlobDescriptor(SmallImage.LayerMediaType, image.LayerDigest, image.Layer.Length);
        var config = new BlobDescriptor(SmallImage.ConfigMediaType, image.ConfigDigest, image.Config.Length);
        string[] outcomes = [await PushBlob(client, repository, layer, image.Layer), await PushBlob(client, repository, config, image.Config)];
        string digest = await client.PutManifestAsync(repository, "1.0", image.Manifest, SmallImage.ManifestMediaType, CancellationToken.None);
        return (digest, outcomes);
    }

    /// <summary>The BlobPushOutcome's name: Uploaded, AlreadyPresent (no mount is asked for).</summary>
    private static async Task<string> PushBlob(RegistryClient client, string repository, BlobDescriptor blob, byte[] content) =>
        (await client.PushBlobAsync(repository, blob, () => new MemoryStream(content), null, CancellationToken.None)).ToString();

    // Set only in this process, for the length of one test: child processes of other tests never see them.
    private static Dictionary<string, string?> WithCredentialVariables(string user, string password)
    {
        var saved = CredentialVariables.ToDictionary(name => name, Environment.GetEnvironmentVariable);
        foreach (string name in CredentialVariables) Environment.SetEnvironmentVariable(name, null);
        Environment.SetEnvironmentVariable("DOTNET_CONTAINER_REGISTRY_UNAME", user);
        Environment.SetEnvironmentVariable("DOTNET_CONTAINER_REGISTRY_PWORD", password);
        return saved;
    }

    private static void Restore(Dictionary<string, string?> saved)
    {
        foreach (var (name, value) in saved) Environment.SetEnvironmentVariable(name, value);
    }

    /// <summary>The registry's own digest for a tag, straight from its API.</summary>
    private static string RegistryDigest(string registry, string repository, string tag, (string User, string Password)? login = null)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Head, $"http://{registry}/v2/{repository}/manifests/{tag}");
        foreach (string type in new[]
                 {
                     "application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json",
                     "application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.v2+json",
                 })
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
        }

        if (login is { } l) request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{l.User}:{l.Password}")));
        using var response = http.Send(request);
        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, $"HEAD manifest {repository}:{tag} on {registry}");
        return response.Headers.GetValues("Docker-Content-Digest").Single();
    }

    // The :5000 registry has delete enabled; leaving test repositories empty keeps it small.
    private static void DeleteManifest(string registry, string repository, string digest)
    {
        using var http = new HttpClient();
        using var response = http.Send(new HttpRequestMessage(HttpMethod.Delete, $"http://{registry}/v2/{repository}/manifests/{digest}"));
    }
}
