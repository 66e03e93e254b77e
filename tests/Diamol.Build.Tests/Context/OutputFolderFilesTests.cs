using Diamol.Build.Context;
using Diamol.Build.Diagnostics;
using Diamol.Build.Dockerfile;
using Diamol.Build.Layers;

namespace Diamol.Build.Tests.Context;

[TestClass]
public sealed class OutputFolderFilesTests : TempFolderTest
{
    private string Published(string name, string content)
    {
        string path = Path.Combine(Root, "publish", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    // What a publish leaves: the staged context, its manifest, the history artifacts, a blob and the folder's lock.
    private void Publish(string folder)
    {
        var plan = LayerPlanner.Plan([new PublishedFile(Published("App.dll", "app"), "App.dll"), new PublishedFile(Published("sub/N.dll", "n"), "sub/N.dll", "N", "1.0.0")]);
        ContextStager.Stage(new OutputFolder(folder), new DockerfileDocument(ContextStager.GeneratedHeader + "\nFROM x\n", [], new Dictionary<string, string>()), plan);
        new ContextManifest("App", "x", "app", ["latest"], new Dictionary<string, string>(), [], plan.Layers).Save(new OutputFolder(folder));
        foreach (string name in new[] { "image.json", "image-history.json", "image-history.md", "image-history.html" }) File.WriteAllText(Path.Combine(folder, name), "{}");
        Directory.CreateDirectory(Path.Combine(folder, ".diamol", "blobs"));
        File.WriteAllText(Path.Combine(folder, ".diamol", "blobs", "layer.tar.gz"), "blob");
        using (OutputFolderLock.Acquire(folder, TimeSpan.Zero, _ => { }, CancellationToken.None)) { }
    }

    [TestMethod]
    public void Clean_removes_everything_a_publish_wrote_and_then_the_empty_folder()
    {
        string folder = Path.Combine(Root, "container");
        Publish(folder);
        var cleaning = OutputFolderFiles.Clean(folder, Path.Combine(Root, "project"));
        Assert.IsTrue(cleaning.FolderRemoved, string.Join(", ", cleaning.Left));
        Assert.IsFalse(Directory.Exists(folder));
    }

    [TestMethod]
    public void The_files_of_ours_are_exactly_what_clean_removes()
    {
        string folder = Path.Combine(Root, "deploy");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "docker-compose.yml"), "services: {}\n");
        Publish(folder);
        File.WriteAllText(Path.Combine(folder, "layers", "app", "added-by-hand.txt"), "mine");
        File.WriteAllText(Path.Combine(folder, "image.json.tmp"), "half written");
        var before = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).ToHashSet(StringComparer.Ordinal);

        var ours = OutputFolderFiles.Ours(new OutputFolder(folder));

        CollectionAssert.AllItemsAreUnique(ours.ToArray());
        foreach (string name in new[] { "Dockerfile", ".dockerignore", "image.json", "image.json.tmp", "image-history.html", "layers/app/App.dll", "layers/packages/sub/N.dll",
            ".diamol/manifest.json", ".diamol/blobs/layer.tar.gz" })
        {
            CollectionAssert.Contains(ours.ToArray(), Path.Combine(folder, name), name);
        }

        CollectionAssert.DoesNotContain(ours.ToArray(), Path.Combine(folder, "docker-compose.yml"));
        CollectionAssert.DoesNotContain(ours.ToArray(), Path.Combine(folder, "layers", "app", "added-by-hand.txt"));
        OutputFolderFiles.Clean(folder, null);
        var removed = before.Where(path => !File.Exists(path)).Order(StringComparer.Ordinal).ToArray();
        CollectionAssert.AreEqual(ours.Order(StringComparer.Ordinal).ToArray(), removed, "the list and the clean disagree");
    }

    [TestMethod]
    public void No_files_of_ours_in_a_missing_folder_or_one_without_our_marks()
    {
        Assert.AreEqual(0, OutputFolderFiles.Ours(new OutputFolder(Path.Combine(Root, "missing"))).Count);
        string folder = Path.Combine(Root, "theirs");
        Directory.CreateDirectory(Path.Combine(folder, "layers", "x"));
        File.WriteAllText(Path.Combine(folder, "layers", "x", "a.txt"), "theirs");
        File.WriteAllText(Path.Combine(folder, "Dockerfile"), "FROM theirs\n");
        Assert.AreEqual(0, OutputFolderFiles.Ours(new OutputFolder(folder)).Count);
    }

    [TestMethod]
    public void A_hand_written_Dockerfile_beside_our_records_is_not_ours()
    {
        string folder = Path.Combine(Root, "container");
        Publish(folder);
        File.WriteAllText(Path.Combine(folder, "Dockerfile"), "FROM mine\n");
        CollectionAssert.DoesNotContain(OutputFolderFiles.Ours(new OutputFolder(folder)).ToArray(), Path.Combine(folder, "Dockerfile"));
    }

    [TestMethod]
    public void Clean_leaves_the_users_files_and_the_folders_that_hold_them()
    {
        string folder = Path.Combine(Root, "deploy");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "docker-compose.yml"), "services: {}\n");
        Publish(folder);
        // Written after the publish, beside ours and inside our layers/ folder: not in our record, so not ours.
        Directory.CreateDirectory(Path.Combine(folder, "notes"));
        File.WriteAllText(Path.Combine(folder, "notes", "todo.txt"), "mine");
        File.WriteAllText(Path.Combine(folder, "layers", "app", "added-by-hand.txt"), "mine too");

        var cleaning = OutputFolderFiles.Clean(folder, Path.Combine(Root, "project"));

        Assert.IsFalse(cleaning.FolderRemoved);
        Assert.AreEqual("services: {}\n", File.ReadAllText(Path.Combine(folder, "docker-compose.yml")));
        Assert.AreEqual("mine", File.ReadAllText(Path.Combine(folder, "notes", "todo.txt")));
        Assert.AreEqual("mine too", File.ReadAllText(Path.Combine(folder, "layers", "app", "added-by-hand.txt")));
        Assert.IsFalse(File.Exists(Path.Combine(folder, "layers", "app", "App.dll")), "a staged file stayed");
        Assert.IsFalse(Directory.Exists(Path.Combine(folder, "layers", "packages")), "an emptied folder of ours stayed");
        foreach (string name in new[] { "Dockerfile", ".dockerignore", "image.json", "image-history.json", "image-history.md", "image-history.html", ".diamol" })
        {
            Assert.IsFalse(Path.Exists(Path.Combine(folder, name)), name + " stayed");
        }

        CollectionAssert.IsSubsetOf(new[] { "docker-compose.yml", "layers", "notes" }, cleaning.Left.ToArray());
    }

    [TestMethod]
    public void Clean_in_the_project_folder_removes_only_ours_and_never_the_folder()
    {
        string project = Path.Combine(Root, "project");
        Directory.CreateDirectory(project);
        Publish(project);
        // Emptied of everything else, the folder still is the project's: it stays.
        OutputFolderFiles.Clean(project, project);
        Assert.IsTrue(Directory.Exists(project));
        Assert.IsFalse(Directory.EnumerateFileSystemEntries(project).Any());

        File.WriteAllText(Path.Combine(project, "App.csproj"), "<Project />");
        File.WriteAllText(Path.Combine(project, "Program.cs"), "// code");
        Publish(project);
        OutputFolderFiles.Clean(project, project);
        CollectionAssert.AreEquivalent(new[] { "App.csproj", "Program.cs" }, Directory.EnumerateFileSystemEntries(project).Select(Path.GetFileName).ToArray());
    }

    [TestMethod]
    public void Clean_of_a_folder_without_our_marks_touches_nothing()
    {
        string folder = Path.Combine(Root, "theirs");
        Directory.CreateDirectory(Path.Combine(folder, "layers", "x"));
        File.WriteAllText(Path.Combine(folder, "image.json"), "theirs");
        File.WriteAllText(Path.Combine(folder, "Dockerfile"), "FROM theirs\n");
        var cleaning = OutputFolderFiles.Clean(folder, null);
        Assert.AreEqual(0, cleaning.Removed);
        Assert.AreEqual("theirs", File.ReadAllText(Path.Combine(folder, "image.json")));
        Assert.AreEqual("FROM theirs\n", File.ReadAllText(Path.Combine(folder, "Dockerfile")));
        Assert.IsTrue(Directory.Exists(Path.Combine(folder, "layers", "x")));
    }

    [TestMethod]
    public void Clean_without_the_manifest_leaves_layers_it_cannot_name()
    {
        string folder = Path.Combine(Root, "container");
        Publish(folder);
        File.Delete(new OutputFolder(folder).Manifest);
        OutputFolderFiles.Clean(folder, null);
        Assert.AreEqual("app", File.ReadAllText(Path.Combine(folder, "layers", "app", "App.dll")));
        Assert.IsFalse(File.Exists(Path.Combine(folder, "Dockerfile")));
    }

    [TestMethod]
    public void A_hand_edited_manifest_cannot_send_the_clean_out_of_layers()
    {
        string folder = Path.Combine(Root, "container");
        Publish(folder);
        string outside = Path.Combine(Root, "outside.txt");
        File.WriteAllText(outside, "mine");
        new ContextManifest("App", "x", "app", ["latest"], new Dictionary<string, string>(), [],
            [new Layer(LayerKind.App, "app", [new LayerFile("/nowhere", "../../outside.txt", 1)])]).Save(new OutputFolder(folder));
        OutputFolderFiles.Clean(folder, null);
        Assert.AreEqual("mine", File.ReadAllText(outside));
    }

    [TestMethod]
    [DataRow("image.json")]
    [DataRow("image-history.html")]
    [DataRow(".dockerignore")]
    public void A_file_of_one_of_our_names_in_a_folder_not_ours_is_refused(string name)
    {
        string folder = Path.Combine(Root, "deploy");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, name), "theirs");
        var e = Assert.ThrowsExactly<DiamolException>(() => OutputFolderFiles.RefuseForeignFiles(new OutputFolder(folder)));
        Assert.AreEqual(DiagnosticCode.DIAM2012, e.Code);
        StringAssert.Contains(e.Message, name);
        Assert.AreEqual("theirs", File.ReadAllText(Path.Combine(folder, name)));
    }

    [TestMethod]
    public void Files_of_other_names_and_our_own_earlier_publish_are_fine()
    {
        string folder = Path.Combine(Root, "deploy");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "docker-compose.yml"), "services: {}\n");
        OutputFolderFiles.RefuseForeignFiles(new OutputFolder(folder));
        Publish(folder);
        OutputFolderFiles.RefuseForeignFiles(new OutputFolder(folder));
    }

    [TestMethod]
    public void What_of_ours_cannot_be_removed_is_named_and_the_rest_goes()
    {
        string folder = Path.Combine(Root, "container");
        Publish(folder);
        // A file system mounted inside .diamol/ makes its removal fail (EBUSY), also for root (the tests run as root).
        string mount = Path.Combine(folder, ".diamol", "blobs");
        Run("mount", "-t", "tmpfs", "tmpfs", mount);
        try
        {
            var cleaning = OutputFolderFiles.Clean(folder, null);
            Assert.AreEqual(1, cleaning.NotRemoved.Count, string.Join(", ", cleaning.NotRemoved));
            StringAssert.StartsWith(cleaning.NotRemoved[0], ".diamol (");
            Assert.AreEqual(0, cleaning.Left.Count, "what could not be removed is ours, not left as someone else's: " + string.Join(", ", cleaning.Left));
            Assert.IsFalse(File.Exists(Path.Combine(folder, "Dockerfile")));
            Assert.IsFalse(Directory.Exists(Path.Combine(folder, "layers")));
        }
        finally
        {
            Run("umount", mount);
        }
    }

    private static void Run(string command, params string[] arguments)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(command, arguments) { RedirectStandardError = true })!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.AreEqual(0, process.ExitCode, $"{command} failed (the unit tests run as root, as in CI): {error}");
    }
}
