using Diamol.Build.Engine;
using Diamol.Build.Pipeline;
using Diamol.Build.Spec;
using Diamol.Build.Tests.Spec;

namespace Diamol.Build.Tests.Pipeline;

/// <summary>
/// When an engine build starts from the last build's image at its last unchanged step, and when it must send the
/// whole context instead. The fake engine builds whatever Dockerfile it is sent, step by step, and keeps each step's
/// image, as the classic builder does. The real engine's result (same files, same cache) is covered end to end.
/// </summary>
[TestClass]
public sealed class DeltaBuildTests : EngineStageTest
{
    // Two layers: the host files (runtimeconfig) first, the app last.
    private void Stage(string app = "app", string runtimeConfig = "{}", ContainerSpecInput? input = null) =>
        Stage(input, ("WebPing.dll", app, false), ("WebPing.runtimeconfig.json", runtimeConfig, true));

    private int StepOf(BuildRecord record, string text) =>
        record.Build.Steps.Single(s => s.Instruction.Contains(text, StringComparison.Ordinal)).Number;

    [TestMethod]
    public async Task An_app_edit_builds_from_the_last_unchanged_step_and_sends_only_the_app_layer()
    {
        Stage();
        var first = await Run();
        Assert.IsNull(_engine.Builds[0].Part, "a first build sends the whole context");
        int app = StepOf(first, "layers/app/");

        Stage(app: "app v2");
        var second = await Run();

        var part = _engine.Builds[1].Part;
        Assert.IsNotNull(part, string.Join("\n", _log.Lines));
        CollectionAssert.AreEqual(new[] { "layers/app" }, part.Folders.ToArray());
        var parent = first.Build.Steps[app - 2];
        StringAssert.StartsWith(part.Dockerfile, "FROM " + parent.ImageId);
        StringAssert.Contains(part.Dockerfile, "COPY [\"layers/app/\", \"/app/\"]");
        Assert.IsFalse(part.Dockerfile.Contains("layers/host", StringComparison.Ordinal), part.Dockerfile);

        // The record reads as the full Dockerfile's steps: the unchanged ones reused, the rest built.
        CollectionAssert.AreEqual(first.Build.Steps.Select(s => s.Number).ToArray(), second.Build.Steps.Select(s => s.Number).ToArray());
        CollectionAssert.AreEqual(first.Build.Steps.Take(app - 1).Select(s => s.ImageId).ToArray(), second.Build.Steps.Take(app - 1).Select(s => s.ImageId).ToArray());
        Assert.IsTrue(second.Build.Steps.Take(app - 1).All(s => s.Cached));
        Assert.IsFalse(second.Build.Steps[app - 1].Cached);
        StringAssert.Contains(second.Build.Steps[app - 1].Instruction, "layers/app/");
        Assert.AreEqual(second.Build.ImageId[..19], "sha256:" + second.Build.Steps[^1].ImageId);
        Assert.IsTrue(_log.Lines.Any(l => l.Contains($"Steps 1 to {app - 1} are unchanged since the last build", StringComparison.Ordinal)), string.Join("\n", _log.Lines));

        // And the next edit starts from the delta build's record as well.
        Stage(app: "app v3");
        await Run();
        Assert.IsNotNull(_engine.Builds[2].Part);
        StringAssert.StartsWith(_engine.Builds[2].Part!.Dockerfile, "FROM " + parent.ImageId);
    }

    [TestMethod]
    public async Task A_change_in_the_first_layer_sends_the_whole_context()
    {
        Stage();
        await Run();

        Stage(runtimeConfig: "{\"changed\": true}");
        await Run();

        Assert.IsNull(_engine.Builds[1].Part);
        Assert.IsTrue(_log.Lines.Any(l => l.Contains("changed before any file layer", StringComparison.Ordinal)), string.Join("\n", _log.Lines));
    }

    [TestMethod]
    public async Task A_parent_image_removed_since_the_last_build_means_a_full_build()
    {
        Stage();
        var first = await Run();
        int app = StepOf(first, "layers/app/");
        _engine.Remove(_engine.InspectImageAsync(first.Build.Steps[app - 2].ImageId!, CancellationToken.None).Result!.Id);

        Stage(app: "app v2");
        var second = await Run();

        Assert.IsNull(_engine.Builds[1].Part);
        Assert.IsFalse(second.Skipped);
        Assert.IsTrue(_log.Lines.Any(l => l.Contains("is no longer in the engine", StringComparison.Ordinal)), string.Join("\n", _log.Lines));
    }

    [TestMethod]
    [DataRow("Always")]
    [DataRow("cache-from")]
    [DataRow("Podman")]
    [DataRow("another engine")]
    [DataRow("a new base image")]
    [DataRow("an ARG of your own")]
    public async Task Settings_a_delta_build_cannot_honour_send_the_whole_context(string setting)
    {
        var input = setting switch
        {
            "an ARG of your own" => ContainerSpecFactoryTests.Valid with { Instructions = [("mode", "ARG MODE=fast", "BeforeFiles")] },
            _ => null,
        };
        if (setting == "Podman") _engine.Description = "Podman Engine 4.3.1, API 1.41";
        var options = setting switch
        {
            "Always" => new BuildOptions(new Dictionary<string, string>(), [], PullPolicy.Always),
            "cache-from" => new BuildOptions(new Dictionary<string, string>(), [BaseImage], PullPolicy.Missing),
            _ => null,
        };
        Stage(input: input);
        await Run(options);
        if (setting == "another engine") _engine.Description = "Fake Engine 2.0, API 1.51";
        if (setting == "a new base image") _engine.Add("sha256:" + new string('c', 64), BaseImage);

        Stage(app: "app v2", input: input);
        await Run(options);

        Assert.IsNull(_engine.Builds[^1].Part, string.Join("\n", _log.Lines));
        Assert.IsTrue(_log.Lines.Any(l => l.StartsWith("A full build, with the whole context: ", StringComparison.Ordinal)), string.Join("\n", _log.Lines));
    }
}
