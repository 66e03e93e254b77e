using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;

namespace Diamol.Build.EndToEndTests;

/// <summary>
/// A real publish with the OCI writer to a registry of the test's own behind a proxy that behaves as real registries
/// do at their worst (<see cref="QuirkProxy"/>): each push gets through, with the right digest, in bounded time, and
/// the log says what was retried or how the upload style changed.
/// </summary>
[TestClass]
public sealed class RegistryQuirkTests
{
    [TestMethod]
    public void A_registry_that_resets_every_fifth_connection_is_pushed_to_with_retries()
    {
        // A TCP proxy (a reset is below HTTP) in front of the registry of the test's own.
        var project = ConsumerProject.FromSample("WebPing");
        string repository = "e2e/quirk-" + Guid.NewGuid().ToString("N")[..8];
        using var registry = new OwnRegistry();
        using var proxy = FaultProxy.ForRegistry("", Fault.ResetEveryFifth, registry.Port);
        var output = AssertPushed(project, registry, proxy.Registry, repository, []);
        Assert.IsTrue(proxy.Triggered > 0, "no connection was reset\n" + output);
        StringAssert.Contains(output, "trying again in");
    }

    [TestMethod]
    public void A_registry_that_rate_limits_with_Retry_After_is_pushed_to_after_waiting()
    {
        var output = AssertPushes(Quirk.RateLimit);
        StringAssert.Contains(output, "429 TooManyRequests");
        StringAssert.Contains(output, "as its Retry-After asks");
    }

    [TestMethod]
    public void A_registry_that_refuses_monolithic_uploads_gets_chunks()
    {
        var output = AssertPushes(Quirk.RefuseMonolithic, out var proxy);
        Assert.IsTrue(proxy.Patches > 0, "no chunk was sent");
        StringAssert.Contains(output, "refused a whole (monolithic) upload");
    }

    [TestMethod]
    public void A_registry_that_refuses_PATCH_gets_one_PUT_when_chunks_are_forced()
    {
        var output = AssertPushes(Quirk.RefusePatch, out _, ("DOTNET_CONTAINER_DEBUG_REGISTRY_FORCE_CHUNKED_UPLOAD", "true"));
        StringAssert.Contains(output, "refused a chunked upload");
    }

    [TestMethod]
    public void A_registry_that_demands_a_minimum_chunk_gets_chunks_of_that_size()
    {
        // Chunks of 64 KiB asked for: the registry's OCI-Chunk-Min-Length (1 MiB) wins, so no chunk is refused.
        AssertPushes(Quirk.MinimumChunk, out var proxy, ("DOTNET_CONTAINER_DEBUG_REGISTRY_FORCE_CHUNKED_UPLOAD", "true"),
            ("DOTNET_CONTAINER_REGISTRY_CHUNKED_UPLOAD_SIZE_BYTES", "65536"));
        Assert.IsTrue(proxy.Patches > 0, "no chunk was sent");
        Assert.AreEqual(0, proxy.Applied, "a chunk shorter than OCI-Chunk-Min-Length was sent before another");
    }

    private static string AssertPushes(Quirk quirk, params (string Name, string Value)[] environment) => AssertPushes(quirk, out _, environment);

    private static string AssertPushes(Quirk quirk, out QuirkProxy proxy, params (string Name, string Value)[] environment)
    {
        var project = ConsumerProject.FromSample("WebPing");
        string repository = "e2e/quirk-" + Guid.NewGuid().ToString("N")[..8];
        using var registry = new OwnRegistry();
        using var quirky = new QuirkProxy(quirk, registry.Port);
        proxy = quirky;
        string output = AssertPushed(project, registry, quirky.Registry, repository, environment);
        Assert.IsTrue(quirk == Quirk.MinimumChunk || quirky.Applied > 0, "the quirk never happened\n" + output);
        return output;
    }

    /// <summary>Publishes through <paramref name="through"/>; the push succeeds in bounded time with the right digests.</summary>
    private static string AssertPushed(ConsumerProject project, OwnRegistry registry, string through, string repository, (string Name, string Value)[] environment)
    {
        var clock = Stopwatch.StartNew();
        var result = project.PublishWith(environment.ToDictionary(e => e.Name, e => (string?)e.Value),
            $"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRegistry={through}", $"ContainerRepository={repository}",
            "DiamolBuilder=oci", "DiamolIdleTimeout=30", "-v:n");
        clock.Stop();

        Assert.AreEqual(0, result.ExitCode, result.All);
        Assert.IsTrue(clock.Elapsed < TimeSpan.FromMinutes(4), $"the publish took {clock.Elapsed}");

        // The registry holds the manifest image.json names, and every blob it names.
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(project.ContainerFolder, "image.json")));
        string digest = summary.RootElement.GetProperty("digest").GetString()!;
        byte[] manifest = Fetch(registry.Port, $"/v2/{repository}/manifests/latest");
        Assert.AreEqual(digest, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(manifest)), "the tag names another manifest");
        using var document = JsonDocument.Parse(manifest);
        var blobs = document.RootElement.GetProperty("layers").EnumerateArray().Append(document.RootElement.GetProperty("config"))
            .Select(b => b.GetProperty("digest").GetString()!).ToList();
        foreach (string blob in blobs)
        {
            byte[] bytes = Fetch(registry.Port, $"/v2/{repository}/blobs/{blob}");
            Assert.AreEqual(blob, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes)), $"blob {blob} is stored with other bytes");
        }

        return result.Output;
    }

    private static byte[] Fetch(int port, string path)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}{path}");
        request.Headers.TryAddWithoutValidation("Accept", "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json");
        using var response = http.Send(request);
        Assert.AreEqual(System.Net.HttpStatusCode.OK, response.StatusCode, path);
        return response.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
    }
}
