namespace Diamol.Build.EndToEndTests;

/// <summary>
/// DiamolBuildImage=false: the Dockerfile and context are written, and only rewritten when something changed;
/// `docker build` on that folder with the pipeline's own tooling gives the same image Diamol.Build builds.
/// </summary>
[TestClass]
public sealed class DockerfileOnlyTests
{
    [TestMethod]
    public void An_unchanged_project_rewrites_nothing()
    {
        var project = ConsumerProject.FromSample("WebPing");
        project.Publish("DiamolBuildImage=false", $"ContainerBaseImage={TestEnvironment.BaseRuntime}").EnsureSuccess("first publish");
        var before = Timestamps(project.ContainerFolder);
        Thread.Sleep(1100); // a rewrite would show a later time even on file systems with 1 s resolution

        var second = project.Publish("DiamolBuildImage=false", $"ContainerBaseImage={TestEnvironment.BaseRuntime}").EnsureSuccess("second publish");

        StringAssert.Contains(second.Output, "Dockerfile (unchanged)");
        CollectionAssert.AreEqual(before, Timestamps(project.ContainerFolder), "files in the context were rewritten");
        Assert.IsFalse(File.Exists(Path.Combine(project.ContainerFolder, "image-history.json")), "no image was to be built");
    }

    [TestMethod]
    public void Docker_build_on_the_folder_gives_the_same_image()
    {
        var project = ConsumerProject.FromSample("WebPing");
        string id = Guid.NewGuid().ToString("N")[..8];
        string theirs = $"diamol-e2e/webping-cli-{id}:latest";
        string ours = $"diamol-e2e/webping-ours-{id}";
        try
        {
            // A pipeline with an engine at hand writes the Dockerfile (the base image's facts are read without being
            // asked for), then builds with its own tooling.
            project.Publish("DiamolBuildImage=false", $"ContainerBaseImage={TestEnvironment.BaseRuntime}")
                .EnsureSuccess("Dockerfile-only publish");
            ProcessRunner.Run("docker", ["build", "--network", "none", "-t", theirs, project.ContainerFolder],
                environment: new Dictionary<string, string?> { ["DOCKER_BUILDKIT"] = "0" }, timeout: TimeSpan.FromMinutes(3)).EnsureSuccess("docker build");

            project.Publish($"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={ours}").EnsureSuccess("publish with the image build");

            var a = ImageInspection.Inspect(theirs);
            var b = ImageInspection.Inspect(ours + ":latest");
            CollectionAssert.AreEqual(
                ImageInspection.Strings(b.GetProperty("RootFS").GetProperty("Layers")),
                ImageInspection.Strings(a.GetProperty("RootFS").GetProperty("Layers")), "the layers differ");
            foreach (string property in new[] { "Env", "Entrypoint", "Cmd", "WorkingDir", "User", "ExposedPorts" })
            {
                Assert.AreEqual(ImageInspection.Show(b.GetProperty("Config"), property), ImageInspection.Show(a.GetProperty("Config"), property), property);
            }

            // A Dockerfile-only publish after it: image.json and the history describe the last image together, or go
            // together (reading the base image starts a new image and removes image.json).
            project.Publish("DiamolBuildImage=false", $"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={ours}").EnsureSuccess("Dockerfile-only republish");
            Assert.IsTrue(File.Exists(Path.Combine(project.ContainerFolder, "image.json")) && File.Exists(Path.Combine(project.ContainerFolder, "image-history.json")));
            project.Publish("DiamolBuildImage=false", "DiamolInspectBaseImage=true", $"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={ours}")
                .EnsureSuccess("Dockerfile-only republish that reads the base image");
            string[] left = ["image.json", "image-history.json", "image-history.md", "image-history.html"];
            Assert.IsFalse(left.Any(f => File.Exists(Path.Combine(project.ContainerFolder, f))), "a record of the last image was left without its image.json");
        }
        finally
        {
            ImageInspection.RemoveImages(theirs, ours + ":latest");
        }
    }

    [TestMethod]
    public void Without_an_engine_or_registry_the_Dockerfile_is_written_with_a_warning_that_says_what_it_lacks()
    {
        var project = ConsumerProject.FromSample("WebPing");
        var result = project.PublishWith(new Dictionary<string, string?> { ["DOCKER_HOST"] = "unix:///nonexistent/docker.sock" },
            "DiamolBuildImage=false", "ContainerBaseImage=127.0.0.1:9/dotnet/runtime:10.0").EnsureSuccess("Dockerfile-only publish with nothing to ask");
        StringAssert.Contains(result.Output, "warning DIAM2011", result.Output);
        StringAssert.Contains(result.Output, "without the base image's facts");
        Assert.IsTrue(File.Exists(Path.Combine(project.ContainerFolder, "Dockerfile")));
    }

    private static string[] Timestamps(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains(Path.DirectorySeparatorChar + ".diamol" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(f => $"{Path.GetRelativePath(folder, f)} {File.GetLastWriteTimeUtc(f):O}")
            .ToArray();
}
