namespace Diamol.Build.EndToEndTests;

/// <summary>
/// What a publish writes into the output folder is recorded as FileWrites (obj/**/*.FileListAbsolute.txt), the way
/// MSBuild engineers expect: a `dotnet build` after a publish keeps every file of ours (its IncrementalClean would
/// delete a recorded file it does not list again), so the next publish still reuses the context; `dotnet clean`
/// removes them through MSBuild's own Clean and then ours (the folders), a user's file beside them staying.
/// </summary>
[TestClass]
public sealed class FileWritesTests
{
    // Nothing listens there: the OCI writer needs no engine.
    private static readonly Dictionary<string, string?> NoEngine = new() { ["DOCKER_HOST"] = "unix:///nonexistent/docker.sock" };

    private static string[] FilesIn(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();

    private static HashSet<string> Recorded(ConsumerProject project) =>
        Directory.EnumerateFiles(Path.Combine(project.Directory, "obj"), "*.FileListAbsolute.txt", SearchOption.AllDirectories)
            .SelectMany(File.ReadAllLines).ToHashSet(StringComparer.Ordinal);

    [TestMethod]
    public void A_build_after_a_publish_keeps_our_recorded_files_and_clean_removes_them_through_msbuild()
    {
        var project = ConsumerProject.FromSample("WebPing");
        string repository = "diamol-filewrites/" + Guid.NewGuid().ToString("N")[..8];
        string archive = Path.Combine(TestEnvironment.WorkRoot, repository.Replace('/', '-') + ".tar.gz");
        string[] properties = [$"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={repository}", "DiamolBuilder=oci",
            $"ContainerArchiveOutputPath={archive}"];
        project.PublishWith(NoEngine, properties).EnsureSuccess("publish");
        string folder = project.ContainerFolder;
        string[] ours = FilesIn(folder);
        foreach (string name in new[] { "Dockerfile", "image.json", "image-history.json", ".diamol/manifest.json", "layers/app/WebPing.dll" })
        {
            CollectionAssert.Contains(ours, Path.Combine(folder, name), name);
        }

        CollectionAssert.IsSubsetOf(ours, Recorded(project).ToArray(), "the publish recorded its writes");
        string users = Path.Combine(folder, "notes.txt");
        File.WriteAllText(users, "mine");

        var build = project.Build().EnsureSuccess("dotnet build after the publish");
        CollectionAssert.AreEqual(ours.Append(users).Order(StringComparer.Ordinal).ToArray(), FilesIn(folder), "the build removed files of ours: " + build.Output);
        CollectionAssert.IsSubsetOf(ours, Recorded(project).ToArray(), "the build listed them again");
        Assert.IsFalse(Recorded(project).Contains(users), "the user's file is recorded as ours");

        var again = project.PublishWith(NoEngine, [.. properties, "-v:n"]).EnsureSuccess("unchanged republish");
        StringAssert.Contains(again.Output, "staged: 0 files linked or copied, 0 removed", "the republish did not reuse the context");
        StringAssert.Contains(again.Output, "Dockerfile (unchanged)");

        var clean = project.Clean("-v:n").EnsureSuccess("dotnet clean");
        // MSBuild's Clean deletes what the record lists (its Delete task names each file); ours removes the folders.
        StringAssert.Contains(clean.Output, $"Deleting file \"{Path.Combine(folder, "layers", "app", "WebPing.dll")}\"", clean.Output);
        CollectionAssert.AreEqual(new[] { users }, FilesIn(folder), clean.Output);
        CollectionAssert.AreEqual(new[] { "notes.txt" }, Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName).ToArray(), "folders of ours stayed");
        Assert.AreEqual("mine", File.ReadAllText(users));
        Assert.IsFalse(Recorded(project).Any(line => line.StartsWith(folder, StringComparison.Ordinal) && line != users), "the record still lists files of ours");
    }

    /// <summary>
    /// Two platforms, the outer build with one of their RIDs (linux-x64) of its own, so it shares that platform's
    /// OutDir and record: a `dotnet build` keeps both platforms' folders, each recorded in its platform build's record,
    /// and `dotnet clean` removes both. (The index's own folder holds only its image.json, no mark of ours, so the clean
    /// leaves it, as before.)
    /// </summary>
    [TestMethod]
    public void A_build_after_a_multi_platform_publish_keeps_each_platforms_files_and_clean_removes_them()
    {
        var project = MultiPlatformRecordsTests.TwoPlatforms("linux-x64;linux-arm64");
        string repository = "diamol-filewrites/multi-" + Guid.NewGuid().ToString("N")[..8];
        string[] properties = [$"ContainerBaseImage={TestEnvironment.BaseRuntimeDeps}-multi", "ContainerRegistry=127.0.0.1:5000", $"ContainerRepository={repository}"];
        project.PublishWith(NoEngine, properties).EnsureSuccess("two-platform publish");
        var folders = new[] { "linux-x64", "linux-arm64" }.Select(rid => MultiPlatformRecordsTests.PlatformFolder(project, rid)).ToArray();
        var before = folders.ToDictionary(f => f, FilesIn);
        foreach (var (folder, files) in before)
        {
            CollectionAssert.Contains(files, Path.Combine(folder, ".diamol", "manifest.json"), folder);
            CollectionAssert.IsSubsetOf(files, Recorded(project).ToArray(), folder + ": its platform build recorded it");
        }

        var build = project.Build().EnsureSuccess("dotnet build after the publish");
        foreach (var (folder, files) in before)
        {
            CollectionAssert.AreEqual(files, FilesIn(folder), $"{folder}: the build removed files of ours: {build.Output}");
        }

        var clean = project.Clean("-v:n").EnsureSuccess("dotnet clean");
        foreach (string folder in folders)
        {
            Assert.IsFalse(Directory.Exists(folder), $"dotnet clean left {folder}: {clean.Output}");
        }
    }
}
