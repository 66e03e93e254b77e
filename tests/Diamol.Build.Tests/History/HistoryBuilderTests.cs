using Diamol.Build.Common;
using Diamol.Build.Dockerfile;
using Diamol.Build.Engine;
using Diamol.Build.History;
using Diamol.Build.Layers;

namespace Diamol.Build.Tests.History;

[TestClass]
public sealed class HistoryBuilderTests
{
    private static readonly DockerfileDocument Dockerfile = new("",
    [
        new DockerfileInstruction(6, "FROM", "FROM base"),
        new DockerfileInstruction(9, "ENV", "ENV A=1"),
        new DockerfileInstruction(10, "WORKDIR", "WORKDIR /app/"),
        new DockerfileInstruction(13, "COPY", "COPY packages", LayerKind.Packages, "packages"),
        new DockerfileInstruction(16, "COPY", "COPY app", LayerKind.App, "app"),
    ], new Dictionary<string, string>());

    private static readonly LayerPlan Plan = new(
    [
        new Layer(LayerKind.Packages, "packages", [new LayerFile("/p/a", "a.dll", 300), new LayerFile("/p/b", "b.dll", 700)]),
        new Layer(LayerKind.App, "app", [new LayerFile("/p/app", "App.dll", 50)]),
    ]);

    private static LayerHistory Build()
    {
        var history = new[]
        {
            new ImageHistoryRow("<missing>", "imported", null, 1000, null),
            new ImageHistoryRow("<missing>", "/bin/sh -c #(nop)  ENV PATH=/bin", null, 0, null),
            new ImageHistoryRow("sha256:base", "/bin/sh -c #(nop) COPY dir:x in /usr/share/dotnet", null, 500, 2),
            new ImageHistoryRow("sha256:s2", "/bin/sh -c #(nop)  ENV A=1", null, 0, 2),
            new ImageHistoryRow("sha256:s3", "/bin/sh -c #(nop) WORKDIR /app/", null, 0, 3),
            new ImageHistoryRow("sha256:s4", "/bin/sh -c #(nop) COPY dir:p in /app/", null, 1000, 4),
            new ImageHistoryRow("sha256:s5", "/bin/sh -c #(nop) COPY dir:a in /app/", null, 50, 5),
        };
        var steps = new[]
        {
            new BuildStep(1, "FROM base", false, "base"),
            new BuildStep(2, "ENV A=1", true, "s2"),
            new BuildStep(3, "WORKDIR /app/", true, "s3"),
            new BuildStep(4, "COPY packages", true, "s4"),
            new BuildStep(5, "COPY app", false, "s5"),
        };
        var image = new ImageFacts("sha256:img", null, 2550, "linux", "amd64", ["PATH=/bin", "DB_PASSWORD=hunter2"],
            ["sha256:l1", "sha256:l2", "sha256:l3", "sha256:l4", "sha256:l5"]);
        return HistoryBuilder.Build("Diamol.Build test", "webping", ["latest"], image,
            new BaseImageSummary("base", "sha256:base", 2, 1500), history, Dockerfile, steps, Plan);
    }

    [TestMethod]
    public void Entries_are_tied_to_dockerfile_lines_layers_and_cache_status()
    {
        var history = Build();
        var ours = history.Entries.Where(e => e.Origin == "ours").ToArray();
        CollectionAssert.AreEqual(new int?[] { 9, 10, 13, 16 }, ours.Select(e => e.DockerfileLine).ToArray());
        CollectionAssert.AreEqual(new bool?[] { true, true, true, false }, ours.Select(e => e.Cached).ToArray());
        CollectionAssert.AreEqual(new[] { "metadata", "metadata", "packages", "app" }, ours.Select(e => e.LayerKind).ToArray());
        Assert.AreEqual("b.dll", ours[2].LargestFiles![0].Path);
        Assert.AreEqual(2, ours[2].FileCount);
    }

    [TestMethod]
    public void DiffIds_follow_the_entries_that_add_layers()
    {
        var entries = Build().Entries;
        CollectionAssert.AreEqual(new[] { false, true, false, true, false, false, false }, entries.Select(e => e.EmptyLayer).ToArray());
        CollectionAssert.AreEqual(new[] { "sha256:l1", null, "sha256:l2", null, "sha256:l3", "sha256:l4", "sha256:l5" },
            entries.Select(e => e.DiffId).ToArray());
    }

    [TestMethod]
    public void Totals_split_base_ours_new_and_cached()
    {
        var totals = Build().Totals;
        Assert.AreEqual(1500, totals.BaseBytes);
        Assert.AreEqual(1050, totals.OurBytes);
        Assert.AreEqual(50, totals.NewBytes);
        Assert.AreEqual(1000, totals.CachedBytes);
    }

    [TestMethod]
    public void Secret_looking_environment_values_are_redacted_and_json_round_trips()
    {
        var history = Build();
        CollectionAssert.Contains(history.Image.Env.ToArray(), "DB_PASSWORD=<redacted>");
        string json = HistoryJsonWriter.Write(history);
        Assert.IsFalse(json.Contains("hunter2", StringComparison.Ordinal));
        var read = HistoryJsonWriter.Read(json);
        Assert.AreEqual(history.Entries.Count, read.Entries.Count);
        Assert.AreEqual(history.Totals, read.Totals);
    }

    [TestMethod]
    public void Markdown_shows_hostile_file_names_as_text()
    {
        var history = Build();
        history = history with
        {
            Entries = history.Entries.Select(e => e.LargestFiles is null ? e : e with { LargestFiles = [new HistoryFile("wwwroot/<img src=x onerror=alert(1)>*b*_[l](u)|`.js", 5)] }).ToArray(),
        };
        string md = HistoryMarkdownWriter.Write(history);
        StringAssert.Contains(md, "wwwroot/&lt;img src=x onerror=alert(1)&gt;\\*b\\*\\_\\[l\\](u)\\|\\`.js (5 B)");
        Assert.IsFalse(md.Contains("<img", StringComparison.Ordinal), md);
    }

    [TestMethod]
    public void Markdown_lists_our_steps()
    {
        string md = HistoryMarkdownWriter.Write(Build());
        StringAssert.Contains(md, "# Image history: webping");
        StringAssert.Contains(md, "| 6 | 16 | **app**: `COPY app` | app | 50 B | new | 1 file; largest: App.dll (50 B) |",
            "rows of ours are named by their layer and our instruction, not the engine's COPY dir:<sha>");
        StringAssert.Contains(md, "The 3 entries before these came with the base image.");
    }

    [TestMethod]
    public void Secrets_are_redacted_in_instruction_texts_too()
    {
        var dockerfile = new DockerfileDocument("", [new DockerfileInstruction(1, "FROM", "FROM base"), new DockerfileInstruction(2, "ENV", "ENV"), new DockerfileInstruction(3, "RUN", "RUN")],
            new Dictionary<string, string>());
        var history = new[]
        {
            new ImageHistoryRow("<missing>", "imported", null, 10, null),
            new ImageHistoryRow("sha256:s2", "/bin/sh -c #(nop)  ENV DB_PASSWORD=hunter2 and more TARGET=x", null, 0, 1),
            new ImageHistoryRow("sha256:s3", "|1 NUGET_TOKEN=abc123 /bin/sh -c echo hunter2 > /f", null, 5, 2),
        };
        var image = new ImageFacts("sha256:i", null, 15, "linux", "amd64", ["DB_PASSWORD=hunter2 and more", "TARGET=x"], ["sha256:l1", "sha256:l2"]);
        var built = HistoryBuilder.Build("t", "r", ["latest"], image, new BaseImageSummary("base", null, 1, 10), history, dockerfile, [], new LayerPlan([]));
        string json = HistoryJsonWriter.Write(built);
        Assert.IsFalse(json.Contains("hunter2", StringComparison.Ordinal), json);
        Assert.IsFalse(json.Contains("abc123", StringComparison.Ordinal), json);
        StringAssert.Contains(json, "DB_PASSWORD=<redacted> TARGET=x");
        StringAssert.Contains(json, "NUGET_TOKEN=<redacted>");
        Assert.IsFalse(json.Contains("and more", StringComparison.Ordinal), "a value with spaces goes whole: " + json);
    }

    [TestMethod]
    public void Entries_are_tied_to_instructions_by_the_image_each_step_made_not_by_position()
    {
        var dockerfile = new DockerfileDocument("",
            [new DockerfileInstruction(1, "FROM", "FROM base"), new DockerfileInstruction(5, "ENV", "ENV A=1"), new DockerfileInstruction(9, "RUN", "RUN make")],
            new Dictionary<string, string>());
        var history = new[]
        {
            new ImageHistoryRow("<missing>", "imported", null, 10, null),
            new ImageHistoryRow("sha256:aaaaaaaaaaaa1111", "/bin/sh -c #(nop)  ENV A=1", null, 0, 1),
            new ImageHistoryRow("sha256:bbbbbbbbbbbb2222", "/bin/sh -c make", null, 5, 2),
            // Not made by an instruction of ours: counting from the end would tie RUN to it and ENV to RUN's entry.
            new ImageHistoryRow("sha256:cccccccccccc3333", "/bin/sh -c echo extra", null, 0, 2),
        };
        BuildStep[] steps = [new(1, "FROM base", false, "999999999999"), new(2, "ENV A=1", false, "aaaaaaaaaaaa"), new(3, "RUN make", true, "bbbbbbbbbbbb")];
        var image = new ImageFacts("sha256:cccccccccccc3333", null, 15, "linux", "amd64", [], ["sha256:l1", "sha256:l2"]);
        var built = HistoryBuilder.Build("t", "r", ["latest"], image, new BaseImageSummary("base", null, 1, 10), history, dockerfile, steps, new LayerPlan([]));

        Assert.AreEqual(5, built.Entries[1].DockerfileLine);
        Assert.AreEqual(9, built.Entries[2].DockerfileLine);
        Assert.IsTrue(built.Entries[2].Cached);
        Assert.AreEqual("base", built.Entries[3].Origin, "an entry no step of ours made is not ours");
        Assert.IsNull(built.Entries[3].DockerfileLine);
    }
}
