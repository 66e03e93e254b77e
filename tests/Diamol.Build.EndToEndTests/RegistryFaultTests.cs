using System.Diagnostics;

namespace Diamol.Build.EndToEndTests;

/// <summary>
/// A registry that stalls, drops the connection or answers 500 during the OCI writer's push, through a loopback proxy
/// in front of a registry of the test's own: the publish ends in bounded time with the code for that kind of fault (network:
/// DIAM3010 with retry advice; server: DIAM3011 with the status and the registry's message; never login advice),
/// names the registry, pushes no manifest and leaves no image.json.
/// </summary>
[TestClass]
public sealed class RegistryFaultTests
{
    [TestMethod]
    public void A_registry_that_stalls_during_an_upload_fails_the_push_after_the_idle_time_out() =>
        AssertFault("/blobs/uploads/", Fault.Stall, "DIAM3010", "no answer within 5 seconds");

    [TestMethod]
    public void A_registry_connection_cut_at_the_manifest_is_a_network_fault() =>
        AssertFault("PUT [^ ]*/manifests/", Fault.Reset, "DIAM3010", "retry");

    [TestMethod]
    public void A_registry_that_answers_500_is_a_server_fault_with_its_message() =>
        AssertFault("/blobs/uploads/", Fault.ServerError, "DIAM3011", "injected by the test's proxy");

    /// <summary>
    /// The engine's own push to a registry that stalls: the engine goes silent too, so the idle time-out ends the
    /// publish with DIAM3014 naming the push, and image.json tells the built image apart from the failed push.
    /// </summary>
    [TestMethod]
    public void An_engine_push_to_a_stalled_registry_ends_with_the_idle_time_out_and_a_true_image_json()
    {
        var project = ConsumerProject.FromSample("WebPing");
        string repository = "e2e/stalled-" + Guid.NewGuid().ToString("N")[..8];
        using var registry = new OwnRegistry();
        using var proxy = FaultProxy.ForRegistry("/blobs/uploads/", Fault.Stall, registry.Port);
        string image = $"{proxy.Registry}/{repository}:latest";
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var result = project.Publish($"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRegistry={proxy.Registry}",
                $"ContainerRepository={repository}", "DiamolBuilder=docker", "DiamolIdleTimeout=5");
            Assert.IsTrue(proxy.Triggered > 0, "the fault never happened\n" + result.Output);
            Assert.AreNotEqual(0, result.ExitCode, result.All);
            StringAssert.Contains(result.Output, "error DIAM3014", result.Output);
            StringAssert.Contains(result.Output, "pushing " + image);
            StringAssert.Contains(result.Output, "now point to it");
            Assert.IsTrue(clock.Elapsed < TimeSpan.FromMinutes(3), $"the publish took {clock.Elapsed}");
            using var summary = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(project.ContainerFolder, "image.json")));
            Assert.IsFalse(summary.RootElement.GetProperty("pushed").GetBoolean());
            Assert.AreEqual(ImageInspection.Inspect(image).GetProperty("Id").GetString(), summary.RootElement.GetProperty("id").GetString());
        }
        finally
        {
            ImageInspection.RemoveImages(image);
        }
    }

    /// <summary>
    /// The engine pushes tags one by one; when the second one fails, the message says which tags the registry has
    /// and which it does not, and image.json says the push failed.
    /// </summary>
    [TestMethod]
    public void A_push_that_fails_after_some_tags_names_the_tags_the_registry_has()
    {
        var project = ConsumerProject.FromSample("WebPing");
        string repository = "e2e/tags-" + Guid.NewGuid().ToString("N")[..8];
        using var registry = new OwnRegistry();
        using var proxy = FaultProxy.ForRegistry("PUT [^ ]*/manifests/second ", Fault.ServerError, registry.Port);
        string image = $"{proxy.Registry}/{repository}";
        try
        {
            var result = project.Publish($"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRegistry={proxy.Registry}",
                $"ContainerRepository={repository}", "ContainerImageTags=\"first;second\"", "DiamolBuilder=docker");
            Assert.IsTrue(proxy.Triggered > 0, "the fault never happened\n" + result.Output);
            Assert.AreNotEqual(0, result.ExitCode, result.All);
            StringAssert.Contains(result.Output, "error DIAM3011", result.Output);
            StringAssert.Contains(result.Output, $"The registry already has {image}:first; it does not have {image}:second");
            Assert.IsFalse(result.Output.Contains("the registry was not updated", StringComparison.Ordinal), "the message denies the tag that was pushed");
            using var summary = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(project.ContainerFolder, "image.json")));
            Assert.IsFalse(summary.RootElement.GetProperty("pushed").GetBoolean());
            Assert.AreEqual("200", registry.StatusOf($"/v2/{repository}/manifests/first"), "the first tag should be in the registry");
        }
        finally
        {
            ImageInspection.RemoveImages(image + ":first", image + ":second");
        }
    }

    private static void AssertFault(string request, Fault fault, string code, string what)
    {
        var project = ConsumerProject.FromSample("WebPing");
        string repository = "e2e/fault-" + Guid.NewGuid().ToString("N")[..8];
        using var registry = new OwnRegistry();
        using var proxy = FaultProxy.ForRegistry(request, fault, registry.Port);
        var clock = Stopwatch.StartNew();
        var result = project.Publish($"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRegistry={proxy.Registry}",
            $"ContainerRepository={repository}", "DiamolIdleTimeout=5");
        clock.Stop();

        Assert.IsTrue(proxy.Triggered > 0, "the fault never happened: no request matched " + request + "\n" + result.Output);
        Assert.AreNotEqual(0, result.ExitCode, result.All);
        StringAssert.Contains(result.Output, "error " + code, result.Output);
        StringAssert.Contains(result.Output, proxy.Registry, "the message names the registry");
        StringAssert.Contains(result.Output, what);
        Assert.IsFalse(result.Output.Contains("docker login", StringComparison.Ordinal), "a network or server fault got login advice: " + result.Output);
        Assert.IsFalse(result.Output.Contains("DIAM9001", StringComparison.Ordinal), result.Output);
        Assert.IsTrue(clock.Elapsed < TimeSpan.FromMinutes(3), $"the publish took {clock.Elapsed}: the time-out did not bound it");
        Assert.IsFalse(File.Exists(Path.Combine(project.ContainerFolder, "image.json")), "image.json describes an image that was not pushed");
        Assert.AreEqual("404", registry.StatusOf($"/v2/{repository}/manifests/latest"), "a manifest was pushed");
    }
}
