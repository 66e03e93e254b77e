using System.Text.RegularExpressions;
using Diamol.Build.History;

namespace Diamol.Build.Tests.History;

/// <summary>
/// image-history.html as a browser shows it: headless Chromium with the network cut off opens a generated page, runs
/// its script (the file filter, pre-filled from the address), dumps the DOM and takes a screenshot. Needs `chromium`.
/// </summary>
[TestClass]
[TestCategory("Chromium")]
public sealed class HistoryPageInChromiumTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void The_page_draws_filters_its_files_and_loads_nothing()
    {
        var history = SampleHistory.Rebuilt();
        using var temp = new TempFolder("history-page");
        string folder = temp.Path;
        string page = Path.Combine(folder, "image-history.html");
        File.WriteAllText(page, HistoryHtmlWriter.Write(history));

        var run = HeadlessChromium.Run(new Uri(page).AbsoluteUri + "#path=shop.d&layer=app", "--dump-dom");
        string dom = run.Output;
        StringAssert.Contains(dom, "data-ready=\"yes\"", "the page's script did not run to the end (a policy violation stops it too)");
        Assert.AreEqual(0, run.ConsoleLines.Count, "console messages:\n" + string.Join('\n', run.ConsoleLines));
        Assert.AreEqual(0, run.PageRequests.Count, "the page asked the network for: " + string.Join(", ", run.PageRequests));

        var layers = history.Entries.Where(e => !e.EmptyLayer).ToArray();
        Assert.AreEqual(2 * layers.Length, Regex.Count(dom, "<rect class=\"layer"), "a bar per layer, linear and log");
        Assert.AreEqual(layers.Count(l => l.Origin == "ours" && l.Size > 0), Regex.Count(dom, "<rect class=\"segment"), "a segment per layer of ours");
        StringAssert.Contains(dom, "<p class=\"filters\" id=\"file-filters\">", "the script shows the filter controls");

        string files = Regex.Match(dom, "id=\"layer-files\".*?<tbody>(.*?)</tbody>", RegexOptions.Singleline).Groups[1].Value;
        var rows = Regex.Matches(files, "<tr( hidden=\"\")?>(.*?)</tr>", RegexOptions.Singleline);
        int total = history.Entries.Sum(e => e.Files?.Count ?? 0);
        Assert.AreEqual(total, rows.Count, "a row per file");
        var shown = rows.Where(r => !r.Groups[1].Success).Select(r => r.Groups[2].Value).ToArray();
        Assert.AreEqual(1, shown.Length, "only Shop.dll of the app layer matches #path=shop.d&layer=app:\n" + string.Join('\n', shown));
        StringAssert.StartsWith(shown[0], "<td>app</td><td>Shop.dll</td>");
        StringAssert.Contains(dom, $"<output id=\"file-count\">1 of {total} files</output>");
        Assert.IsFalse(dom.Contains("<img", StringComparison.Ordinal), "a file name became an element");

        string screenshot = Path.Combine(TestContext.TestResultsDirectory ?? folder, "image-history.png");
        run = HeadlessChromium.Run(new Uri(page).AbsoluteUri, "--screenshot=" + screenshot, "--window-size=1280,1600", "--force-device-scale-factor=1");
        Assert.AreEqual(0, run.ConsoleLines.Count, "console messages:\n" + string.Join('\n', run.ConsoleLines));
        TestContext.AddResultFile(screenshot);
        var png = PngPixels.Read(screenshot);
        Assert.AreEqual((1280, 1600), (png.Width, png.Height), "screenshot size");
        Assert.IsTrue(png.CountNonWhite() > png.Width * png.Height / 50, "the screenshot is (nearly) blank");
        int blue = png.Count(0x1a, 0x73, 0xe8);
        Assert.IsTrue(blue > 25_000, $"packages blue, {blue} pixels: the stacked bar draws the layer some 620 by 36 pixels, the log chart some 550 by 22");
    }

    /// <summary>The two checks above would pass vacuously if Chromium stopped logging what they read: this page fails both.</summary>
    [TestMethod]
    public void The_checks_see_a_page_that_fetches_and_throws()
    {
        using var temp = new TempFolder("canary");
        string folder = temp.Path;
        string page = Path.Combine(folder, "canary.html");
        File.WriteAllText(page, "<!doctype html><img src=\"http://example.com/canary.png\"><script>throw new Error('canary');</script>");
        var run = HeadlessChromium.Run(new Uri(page).AbsoluteUri, "--dump-dom");
        CollectionAssert.Contains(run.PageRequests.ToArray(), "http://example.com/canary.png");
        Assert.IsTrue(run.ConsoleLines.Any(l => l.Contains("Uncaught Error: canary", StringComparison.Ordinal)), run.Error);
    }
}
