using Diamol.Build.Context;
using Diamol.Build.Diagnostics;
using Diamol.Build.Engine;
using Diamol.Build.Layers;
using Diamol.Build.Oci;
using Diamol.Build.Pipeline;
using Diamol.Build.Registry;
using Diamol.Build.Tests.Registry;
using Diamol.Build.Tests.Spec;

namespace Diamol.Build.Tests.Pipeline;

/// <summary>
/// <see cref="OutputFolder"/> names every file the stages write into the output folder: after a publish's stages (both
/// builders, the history, the lock, a failed publish's set-aside), nothing is in the folder or its <c>.diamol/</c> that
/// it does not name, so the clean, the refusal of a foreign folder and the docs' list of files cannot miss one.
/// </summary>
[TestClass]
public sealed class OutputFolderNamesTests : EngineStageTest
{
    private static readonly Diamol.Build.Common.ImagePlatform Amd64 = new("linux", "amd64", null);

    [TestMethod]
    public void Every_path_it_gives_is_one_of_its_names()
    {
        var folder = Folder;
        string[] top = [.. OutputFolder.TopFileNames, OutputFolder.LayersName, OutputFolder.RecordsName];
        foreach (var property in typeof(OutputFolder).GetProperties().Where(p => p.PropertyType == typeof(string) && p.Name != nameof(OutputFolder.Root)))
        {
            string path = (string)property.GetValue(folder)!;
            string parent = Path.GetDirectoryName(path)!, name = Path.GetFileName(path);
            if (parent == folder.Root) CollectionAssert.Contains(top, name, property.Name);
            else Assert.IsTrue(parent == folder.Records && OutputFolder.RecordNames.Contains(name), $"{property.Name}: {path}");
        }

        CollectionAssert.AllItemsAreUnique(OutputFolder.RecordNames.ToArray());
        Assert.AreEqual(folder.Root, new OutputFolder(_context + "/").Root, "normalised once: no trailing separator");
        // The Dockerfile's COPY lines name the staged layers by the same folder (Layers/ sits below Context/ and cannot ask it).
        Assert.IsTrue(new Layer(LayerKind.App, "app", []).ContextFolder.StartsWith(OutputFolder.LayersName + "/", StringComparison.Ordinal));
    }

    [TestMethod]
    public async Task After_the_engine_builds_stages_every_file_in_the_folder_is_one_it_names_and_the_clean_removes_them_all()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        using (OutputFolderLock.Acquire(_context, TimeSpan.FromSeconds(5), _ => { }, default))
        {
            var staged = StageWithCopyAndClamp();
            Look(seen);
            var state = State(staged);
            await BuildStage.RunAsync(state, _engine, new BuildOptions(new Dictionary<string, string>(), [], PullPolicy.Missing), _log, default);
            HistoryStage.Run(state, Folder, "test");
            HistoryStage.Run(state, Folder, "test");
            new StageTimings("test").Save(Folder, startsPublish: true);
            Look(seen);
            // A publish that fails after its build started: image.json goes, the history is set aside.
            ImageSummary.Remove(Folder);
            Assert.AreEqual(3, HistoryStage.SetAsideUnbacked(Folder).Count);
            Look(seen);
        }

        foreach (string name in new[] { OutputFolder.ImageJsonName, OutputFolder.HistoryJsonName, OutputFolder.DockerIgnoreName, OutputFolder.DockerfileName })
            CollectionAssert.Contains(seen.ToArray(), name);
        foreach (string name in new[] { OutputFolder.ManifestName, OutputFolder.StagingIdName, OutputFolder.StagedCopiesName, OutputFolder.FileDigestsName,
            OutputFolder.ClampedName, OutputFolder.BuildRecordName, OutputFolder.TimingsName, OutputFolder.HistoryKeyName, OutputFolder.LastGoodHistoryName,
            OutputFolder.LockName, OutputFolder.LockOwnerName }.Where(n => n != OutputFolder.StagedCopiesName || !OperatingSystem.IsWindows()))
            CollectionAssert.Contains(seen.ToArray(), OutputFolder.RecordsName + "/" + name);

        OutputFolderFiles.Clean(_context, null);
        Assert.IsFalse(Directory.Exists(_context), "the clean removes every file the stages wrote, and so the folder");
    }

    [TestMethod]
    public async Task After_the_OCI_writers_stages_every_record_is_one_it_names()
    {
        var registries = new FakeRegistries();
        var stored = FakeBaseImages.Add(registries["localhost:5000"], "dotnet/runtime", "10.0", layers: 2);
        var staged = Stage(ContainerSpecFactoryTests.Valid with { Registry = "registry.test:5000" }, ("WebPing.dll", "app", false));
        var reference = Diamol.Build.Spec.ImageReference.TryParse(BaseImage, out _)!;
        var (digest, why) = await BaseManifestDigest.ResolveAsync(registries, reference, stored.IndexDigest, Amd64, Folder, null, default);
        Assert.IsNotNull(digest, why);
        // One platform of a multi-platform archive: pushed by digest, its blobs laid out for the index.
        var options = new OciOptions(Amd64, ImageFormat.Oci, ReproducibleTime.Fixed, new BlobCache(Path.Combine(Root, "cache")), null, null,
            TagInRegistry: false, LayoutDirectory: Folder.Layout);
        await OciBuildStage.RunAsync(State(staged), options, registries, _log, default);

        var seen = new HashSet<string>(StringComparer.Ordinal);
        Look(seen);
        foreach (string name in new[] { OutputFolder.BaseManifestName, OutputFolder.OciLayersName, OutputFolder.BlobsName, OutputFolder.LayoutName, OutputFolder.BuildRecordName })
            CollectionAssert.Contains(seen.ToArray(), OutputFolder.RecordsName + "/" + name);
    }

    // Stages a file that must be copied (its published mode is not the image's) and an endpoints manifest that must be clamped.
    private StagedContext StageWithCopyAndClamp()
    {
        string publish = Path.Combine(Root, "publish");
        Directory.CreateDirectory(publish);
        string app = Path.Combine(publish, "WebPing.dll"), endpoints = Path.Combine(publish, "WebPing" + EndpointManifestTimes.Suffix);
        File.WriteAllText(app, "app");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(app, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(endpoints, """{"Endpoints":[{"ResponseHeaders":[{"Name":"Last-Modified","Value":"Tue, 01 Dec 2026 00:00:00 GMT"}]}]}""");
        var layerOptions = new LayerOptions(ImageFileModes.ParsePolicy(null), new PublishMode(), "WebPing");
        return DockerfileStage.Run(ContainerSpecFactoryTests.Valid, null,
            [new PublishedFile(app, "WebPing.dll"), new PublishedFile(endpoints, "WebPing" + EndpointManifestTimes.Suffix)],
            layerOptions, Folder, "WebPing", "1.0.0", new List<Diagnostic>(), sourceDateEpoch: DateTimeOffset.FromUnixTimeSeconds(1_600_000_000)).Staged;
    }

    // Adds each entry at the folder's top and in .diamol/ to seen, failing on one that OutputFolder does not name.
    private void Look(HashSet<string> seen)
    {
        var folder = Folder;
        string[] top = [.. OutputFolder.TopFileNames, OutputFolder.LayersName, OutputFolder.RecordsName];
        foreach (string entry in Directory.EnumerateFileSystemEntries(folder.Root).Select(Path.GetFileName)!)
        {
            CollectionAssert.Contains(top, entry, "an entry at the folder's top that OutputFolder does not name");
            seen.Add(entry);
        }

        if (!folder.HasRecords) return;
        foreach (string entry in Directory.EnumerateFileSystemEntries(folder.Records).Select(Path.GetFileName)!)
        {
            CollectionAssert.Contains(OutputFolder.RecordNames.ToArray(), entry, "an entry in .diamol/ that OutputFolder does not name");
            seen.Add(OutputFolder.RecordsName + "/" + entry);
        }
    }
}
