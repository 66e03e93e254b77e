namespace Diamol.Build.EndToEndTests;

/// <summary>The seed's lab: RUN changes a file when the image is built; the command prints it when the container runs.</summary>
[TestClass]
public sealed class Ch03LabTests
{
    [TestMethod]
    public void Run_step_at_build_time_and_command_at_run_time()
    {
        var project = ConsumerProject.FromSample("Ch03Lab");
        string repository = "diamol-e2e/ch03-lab-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            project.Publish($"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={repository}").EnsureSuccess("publish Ch03Lab");
            var run = ProcessRunner.Run("docker", ["run", "--rm", "--network", "none", repository + ":latest"], timeout: TimeSpan.FromMinutes(2));
            Assert.AreEqual(0, run.ExitCode, run.All);
            Assert.AreEqual("Congratulations on completing the lab! Signed:\nElton\n", run.Output);

            // The lab file has a layer of its own (DiamolLayer metadata on its Content item).
            Assert.IsTrue(File.Exists(Path.Combine(project.ContainerFolder, "layers", "lab-data", "ch03.txt")));
        }
        finally
        {
            ImageInspection.RemoveImages(repository + ":latest");
        }
    }
}
