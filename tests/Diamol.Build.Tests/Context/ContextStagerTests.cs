using Diamol.Build.Context;
using Diamol.Build.Dockerfile;
using Diamol.Build.Layers;

namespace Diamol.Build.Tests.Context;

[TestClass]
public sealed class ContextStagerTests : TempFolderTest
{
    private string Published(string name, string content)
    {
        string path = Path.Combine(Root, "publish", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    private static DockerfileDocument Document(string text) => new(ContextStager.GeneratedHeader + "\n" + text, [], new Dictionary<string, string>());

    [TestMethod]
    public void Stages_each_layer_and_the_dockerfile()
    {
        string context = Path.Combine(Root, "context");
        var plan = LayerPlanner.Plan([new PublishedFile(Published("App.dll", "app"), "App.dll"), new PublishedFile(Published("sub/N.dll", "n"), "sub/N.dll", "N", "1.0.0")]);
        var result = ContextStager.Stage(new OutputFolder(context), Document("FROM x\n"), plan);

        Assert.IsTrue(result.DockerfileChanged);
        Assert.AreEqual(ContextStager.GeneratedHeader + "\nFROM x\n", File.ReadAllText(Path.Combine(context, "Dockerfile")));
        Assert.AreEqual("app", File.ReadAllText(Path.Combine(context, "layers", "app", "App.dll")));
        Assert.AreEqual("n", File.ReadAllText(Path.Combine(context, "layers", "packages", "sub", "N.dll")));
        StringAssert.Contains(File.ReadAllText(Path.Combine(context, ".dockerignore")), "image-history.json");
    }

    [TestMethod]
    public void Restaging_an_unchanged_project_rewrites_nothing()
    {
        string context = Path.Combine(Root, "context");
        var plan = LayerPlanner.Plan([new PublishedFile(Published("App.dll", "app"), "App.dll")]);
        ContextStager.Stage(new OutputFolder(context), Document("FROM x\n"), plan);
        var old = DateTime.UtcNow.AddHours(-1);
        File.SetLastWriteTimeUtc(Path.Combine(context, "Dockerfile"), old);

        var again = ContextStager.Stage(new OutputFolder(context), Document("FROM x\n"), plan);

        Assert.IsFalse(again.DockerfileChanged);
        Assert.AreEqual(0, again.FilesAdded);
        Assert.AreEqual(old, File.GetLastWriteTimeUtc(Path.Combine(context, "Dockerfile")));
    }

    [TestMethod]
    public void Staging_reports_the_stamp_each_staged_file_has_when_it_is_done()
    {
        string context = Path.Combine(Root, "context");
        var plan = LayerPlanner.Plan([new PublishedFile(Published("App.dll", "app"), "App.dll"), new PublishedFile(Published("sub/N.dll", "n"), "sub/N.dll", "N", "1.0.0")]);
        void AssertStamps(StagingResult result)
        {
            Assert.AreEqual(2, result.Files.Count);
            foreach (var layer in plan.Layers)
            {
                foreach (var file in layer.Files)
                {
                    var staged = new FileInfo(Path.Combine(context, layer.ContextFolder, file.RelativePath));
                    Assert.AreEqual(FileStamp.Of(staged), result.Files[FileDigests.KeyOf(layer.Name, file.RelativePath)], file.RelativePath);
                }
            }
        }

        AssertStamps(ContextStager.Stage(new OutputFolder(context), Document("FROM x\n"), plan));
        // Left in place, then replaced after an edit: either way the stamp is the staged file's.
        AssertStamps(ContextStager.Stage(new OutputFolder(context), Document("FROM x\n"), plan));
        string app = plan.Layers.SelectMany(l => l.Files).Single(f => f.RelativePath == "App.dll").SourcePath;
        File.Delete(app);
        File.WriteAllText(app, "app, edited");
        File.SetLastWriteTimeUtc(app, DateTime.UtcNow.AddMinutes(-5));
        var edited = ContextStager.Stage(new OutputFolder(context), Document("FROM x\n"), plan);
        Assert.AreEqual(1, edited.FilesAdded);
        AssertStamps(edited);
    }

    [TestMethod]
    public void Many_files_stage_in_parallel_and_a_missing_one_is_DIAM2002_with_no_dockerfile_left()
    {
        string context = Path.Combine(Root, "context");
        var files = Enumerable.Range(0, 3 * Diamol.Build.Common.ParallelFileWork.ParallelFrom)
            .Select(i => new PublishedFile(Published($"wwwroot/d{i % 7}/f{i}.js", $"file {i}"), $"wwwroot/d{i % 7}/f{i}.js", IsStaticAsset: true)).ToArray();
        var plan = LayerPlanner.Plan(files);

        var first = ContextStager.Stage(new OutputFolder(context), Document("FROM x\n"), plan);
        Assert.AreEqual(files.Length, first.FilesAdded);
        foreach (var file in files)
        {
            Assert.AreEqual(File.ReadAllText(file.SourcePath), File.ReadAllText(Path.Combine(context, "layers", "static", file.RelativePath)));
        }

        // A new file where the old one was (a staged hard link would follow an edit in place by itself).
        File.Delete(files[100].SourcePath);
        File.WriteAllText(files[100].SourcePath, "edited");
        Assert.AreEqual(1, ContextStager.Stage(new OutputFolder(context), Document("FROM x\n"), plan).FilesAdded, "only the edited file is staged again");

        File.Delete(files[200].SourcePath);
        File.WriteAllText(files[300].SourcePath, "edited too");
        var e = Assert.ThrowsExactly<Diagnostics.DiamolException>(() => ContextStager.Stage(new OutputFolder(context), Document("FROM y\n"), plan));
        Assert.AreEqual(Diagnostics.DiagnosticCode.DIAM2002, e.Code);
        Assert.IsFalse(File.Exists(Path.Combine(context, "Dockerfile")), "a half-staged context must not keep a Dockerfile");
    }

    [TestMethod]
    public void Files_no_longer_published_leave_the_context()
    {
        string context = Path.Combine(Root, "context");
        ContextStager.Stage(new OutputFolder(context), Document("FROM x\n"), LayerPlanner.Plan(
            [new PublishedFile(Published("a.dll", "a"), "a.dll"), new PublishedFile(Published("old/b.dll", "b"), "old/b.dll")]));
        var result = ContextStager.Stage(new OutputFolder(context), Document("FROM x\n"), LayerPlanner.Plan([new PublishedFile(Published("a.dll", "a2"), "a.dll")]));

        Assert.AreEqual(1, result.FilesRemoved);
        Assert.IsFalse(Directory.Exists(Path.Combine(context, "layers", "app", "old")));
        Assert.AreEqual("a2", File.ReadAllText(Path.Combine(context, "layers", "app", "a.dll")));
    }

    [TestMethod]
    public async Task The_tar_holds_the_dockerfile_and_layers_but_not_the_artifacts()
    {
        string context = Path.Combine(Root, "context");
        ContextStager.Stage(new OutputFolder(context), Document("FROM x\n"), LayerPlanner.Plan([new PublishedFile(Published("App.dll", "app"), "App.dll")]));
        File.WriteAllText(Path.Combine(context, "image-history.json"), "{}");

        using var stream = ContextTar.Open(context, CancellationToken.None, out var written);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        await written;
        buffer.Position = 0;
        var names = new List<string>();
        using var reader = new System.Formats.Tar.TarReader(buffer);
        while (reader.GetNextEntry() is { } entry) names.Add(entry.Name.TrimEnd('/'));
        CollectionAssert.AreEqual(new[] { "Dockerfile", "layers", "layers/app", "layers/app/App.dll" }, names);
    }

    [TestMethod]
    public async Task Tar_headers_are_the_ones_the_docker_cli_writes_and_long_names_survive()
    {
        string context = Path.Combine(Root, "context");
        string longName = string.Join("/", Enumerable.Repeat("a-rather-long-folder-name", 6)) + "/file.txt";
        ContextStager.Stage(new OutputFolder(context), Document("FROM x\n"), LayerPlanner.Plan([new PublishedFile(Published("deep.txt", "deep"), longName)]));

        using var buffer = new MemoryStream();
        await ContextTar.WriteAsync(context, buffer, CancellationToken.None);
        byte[] bytes = buffer.ToArray();
        Assert.AreEqual(0, bytes.Length % 512);

        // As the docker CLI writes them: permissions without file-type bits, no owner names.
        buffer.Position = 0;
        using (var headers = new System.Formats.Tar.TarReader(buffer, leaveOpen: true))
        {
            while (headers.GetNextEntry() is { } entry)
            {
                Assert.AreEqual("", entry is System.Formats.Tar.PosixTarEntry posix ? posix.UserName + posix.GroupName : "", entry.Name);
            }
        }

        int header = Enumerable.Range(0, bytes.Length / 512).Select(i => i * 512)
            .First(o => System.Text.Encoding.ASCII.GetString(bytes, o, 11) == "Dockerfile\0" && bytes[o + 156] == (byte)'0');
        Assert.AreEqual("0000644", System.Text.Encoding.ASCII.GetString(bytes, header + 100, 7), "mode without file-type bits");

        buffer.Position = 0;
        using var reader = new System.Formats.Tar.TarReader(buffer);
        var names = new List<string>();
        while (reader.GetNextEntry() is { } entry)
        {
            names.Add(entry.Name);
            if (entry.Name.EndsWith("file.txt", StringComparison.Ordinal))
            {
                Assert.AreEqual("deep", new StreamReader(entry.DataStream!).ReadToEnd());
            }
        }

        CollectionAssert.Contains(names, "layers/app/" + longName);
    }

    [TestMethod]
    [DataRow(".diamol")]
    [DataRow(".diamol", "Dockerfile")]
    [DataRow(".diamol", ".dockerignore")]
    public void A_half_deleted_folder_of_ours_is_repaired_not_refused(params string[] deleted)
    {
        string context = Path.Combine(Root, "context");
        var plan = LayerPlanner.Plan([new PublishedFile(Published("a.dll", "a"), "a.dll")]);
        ContextStager.Stage(new OutputFolder(context), Document("FROM x\n"), plan);
        foreach (string name in deleted)
        {
            string path = Path.Combine(context, name);
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true); else File.Delete(path);
        }

        File.Delete(Path.Combine(context, "layers", "app", "a.dll"));
        ContextStager.Stage(new OutputFolder(context), Document("FROM x\n"), plan);
        Assert.AreEqual("a", File.ReadAllText(Path.Combine(context, "layers", "app", "a.dll")), "the missing layer file is staged again");
        Assert.IsTrue(Directory.Exists(Path.Combine(context, ".diamol")));
    }

    [TestMethod]
    public void A_layers_folder_with_none_of_our_marks_is_still_refused()
    {
        string context = Path.Combine(Root, "theirs");
        Directory.CreateDirectory(Path.Combine(context, "layers", "x"));
        File.WriteAllText(Path.Combine(context, "layers", "x", "keep.txt"), "keep");
        var e = Assert.ThrowsExactly<Diagnostics.DiamolException>(() =>
            ContextStager.Stage(new OutputFolder(context), Document("FROM x\n"), LayerPlanner.Plan([new PublishedFile(Published("a.dll", "a"), "a.dll")])));
        Assert.AreEqual(Diagnostics.DiagnosticCode.DIAM2012, e.Code);
        Assert.AreEqual("keep", File.ReadAllText(Path.Combine(context, "layers", "x", "keep.txt")));
    }

    [TestMethod]
    public void A_record_written_into_a_folder_removed_meanwhile_recreates_it()
    {
        string path = Path.Combine(Root, "gone", ".diamol", "build.json");
        Assert.IsTrue(Diamol.Build.Common.AtomicFile.WriteIfChanged(path, "{}"));
        Assert.AreEqual("{}", File.ReadAllText(path));
    }

    [TestMethod]
    public void A_full_disk_is_named_and_leaves_no_temporary_file()
    {
        // The temporary file is a link to /dev/full, where every write fails with ENOSPC, as on a full disk.
        string path = Path.Combine(Root, "build.json");
        File.WriteAllText(path, "old");
        File.CreateSymbolicLink(path + ".tmp", "/dev/full");
        var e = Assert.ThrowsExactly<Diagnostics.DiamolException>(() => Diamol.Build.Common.AtomicFile.WriteIfChanged(path, "new"));
        Assert.AreEqual(Diagnostics.DiagnosticCode.DIAM2008, e.Code);
        StringAssert.Contains(e.Message, "the disk is full");
        StringAssert.Contains(e.Message, path);
        Assert.AreEqual("old", File.ReadAllText(path), "the old file is kept whole");
        Assert.IsFalse(File.Exists(path + ".tmp") || new FileInfo(path + ".tmp").LinkTarget is not null, "the temporary file was left behind");
    }

    [TestMethod]
    public void A_folder_with_a_hand_written_dockerfile_is_left_alone()
    {
        string context = Path.Combine(Root, "mine");
        Directory.CreateDirectory(context);
        File.WriteAllText(Path.Combine(context, "Dockerfile"), "FROM mine\n");
        var e = Assert.ThrowsExactly<Diagnostics.DiamolException>(() =>
            ContextStager.Stage(new OutputFolder(context), Document("FROM x\n"), LayerPlanner.Plan([new PublishedFile(Published("a.dll", "a"), "a.dll")])));
        Assert.AreEqual(Diagnostics.DiagnosticCode.DIAM2012, e.Code);
        StringAssert.Contains(e.Message, "DiamolOutputPath");
        Assert.AreEqual("FROM mine\n", File.ReadAllText(Path.Combine(context, "Dockerfile")));
        Assert.IsFalse(Directory.Exists(Path.Combine(context, "layers")));
    }

    [TestMethod]
    public void A_file_that_cannot_be_read_fails_the_archive_instead_of_ending_it()
    {
        string context = Path.Combine(Root, "context");
        ContextStager.Stage(new OutputFolder(context), Document("FROM x\n"), LayerPlanner.Plan([new PublishedFile(Published("App.dll", "app"), "App.dll")]));
        // A link to nothing under layers/: reading it fails half-way through the archive.
        File.CreateSymbolicLink(Path.Combine(context, "layers", "app", "gone.dll"), Path.Combine(Root, "no-such-file"));

        using var stream = ContextTar.Open(context, CancellationToken.None, out var written);
        Assert.Throws<Exception>(() => stream.CopyTo(Stream.Null), "the reader must fail, not see a complete archive");
        Assert.IsTrue(SpinWait.SpinUntil(() => written.IsCompleted, TimeSpan.FromSeconds(10)));
        Assert.IsTrue(written.IsFaulted);
    }

    [TestMethod]
    public void Files_the_image_user_could_not_read_are_staged_as_copies_with_the_image_mode_and_the_publish_folder_is_untouched()
    {
        if (OperatingSystem.IsWindows()) return;
        string secret = Published("appsettings.json", "{}");
        string readable = Published("App.dll", "app");
        string nested = Published("wwwroot/css/site.css", "body{}");
        File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.SetUnixFileMode(readable, ImageFileModes.RegularFile);
        string context = Path.Combine(Root, "context");
        var plan = LayerPlanner.Plan([new PublishedFile(secret, "appsettings.json"), new PublishedFile(readable, "App.dll"), new PublishedFile(nested, "wwwroot/css/site.css", IsStaticAsset: true)]);
        string oldUmaskDirectory = Path.Combine(context, "layers", "static", "wwwroot");
        Directory.CreateDirectory(oldUmaskDirectory);
        Directory.CreateDirectory(Path.Combine(context, ".diamol"));
        File.SetUnixFileMode(oldUmaskDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        ContextStager.Stage(new OutputFolder(context), Document("FROM x\n"), plan);

        string stagedSecret = Path.Combine(context, "layers", "app", "appsettings.json");
        Assert.AreEqual(ImageFileModes.RegularFile, File.GetUnixFileMode(stagedSecret));
        Assert.AreEqual(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(secret), "the published file must keep its mode");
        Assert.AreEqual(ImageFileModes.Directory, File.GetUnixFileMode(oldUmaskDirectory));
        Assert.AreEqual(ImageFileModes.Directory, File.GetUnixFileMode(Path.Combine(oldUmaskDirectory, "css")));
        // A file whose mode is already right is still a hard link: writing through one shows in the other.
        File.AppendAllText(readable, "!");
        Assert.AreEqual("app!", File.ReadAllText(Path.Combine(context, "layers", "app", "App.dll")));

        var again = ContextStager.Stage(new OutputFolder(context), Document("FROM x\n"), LayerPlanner.Plan(
            [new PublishedFile(secret, "appsettings.json"), new PublishedFile(readable, "App.dll"), new PublishedFile(nested, "wwwroot/css/site.css", IsStaticAsset: true)]));
        Assert.AreEqual(0, again.FilesAdded, "an unchanged publish restages nothing");
    }

    [TestMethod]
    [DataRow(false, DisplayName = "hard link")]
    [DataRow(true, DisplayName = "copy (the published mode is not the image's)")]
    public void A_published_file_replaced_by_one_of_the_same_size_and_mtime_is_staged_again(bool copy)
    {
        if (!OperatingSystem.IsLinux()) return;
        string app = Published("App.dll", "old bytes");
        if (copy) File.SetUnixFileMode(app, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        string context = Path.Combine(Root, "context");
        var plan = LayerPlanner.Plan([new PublishedFile(app, "App.dll")]);
        ContextStager.Stage(new OutputFolder(context), Document("FROM x\n"), plan);
        string staged = Path.Combine(context, "layers", "app", "App.dll");
        Assert.AreEqual(0, ContextStager.Stage(new OutputFolder(context), Document("FROM x\n"), plan).FilesAdded, "unchanged: nothing restaged");

        // rsync -a, tar, cp -p into a clean folder: another file, same size, the old mtime.
        var time = File.GetLastWriteTimeUtc(app);
        string replacement = app + ".new";
        File.WriteAllText(replacement, "new bytes");
        if (copy) File.SetUnixFileMode(replacement, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.SetLastWriteTimeUtc(replacement, time);
        File.Move(replacement, app, overwrite: true);

        var again = ContextStager.Stage(new OutputFolder(context), Document("FROM x\n"), plan);

        Assert.AreEqual(1, again.FilesAdded);
        Assert.AreEqual("new bytes", File.ReadAllText(staged));
        Assert.AreEqual(FileStamp.Of(staged), again.Files["app/App.dll"]);
        Assert.AreEqual(0, ContextStager.Stage(new OutputFolder(context), Document("FROM x\n"), plan).FilesAdded, "and then it is current");
        Assert.AreEqual(copy, File.Exists(Path.Combine(context, ".diamol", OutputFolder.StagedCopiesName)), "only copies are recorded");
    }
}
