using Diamol.Build.Context;
using System.Text.Json;
using Diamol.Build.Pipeline;

namespace Diamol.Build.Tests.Pipeline;

/// <summary>
/// What the records say for a platform image of a multi-platform publish (no tag: pushed by digest) and after a failed
/// publish (no history left describing an older image as the current one).
/// </summary>
[TestClass]
public sealed class PublishRecordsTests : EngineStageTest
{
    private string ImageJson => Path.Combine(_context, OutputFolder.ImageJsonName);
    private string HistoryJson => Path.Combine(_context, OutputFolder.HistoryJsonName);

    private HistoryArtifacts Publish(string app)
    {
        // As a publish does: image.json goes when the image is being made, and comes back when it is.
        if (Directory.Exists(_context)) File.Delete(ImageJson);
        var staged = Stage(null, ("WebPing.dll", app, false));
        var state = State(staged);
        BuildStage.RunAsync(state, _engine, new BuildOptions(new Dictionary<string, string>(), [], Diamol.Build.Engine.PullPolicy.Missing), _log, default).GetAwaiter().GetResult();
        return HistoryStage.Run(state, Folder, "test");
    }

    [TestMethod]
    public void A_platform_image_of_a_multi_platform_publish_names_no_tag_in_image_json_or_the_history()
    {
        Publish("app");
        string digest = "sha256:" + new string('e', 64);
        // The OCI writer's record for one platform of an index: named by digest, pushed by digest.
        var record = BuildRecord.Load(new OutputFolder(_context));
        (record with { Build = record.Build with { References = ["webping@" + digest] }, PushedDigest = digest, IndexPart = true }).Save(Folder);
        File.Delete(ImageJson);

        var written = HistoryStage.Run(State(), Folder, "test");

        using var image = JsonDocument.Parse(File.ReadAllText(ImageJson));
        Assert.AreEqual(0, image.RootElement.GetProperty("tags").GetArrayLength(), File.ReadAllText(ImageJson));
        Assert.AreEqual(digest, image.RootElement.GetProperty("digest").GetString());
        Assert.IsTrue(image.RootElement.GetProperty("pushed").GetBoolean(), "it was pushed, by digest");
        Assert.AreEqual("linux/amd64", image.RootElement.GetProperty("platform").GetString());
        Assert.AreEqual(0, written.History.Image.Tags.Count);
        StringAssert.Contains(File.ReadAllText(Folder.HistoryMarkdown), "- Tags: none (one platform of a multi-platform image, pushed by digest as webping@" + digest);
        Assert.IsFalse(File.ReadAllText(HistoryJson).Contains("\"latest\"", StringComparison.Ordinal), "the history names no tag");
    }

    [TestMethod]
    public void An_image_json_of_a_tagged_image_says_no_platform()
    {
        Publish("app");
        using var image = JsonDocument.Parse(File.ReadAllText(ImageJson));
        Assert.AreEqual(1, image.RootElement.GetProperty("tags").GetArrayLength());
        Assert.IsFalse(image.RootElement.TryGetProperty("platform", out _));
    }

    [TestMethod]
    public void A_failed_publish_takes_the_last_good_history_out_of_the_folder_and_keeps_it_as_the_next_baseline()
    {
        Publish("app");
        string good = File.ReadAllText(HistoryJson);
        // A publish that fails after its build started: image.json and build.json were removed, nothing written since.
        File.Delete(ImageJson);
        File.Delete(new OutputFolder(_context).BuildJson);

        var removed = HistoryStage.SetAsideUnbacked(new OutputFolder(_context));

        Assert.AreEqual(3, removed.Count, string.Join(", ", removed));
        Assert.IsFalse(File.Exists(HistoryJson));
        Assert.IsFalse(File.Exists(Path.Combine(_context, OutputFolder.HistoryMarkdownName)));
        Assert.IsFalse(File.Exists(Path.Combine(_context, OutputFolder.HistoryHtmlName)));
        Assert.AreEqual(good, File.ReadAllText(new OutputFolder(_context).LastGoodHistory));

        // The next good publish compares with the last good image, then drops the copy.
        var next = Publish("app v2");
        Assert.IsNotNull(next.History.Changes, "since the last publish is measured against the last good one");
        Assert.IsFalse(File.Exists(new OutputFolder(_context).LastGoodHistory));
        Assert.IsTrue(File.Exists(HistoryJson));
    }

    [TestMethod]
    public void Nothing_is_set_aside_while_image_json_describes_the_history()
    {
        // An engine build whose push failed writes both, the history and image.json with "pushed": false.
        Publish("app");
        Assert.AreEqual(0, HistoryStage.SetAsideUnbacked(new OutputFolder(_context)).Count);
        Assert.IsTrue(File.Exists(HistoryJson));
    }

    [TestMethod]
    public void A_folder_that_is_not_ours_keeps_files_of_the_same_names()
    {
        string folder = Path.Combine(Root, "users-own");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, OutputFolder.HistoryJsonName), "{}");
        File.WriteAllText(Path.Combine(folder, OutputFolder.HistoryMarkdownName), "# notes");

        Assert.AreEqual(0, HistoryStage.SetAsideUnbacked(new OutputFolder(folder)).Count);
        Assert.IsTrue(File.Exists(Path.Combine(folder, OutputFolder.HistoryJsonName)));
        Assert.IsTrue(File.Exists(Path.Combine(folder, OutputFolder.HistoryMarkdownName)));
    }
}
