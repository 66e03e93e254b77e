using Diamol.Build.History;

namespace Diamol.Build.Tests.History;

[TestClass]
public sealed class HistoryReportsTests
{
    private static HistoryEntry Layer(int index, string diffId, long size, string origin = "ours", string? kind = "app", bool cached = false) => new()
    {
        Index = index,
        CreatedBy = $"COPY {index}",
        Size = size,
        EmptyLayer = false,
        DiffId = diffId,
        Origin = origin,
        LayerKind = origin == "ours" ? kind : null,
        LayerName = origin == "ours" ? kind : null,
        Cached = origin == "ours" ? cached : null,
    };

    private static LayerHistory History(string id, params HistoryEntry[] entries) => new()
    {
        Generator = "test",
        Image = new HistoryImage { Id = id, Repository = "r", Tags = ["latest"], Size = entries.Sum(e => e.Size) },
        BaseImage = new HistoryBaseImage { Name = "base", Layers = 1 },
        Dockerfile = "Dockerfile",
        Entries = entries,
        Totals = new HistoryTotals(),
    };

    [TestMethod]
    public void A_changed_file_of_the_same_size_says_so_instead_of_plus_zero()
    {
        var same = new FileChange("app", "App.dll", "changed", 4096, 4096);
        Assert.AreEqual("App.dll (changed, same size)", HistoryDiff.Describe(same));
        Assert.AreEqual("same size", HistoryDiff.Signed(same.Delta));
        Assert.AreEqual("App.dll +1 B", HistoryDiff.Describe(same with { SizeAfter = 4097 }));
        Assert.AreEqual("1 file", Diamol.Build.Diagnostics.Counted.Of(1, "file"));
        Assert.AreEqual("0 files", Diamol.Build.Diagnostics.Counted.Of(0, "file"));
    }

    [TestMethod]
    public void The_diff_counts_layers_by_diffid()
    {
        var before = History("sha256:a", Layer(0, "sha256:b0", 1000, "base"), Layer(1, "sha256:p1", 500, kind: "packages"), Layer(2, "sha256:x1", 20));
        var after = History("sha256:b", Layer(0, "sha256:b0", 1000, "base"), Layer(1, "sha256:p1", 500, kind: "packages", cached: true), Layer(2, "sha256:x2", 21_200));
        var changes = HistoryDiff.Compare(before, after);
        Assert.AreEqual(21_200, changes.AddedBytes);
        Assert.AreEqual(20, changes.RemovedBytes);
        Assert.AreEqual("app", changes.Added.Single().LayerName);
        Assert.AreEqual("+21.2 kB in layer app, -20 B in 1 layer no longer used", changes.Summary);
        Assert.AreEqual("no layer changed", HistoryDiff.Compare(after, after).Summary);
    }

    [TestMethod]
    public void The_html_page_is_self_contained_and_escapes_what_it_shows()
    {
        var history = History("sha256:a", Layer(0, "sha256:b0", 1000, "base"), Layer(1, "sha256:x1", 20) with { CreatedBy = "COPY <script>alert(1)</script>" });
        string html = HistoryHtmlWriter.Write(history);
        StringAssert.StartsWith(html, "<!doctype html>");
        Assert.IsFalse(html.Contains("<script>alert", StringComparison.Ordinal), "an instruction's text must not become markup");
        StringAssert.Contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;");
        Assert.AreEqual(4, html.Split("<rect class=\"layer").Length - 1, "two bars in the full chart, linear and log");
        Assert.AreEqual(1, html.Split("<rect class=\"segment").Length - 1, "one segment in the stack of ours");
        Assert.IsFalse(html.Contains("http://", StringComparison.Ordinal) && !html.Contains("http://www.w3.org/2000/svg", StringComparison.Ordinal));
    }

    [TestMethod]
    public void Markdown_carries_the_change_line()
    {
        var before = History("sha256:a", Layer(0, "sha256:x1", 20));
        var after = History("sha256:b", Layer(0, "sha256:x2", 30));
        string md = HistoryMarkdownWriter.Write(after with { Changes = HistoryDiff.Compare(before, after) });
        StringAssert.Contains(md, "## Since the previous build");
        StringAssert.Contains(md, "**+30 B in layer app, -20 B in 1 layer no longer used**");
    }

    [TestMethod]
    public void Files_added_removed_and_changed_are_listed_with_their_deltas_in_every_report()
    {
        HistoryFile[] oldFiles = [new("WebApi.dll", 10_000, "sha256:1"), new("WebApi.pdb", 2_000, "sha256:2"), new("old.json", 50, "sha256:3"), new("same.txt", 5, "sha256:4")];
        HistoryFile[] newFiles = [new("WebApi.dll", 10_512, "sha256:5"), new("WebApi.pdb", 2_020, "sha256:6"), new("new.json", 70, "sha256:7"), new("same.txt", 5, "sha256:4")];
        var before = History("sha256:a", Layer(0, "sha256:p", 500, kind: "packages") with { Files = [new("Lib.dll", 400, "sha256:l")] }, Layer(1, "sha256:x1", 12_055) with { Files = oldFiles });
        var after = History("sha256:b", Layer(0, "sha256:p", 500, kind: "packages") with { Files = [new("Lib.dll", 400, "sha256:l")] }, Layer(1, "sha256:x2", 12_607) with { Files = newFiles });
        var changes = HistoryDiff.Compare(before, after);

        CollectionAssert.AreEqual(new[] { "app/WebApi.dll changed +512", "app/WebApi.pdb changed +20", "app/new.json added +70", "app/old.json removed -50" },
            changes.Files.Select(f => $"{f.Layer}/{f.Path} {f.Change} {(f.Delta >= 0 ? "+" : "")}{f.Delta}").OrderBy(x => x, StringComparer.Ordinal).ToArray());
        StringAssert.Contains(changes.Summary, "in layer app (WebApi.dll +512 B, new.json (new, 70 B), old.json (removed, 50 B), and 1 more)");

        var reported = after with { Changes = changes };
        string md = HistoryMarkdownWriter.Write(reported);
        StringAssert.Contains(md, "| app | WebApi.dll | changed | 10 kB | 10.5 kB | +512 B |");
        StringAssert.Contains(md, "- gone: app");
        string html = HistoryHtmlWriter.Write(reported);
        StringAssert.Contains(html, "<td><code>WebApi.dll</code></td><td>changed</td><td>10 kB</td><td>10.5 kB</td><td>+512 B</td>");
        Assert.AreEqual(changes.Files.Count, HistoryJsonWriter.Read(HistoryJsonWriter.Write(reported)).Changes!.Files.Count, "the JSON round-trips");
    }

    [TestMethod]
    public void An_artifact_without_files_is_compared_by_layers_only()
    {
        var before = History("sha256:a", Layer(0, "sha256:x1", 20));
        var after = History("sha256:b", Layer(0, "sha256:x2", 30) with { Files = [new("a.dll", 30, "sha256:1")] });
        Assert.AreEqual(0, HistoryDiff.Compare(before, after).Files.Count);
    }
}
