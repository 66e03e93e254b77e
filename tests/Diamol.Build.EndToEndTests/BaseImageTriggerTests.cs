namespace Diamol.Build.EndToEndTests;

/// <summary>
/// A base image with ONBUILD triggers: the engine runs them at FROM (and clears them); the OCI writer, which cannot,
/// refuses the base (DIAM1023) instead of copying the triggers into a config where a RUN would never run.
/// </summary>
[TestClass]
public sealed class BaseImageTriggerTests
{
    [TestMethod]
    public void A_base_with_an_ONBUILD_RUN_is_refused_by_the_OCI_writer_and_run_by_the_engine_builder()
    {
        string id = Guid.NewGuid().ToString("N")[..8];
        string baseImage = $"127.0.0.1:5000/diamol-onbuild/base-{id}:1";
        string repository = $"diamol-onbuild/app-{id}";
        string folder = Path.Combine(TestEnvironment.WorkRoot, "onbuild-" + id);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "Dockerfile"), $"FROM {TestEnvironment.BaseRuntime}\nONBUILD RUN echo triggered > /tmp/onbuild-ran\n");
        var project = ConsumerProject.FromSample("WebPing");
        try
        {
            ProcessRunner.Run("docker", ["build", "--network", "none", "-t", baseImage, folder], environment: new Dictionary<string, string?> { ["DOCKER_BUILDKIT"] = "0" },
                timeout: TimeSpan.FromMinutes(3)).EnsureSuccess("docker build of the base with ONBUILD");
            ProcessRunner.Docker("push", baseImage).EnsureSuccess("docker push of the base");

            // The automatic choice gives a push to the OCI writer: refused, nothing pushed.
            var oci = project.Publish($"ContainerBaseImage={baseImage}", "ContainerRegistry=127.0.0.1:5000", $"ContainerRepository={repository}");
            Assert.AreNotEqual(0, oci.ExitCode, oci.All);
            StringAssert.Contains(oci.Output, "DIAM1023");
            StringAssert.Contains(oci.Output, $"'{baseImage}'");
            StringAssert.Contains(oci.Output, "RUN echo triggered > /tmp/onbuild-ran");
            StringAssert.Contains(oci.Output, "DiamolBuilder=docker");

            // The engine builder runs the trigger and clears it, as `docker build` does.
            project.Publish($"ContainerBaseImage={baseImage}", "DiamolBuilder=docker", $"ContainerRepository={repository}").EnsureSuccess("engine publish on the ONBUILD base");
            var config = ImageInspection.Config(repository + ":latest");
            Assert.IsTrue(config.GetProperty("OnBuild").ValueKind is System.Text.Json.JsonValueKind.Null || config.GetProperty("OnBuild").GetArrayLength() == 0,
                "the triggers were run, not kept");
            var run = ProcessRunner.Run("docker", ["run", "--rm", "--network", "none", "--entrypoint", "cat", repository + ":latest", "/tmp/onbuild-ran"]);
            Assert.AreEqual("triggered", run.EnsureSuccess("docker run").Output.Trim());
        }
        finally
        {
            ImageInspection.RemoveImages(repository + ":latest", baseImage);
        }
    }
}
