using Diamol.Build.Context;
using Diamol.Build.Diagnostics;
using Diamol.Build.Engine;
using Diamol.Build.History;
using Diamol.Build.Pipeline;
using Diamol.Build.Spec;
using Diamol.Build.Tests.Spec;

namespace Diamol.Build.Tests.Pipeline;

/// <summary>
/// The engine build's decisions against a fake engine: when a publish skips the build, what it pushes and what it
/// records when the push fails, which cache sources it uses, and what each engine failure leaves behind. The real
/// engine's behaviour for the same paths is covered end to end (EngineBuildTests, PushTests, EngineFaultTests).
/// </summary>
[TestClass]
public sealed class BuildStageTests : EngineStageTest
{
    private void Stage(ContainerSpecInput? input = null, string appContent = "app") => Stage(input, ("WebPing.dll", appContent, false));

    private static ContainerSpecInput Pushed(params string[] tags) =>
        ContainerSpecFactoryTests.Valid with { Registry = "registry.test:5000", Tags = tags.Length == 0 ? ["1.0"] : tags };

    private static BuildOptions CacheFrom(PullPolicy pull, params string[] sources) => new(new Dictionary<string, string>(), sources, pull);

    [TestMethod]
    public async Task A_first_build_tags_the_image_and_keeps_a_record()
    {
        Stage();
        var record = await Run();

        Assert.AreEqual(1, _engine.Builds.Count);
        CollectionAssert.AreEqual(new[] { "webping:latest" }, _engine.Builds[0].References.ToArray());
        Assert.IsFalse(record.Skipped);
        Assert.AreEqual(64 + 7, record.Build.ImageId.Length, "the short id the engine named is replaced by the full one");
        Assert.AreEqual("sha256:" + new string('b', 64), record.BaseImage.Id);
        StringAssert.Contains(record.Engine, "Fake Engine 1.0");
        Assert.IsNotNull(BuildRecord.TryLoad(new OutputFolder(_context)));
        Assert.IsTrue(_log.Lines.Any(l => l.Contains("with Fake Engine 1.0, API 1.51", StringComparison.Ordinal)), string.Join("\n", _log.Lines));
    }

    [TestMethod]
    public async Task An_unchanged_republish_builds_nothing()
    {
        Stage();
        var first = await Run();
        _engine.Calls.Clear();

        var second = await Run();

        Assert.IsTrue(second.Skipped);
        Assert.AreEqual(first.Build.ImageId, second.Build.ImageId);
        Assert.IsFalse(_engine.Calls.Contains("build"), string.Join(", ", _engine.Calls));
        Assert.IsTrue(second.Build.Steps.All(s => s.Cached));
    }

    [TestMethod]
    public async Task The_stages_of_one_publish_share_its_staging_until_the_folder_is_staged_again()
    {
        var staged = Stage(null, ("WebPing.dll", "app", false));
        var options = new BuildOptions(new Dictionary<string, string>(), [], PullPolicy.Missing);
        Assert.IsFalse((await BuildStage.RunAsync(State(staged), _engine, options, _log, default)).Skipped);

        // The fingerprint's digests are kept for the history, and are what the folder itself gives.
        Assert.IsNotNull(staged.Digests);
        CollectionAssert.AreEquivalent(State().Digests.ToArray(), staged.Digests.ToArray());
        // The history from the staging is the history from the folder.
        string fromStaging = Path.Combine(Root, "from-staging"), fromFolder = Path.Combine(Root, "from-folder");
        HistoryStage.Run(State(staged), new OutputFolder(fromStaging), "test");
        HistoryStage.Run(State(), new OutputFolder(fromFolder), "test");
        Assert.AreEqual(File.ReadAllText(Path.Combine(fromFolder, OutputFolder.HistoryJsonName)), File.ReadAllText(Path.Combine(fromStaging, OutputFolder.HistoryJsonName)));
        // The same fingerprint as a stage that reads the folder: that one finds the image up to date.
        Assert.IsTrue((await Run()).Skipped);

        // Staged again after an edit of the same size (so the same manifest): the old staging's stamps no longer
        // describe the folder, and a stage handed them by mistake reads the folder instead, and rebuilds.
        var again = Stage(null, ("WebPing.dll", "apq", false));
        string app = Path.Combine(_context, "layers", "app", "WebPing.dll");
        File.SetLastWriteTimeUtc(app, File.GetLastWriteTimeUtc(app).AddMinutes(1));
        Assert.IsFalse(staged.Describes(new OutputFolder(_context)));
        Assert.IsTrue(again.Describes(new OutputFolder(_context)));
        Assert.IsFalse((await BuildStage.RunAsync(State(staged), _engine, options, _log, default)).Skipped, "the edit must be built");
    }

    [TestMethod]
    public async Task Unchanged_artifacts_are_left_as_they_are_once_they_compare_the_image_with_itself()
    {
        string json = Path.Combine(_context, OutputFolder.HistoryJsonName), html = Path.Combine(_context, OutputFolder.HistoryHtmlName);
        HistoryArtifacts Publish(string app)
        {
            // As DiamolGenerateDockerfile does: no image.json until the image is made.
            if (Directory.Exists(_context)) File.Delete(Path.Combine(_context, OutputFolder.ImageJsonName));
            var staged = Stage(null, ("WebPing.dll", app, false));
            var state = State(staged);
            BuildStage.RunAsync(state, _engine, new BuildOptions(new Dictionary<string, string>(), [], PullPolicy.Missing), _log, default).GetAwaiter().GetResult();
            return HistoryStage.Run(state, Folder, "test");
        }

        Publish("app");
        Assert.IsFalse(File.Exists(new OutputFolder(_context).HistoryKey), "a first artifact compares with nothing: the next publish writes again");
        var second = Publish("app");
        Assert.IsTrue(HistoryReuse.IsFixedPoint(second.History));
        Assert.IsTrue(File.Exists(new OutputFolder(_context).HistoryKey));
        string written = File.ReadAllText(json);

        // Unchanged: nothing is read back or written. To see that, the JSON is altered with its size and time kept
        // (the stamp the reuse trusts): a write would restore it. What the stage returns is what it would write.
        var time = File.GetLastWriteTimeUtc(json);
        File.WriteAllText(json, written.Replace("\"generator\"", "\"GENERATOR\""));
        File.SetLastWriteTimeUtc(json, time);
        var third = Publish("app");
        StringAssert.Contains(File.ReadAllText(json), "\"GENERATOR\"");
        StringAssert.Contains(File.ReadAllText(Path.Combine(_context, OutputFolder.ImageJsonName)), third.Record.Build.ImageId);
        Assert.AreEqual(written, HistoryJsonWriter.Write(third.History));
        Assert.AreEqual(second.History.Changes!.Summary, third.History.Changes!.Summary);
        File.WriteAllText(json, written);

        // An artifact changed by hand is written again; so are all of them after an edit.
        File.WriteAllText(html, "edited");
        Publish("app");
        Assert.AreNotEqual("edited", File.ReadAllText(html));
        Publish("app v2");
        Assert.AreNotEqual(written, File.ReadAllText(json));
        Assert.IsFalse(File.Exists(new OutputFolder(_context).HistoryKey), "a new image is compared with the old one: not reusable");
    }

    [TestMethod]
    public async Task A_changed_file_a_moved_tag_or_a_new_base_image_rebuilds()
    {
        Stage();
        await Run();

        Stage(appContent: "app v2");
        Assert.IsFalse((await Run()).Skipped, "a changed file");

        _engine.Add("sha256:" + new string('e', 64), "webping:latest");
        Assert.IsFalse((await Run()).Skipped, "the tag was moved to another image");

        _engine.Add("sha256:" + new string('c', 64), BaseImage);
        Assert.IsFalse((await Run()).Skipped, "the base image changed");
        Assert.AreEqual(4, _engine.Builds.Count);
    }

    [TestMethod]
    public async Task A_build_argument_change_rebuilds()
    {
        Stage();
        await Run();
        var options = new BuildOptions(new Dictionary<string, string> { ["CONFIG"] = "Debug" }, [], PullPolicy.Missing);

        var record = await Run(options);

        Assert.IsFalse(record.Skipped);
        Assert.AreEqual("Debug", _engine.Builds[^1].BuildArguments["CONFIG"]);
    }

    [TestMethod]
    public async Task Every_tag_is_pushed_and_the_digest_recorded()
    {
        Stage(Pushed("1.0", "latest"));
        var record = await Run();

        CollectionAssert.AreEqual(new[] { "push registry.test:5000/webping:1.0", "push registry.test:5000/webping:latest" },
            _engine.Calls.Where(c => c.StartsWith("push", StringComparison.Ordinal)).ToArray());
        Assert.AreEqual("sha256:" + new string('d', 64), record.PushedDigest);
        Assert.IsNull(record.PushError);
    }

    [TestMethod]
    [DataRow(DiagnosticCode.DIAM3005)]
    [DataRow(DiagnosticCode.DIAM3010)]
    [DataRow(DiagnosticCode.DIAM3011)]
    [DataRow(DiagnosticCode.DIAM3014)]
    [DataRow(DiagnosticCode.DIAM3015)]
    public async Task A_failed_push_keeps_the_built_image_with_the_error(DiagnosticCode code)
    {
        Stage(Pushed());
        _engine.Push = _ => FakeContainerEngine.Failure(code);

        var record = await Run();

        Assert.IsNotNull(record.Build.ImageId);
        Assert.IsNull(record.PushedDigest);
        StringAssert.StartsWith(record.PushError, code + ":");
        Assert.AreEqual(record.PushError, BuildRecord.TryLoad(new OutputFolder(_context))!.PushError, "the saved record says the push failed");
    }

    [TestMethod]
    public async Task A_push_failing_at_the_second_tag_names_the_tags_the_registry_has()
    {
        Stage(Pushed("1.0", "latest"));
        _engine.Push = reference => reference.EndsWith(":latest", StringComparison.Ordinal) ? FakeContainerEngine.Failure(DiagnosticCode.DIAM3011) : null;

        var record = await Run();

        StringAssert.Contains(record.PushError, "The registry already has registry.test:5000/webping:1.0; it does not have registry.test:5000/webping:latest.");
    }

    [TestMethod]
    public async Task After_a_failed_push_the_next_publish_only_pushes()
    {
        Stage(Pushed());
        _engine.Push = _ => FakeContainerEngine.Failure(DiagnosticCode.DIAM3010);
        await Run();
        _engine.Push = _ => null;
        _engine.Calls.Clear();

        var record = await Run();

        Assert.IsTrue(record.Skipped);
        Assert.IsFalse(_engine.Calls.Contains("build"));
        Assert.AreEqual(1, _engine.Calls.Count(c => c.StartsWith("push", StringComparison.Ordinal)));
        Assert.IsNotNull(record.PushedDigest);
        Assert.IsNull(record.PushError);
    }

    [TestMethod]
    public async Task Ctrl_C_during_the_push_records_the_image_as_not_pushed()
    {
        Stage(Pushed());
        using var cancel = new CancellationTokenSource();
        _engine.Push = _ =>
        {
            cancel.Cancel();
            return new OperationCanceledException(cancel.Token);
        };

        var record = await Run(cancellationToken: cancel.Token);

        StringAssert.StartsWith(record.PushError, "DIAM3004:");
        Assert.IsNotNull(BuildRecord.TryLoad(new OutputFolder(_context)));
    }

    [TestMethod]
    public async Task A_cache_source_the_engine_has_is_used_without_a_pull()
    {
        Stage();
        _engine.Add("sha256:" + new string('a', 64), "registry.test/webping:cache");

        await Run(CacheFrom(PullPolicy.Missing, "registry.test/webping:cache"));

        CollectionAssert.AreEqual(new[] { "registry.test/webping:cache" }, _engine.Builds[0].CacheFrom.ToArray());
        Assert.IsFalse(_engine.Calls.Any(c => c.StartsWith("pull", StringComparison.Ordinal)));
    }

    [TestMethod]
    public async Task A_missing_cache_source_is_pulled_then_used()
    {
        Stage();
        _engine.Pull = _ => null;

        await Run(CacheFrom(PullPolicy.Missing, "registry.test/webping:cache"));

        CollectionAssert.Contains(_engine.Calls, "pull registry.test/webping:cache");
        CollectionAssert.AreEqual(new[] { "registry.test/webping:cache" }, _engine.Builds[0].CacheFrom.ToArray());
        Assert.AreEqual(0, _log.Warnings.Count);
    }

    [TestMethod]
    public async Task A_cache_source_that_cannot_be_pulled_is_left_out_with_DIAM3016()
    {
        Stage();
        _engine.Pull = _ => "manifest unknown";

        var record = await Run(CacheFrom(PullPolicy.Missing, "registry.test/webping:cahce"));

        Assert.AreEqual(0, _engine.Builds[0].CacheFrom.Count);
        Assert.AreEqual(DiagnosticCode.DIAM3016, _log.Warnings.Single().Code);
        StringAssert.Contains(_log.Warnings.Single().Message, "registry.test/webping:cahce");
        StringAssert.Contains(_log.Warnings.Single().Message, "manifest unknown");
        Assert.IsFalse(record.Skipped);
    }

    [TestMethod]
    public async Task With_pull_policy_Never_a_missing_cache_source_is_not_pulled()
    {
        Stage();

        await Run(CacheFrom(PullPolicy.Never, "registry.test/webping:cache"));

        Assert.IsFalse(_engine.Calls.Any(c => c.StartsWith("pull", StringComparison.Ordinal)));
        Assert.AreEqual(DiagnosticCode.DIAM3016, _log.Warnings.Single().Code);
        StringAssert.Contains(_log.Warnings.Single().Message, "Never");
    }

    [TestMethod]
    public async Task A_malformed_cache_source_is_DIAM1001()
    {
        Stage();
        var e = await Assert.ThrowsExactlyAsync<DiamolException>(() => Run(CacheFrom(PullPolicy.Missing, "Not A Reference")));
        Assert.AreEqual(DiagnosticCode.DIAM1001, e.Code);
    }

    [TestMethod]
    public async Task Pull_policy_Always_asks_the_engine_to_pull_the_base_image()
    {
        Stage();
        await Run(new BuildOptions(new Dictionary<string, string>(), [], PullPolicy.Always));
        Assert.IsTrue(_engine.Builds[0].PullBase);
    }

    [TestMethod]
    [DataRow(DiagnosticCode.DIAM3002)]
    [DataRow(DiagnosticCode.DIAM3003)]
    [DataRow(DiagnosticCode.DIAM3014)]
    [DataRow(DiagnosticCode.DIAM3015)]
    [DataRow(DiagnosticCode.DIAM2013)]
    public async Task A_failed_build_leaves_no_record_and_no_image_json(DiagnosticCode code)
    {
        Stage();
        await Run();
        File.WriteAllText(Path.Combine(_context, OutputFolder.ImageJsonName), "{}");
        Stage(appContent: "app v2");
        _engine.BuildFailure = FakeContainerEngine.Failure(code);

        var e = await Assert.ThrowsExactlyAsync<DiamolException>(() => Run());

        Assert.AreEqual(code, e.Code);
        Assert.IsNull(BuildRecord.TryLoad(new OutputFolder(_context)), "the old record would describe an image the tags may no longer name");
        Assert.IsFalse(File.Exists(Path.Combine(_context, OutputFolder.ImageJsonName)), "image.json must not name the old image");
    }

    [TestMethod]
    public async Task A_built_image_gone_before_it_is_read_is_DIAM3019()
    {
        Stage();
        _engine.LoseBuiltImage = true;

        var e = await Assert.ThrowsExactlyAsync<DiamolException>(() => Run());

        Assert.AreEqual(DiagnosticCode.DIAM3019, e.Code);
        Assert.IsNull(BuildRecord.TryLoad(new OutputFolder(_context)));
    }

    [TestMethod]
    public async Task No_engine_is_DIAM3001_and_the_previous_record_stays()
    {
        Stage();
        await Run();
        _engine.ConnectFailure = FakeContainerEngine.Failure(DiagnosticCode.DIAM3001);

        var e = await Assert.ThrowsExactlyAsync<DiamolException>(() => Run());

        Assert.AreEqual(DiagnosticCode.DIAM3001, e.Code);
        Assert.IsNotNull(BuildRecord.TryLoad(new OutputFolder(_context)), "nothing was attempted, so the last build's record still describes the tags");
    }

    [TestMethod]
    public async Task The_idle_limit_reaches_the_engine()
    {
        Stage();
        await Run(new BuildOptions(new Dictionary<string, string>(), [], PullPolicy.Missing) { IdleLimit = TimeSpan.FromSeconds(42) });
        Assert.AreEqual(TimeSpan.FromSeconds(42), _engine.IdleLimit);
    }
}
