namespace Diamol.Build.EndToEndTests;

/// <summary>A project that has never seen this repository gets an image from a plain PackageReference.</summary>
[TestClass]
public sealed class ConsumerOutsideRepositoryTests
{
    [TestMethod]
    public void New_console_project_with_only_the_package_reference_publishes_an_image()
    {
        var project = ConsumerProject.NewConsole("HelloDiamol");
        string repository = "diamol-e2e/hello-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            project.Publish($"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={repository}")
                .EnsureSuccess("dotnet publish of a new console project");
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
