using Microsoft.Build.Execution;

namespace Diamol.Build.Tests.Targets;

/// <summary>
/// What a publish writes into the output folder is recorded as FileWrites (obj/**/*.FileListAbsolute.txt): a build
/// after the publish keeps every file of ours, whatever DiamolEnabled says, and Clean removes them, the user's file beside
/// them staying.
/// </summary>
[TestClass]
public sealed class FileWritesTests
{
    private static readonly Dictionary<string, string> NoImage = new()
    {
        ["Configuration"] = "Release",
        ["DiamolBuildImage"] = "false",
        ["DiamolInspectBaseImage"] = "false",
    };

    private static string[] Recorded(TestProject project) =>
        Directory.EnumerateFiles(Path.Combine(project.Directory, "obj"), "*.FileListAbsolute.txt", SearchOption.AllDirectories).SelectMany(File.ReadAllLines).ToArray();

    private static string[] FilesIn(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();

    [TestMethod]
    public void A_publish_records_its_files_a_build_keeps_them_and_clean_removes_them()
    {
        using var project = new TestProject();
        Assert.AreEqual(BuildResultCode.Success, project.Build(["Restore"], NoImage).Result.OverallResult);
        var (publish, publishLog) = project.Build(["Publish"], NoImage);
        Assert.AreEqual(BuildResultCode.Success, publish.OverallResult, publishLog.Text);
        string folder = Path.Combine(project.Directory, "bin", "Release", "net10.0", "container");
        string[] ours = FilesIn(folder);
        CollectionAssert.Contains(ours, Path.Combine(folder, "layers", "app", "Sample.dll"));
        CollectionAssert.Contains(ours, Path.Combine(folder, ".diamol", "manifest.json"));
        CollectionAssert.IsSubsetOf(ours, Recorded(project), "the publish recorded its own writes");
        string users = Path.Combine(folder, "notes.txt");
        File.WriteAllText(users, "mine");

        foreach (var properties in new[] { NoImage, new Dictionary<string, string>(NoImage) { ["DiamolEnabled"] = "false" } })
        {
            var (build, log) = project.Build(["Build"], properties);
            Assert.AreEqual(BuildResultCode.Success, build.OverallResult, log.Text);
            CollectionAssert.AreEqual(ours.Append(users).Order(StringComparer.Ordinal).ToArray(), FilesIn(folder), "a build removed files of ours as orphans");
            CollectionAssert.IsSubsetOf(ours, Recorded(project), "the build recorded them again");
            CollectionAssert.DoesNotContain(Recorded(project), users, "the user's file is not ours");
        }

        var (clean, cleanLog) = project.Build(["Clean"], NoImage);
        Assert.AreEqual(BuildResultCode.Success, clean.OverallResult, cleanLog.Text);
        CollectionAssert.AreEqual(new[] { users }, FilesIn(folder), cleanLog.Text);
        Assert.AreEqual("mine", File.ReadAllText(users));
        CollectionAssert.AreEqual(new[] { "notes.txt" }, Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName).ToArray(), "folders of ours stayed");
    }

    [TestMethod]
    public void A_build_of_a_project_that_never_published_lists_nothing()
    {
        using var project = new TestProject();
        Assert.AreEqual(BuildResultCode.Success, project.Build(["Restore"], NoImage).Result.OverallResult);
        var (build, log) = project.Build(["Build"], NoImage);
        Assert.AreEqual(BuildResultCode.Success, build.OverallResult, log.Text);
        Assert.IsFalse(Directory.Exists(Path.Combine(project.Directory, "bin", "Release", "net10.0", "container")));
        Assert.IsFalse(Recorded(project).Any(line => line.Contains("container", StringComparison.Ordinal)), string.Join("\n", Recorded(project)));
        Assert.IsFalse(log.Text.Contains("DiamolOutputFiles", StringComparison.Ordinal), "the task ran for a folder that does not exist");
    }
}
