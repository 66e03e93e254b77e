using System.Formats.Tar;
using System.IO.Compression;
using Diamol.Build.Context;
using Diamol.Build.Dockerfile;
using Diamol.Build.Layers;
using Diamol.Build.Oci;

namespace Diamol.Build.Tests.Layers;

/// <summary>A writable layer as each builder gets it: the staged empty folders with their modes, the COPY --chown, the blob's entries.</summary>
[TestClass]
public sealed class WritableLayerBuildersTests : TempFolderTest
{
    private LayerPlan Plan()
    {
        string app = Path.Combine(Root, "publish", "App.dll");
        Directory.CreateDirectory(Path.GetDirectoryName(app)!);
        File.WriteAllText(app, "app");
        return WritableDirectoryPlanner.AddTo(LayerPlanner.Plan([new PublishedFile(app, "App.dll")]),
            [new("data", "0770"), new("data/db"), new("/srv-cache")], "/app/", _ => (1654, 1655));
    }

    [TestMethod]
    public void The_context_holds_the_empty_folders_with_their_modes_and_keeps_them_across_publishes()
    {
        if (!OperatingSystem.IsLinux()) return;
        string context = Path.Combine(Root, "context");
        var plan = Plan();
        var document = new DockerfileDocument(ContextStager.GeneratedHeader + "\n", [], new Dictionary<string, string>());
        ContextStager.Stage(new OutputFolder(context), document, plan);
        string data = Path.Combine(context, "layers", "writable-2", "data");
        Assert.AreEqual((UnixFileMode)Convert.ToInt32("770", 8), File.GetUnixFileMode(data));
        Assert.AreEqual(ImageFileModes.Directory, File.GetUnixFileMode(Path.Combine(data, "db")));
        Assert.IsTrue(Directory.Exists(Path.Combine(context, "layers", "writable", "srv-cache")));
        Assert.AreEqual(0, Directory.EnumerateFileSystemEntries(Path.Combine(data, "db")).Count());
        var before = Directory.GetLastWriteTimeUtc(Path.Combine(data, "db"));

        var again = ContextStager.Stage(new OutputFolder(context), document, plan);
        Assert.AreEqual(0, again.FilesAdded + again.FilesRemoved);
        Assert.AreEqual(before, Directory.GetLastWriteTimeUtc(Path.Combine(data, "db")), "an unchanged folder is left as it is");

        ContextStager.Stage(new OutputFolder(context), document, new LayerPlan(plan.Layers.Where(l => l.Kind != LayerKind.Writable).ToArray()));
        Assert.IsFalse(Directory.Exists(Path.Combine(context, "layers", "writable-2")), "a folder no longer declared goes");
    }

    [TestMethod]
    public void The_dockerfile_copies_each_parent_group_with_numeric_chown_and_no_run_step()
    {
        var spec = Diamol.Build.Spec.ContainerSpecFactory.Create(Tests.Spec.ContainerSpecFactoryTests.Valid, null, new List<Diagnostics.Diagnostic>());
        var text = DockerfileWriter.Write(spec, Plan(), "WebPing", "1.0.0").Text;
        StringAssert.Contains(text, "COPY --chown=1654:1655 [\"layers/writable/\", \"/\"]");
        StringAssert.Contains(text, "COPY --chown=1654:1655 [\"layers/writable-2/\", \"" + spec.WorkingDirectory.TrimEnd('/') + "/\"]");
        StringAssert.Contains(text, "data 0770, data/db 0755");
        Assert.IsFalse(text.Contains("RUN", StringComparison.Ordinal));
        Assert.IsTrue(text.IndexOf("layers/writable-2/", StringComparison.Ordinal) < text.IndexOf("layers/app/", StringComparison.Ordinal), "before the app's files");
    }

    [TestMethod]
    public void The_blob_has_the_folders_with_the_owner_and_mode_and_its_key_follows_them()
    {
        var layer = Plan().Layers.Single(l => l.Name == "writable-2");
        var blob = LayerBlobWriter.Write(layer, "/app/", ReproducibleTime.Fixed, Path.Combine(Root, "blobs"), default);
        using var gzip = new GZipStream(File.OpenRead(blob.Path), CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        var entries = new List<TarEntry>();
        while (tar.GetNextEntry() is { } entry) entries.Add(entry);

        CollectionAssert.AreEqual(new[] { "app/", "app/data/", "app/data/db/" }, entries.Select(e => e.Name).ToArray());
        Assert.AreEqual((0, 0, ImageFileModes.Directory), (entries[0].Uid, entries[0].Gid, entries[0].Mode), "the working directory stays root's, as WORKDIR made it");
        Assert.AreEqual((1654, 1655, (UnixFileMode)Convert.ToInt32("770", 8)), (entries[1].Uid, entries[1].Gid, entries[1].Mode));
        Assert.AreEqual((1654, 1655, ImageFileModes.Directory), (entries[2].Uid, entries[2].Gid, entries[2].Mode));

        var other = layer with { Directories = [layer.Directories[0] with { Mode = ImageFileModes.Directory }, layer.Directories[1]] };
        Assert.AreNotEqual(blob.Key, LayerBlobWriter.KeyOf(other, "/app/", ReproducibleTime.Fixed), "a mode change is a new blob");
        var owner = layer with { Directories = layer.Directories.Select(d => d with { Uid = 1000 }).ToArray() };
        Assert.AreNotEqual(blob.Key, LayerBlobWriter.KeyOf(owner, "/app/", ReproducibleTime.Fixed), "an owner change is a new blob");
    }

    [TestMethod]
    public void The_manifest_keeps_the_folders()
    {
        var layer = Plan().Layers[0];
        string json = System.Text.Json.JsonSerializer.Serialize(layer);
        var read = System.Text.Json.JsonSerializer.Deserialize<Layer>(json)!;
        Assert.AreEqual("/", read.Destination);
        CollectionAssert.AreEqual(layer.Directories.ToArray(), read.Directories.ToArray());
    }
}
