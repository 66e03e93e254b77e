namespace Diamol.Build.EndToEndTests;

/// <summary>A project that has never seen this repository gets an image from a plain PackageReference.</summary>
[TestClass]
public sealed class ConsumerOutsideRepositoryTests
{
    [TestMethod]
    public void New_console_project_with_only_the_package_reference_publishes_an_image()
    {
        // The name is unique per run; the SDK's default repository is the assembly name, lowercased.
        string name = "HelloDiamol" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var project = ConsumerProject.NewConsole(name);
        string repository = name.ToLowerInvariant();
        try
        {
            project.Publish($"ContainerBaseImage={TestEnvironment.BaseRuntime}").EnsureSuccess("dotnet publish of a new console project");
            Assert.AreEqual("/app/", ProcessRunner.Docker("image", "inspect", "--format", "{{.Config.WorkingDir}}", repository + ":latest")
                .EnsureSuccess("docker image inspect of the default name").Output.Trim());
            var run = ProcessRunner.Run("docker", ["run", "--rm", "--network", "none", repository + ":latest"], timeout: TimeSpan.FromMinutes(2));
            Assert.AreEqual(0, run.ExitCode, run.All);
            StringAssert.Contains(run.Output, "Hello, World!");
        }
        finally
        {
            ProcessRunner.Docker("image", "rm", "-f", repository + ":latest");
        }
    }
}
