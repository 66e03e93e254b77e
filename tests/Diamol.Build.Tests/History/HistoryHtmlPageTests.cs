using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Diamol.Build.History;

namespace Diamol.Build.Tests.History;

/// <summary>The markup of image-history.html: the views of our layers, the file table and its filter, escaping, the page's policy.</summary>
[TestClass]
public sealed class HistoryHtmlPageTests
{
    private static readonly LayerHistory Rebuilt = SampleHistory.Rebuilt();
    private static readonly string Html = HistoryHtmlWriter.Write(Rebuilt);

    [TestMethod]
    public void Our_layers_stack_in_proportion_to_their_bytes_with_the_base_as_one_figure()
    {
        var ours = Rebuilt.Entries.Where(e => e.Origin == "ours" && !e.EmptyLayer && e.Size > 0).ToArray();
        var segments = Regex.Matches(Html, "<g data-entry=\"(\\d+)\"><rect class=\"segment( new)?\" x=\"([\\d.]+)\" y=\"0\" width=\"([\\d.]+)\"")
            .Select(m => (Index: int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), New: m.Groups[2].Success, X: Number(m.Groups[3]), Width: Number(m.Groups[4])))
            .ToArray();
        CollectionAssert.AreEqual(ours.Select(e => e.Index).ToArray(), segments.Select(s => s.Index).ToArray(), "a segment per layer of ours, in order");
        Assert.AreEqual(960, segments.Sum(s => s.Width), 0.05, "the segments fill the bar");
        double proportional = 960 - ours.Length * OurLayersStack.MinimumWidth;
        long bytes = ours.Sum(e => e.Size);
        double x = 0;
        foreach (var (segment, layer) in segments.Zip(ours))
        {
            Assert.AreEqual(x, segment.X, 0.05, "segments follow each other");
            Assert.AreEqual(proportional * layer.Size / bytes, segment.Width - OurLayersStack.MinimumWidth, 0.01, "width above the floor in proportion to bytes: #" + layer.Index);
            Assert.AreEqual(layer.Cached == false, segment.New, "new layers are outlined");
            x += segment.Width;
        }

        StringAssert.Contains(Html, "Base image <code>mcr.microsoft.com/dotnet/aspnet:10.0</code>: <strong>227.3 MB</strong> in 3 layers (87% of the image)");
        StringAssert.Contains(Html, "<text class=\"in\" x=\"4\" y=\"23\">packages 22.4 MB</text>", "wide segments are labelled");
        StringAssert.Contains(Html, "<li data-entry=\"9\"><i class=\"k-app\"></i><b>app (layers/app)</b> 58.5 kB (0.2% of ours), new</li>", "the key names every layer and its folder");
    }

    [TestMethod]
    public void Every_layer_is_drawn_on_a_log_scale_and_linear_and_a_checkbox_chooses_without_script()
    {
        var layers = Rebuilt.Entries.Where(e => !e.EmptyLayer).ToArray();
        double[] log = BarWidths("chart-log"), linear = BarWidths("chart-linear");
        Assert.AreEqual(layers.Length, log.Length);
        Assert.AreEqual(layers.Length, linear.Length);
        var bySize = layers.Select((layer, i) => (layer.Size, Log: log[i], Linear: linear[i])).OrderBy(b => b.Size).ToArray();
        for (int i = 1; i < bySize.Length; i++) Assert.IsTrue(bySize[i].Log >= bySize[i - 1].Log, "log bars grow with bytes");
        var app = layers.Select((layer, i) => (layer, i)).Single(l => l.layer.LayerName == "app").i;
        Assert.IsTrue(log[app] > log.Max() / 2, $"on the log scale the 58 kB app layer is a bar you can read: {log[app]} of {log.Max()}");
        Assert.AreEqual(117_534_607.0 / 82_714_232, linear[0] / linear[1], 0.001, "linear bars are to size (#0 and #2, the first two that add bytes)");
        StringAssert.Contains(Html, "<text class=\"tick\"", "the log scale has its lines (1 kB, 1 MB)");
        StringAssert.Contains(Html, "<input type=\"checkbox\" id=\"linear-scale\" class=\"scale\">");
        StringAssert.Contains(HistoryPageAssets.Css, ".scale:checked ~ .scales .linear { display: block; }");
    }

    [TestMethod]
    public void Every_file_of_our_layers_is_a_row_with_its_layer_size_and_change_and_the_filter_waits_for_script()
    {
        var rows = Regex.Matches(Section(Html, "layer-files"), "<tr>(.*?)</tr>").Select(m => m.Groups[1].Value).ToArray();
        Assert.AreEqual(Rebuilt.Entries.Sum(e => e.Files?.Count ?? 0), rows.Length, "a plain row per file");
        CollectionAssert.Contains(rows, "<td>app</td><td>Shop.dll</td><td>51.5 kB</td><td>changed +512 B</td>");
        CollectionAssert.Contains(rows, "<td>app</td><td>Shop.pdb</td><td>7 kB</td><td></td>", "an unchanged file has an empty change");
        CollectionAssert.Contains(rows, "<td>host</td><td>Shop</td><td>85 kB</td><td></td>");
        Assert.IsTrue(rows.Any(r => r.EndsWith("<td>added</td>", StringComparison.Ordinal)));
        Assert.IsFalse(Regex.IsMatch(Html, "<[a-z][^>]*\\son[a-z]+=", RegexOptions.IgnoreCase), "no inline event handlers");

        StringAssert.Contains(Html, "<p class=\"filters\" id=\"file-filters\" hidden>", "without script the controls stay hidden and every row shows");
        StringAssert.Contains(Html, "<input type=\"search\" id=\"file-filter\"");
        StringAssert.Contains(Html, "<option value=\"\">every layer</option><option value=\"packages\">packages (layers/packages)</option>");
        StringAssert.Contains(Html, "<option value=\"app\">app (layers/app)</option>");
        StringAssert.Contains(HistoryPageAssets.Script, "new URLSearchParams(location.hash.slice(1))", "the address can pre-fill the filter");

        string first = HistoryHtmlWriter.Write(SampleHistory.Build("sha256:first", [new("Shop.dll", 51_000, "sha256:a")]));
        StringAssert.Contains(first, "<th>Size</th></tr></thead>", "no change column without a previous build");
        StringAssert.Contains(first, "<tr><td>app</td><td>Shop.dll</td><td>51 kB</td></tr>");
    }

    [TestMethod]
    public void Layers_and_files_that_went_are_listed_with_those_that_came()
    {
        StringAssert.Contains(Html, "<li class=\"new\">new: <b>app</b>, 58.5 kB (<code>COPY layers/app /app/</code>)</li>");
        StringAssert.Contains(Html, "<li class=\"gone\">gone: <b>app</b>, 58.3 kB (<code>COPY layers/app /app/</code>)</li>");
        StringAssert.Contains(Section(Html, "changed-files"), "<tr class=\"removed\"><td>app</td><td><code>old.js</code></td><td>removed</td><td>300 B</td><td></td><td>-300 B</td></tr>");
    }

    [TestMethod]
    public void Hostile_file_and_layer_names_stay_text_in_every_part_of_the_page()
    {
        foreach (string raw in new[] { SampleHistory.HostileFile, SampleHistory.HostileLayer })
        {
            Assert.IsFalse(Html.Contains(raw, StringComparison.Ordinal), "written unescaped: " + raw);
        }

        StringAssert.Contains(Html, "<td>app</td><td>wwwroot/&lt;img src=x onerror=alert(1)&gt;&amp;&quot;&#39;.js</td>");
        StringAssert.Contains(Html, "<option value=\"my&lt;layer&gt;&amp;&quot;\">", "a quote cannot end the attribute");
        var tags = Regex.Matches(Html, "<(/?)([!a-zA-Z][a-zA-Z0-9-]*)").Select(m => m.Groups[2].Value.ToLowerInvariant()).ToHashSet();
        tags.ExceptWith(["!doctype", "html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "code", "strong", "ul", "li", "b", "i", "span",
            "svg", "g", "text", "rect", "line", "input", "label", "div", "select", "option", "output", "table", "thead", "tbody", "tr", "th", "td", "script"]);
        Assert.AreEqual(0, tags.Count, "elements the writer never makes: " + string.Join(", ", tags));
        Assert.AreEqual(1, Regex.Count(Html, "<script"), "one script");
    }

    [TestMethod]
    public void The_page_may_load_nothing_and_run_only_its_own_style_and_script()
    {
        string policy = Regex.Match(Html, "<meta http-equiv=\"Content-Security-Policy\" content=\"([^\"]*)\">").Groups[1].Value;
        string style = Regex.Match(Html, "<style>(.*?)</style>", RegexOptions.Singleline).Groups[1].Value;
        string script = Regex.Match(Html, "<script>(.*?)</script>", RegexOptions.Singleline).Groups[1].Value;
        Assert.AreEqual($"default-src 'none'; style-src '{Hash(style)}'; script-src '{Hash(script)}'", policy);
        Assert.IsTrue(Html.IndexOf("Content-Security-Policy", StringComparison.Ordinal) < Html.IndexOf("<style>", StringComparison.Ordinal), "the policy comes first");
        Assert.IsFalse(Regex.IsMatch(Html, "<[a-z][^>]*\\s(src|href)=", RegexOptions.IgnoreCase), "nothing to load");
    }

    [TestMethod]
    public void Twenty_thousand_files_make_a_page_of_a_few_megabytes()
    {
        var small = SampleHistory.Rebuilt(packageFiles: 40);
        var large = SampleHistory.Rebuilt(packageFiles: 20_040);
        string html = HistoryHtmlWriter.Write(large);
        double perRow = (html.Length - HistoryHtmlWriter.Write(small).Length) / 20_000.0;
        // "<tr><td>packages</td><td>Lib00000.Something.dll</td><td>1.1 kB</td><td></td></tr>": the path and some 60 characters.
        Assert.IsTrue(perRow < 90, $"{perRow:0.#} characters per file row");
        Assert.AreEqual(large.Entries.Sum(e => e.Files?.Count ?? 0), Regex.Count(Section(html, "layer-files"), "<tr>"));
    }

    private static double[] BarWidths(string chart) =>
        Regex.Matches(Regex.Match(Html, $"<svg[^>]*id=\"{chart}\".*?</svg>", RegexOptions.Singleline).Value, "<rect class=\"layer[^\"]*\"[^>]* width=\"([\\d.]+)\"")
            .Select(m => Number(m.Groups[1])).ToArray();

    // The body rows of the table with this id.
    private static string Section(string html, string id) => Regex.Match(html, $"id=\"{id}\".*?<tbody>(.*?)</tbody>", RegexOptions.Singleline).Groups[1].Value;

    private static double Number(Group group) => double.Parse(group.Value, CultureInfo.InvariantCulture);

    private static string Hash(string text) => "sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
