using System.Text.Json;

namespace Diamol.Build.EndToEndTests;

/// <summary>
/// After an edit, the engine build starts from the image the last build made at its last unchanged step and is sent
/// only the layers from the first changed one. The image must be the one a full build gives (same layers, same files,
/// same configuration), and its cache must be the one `docker build` of the context folder finds.
/// </summary>
[TestClass]
public sealed class DeltaBuildTests
{
    [TestMethod]
    public void An_edit_sends_only_the_changed_layers_and_gives_the_image_a_full_build_gives()
    {
        var project = ConsumerProject.FromSample("WebApi", "Greetings");
        string repository = "diamol-e2e/delta-" + Guid.NewGuid().ToString("N")[..8];
        string full = repository + "-full:latest";
        string[] properties = [$"ContainerBaseImage={TestEnvironment.BaseAspNet}", $"ContainerRepository={repository}", "-v:n"];
        try
        {
            project.Publish(properties).EnsureSuccess("first publish");
            var before = ImageInspection.Inspect(repository + ":latest");

            string program = Path.Combine(project.Directory, "Program.cs");
            File.WriteAllText(program, File.ReadAllText(program) + "\n// edited by the delta build test\n");
            var edit = project.Publish(properties).EnsureSuccess("publish after an edit");

            StringAssert.Contains(edit.Output, "are unchanged since the last build: the build starts from the image it made there");
            StringAssert.Contains(edit.Output, "the engine is sent only layers/app");
            var after = ImageInspection.Inspect(repository + ":latest");
            string[] layersBefore = Layers(before);
            string[] layersAfter = Layers(after);
            Assert.AreEqual(layersBefore.Length, layersAfter.Length, "a delta build must not add or drop layers");
            CollectionAssert.AreEqual(layersBefore[..^1], layersAfter[..^1], "every layer before the app's must be the same");
            Assert.AreNotEqual(layersBefore[^1], layersAfter[^1], "the app layer must be new");
            CollectionAssert.AreEqual(PublishSnapshot.FileLines(project.PublishFolder), ImageInspection.Files(repository + ":latest", "/app"));

            // The same folder built by the docker CLI with the classic builder: every step until the labels comes from
            // the cache the delta build filled, so the layers are the same ones.
            var build = ProcessRunner.Run("docker", ["build", "-t", full, project.ContainerFolder], project.Directory,
                new Dictionary<string, string?> { ["DOCKER_BUILDKIT"] = "0" }, TimeSpan.FromMinutes(5)).EnsureSuccess("docker build of the context folder");
            int copies = build.Output.Split('\n').Count(l => l.Contains(": COPY ", StringComparison.Ordinal));
            int cached = build.Output.Split("Step ").Count(step => step.Contains(": COPY ", StringComparison.Ordinal) && step.Contains("Using cache", StringComparison.Ordinal));
            Assert.IsTrue(copies >= 3 && cached == copies, $"{cached} of {copies} COPY steps came from the cache:\n{build.Output}");
            CollectionAssert.AreEqual(layersAfter, Layers(ImageInspection.Inspect(full)));

            var config = after.GetProperty("Config");
            var fullConfig = ImageInspection.Inspect(full).GetProperty("Config");
            foreach (string property in new[] { "Env", "Entrypoint", "Cmd", "WorkingDir", "User", "ExposedPorts" })
            {
                Assert.AreEqual(ImageInspection.Show(fullConfig, property), ImageInspection.Show(config, property), property);
            }
        }
        finally
        {
            ImageInspection.RemoveImages(repository + ":latest", full);
        }
    }

    private static string[] Layers(JsonElement image) => ImageInspection.Strings(image.GetProperty("RootFS").GetProperty("Layers"));
}
