namespace Diamol.Build.EndToEndTests;

/// <summary>
/// The output folder (container/) after what happens to folders: half deleted by a person, cleaned by `dotnet clean`,
/// on a disk that fills up. A publish repairs what is ours, clean removes it, a full disk is named and leaves no
/// Dockerfile that would build a half-staged context.
/// </summary>
[TestClass]
public sealed class OutputFolderTests
{
    private static readonly Dictionary<string, string?> NoEngine = new() { ["DOCKER_HOST"] = "unix:///nonexistent/docker.sock" };

    [TestMethod]
    public void A_publish_after_deleting_the_records_folder_rebuilds_it_and_clean_removes_the_output_folder()
    {
        var project = ConsumerProject.FromSample("WebPing");
        string repository = "diamol-folder/" + Guid.NewGuid().ToString("N")[..8];
        string[] properties = [$"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={repository}"];
        try
        {
            project.Publish(properties).EnsureSuccess("first publish");
            Directory.Delete(Path.Combine(project.ContainerFolder, ".diamol"), recursive: true);
            File.Delete(Path.Combine(project.ContainerFolder, "image.json"));

            var again = project.Publish(properties);
            Assert.AreEqual(0, again.ExitCode, "a half-deleted output folder blocked the publish: " + again.Output);
            Assert.IsTrue(File.Exists(Path.Combine(project.ContainerFolder, ".diamol", "build.json")));
            Assert.IsTrue(File.Exists(Path.Combine(project.ContainerFolder, "image.json")));
            Assert.AreEqual(0, Directory.EnumerateFiles(project.ContainerFolder, "*.tmp", SearchOption.AllDirectories).Count(), "temporary files were left");

            project.Clean().EnsureSuccess("dotnet clean");
            Assert.IsFalse(Directory.Exists(project.ContainerFolder), "dotnet clean left the output folder");
            Assert.IsTrue(ImageInspection.Inspect(repository + ":latest").ValueKind != System.Text.Json.JsonValueKind.Undefined, "clean must not touch images");
        }
        finally
        {
            ImageInspection.RemoveImages(repository + ":latest");
        }
    }

    [TestMethod]
    public void A_full_disk_while_staging_is_named_and_leaves_no_Dockerfile()
    {
        var project = ConsumerProject.FromSample("WebPing");
        string mount = Path.Combine(TestEnvironment.WorkRoot, "full-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(mount);
        // Big enough for the folders and small files, too small for the app's files: staging runs out of space.
        ProcessRunner.Run("mount", ["-t", "tmpfs", "-o", "size=96k", "tmpfs", mount]).EnsureSuccess("mounting a small tmpfs (the tests run as root)");
        try
        {
            var result = project.Publish($"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"DiamolOutputPath={mount}/", "DiamolBuildImage=false");
            Assert.AreNotEqual(0, result.ExitCode, result.All);
            StringAssert.Contains(result.Output, "error DIAM2002", result.Output);
            StringAssert.Contains(result.Output, "the disk is full");
            StringAssert.Contains(result.Output, mount);
            Assert.IsFalse(result.Output.Contains("DIAM9001", StringComparison.Ordinal), result.Output);
            Assert.IsFalse(File.Exists(Path.Combine(mount, "Dockerfile")), "a Dockerfile was left over a half-staged context");
            Assert.AreEqual(0, Directory.EnumerateFiles(mount, "*.tmp", SearchOption.AllDirectories).Count(), "temporary files were left");
        }
        finally
        {
            ProcessRunner.Run("umount", [mount]);
        }
    }

    [TestMethod]
    public void Clean_after_a_publish_into_a_folder_with_the_users_files_leaves_those_files()
    {
        var project = ConsumerProject.FromSample("WebPing");
        string deploy = Path.Combine(project.Directory, "deploy");
        Directory.CreateDirectory(deploy);
        const string compose = "services:\n  webping:\n    image: webping\n";
        File.WriteAllText(Path.Combine(deploy, "docker-compose.yml"), compose);
        string repository = "diamol-clean/" + Guid.NewGuid().ToString("N")[..8];
        string archive = Path.Combine(TestEnvironment.WorkRoot, repository.Replace('/', '-') + ".tar.gz");
        string[] properties = [$"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={repository}", "DiamolBuilder=oci",
            $"ContainerArchiveOutputPath={archive}", $"DiamolOutputPath={deploy}/"];

        project.PublishWith(NoEngine, properties).EnsureSuccess("publish into deploy/");
        Assert.IsTrue(File.Exists(Path.Combine(deploy, "Dockerfile")) && File.Exists(Path.Combine(deploy, "image-history.json")), "the publish wrote into deploy/");

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var clean = project.Clean($"DiamolOutputPath={deploy}/", "-v:n").EnsureSuccess("dotnet clean");
        Assert.IsTrue(clock.Elapsed < TimeSpan.FromMinutes(2), $"the clean took {clock.Elapsed}");
        Assert.AreEqual(compose, File.ReadAllText(Path.Combine(deploy, "docker-compose.yml")), "dotnet clean touched the user's file");
        CollectionAssert.AreEqual(new[] { "docker-compose.yml" }, Directory.EnumerateFileSystemEntries(deploy).Select(Path.GetFileName).ToArray(),
            "dotnet clean left files of ours, or removed others: " + clean.Output);
        StringAssert.Contains(clean.Output, "kept what no record of ours names: docker-compose.yml");
        Assert.IsFalse(clean.Output.Contains("Removed the image build folder", StringComparison.Ordinal), clean.Output);
        Assert.IsTrue(File.Exists(Path.Combine(project.Directory, "WebPing.csproj")) && File.Exists(Path.Combine(project.Directory, "Program.cs")));
    }

    [TestMethod]
    public void The_project_folder_as_output_folder_is_refused_and_clean_never_removes_the_project()
    {
        var project = ConsumerProject.FromSample("WebPing");
        string csproj = Path.Combine(project.Directory, "WebPing.csproj");
        // In the project file, as a user writes it (a command-line property is not expanded).
        project.AddToProject(
            "  <PropertyGroup>\n    <DiamolOutputPath>$(MSBuildProjectDirectory)/</DiamolOutputPath>\n  </PropertyGroup>\n");
        var before = Directory.EnumerateFiles(project.Directory).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();

        var publish = project.PublishWith(NoEngine, $"ContainerBaseImage={TestEnvironment.BaseRuntime}", "ContainerRepository=diamol-clean/refused", "DiamolBuilder=oci",
            $"ContainerArchiveOutputPath={Path.Combine(TestEnvironment.WorkRoot, "refused.tar.gz")}");
        Assert.AreNotEqual(0, publish.ExitCode, publish.All);
        StringAssert.Contains(publish.Output, "error DIAM1020");
        StringAssert.Contains(publish.Output, "the project folder");
        StringAssert.Contains(publish.Output, "WebPing.csproj", "the error points at the project");
        foreach (string ours in new[] { "Dockerfile", ".dockerignore", ".diamol", "layers", "image.json" })
        {
            Assert.IsFalse(Path.Exists(Path.Combine(project.Directory, ours)), ours + " was written before the refusal");
        }

        // What an older Diamol.Build left there (it accepted this folder): the clean removes it and nothing else.
        Directory.CreateDirectory(Path.Combine(project.Directory, ".diamol"));
        File.WriteAllText(Path.Combine(project.Directory, "Dockerfile"), "# Generated by Diamol.Build 0.1.0\nFROM x\n");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        project.Clean().EnsureSuccess("dotnet clean");
        Assert.IsTrue(clock.Elapsed < TimeSpan.FromMinutes(2), $"the clean took {clock.Elapsed}");
        Assert.IsFalse(Path.Exists(Path.Combine(project.Directory, "Dockerfile")));
        Assert.IsFalse(Path.Exists(Path.Combine(project.Directory, ".diamol")));
        CollectionAssert.AreEqual(before, Directory.EnumerateFiles(project.Directory).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray(),
            "dotnet clean removed files of the project");
    }

    /// <summary>
    /// Two users of one machine (a shared build server): root publishes, then another Unix user publishes a copy of the
    /// project in a folder of their own, with their own HOME. Nothing either needs may be a folder the other made.
    /// The second user cannot reach the engine's socket, so both push to the registry, which needs none.
    /// </summary>
    [TestMethod]
    public void A_second_Unix_user_publishes_after_root_on_the_same_machine()
    {
        const string user = "diamol-e2e";
        if (ProcessRunner.Run("id", ["-u", user]).ExitCode != 0)
        {
            ProcessRunner.Run("useradd", ["--no-create-home", "--shell", "/usr/sbin/nologin", "--user-group", user]).EnsureSuccess("useradd (the tests run as root)");
        }

        int uid = int.Parse(ProcessRunner.Run("id", ["-u", user]).EnsureSuccess("id -u").Output.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        int gid = int.Parse(ProcessRunner.Run("id", ["-g", user]).EnsureSuccess("id -g").Output.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        string repository = "diamol-users/" + Guid.NewGuid().ToString("N")[..8];
        string[] properties = [$"ContainerBaseImage={TestEnvironment.BaseRuntime}", "ContainerRegistry=localhost:5000", "DiamolBuilder=oci"];

        var asRoot = ConsumerProject.FromSample("WebPing");
        asRoot.PublishWith(NoEngine, [.. properties, $"ContainerRepository={repository}-root"]).EnsureSuccess("publish as root");

        var asUser = ConsumerProject.FromSample("WebPing");
        string root = Path.GetDirectoryName(asUser.Directory)!;
        string home = Path.Combine(root, "home");
        Directory.CreateDirectory(home);
        ProcessRunner.Run("chown", ["-R", $"{uid}:{gid}", root]).EnsureSuccess("chown");
        ProcessRunner.Run("chmod", ["-R", "a+rX", TestEnvironment.Feed]).EnsureSuccess("chmod feed");
        asUser.UserId = uid;
        asUser.GroupId = gid;
        // The user's own HOME (its NuGet folder, its blob cache); the temp folder is the machine's, as on a build server.
        var environment = new Dictionary<string, string?>(NoEngine)
        {
            ["HOME"] = home,
            ["DOTNET_CLI_HOME"] = home,
            ["NUGET_PACKAGES"] = Path.Combine(home, ".nuget", "packages"),
            ["USER"] = user,
        };
        var publish = asUser.PublishWith(environment, [.. properties, $"ContainerRepository={repository}-user"]);
        publish.EnsureSuccess($"publish as {user} after root");
        Assert.IsFalse(publish.All.Contains("DIAM9001", StringComparison.Ordinal), publish.All);

        var manifest = RegistryInspection.Manifest(repository + "-user", "latest");
        Assert.IsTrue(manifest.GetProperty("layers").GetArrayLength() > 0, "the registry holds the second user's image");
        Assert.IsTrue(File.Exists(Path.Combine(asUser.ContainerFolder, ".diamol", "lock")), "the lock is the output folder's own");
    }
}
