using Diamol.Build.Context;
using System.Text.Json;
using Diamol.Build.Diagnostics;
using Diamol.Build.Engine;
using Diamol.Build.Pipeline;
using Diamol.Build.Spec;
using Diamol.Build.Tests.Spec;

namespace Diamol.Build.Tests.Pipeline;

/// <summary>
/// The engine build as a publish runs it (BuildStage.PublishAsync): a failed push ends the publish with the push's own
/// code, says whether any tag reached the registry, and leaves artifacts that describe the image the local tags now name.
/// </summary>
[TestClass]
public sealed class EnginePublishTests : EngineStageTest
{
    private void StagePushed(params string[] tags) =>
        Stage(ContainerSpecFactoryTests.Valid with { Registry = "registry.test:5000", Tags = tags }, ("WebPing.dll", "app", false));

    private Task<BuildRecord> Publish() =>
        BuildStage.PublishAsync(State(), _engine, new BuildOptions(new Dictionary<string, string>(), [], PullPolicy.Missing), _log, "Diamol.Build test", CancellationToken.None);

    private JsonElement ImageJson() => JsonDocument.Parse(File.ReadAllText(Path.Combine(_context, OutputFolder.ImageJsonName))).RootElement;

    [TestMethod]
    public async Task A_push_refused_at_the_first_tag_ends_the_publish_with_its_code_and_the_image_json_of_the_built_image()
    {
        StagePushed("1.0");
        _engine.Push = _ => FakeContainerEngine.Failure(DiagnosticCode.DIAM3005);

        var e = await Assert.ThrowsExactlyAsync<DiamolException>(Publish);

        Assert.AreEqual(DiagnosticCode.DIAM3005, e.Code);
        StringAssert.StartsWith(e.Message, "DIAM3005 from the fake engine. The image sha256:");
        StringAssert.Contains(e.Message, "now point to it; the registry was not updated.");
        var record = BuildRecord.TryLoad(new OutputFolder(_context))!;
        StringAssert.Contains(e.Message, $"The image {record.Build.ImageId} was built and the local tags registry.test:5000/webping:1.0 now point to it");
        Assert.AreEqual(record.Build.ImageId, ImageJson().GetProperty("id").GetString());
        Assert.IsFalse(ImageJson().GetProperty("pushed").GetBoolean());
        Assert.AreEqual(record.PushError, ImageJson().GetProperty("pushError").GetString());
        Assert.IsTrue(File.Exists(Path.Combine(_context, OutputFolder.HistoryJsonName)), "the history describes the image the local tags name");
    }

    [TestMethod]
    public async Task A_push_failing_at_the_second_tag_says_only_the_tags_it_names_reached_the_registry()
    {
        StagePushed("1.0", "latest");
        _engine.Push = reference => reference.EndsWith(":latest", StringComparison.Ordinal) ? FakeContainerEngine.Failure(DiagnosticCode.DIAM3011) : null;

        var e = await Assert.ThrowsExactlyAsync<DiamolException>(Publish);

        Assert.AreEqual(DiagnosticCode.DIAM3011, e.Code);
        StringAssert.Contains(e.Message, "The registry already has registry.test:5000/webping:1.0; it does not have registry.test:5000/webping:latest.");
        StringAssert.Contains(e.Message, "now point to it; only the tags named above reached the registry.");
    }

    [TestMethod]
    public async Task A_pushed_build_returns_the_digest_and_logs_it()
    {
        StagePushed("1.0");

        var record = await Publish();

        Assert.AreEqual("sha256:" + new string('d', 64), record.PushedDigest);
        Assert.IsTrue(_log.Lines.Any(l => l.StartsWith($"Pushed registry.test:5000/webping:1.0 ({record.PushedDigest})", StringComparison.Ordinal)), string.Join("\n", _log.Lines));
        Assert.IsFalse(File.Exists(Path.Combine(_context, OutputFolder.ImageJsonName)), "the history stage of a publish that went well is DiamolWriteLayerHistory's");
    }
}
