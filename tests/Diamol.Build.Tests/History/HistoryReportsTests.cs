using Diamol.Build.History;

namespace Diamol.Build.Tests.History;

[TestClass]
public sealed class HistoryReportsTests
{
    private static HistoryEntry Layer(int index, string diffId, long size, string origin = "ours", string? kind = "app", bool cached = false) => new()
    {
        Index = index, CreatedBy = $"COPY {index}", Size = size, EmptyLayer = false, DiffId = diffId, Origin = origin,
        LayerKind = origin == "ours" ? kind : null, LayerName = origin == "ours" ? kind : null, Cached = origin == "ours" ? cached : null,
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
    public void The_diff_counts_layers_by_diffid()
    {
        var before = History("sha256:a", Layer(0, "sha256:b0", 1000, "base"), Layer(1, "sha256:p1", 500, kind: "packages"), Layer(2, "sha256:x1", 20));
        var after = History("sha256:b", Layer(0, "sha256:b0", 1000, "base"), Layer(1, "sha256:p1", 500, kind: "packages", cached: true), Layer(2, "sha256:x2", 21_200));
        var changes = HistoryDiff.Compare(before, after);
        Assert.AreEqual(21_200, changes.AddedBytes);
        Assert.AreEqual(20, changes.RemovedBytes);
        Assert.AreEqual("app", changes.Added.Single().LayerName);
        Assert.AreEqual("+21.2 kB in layer app, -20 B in 1 layer(s) no longer used", changes.Summary);
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
        Assert.AreEqual(3, html.Split("<rect class=\"layer").Length - 1, "two bars in the full chart, one in ours");
        Assert.IsFalse(html.Contains("http://", StringComparison.Ordinal) && !html.Contains("http://www.w3.org/2000/svg", StringComparison.Ordinal));
    }

    [TestMethod]
    public void Markdown_carries_the_change_line()
    {
        var before = History("sha256:a", Layer(0, "sha256:x1", 20));
        var after = History("sha256:b", Layer(0, "sha256:x2", 30));
        string md = HistoryMarkdownWriter.Write(after with { Changes = HistoryDiff.Compare(before, after) });
        StringAssert.Contains(md, "## Since the previous build");
        StringAssert.Contains(md, "**+30 B in layer app, -20 B in 1 layer(s) no longer used**");
    }
}
