using System.Text.Json;
using Diamol.Build.Pipeline;

namespace Diamol.Build.Tests.Pipeline;

/// <summary>
/// What the records say for a platform image of a multi-platform publish: no tag, it is pushed by digest.
/// </summary>
[TestClass]
public sealed class PublishRecordsTests : EngineStageTest
{
    private string ImageJson => Path.Combine(_context, HistoryStage.ImageFileName);
    private string HistoryJson => Path.Combine(_context, HistoryStage.JsonFileName);

    private HistoryArtifacts Publish(string app)
    {
        // As a publish does: image.json goes when the image is being made, and comes back when it is.
        if (Directory.Exists(_context)) File.Delete(ImageJson);
        var staged = Stage(null, ("WebPing.dll", app, false));
        BuildStage.RunAsync(_context, _engine, new BuildOptions(new Dictionary<string, string>(), [], Diamol.Build.Engine.PullPolicy.Missing), _log, default, null, staged).GetAwaiter().GetResult();
        return HistoryStage.Run(_context, _context, "test", staged: staged);
    }

    [TestMethod]
    public void A_platform_image_of_a_multi_platform_publish_names_no_tag_in_image_json_or_the_history()
    {
        Publish("app");
        string digest = "sha256:" + new string('e', 64);
        // The OCI writer's record for one platform of an index: named by digest, pushed by digest.
        var record = BuildRecord.Load(_context);
        (record with { Build = record.Build with { References = ["webping@" + digest] }, PushedDigest = digest, IndexPart = true }).Save(_context);
        File.Delete(ImageJson);

        var written = HistoryStage.Run(_context, _context, "test");

        using var image = JsonDocument.Parse(File.ReadAllText(ImageJson));
        Assert.AreEqual(0, image.RootElement.GetProperty("tags").GetArrayLength(), File.ReadAllText(ImageJson));
        Assert.AreEqual(digest, image.RootElement.GetProperty("digest").GetString());
        Assert.IsTrue(image.RootElement.GetProperty("pushed").GetBoolean(), "it was pushed, by digest");
        Assert.AreEqual("linux/amd64", image.RootElement.GetProperty("platform").GetString());
        Assert.AreEqual(0, written.History.Image.Tags.Count);
        StringAssert.Contains(File.ReadAllText(Path.Combine(_context, HistoryStage.MarkdownFileName)), "- Tags: none (one platform of a multi-platform image, pushed by digest as webping@" + digest);
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
}
