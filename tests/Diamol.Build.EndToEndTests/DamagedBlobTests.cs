using System.Security.Cryptography;

namespace Diamol.Build.EndToEndTests;

/// <summary>
/// A damaged blob (same size, bytes flipped) in DiamolCacheDirectory or in the output folder's .diamol/blobs/ never
/// reaches an archive or a push: it is found while it is copied, fetched or written again, and the archive passes
/// skopeo's check, each of its blobs matching its digest; a load into the engine gets the right bytes.
/// </summary>
[TestClass]
public sealed class DamagedBlobTests
{
    // Nothing listens there: any engine call would fail the publish.
    private static readonly Dictionary<string, string?> NoEngine = new() { ["DOCKER_HOST"] = "unix:///nonexistent/docker.sock" };

    /// <summary>Flips bytes in the middle of the file: same size, other content.</summary>
    private static void Damage(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        for (int i = bytes.Length / 2; i < Math.Min(bytes.Length, bytes.Length / 2 + 16); i++) bytes[i] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
    }

    private static string Hex(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    [TestMethod]
    public void A_damaged_cached_base_layer_and_a_damaged_own_blob_never_reach_an_archive_or_a_push()
    {
        var project = ConsumerProject.FromSample("WebPing");
        string id = Guid.NewGuid().ToString("N")[..8];
        string repository = $"diamol-damage/webping-{id}";
        string cache = Path.Combine(TestEnvironment.WorkRoot, "cache-" + id);
        string archive = Path.Combine(TestEnvironment.WorkRoot, $"damage-{id}.tar.gz");
        string[] properties = [$"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={repository}", $"ContainerArchiveOutputPath={archive}",
            $"DiamolCacheDirectory={cache}", "-v:n"];
        project.PublishWith(NoEngine, properties).EnsureSuccess("first publish to an archive");

        string cachedBase = Directory.EnumerateFiles(Path.Combine(cache, "blobs", "sha256")).OrderByDescending(f => new FileInfo(f).Length).First();
        string ownBlob = Directory.EnumerateFiles(Path.Combine(project.ContainerFolder, ".diamol", "blobs")).OrderByDescending(f => new FileInfo(f).Length).First();
        Damage(cachedBase);
        Damage(ownBlob);
        Assert.AreNotEqual(Path.GetFileName(cachedBase), Hex(cachedBase));

        var again = project.PublishWith(NoEngine, properties).EnsureSuccess("publish to an archive over damaged blobs");

        StringAssert.Contains(again.All, $"sha256:{Path.GetFileName(cachedBase)}");
        StringAssert.Contains(again.All, "did not match its digest");
        Assert.AreEqual(Path.GetFileName(cachedBase), Hex(cachedBase), "the cached layer was fetched again");
        Assert.AreEqual(Path.GetFileName(ownBlob), Hex(ownBlob), "our blob was written again");
        string copy = Path.Combine(TestEnvironment.WorkRoot, $"damage-{id}-dir");
        ProcessRunner.Run("skopeo", ["copy", $"oci-archive:{archive}", $"dir:{copy}"], timeout: TimeSpan.FromMinutes(3)).EnsureSuccess("skopeo copy oci-archive:");
        var blobs = Directory.EnumerateFiles(copy).Where(f => Path.GetFileName(f).Length == 64).ToArray();
        Assert.IsTrue(blobs.Length >= 3, string.Join(", ", Directory.EnumerateFiles(copy)));
        foreach (string blob in blobs) Assert.AreEqual(Path.GetFileName(blob), Hex(blob), "each blob of the archive is its digest");

        // A push reads our blobs (the base's are mounted in this registry): a damaged one is written again first.
        Damage(ownBlob);
        var push = project.PublishWith(NoEngine, [.. properties, "ContainerRegistry=localhost:5000"]).EnsureSuccess("push over a damaged blob");
        StringAssert.Contains(push.All, "did not match its digest");
        using var client = new HttpClient();
        foreach (string digest in RegistryInspection.LayerDigests(repository, "latest"))
        {
            byte[] bytes = client.GetByteArrayAsync($"http://127.0.0.1:5000/v2/{repository}/blobs/{digest}").GetAwaiter().GetResult();
            Assert.AreEqual(digest, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes)));
        }
    }

    [TestMethod]
    public void A_damaged_own_blob_never_reaches_an_engine_load()
    {
        var project = ConsumerProject.FromSample("WebPing");
        string id = Guid.NewGuid().ToString("N")[..8];
        string repository = $"diamol-damage/load-{id}";
        string[] properties = [$"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={repository}", "DiamolBuilder=oci",
            $"DiamolCacheDirectory={Path.Combine(TestEnvironment.WorkRoot, "cache-" + id)}", "-v:n"];
        try
        {
            project.Publish(properties).EnsureSuccess("first publish, loaded into the engine");
            // Without the tag the next publish loads again; the engine still has the base's layers, not ours.
            ImageInspection.RemoveImages(repository + ":latest");
            string ownBlob = Directory.EnumerateFiles(Path.Combine(project.ContainerFolder, ".diamol", "blobs")).OrderByDescending(f => new FileInfo(f).Length).First();
            Damage(ownBlob);

            var again = project.Publish(properties).EnsureSuccess("load over a damaged blob");

            StringAssert.Contains(again.All, $"sha256:{Path.GetFileName(ownBlob)}");
            StringAssert.Contains(again.All, "did not match its digest");
            Assert.AreEqual(Path.GetFileName(ownBlob), Hex(ownBlob), "our blob was written again");
            var run = ProcessRunner.Run("docker", ["run", "--rm", "--network", "none", "-e", "PINGS=1", repository + ":latest"], timeout: TimeSpan.FromMinutes(2));
            StringAssert.Contains(run.All, "Pinging");
        }
        finally
        {
            ImageInspection.RemoveImages(repository + ":latest");
        }
    }
}
