using System.Text.Json;

namespace Diamol.Build.EndToEndTests;

/// <summary>
/// The same publish through Podman's Docker-compatible API (eng/provision.sh starts `podman system service`):
/// the image is built and tagged in Podman's store with the configuration the project asks for, and the history
/// artifact matches `podman history`. Containers are not run here: in this sandbox runc may not set the process
/// rlimits Podman asks for (see docs/engines.md); Docker runs the same images in the other tests.
/// </summary>
[TestClass]
public sealed class PodmanTests
{
    private static string Socket => Environment.GetEnvironmentVariable("DIAMOL_TEST_PODMAN_SOCKET") ?? "/run/diamol-podman/podman.sock";

    [TestMethod]
    public void WebPing_builds_through_Podman_with_its_configuration_and_history()
    {
        Assert.IsTrue(File.Exists(Socket), $"Podman's API socket {Socket} is missing; run eng/provision.sh");
        var project = ConsumerProject.FromSample("WebPing");
        string repository = "diamol-e2e/podman-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            project.Publish($"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={repository}",
                "ContainerImageTags=\"1.0;latest\"", $"DiamolDockerHost=unix://{Socket}").EnsureSuccess("publish through Podman");

            var inspect = ProcessRunner.Run("podman", ["image", "inspect", $"{repository}:1.0"]).EnsureSuccess("podman image inspect");
            using var json = JsonDocument.Parse(inspect.Output);
            var config = json.RootElement[0].GetProperty("Config");
            CollectionAssert.Contains(ImageInspection.Strings(config.GetProperty("Env")), "TARGET=blog.sixeyed.com");
            CollectionAssert.AreEqual(new[] { "dotnet", "/app/WebPing.dll" }, ImageInspection.Strings(config.GetProperty("Entrypoint")));
            Assert.AreEqual("1654", config.GetProperty("User").GetString());
            ProcessRunner.Run("podman", ["image", "inspect", $"{repository}:latest"]).EnsureSuccess("the second tag");
            // Through the Docker-compatible API, Podman 4.3 stores a name without a registry as Docker Hub's (docs/engines.md).
            CollectionAssert.Contains(ImageInspection.Strings(json.RootElement[0].GetProperty("RepoTags")), $"docker.io/{repository}:1.0");

            // The artifact's entries against Podman's own history (newest first there).
            var sizes = ProcessRunner.Run("podman", ["history", "--no-trunc", "--format", "{{.Size}}", $"{repository}:1.0"])
                .EnsureSuccess("podman history").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            using var history = JsonDocument.Parse(File.ReadAllText(Path.Combine(project.ContainerFolder, "image-history.json")));
            var entries = history.RootElement.GetProperty("entries").EnumerateArray().ToArray();
            Assert.AreEqual(sizes.Length, entries.Length, "entry count");
            Assert.AreEqual(json.RootElement[0].GetProperty("Id").GetString(), history.RootElement.GetProperty("image").GetProperty("id").GetString()!.Replace("sha256:", ""));
            var ours = entries.Where(e => e.GetProperty("origin").GetString() == "ours").ToArray();
            CollectionAssert.IsSubsetOf(new[] { "host", "app" }, ours.Select(e => e.TryGetProperty("layerKind", out var k) ? k.GetString() : null).ToArray());
        }
        finally
        {
            ProcessRunner.Run("podman", ["image", "rm", "-f", $"{repository}:1.0", $"{repository}:latest"]);
        }
    }
}
