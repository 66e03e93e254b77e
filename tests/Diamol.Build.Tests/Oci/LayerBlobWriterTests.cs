using System.Formats.Tar;
using System.IO.Compression;
using Diamol.Build.Layers;
using Diamol.Build.Oci;

namespace Diamol.Build.Tests.Oci;

[TestClass]
public sealed class LayerBlobWriterTests : TempFolderTest
{
    private Layer LayerIn(string folder, DateTime mtime, string appText = "app")
    {
        var files = new List<LayerFile>();
        void Add(string relative, string text, UnixFileMode mode)
        {
            string path = Path.Combine(Root, folder, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
            File.SetLastWriteTimeUtc(path, mtime);
            files.Add(new LayerFile(path, relative, text.Length, mode));
        }

        Add("wwwroot/css/site.css", "body{}", ImageFileModes.RegularFile);
        Add("App", "elf", ImageFileModes.Executable);
        Add("App.dll", appText, ImageFileModes.RegularFile);
        Add(new string('d', 120) + "/" + new string('f', 120) + ".txt", "long", ImageFileModes.RegularFile);
        return new Layer(LayerKind.App, "app", files.OrderBy(f => f.RelativePath, StringComparer.Ordinal).ToArray());
    }

    [TestMethod]
    public void The_same_files_give_the_same_blob_whatever_their_times_and_folders()
    {
        var a = LayerBlobWriter.Write(LayerIn("a", new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc)), "/app/", ReproducibleTime.Fixed, Path.Combine(Root, "blobs-a"), default);
        var b = LayerBlobWriter.Write(LayerIn("b", new DateTime(2025, 6, 1, 0, 0, 0, DateTimeKind.Utc)), "/app/", ReproducibleTime.Fixed, Path.Combine(Root, "blobs-b"), default);
        Assert.AreEqual(a.Digest, b.Digest);
        Assert.AreEqual(a.DiffId, b.DiffId);
        Assert.AreNotEqual(a.Key, b.Key, "the key follows file times, so a touched file is re-read");

        var later = LayerBlobWriter.Write(LayerIn("c", new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc)), "/app/", ReproducibleTime.From("1700000000"), Path.Combine(Root, "blobs-c"), default);
        Assert.AreNotEqual(a.Digest, later.Digest, "SOURCE_DATE_EPOCH changes the layer");
        var edited = LayerBlobWriter.Write(LayerIn("d", new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc), "app2"), "/app/", ReproducibleTime.Fixed, Path.Combine(Root, "blobs-d"), default);
        Assert.AreNotEqual(a.Digest, edited.Digest);
    }

    [TestMethod]
    public void A_file_replaced_by_one_of_the_same_size_and_mtime_changes_the_reuse_key_and_the_new_blob_holds_its_bytes()
    {
        if (!OperatingSystem.IsLinux()) return;
        var time = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var layer = LayerIn("a", time, "old");
        var before = LayerBlobWriter.Write(layer, "/app/", ReproducibleTime.Fixed, Path.Combine(Root, "blobs"), default);
        Assert.AreEqual(before.Key, LayerBlobWriter.KeyOf(layer, "/app/", ReproducibleTime.Fixed), "unchanged files, unchanged key");

        string app = layer.Files.Single(f => f.RelativePath == "App.dll").SourcePath;
        File.WriteAllText(app + ".new", "new");
        File.SetLastWriteTimeUtc(app + ".new", time);
        File.Move(app + ".new", app, overwrite: true);

        Assert.AreNotEqual(before.Key, LayerBlobWriter.KeyOf(layer, "/app/", ReproducibleTime.Fixed), "another inode and ctime: the old blob is not reused");
        var after = LayerBlobWriter.Write(layer, "/app/", ReproducibleTime.Fixed, Path.Combine(Root, "blobs"), default);
        Assert.AreNotEqual(before.Digest, after.Digest);
        Assert.AreEqual(LayerBlobWriter.Write(LayerIn("b", time, "new"), "/app/", ReproducibleTime.Fixed, Path.Combine(Root, "blobs-b"), default).Digest, after.Digest);
    }

    [TestMethod]
    public void The_tar_is_sorted_with_parents_root_owned_and_with_the_plan_modes()
    {
        var blob = LayerBlobWriter.Write(LayerIn("a", DateTime.UtcNow), "/srv/app", ReproducibleTime.From("1700000000"), Path.Combine(Root, "blobs"), default);
        Assert.AreEqual("sha256:" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(blob.Path))).ToLowerInvariant(), blob.Digest);

        using var gzip = new GZipStream(File.OpenRead(blob.Path), CompressionMode.Decompress);
        using var reader = new TarReader(gzip);
        var entries = new List<TarEntry>();
        while (reader.GetNextEntry(copyData: true) is { } entry) entries.Add(entry);

        var names = entries.Select(e => e.Name).ToArray();
        CollectionAssert.AreEqual(names.Order(StringComparer.Ordinal).ToArray(), names);
        Assert.AreEqual("srv/", names[0]);
        Assert.AreEqual("srv/app/", names[1]);
        CollectionAssert.Contains(names, "srv/app/wwwroot/");
        CollectionAssert.Contains(names, "srv/app/wwwroot/css/");
        CollectionAssert.Contains(names, $"srv/app/{new string('d', 120)}/{new string('f', 120)}.txt");
        Assert.IsTrue(entries.All(e => e.Uid == 0 && e.Gid == 0 && e.ModificationTime == DateTimeOffset.FromUnixTimeSeconds(1700000000)));
        Assert.IsTrue(entries.OfType<PosixTarEntry>().All(e => e.UserName.Length == 0 && e.GroupName.Length == 0));
        Assert.AreEqual(ImageFileModes.Executable, entries.Single(e => e.Name == "srv/app/App").Mode);
        Assert.AreEqual(ImageFileModes.RegularFile, entries.Single(e => e.Name == "srv/app/App.dll").Mode);
        Assert.AreEqual(ImageFileModes.Directory, entries.Single(e => e.Name == "srv/app/wwwroot/").Mode);
        Assert.AreEqual("app", new StreamReader(entries.Single(e => e.Name == "srv/app/App.dll").DataStream!).ReadToEnd());
    }

    [TestMethod]
    public void Gnu_tar_reads_the_blob()
    {
        if (OperatingSystem.IsWindows()) return;
        var blob = LayerBlobWriter.Write(LayerIn("a", DateTime.UtcNow), "/app/", ReproducibleTime.Fixed, Path.Combine(Root, "blobs"), default);
        var start = new System.Diagnostics.ProcessStartInfo("tar", ["-tzvf", blob.Path]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var tar = System.Diagnostics.Process.Start(start)!;
        string listing = tar.StandardOutput.ReadToEnd();
        string errors = tar.StandardError.ReadToEnd();
        tar.WaitForExit();
        Assert.AreEqual(0, tar.ExitCode, errors);
        Assert.AreEqual("", errors, "GNU tar must not warn about the archive");
        StringAssert.Contains(listing, "-rwxr-xr-x 0/0");
        StringAssert.Contains(listing, "app/App.dll");
    }
}
