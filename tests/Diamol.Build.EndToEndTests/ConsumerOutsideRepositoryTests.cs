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
            AssertPrintsHello(repository + ":latest");
        }
        finally
        {
            ProcessRunner.Docker("image", "rm", "-f", repository + ":latest");
        }
    }

    /// <summary>
    /// The README's quick start under Central Package Management and artifacts output, with a working directory
    /// written without its trailing slash (which breaks the SDK's own start command).
    /// </summary>
    [TestMethod]
    public void Central_package_management_artifacts_output_and_a_working_directory_without_a_slash()
    {
        string name = "CpmDiamol" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var project = ConsumerProject.NewConsole(name);
        string root = project.Directory;
        string csproj = Path.Combine(root, name + ".csproj");
        File.WriteAllText(csproj, File.ReadAllText(csproj).Replace($"Version=\"{TestEnvironment.PackageVersion}\" ", ""));
        File.WriteAllText(Path.Combine(root, "Directory.Packages.props"),
            $"<Project>\n  <PropertyGroup><ManagePackageVersionsCentrally>true</ManagePackageVersionsCentrally></PropertyGroup>\n" +
            $"  <ItemGroup><PackageVersion Include=\"Diamol.Build\" Version=\"{TestEnvironment.PackageVersion}\" /></ItemGroup>\n</Project>\n");
        File.WriteAllText(Path.Combine(root, "Directory.Build.props"),
            "<Project>\n  <PropertyGroup><UseArtifactsOutput>true</UseArtifactsOutput></PropertyGroup>\n</Project>\n");
        string repository = name.ToLowerInvariant();
        try
        {
            project.Publish($"ContainerBaseImage={TestEnvironment.BaseRuntime}", "ContainerWorkingDirectory=/srv/app").EnsureSuccess("publish under CPM and artifacts output");
            Assert.IsTrue(File.Exists(Path.Combine(root, "artifacts", "bin", name, "release", "container", "Dockerfile")),
                "the README says the container folder is artifacts/bin/<project>/<pivot>/container/");
            Assert.AreEqual($"[dotnet /srv/app/{name}.dll]", ProcessRunner.Docker("image", "inspect", "--format", "{{.Config.Entrypoint}}", repository + ":latest")
                .EnsureSuccess("docker image inspect").Output.Trim());
            AssertPrintsHello(repository + ":latest");
        }
        finally
        {
            ProcessRunner.Docker("image", "rm", "-f", repository + ":latest");
        }
    }

    private static void AssertPrintsHello(string image)
    {
        var run = ProcessRunner.Run("docker", ["run", "--rm", "--network", "none", image], timeout: TimeSpan.FromMinutes(2));
        Assert.AreEqual(0, run.ExitCode, run.All);
        StringAssert.Contains(run.Output, "Hello, World!");
    }
}
