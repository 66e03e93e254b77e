using System.Text.Json;
using Json.Schema;

namespace Diamol.Build.EndToEndTests;

/// <summary>
/// The layer-history artifact, checked against an independent client of the same engine (`docker image history`
/// and `docker image inspect`), against the JSON Schema the package ships, across a code change, and drawn by a browser.
/// </summary>
[TestClass]
public sealed class HistoryArtifactTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [DataRow("WebPing", "runtime", new string[0])]
    [DataRow("WebApi", "aspnet", new[] { "Greetings" })]
    [DataRow("Ch03Lab", "runtime", new string[0])]
    public void The_artifact_agrees_with_docker_history_and_inspect_and_the_schema(string sample, string flavour, string[] siblings)
    {
        var project = ConsumerProject.FromSample(sample, siblings);
        string repository = $"diamol-e2e/history-{sample.ToLowerInvariant()}-{Guid.NewGuid().ToString("N")[..8]}";
        try
        {
            project.Publish($"ContainerBaseImage=localhost:5000/dotnet/{flavour}:10.0", $"ContainerRepository={repository}").EnsureSuccess("publish " + sample);
            string json = File.ReadAllText(Path.Combine(project.ContainerFolder, "image-history.json"));
            AssertValid(json);
            using var artifact = JsonDocument.Parse(json);
            var entries = artifact.RootElement.GetProperty("entries").EnumerateArray().ToArray();

            // docker lists newest first; the artifact oldest first.
            var docker = ProcessRunner.Docker("image", "history", "--no-trunc", "-H=false", "--format", "{{.Size}}\t{{.CreatedBy}}", repository + ":latest")
                .EnsureSuccess("docker image history").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Reverse().ToArray();
            Assert.AreEqual(docker.Length, entries.Length, "entry count");
            for (int i = 0; i < docker.Length; i++)
            {
                string[] columns = docker[i].Split('\t', 2);
                Assert.AreEqual(long.Parse(columns[0], System.Globalization.CultureInfo.InvariantCulture), entries[i].GetProperty("size").GetInt64(), $"size of entry {i}");
                Assert.AreEqual(columns[1], entries[i].GetProperty("createdBy").GetString(), $"created-by of entry {i}");
                Assert.AreEqual(i, entries[i].GetProperty("index").GetInt32());
            }

            var inspect = ImageInspection.Inspect(repository + ":latest");
            Assert.AreEqual(inspect.GetProperty("Id").GetString(), artifact.RootElement.GetProperty("image").GetProperty("id").GetString());
            CollectionAssert.AreEqual(
                ImageInspection.Strings(inspect.GetProperty("RootFS").GetProperty("Layers")),
                entries.Where(e => !e.GetProperty("emptyLayer").GetBoolean()).Select(e => e.GetProperty("diffId").GetString()).ToArray(),
                "DiffIDs of the entries that add layers");
            Assert.AreEqual(inspect.GetProperty("Size").GetInt64(), artifact.RootElement.GetProperty("image").GetProperty("size").GetInt64());

            // Every one of our file layers is tied to its Dockerfile line and says what it holds.
            string[] dockerfile = File.ReadAllLines(Path.Combine(project.ContainerFolder, "Dockerfile"));
            foreach (var entry in entries.Where(e => e.GetProperty("origin").GetString() == "ours"))
            {
                int line = entry.GetProperty("dockerfileLine").GetInt32();
                string keyword = dockerfile[line - 1].Split(' ')[0];
                // The engine records RUN as the shell command itself, everything else with its keyword.
                string expected = keyword == "RUN" ? dockerfile[line - 1]["RUN ".Length..] : keyword;
                StringAssert.Contains(entry.GetProperty("createdBy").GetString(), expected, $"line {line}");
                if (keyword == "COPY") Assert.IsTrue(entry.GetProperty("fileCount").GetInt32() > 0);
            }
        }
        finally
        {
            ImageInspection.RemoveImages(repository + ":latest");
        }
    }

    [TestMethod]
    public void After_a_one_line_change_only_the_app_layer_is_new_and_the_diff_target_says_so()
    {
        var project = ConsumerProject.FromSample("WebPing");
        string repository = "diamol-e2e/history-change-" + Guid.NewGuid().ToString("N")[..8];
        string[] properties = [$"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={repository}"];
        try
        {
            project.Publish(properties).EnsureSuccess("first publish");
            string artifact = Path.Combine(project.ContainerFolder, "image-history.json");
            string baseline = Path.Combine(TestEnvironment.WorkRoot, "baseline-" + Guid.NewGuid().ToString("N")[..6] + ".json");
            File.Copy(artifact, baseline);

            string program = Path.Combine(project.Directory, "Program.cs");
            File.WriteAllText(program, File.ReadAllText(program).Replace("** Pinging: ", "** Pinging now: "));
            string stepSummary = Path.Combine(TestEnvironment.WorkRoot, "step-summary-" + Guid.NewGuid().ToString("N")[..6] + ".md");
            project.PublishWith(new Dictionary<string, string?> { ["GITHUB_STEP_SUMMARY"] = stepSummary }, properties).EnsureSuccess("second publish");

            string json = File.ReadAllText(artifact);
            AssertValid(json);
            using var history = JsonDocument.Parse(json);
            var ours = history.RootElement.GetProperty("entries").EnumerateArray().Where(e => e.GetProperty("origin").GetString() == "ours").ToArray();
            var fileLayers = ours.Where(e => !e.GetProperty("emptyLayer").GetBoolean() && e.TryGetProperty("layerName", out _)).ToArray();
            var fresh = fileLayers.Where(e => !e.GetProperty("cached").GetBoolean()).Select(e => e.GetProperty("layerName").GetString()).ToArray();
            CollectionAssert.AreEqual(new[] { "app" }, fresh, "exactly the app layer is new");
            Assert.IsTrue(fileLayers.Length >= 2, "there are cached file layers besides app");

            var changes = history.RootElement.GetProperty("changes");
            long appSize = fileLayers.Single(e => e.GetProperty("layerName").GetString() == "app").GetProperty("size").GetInt64();
            Assert.AreEqual(appSize, changes.GetProperty("addedBytes").GetInt64());
            string summary = changes.GetProperty("summary").GetString()!;
            StringAssert.StartsWith(summary, "+");
            StringAssert.Contains(summary, "in layer app");
            StringAssert.Contains(File.ReadAllText(Path.Combine(project.ContainerFolder, "image-history.md")), summary);
            StringAssert.Contains(File.ReadAllText(stepSummary), summary, "the GitHub step summary");

            var diff = ProcessRunner.Run("dotnet", ["msbuild", "-t:DiamolDiffHistory", "-nodeReuse:false", $"-p:DiamolBuildVersion={TestEnvironment.PackageVersion}",
                    "-p:Configuration=Release", $"-p:DiamolHistoryBaseline={baseline}", "-getProperty:DiamolAddedBytes"],
                project.Directory, TestEnvironment.DotnetEnvironment, TimeSpan.FromMinutes(3)).EnsureSuccess("DiamolDiffHistory");
            Assert.AreEqual(appSize.ToString(System.Globalization.CultureInfo.InvariantCulture), diff.Output.Trim().Split('\n')[^1].Trim(), diff.Output);

            var diffText = ProcessRunner.Run("dotnet", ["msbuild", "-t:DiamolDiffHistory", "-nodeReuse:false", $"-p:DiamolBuildVersion={TestEnvironment.PackageVersion}",
                    "-p:Configuration=Release", $"-p:DiamolHistoryBaseline={baseline}"],
                project.Directory, TestEnvironment.DotnetEnvironment, TimeSpan.FromMinutes(3)).EnsureSuccess("DiamolDiffHistory");
            StringAssert.Contains(diffText.Output, summary);
            Assert.IsFalse(diffText.Output.Contains("DIAM4003", StringComparison.Ordinal), diffText.Output);

            // An artifact of another repository as the baseline: the comparison still prints, with a warning.
            string foreign = Path.Combine(TestEnvironment.WorkRoot, "foreign-" + Guid.NewGuid().ToString("N")[..6] + ".json");
            File.WriteAllText(foreign, File.ReadAllText(baseline).Replace($"\"repository\": \"{repository}\"", "\"repository\": \"someone/else\""));
            var foreignDiff = ProcessRunner.Run("dotnet", ["msbuild", "-t:DiamolDiffHistory", "-nodeReuse:false", $"-p:DiamolBuildVersion={TestEnvironment.PackageVersion}",
                    "-p:Configuration=Release", $"-p:DiamolHistoryBaseline={foreign}"],
                project.Directory, TestEnvironment.DotnetEnvironment, TimeSpan.FromMinutes(3)).EnsureSuccess("DiamolDiffHistory against another repository");
            StringAssert.Contains(foreignDiff.Output, "warning DIAM4003", foreignDiff.Output);
            StringAssert.Contains(foreignDiff.Output, "'someone/else'");
        }
        finally
        {
            ImageInspection.RemoveImages(repository + ":latest");
        }
    }

    /// <summary>
    /// An edit to one file of WebApi: the console line, the Markdown, the HTML, the step summary and the diff target
    /// all name the files that changed in the app layer with their byte deltas, not only the layer.
    /// </summary>
    [TestMethod]
    public void An_edit_to_one_file_of_WebApi_names_the_changed_files_and_their_deltas_everywhere()
    {
        var project = ConsumerProject.FromSample("WebApi", "Greetings");
        string repository = "diamol-e2e/files-" + Guid.NewGuid().ToString("N")[..8];
        string[] properties = [$"ContainerBaseImage={TestEnvironment.BaseAspNet}", $"ContainerRepository={repository}"];
        try
        {
            project.Publish(properties).EnsureSuccess("first publish");
            string baseline = Path.Combine(TestEnvironment.WorkRoot, "baseline-" + Guid.NewGuid().ToString("N")[..6] + ".json");
            File.Copy(Path.Combine(project.ContainerFolder, "image-history.json"), baseline);
            string program = Path.Combine(project.Directory, "Program.cs");
            File.WriteAllText(program, File.ReadAllText(program).Replace("\"/hello\"", "\"/hello-again\""));
            string stepSummary = Path.Combine(TestEnvironment.WorkRoot, "step-summary-" + Guid.NewGuid().ToString("N")[..6] + ".md");
            var second = project.PublishWith(new Dictionary<string, string?> { ["GITHUB_STEP_SUMMARY"] = stepSummary }, properties).EnsureSuccess("second publish");

            // A size delta, or, when the edit left the assembly's size as it was (its sections are padded), words that say so.
            var delta = new System.Text.RegularExpressions.Regex(@"WebApi\.dll (?:[+-]\d+(?:\.\d+)? k?B|\(changed, same size\)|same size)");
            // At the default verbosity (minimal) the publish says one line, in the terminal logger's "Project -> output" shape.
            var lines = second.Output.Split('\n').Where(l => l.Contains("WebApi -> " + repository, StringComparison.Ordinal)).ToArray();
            Assert.AreEqual(1, lines.Length, "one line at minimal verbosity:\n" + second.Output);
            string line = lines[0];
            StringAssert.Contains(line, $"WebApi -> {repository}:latest (sha256:", "the line names the image");
            StringAssert.Matches(line, new System.Text.RegularExpressions.Regex(@"built by unix://\S+ \(\S.* \d+\.\d+\S*, API 1\.\d+\)"), "the line names the engine and its version");
            StringAssert.Contains(line, "steps rebuilt");
            StringAssert.Contains(line, "report " + Path.GetRelativePath(project.Directory, Path.Combine(project.ContainerFolder, "image-history.html")), "the line points at the page people open");
            Assert.IsTrue(delta.IsMatch(line), "the console line names the file and its delta:\n" + line);
            Assert.IsFalse(second.Output.Contains("Layer history ->", StringComparison.Ordinal) || second.Output.Contains("builder (", StringComparison.Ordinal),
                "the story's other lines belong to -v:n:\n" + second.Output);
            string row = "| app | WebApi.dll | changed |";
            StringAssert.Contains(File.ReadAllText(Path.Combine(project.ContainerFolder, "image-history.md")), row);
            StringAssert.Contains(File.ReadAllText(stepSummary), row, "the GitHub step summary");
            StringAssert.Contains(File.ReadAllText(Path.Combine(project.ContainerFolder, "image-history.html")), "<td><code>WebApi.dll</code></td><td>changed</td>");
            string json = File.ReadAllText(Path.Combine(project.ContainerFolder, "image-history.json"));
            AssertValid(json);
            using var history = JsonDocument.Parse(json);
            var files = history.RootElement.GetProperty("changes").GetProperty("files").EnumerateArray().ToArray();
            Assert.IsTrue(files.All(f => f.GetProperty("layer").GetString() == "app"), "only files of the app layer changed: " + json);
            Assert.IsTrue(files.Any(f => f.GetProperty("path").GetString() == "WebApi.dll" && f.GetProperty("change").GetString() == "changed"));

            var diff = ProcessRunner.Run("dotnet", ["msbuild", "-t:DiamolDiffHistory", "-nodeReuse:false", $"-p:DiamolBuildVersion={TestEnvironment.PackageVersion}",
                    "-p:Configuration=Release", $"-p:DiamolHistoryBaseline={baseline}"],
                project.Directory, TestEnvironment.DotnetEnvironment, TimeSpan.FromMinutes(3)).EnsureSuccess("DiamolDiffHistory");
            Assert.IsTrue(delta.IsMatch(diff.Output), "the diff target names the file and its delta:\n" + diff.Output);

            // As the README writes it, right after a publish: msbuild defaults to Debug, the publish was Release.
            var show = ProcessRunner.Run("dotnet", ["msbuild", "-t:DiamolShowHistory", "-nodeReuse:false", $"-p:DiamolBuildVersion={TestEnvironment.PackageVersion}"],
                project.Directory, TestEnvironment.DotnetEnvironment, TimeSpan.FromMinutes(3)).EnsureSuccess("DiamolShowHistory as documented");
            StringAssert.Contains(show.Output, "The project's latest artifact: " + Path.Combine(project.ContainerFolder, "image-history.json"));
            StringAssert.Contains(show.Output, row);
        }
        finally
        {
            ImageInspection.RemoveImages(repository + ":latest");
        }
    }

    [TestMethod]
    public void The_html_report_draws_in_a_browser_without_script_errors()
    {
        var project = ConsumerProject.FromSample("WebPing");
        string repository = "diamol-e2e/history-html-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            project.Publish($"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={repository}").EnsureSuccess("publish");
            string page = Path.Combine(project.ContainerFolder, "image-history.html");
            string html = File.ReadAllText(page);
            Assert.IsFalse(html.Contains("src=\"http", StringComparison.Ordinal) || html.Contains("href=\"http", StringComparison.Ordinal), "external assets");

            using var history = JsonDocument.Parse(File.ReadAllText(Path.Combine(project.ContainerFolder, "image-history.json")));
            var entries = history.RootElement.GetProperty("entries").EnumerateArray().ToArray();
            int layers = entries.Count(e => !e.GetProperty("emptyLayer").GetBoolean());
            int ours = entries.Count(e => !e.GetProperty("emptyLayer").GetBoolean() && e.GetProperty("origin").GetString() == "ours" && e.GetProperty("size").GetInt64() > 0);
            int files = entries.Sum(e => e.TryGetProperty("files", out var list) ? list.GetArrayLength() : 0);

            var dom = Chromium(["--dump-dom", new Uri(page).AbsoluteUri]);
            StringAssert.Contains(dom.Output, "data-ready=\"yes\"", "the page's script did not run to the end");
            Assert.AreEqual(2 * layers, CountOf(dom.Output, "<rect class=\"layer"), "a bar per layer on each scale");
            Assert.AreEqual(ours, CountOf(dom.Output, "<rect class=\"segment"), "a segment per layer of ours in the stacked bar");
            Assert.IsTrue(files > 0, "the artifact lists our files");
            StringAssert.Contains(dom.Output, $"<output id=\"file-count\">{files} of {files} files</output>", "a row per file, all shown");
            Assert.IsFalse(dom.Error.Contains(":CONSOLE", StringComparison.Ordinal), dom.Error);

            string screenshot = Path.Combine(TestContext.TestResultsDirectory ?? TestEnvironment.WorkRoot, "webping-image-history.png");
            Chromium(["--screenshot=" + screenshot, "--window-size=1280,1400", new Uri(page).AbsoluteUri]);
            Assert.IsTrue(new FileInfo(screenshot).Length > 10_000, "the screenshot is empty");
            TestContext.AddResultFile(screenshot);
        }
        finally
        {
            ImageInspection.RemoveImages(repository + ":latest");
        }
    }

    private static ProcessResult Chromium(string[] arguments)
    {
        string profile = Path.Combine(TestEnvironment.WorkRoot, "chromium-" + Guid.NewGuid().ToString("N")[..6]);
        return ProcessRunner.Run("chromium",
            ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--enable-logging=stderr", "--v=0", "--host-resolver-rules=MAP * ~NOTFOUND",
             $"--user-data-dir={profile}", .. arguments],
            timeout: TimeSpan.FromMinutes(2)).EnsureSuccess("chromium");
    }

    private static int CountOf(string text, string part)
    {
        int count = 0;
        for (int at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + 1, StringComparison.Ordinal)) count++;
        return count;
    }

    // Loaded once: the library registers a schema under its $id and refuses to register it again.
    private static readonly Lazy<JsonSchema> Schema = new(() =>
        JsonSchema.FromText(File.ReadAllText(Path.Combine(TestEnvironment.RepositoryRoot, "src", "Sdk", "schema", "image-history.schema.json"))));

    private static void AssertValid(string json)
    {
        var schema = Schema.Value;
        using var document = JsonDocument.Parse(json);
        var result = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.IsTrue(result.IsValid, "the artifact does not follow its schema:\n" + string.Join("\n",
            (result.Details ?? []).Where(d => d.Errors is { Count: > 0 }).Select(d => $"{d.InstanceLocation}: {string.Join("; ", d.Errors!.Values)}")));
    }
}
