using System.Globalization;
using System.Net;
using System.Text;

namespace Diamol.Build.History;

/// <summary>
/// Writes image-history.html: one self-contained page (no external assets, opens from the file system) with a
/// picture of the layers, a bar each sized by its bytes and coloured by kind, new ones marked, and the table.
/// The picture is SVG made here, so it draws without any script; a few lines of script only link bars and rows.
/// </summary>
public static class HistoryHtmlWriter
{
    private const int Width = 960;
    private const int BarHeight = 22;
    private const int LabelWidth = 260;

    private static readonly Dictionary<string, string> Colours = new(StringComparer.Ordinal)
    {
        ["base"] = "#9aa0a6",
        ["packages"] = "#1a73e8",
        ["prerelease"] = "#7e57c2",
        ["projects"] = "#00897b",
        ["host"] = "#f29900",
        ["static"] = "#34a853",
        ["custom"] = "#8d6e63",
        ["app"] = "#d93025",
        ["metadata"] = "#dadce0",
    };

    public static string Write(LayerHistory history)
    {
        var html = new StringBuilder();
        string title = "Image history: " + history.Image.Repository;
        html.Append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").Append(E(title)).Append("</title>\n");
        html.Append("<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n");
        html.Append("<h1>").Append(E(title)).Append("</h1>\n");
        html.Append("<p class=\"facts\">Image <code>").Append(E(history.Image.Id)).Append("</code>, tags ")
            .Append(E(string.Join(", ", history.Image.Tags))).Append(". Base image <code>").Append(E(history.BaseImage.Name)).Append("</code>.</p>\n");
        html.Append("<p class=\"facts\">").Append(E(HistoryMarkdownWriter.Size(history.Image.Size))).Append(" in all: ")
            .Append(E(HistoryMarkdownWriter.Size(history.Totals.BaseBytes))).Append(" base, ")
            .Append(E(HistoryMarkdownWriter.Size(history.Totals.OurBytes))).Append(" ours, of which <strong>")
            .Append(E(HistoryMarkdownWriter.Size(history.Totals.NewBytes))).Append(" new in this build</strong> and ")
            .Append(E(HistoryMarkdownWriter.Size(history.Totals.CachedBytes))).Append(" from the cache.</p>\n");
        if (history.Changes is { } changes)
        {
            html.Append("<p class=\"changes\">Since the previous build (<code>").Append(E(Short(changes.PreviousImageId))).Append("</code>): <strong>")
                .Append(E(changes.Summary)).Append("</strong></p>\n");
            if (changes.Files.Count > 0)
            {
                html.Append("<h2>Files changed since the previous build</h2>\n<table class=\"files\" id=\"changed-files\">\n<thead><tr><th>Layer</th><th>File</th><th>Change</th><th>Before</th><th>After</th><th>Delta</th></tr></thead>\n<tbody>\n");
                foreach (var file in changes.Files)
                {
                    html.Append("<tr><td>").Append(E(file.Layer)).Append("</td><td><code>").Append(E(file.Path)).Append("</code></td><td>").Append(E(file.Change))
                        .Append("</td><td>").Append(file.SizeBefore is { } before ? E(HistoryMarkdownWriter.Size(before)) : "")
                        .Append("</td><td>").Append(file.SizeAfter is { } after ? E(HistoryMarkdownWriter.Size(after)) : "")
                        .Append("</td><td>").Append(E(HistoryDiff.Signed(file.Delta))).Append("</td></tr>\n");
                }

                html.Append("</tbody>\n</table>\n");
            }
        }

        var layers = history.Entries.Where(e => !e.EmptyLayer).ToArray();
        html.Append("<h2>Every layer, to scale</h2>\n");
        AppendChart(html, layers, "all");
        var ours = layers.Where(e => e.Origin == "ours").ToArray();
        if (ours.Length > 0)
        {
            html.Append("<h2>Our layers, to scale</h2>\n");
            AppendChart(html, ours, "ours");
        }

        AppendLegend(html);
        AppendTable(html, history);
        html.Append("<script>\n").Append(Script).Append("</script>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void AppendChart(StringBuilder html, IReadOnlyList<HistoryEntry> layers, string id)
    {
        long total = Math.Max(1, layers.Sum(l => l.Size));
        int height = layers.Count * (BarHeight + 6) + 6;
        html.Append("<svg class=\"chart\" id=\"chart-").Append(id).Append("\" role=\"img\" width=\"").Append(Width).Append("\" height=\"").Append(height)
            .Append("\" viewBox=\"0 0 ").Append(Width).Append(' ').Append(height).Append("\" xmlns=\"http://www.w3.org/2000/svg\">\n");
        for (int i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            string kind = Kind(layer);
            bool isNew = layer.Origin == "ours" && layer.Cached != true;
            // Linear in bytes; a sliver for tiny layers so every layer can be seen and pointed at.
            double width = Math.Max(2, (Width - LabelWidth - 90) * (double)layer.Size / total);
            int y = 6 + i * (BarHeight + 6);
            html.Append("<g data-entry=\"").Append(layer.Index).Append("\">");
            html.Append("<text x=\"0\" y=\"").Append(y + 16).Append("\" class=\"label\">").Append(E(Label(layer))).Append("</text>");
            html.Append("<rect class=\"layer").Append(isNew ? " new" : "").Append("\" x=\"").Append(LabelWidth).Append("\" y=\"").Append(y)
                .Append("\" width=\"").Append(width.ToString("0.##", CultureInfo.InvariantCulture)).Append("\" height=\"").Append(BarHeight)
                .Append("\" fill=\"").Append(Colours.GetValueOrDefault(kind, "#5f6368")).Append("\"><title>")
                .Append(E($"{Label(layer)}: {HistoryMarkdownWriter.Size(layer.Size)}, {(layer.Origin == "base" ? "base image" : isNew ? "new in this build" : "from the cache")}"))
                .Append("</title></rect>");
            html.Append("<text x=\"").Append((LabelWidth + width + 6).ToString("0.##", CultureInfo.InvariantCulture)).Append("\" y=\"").Append(y + 16)
                .Append("\" class=\"size\">").Append(E(HistoryMarkdownWriter.Size(layer.Size) + (isNew ? " new" : ""))).Append("</text></g>\n");
        }

        html.Append("</svg>\n");
    }

    private static void AppendLegend(StringBuilder html)
    {
        html.Append("<p class=\"legend\">");
        foreach (var (kind, colour) in Colours)
        {
            html.Append("<span><i style=\"background:").Append(colour).Append("\"></i>").Append(E(kind)).Append("</span>");
        }

        html.Append("<span><i class=\"new\"></i>new in this build (outlined)</span></p>\n");
    }

    private static void AppendTable(StringBuilder html, LayerHistory history)
    {
        html.Append("<h2>History</h2>\n<table>\n<thead><tr><th>#</th><th>Line</th><th>Instruction</th><th>Kind</th><th>Size</th><th>Cache</th><th>Files</th></tr></thead>\n<tbody>\n");
        foreach (var entry in history.Entries)
        {
            string cache = entry.Origin == "base" ? "base" : entry.Cached == true ? "cached" : "new";
            html.Append("<tr data-entry=\"").Append(entry.Index).Append("\" class=\"").Append(cache).Append("\"><td>").Append(entry.Index)
                .Append("</td><td>").Append(entry.DockerfileLine?.ToString(CultureInfo.InvariantCulture) ?? "")
                .Append("</td><td><code>").Append(E(entry.CreatedBy.Replace("/bin/sh -c #(nop) ", "", StringComparison.Ordinal).Trim())).Append("</code></td><td>")
                .Append(E(Kind(entry))).Append("</td><td class=\"num\">").Append(entry.EmptyLayer ? "—" : E(HistoryMarkdownWriter.Size(entry.Size)))
                .Append("</td><td>").Append(cache).Append("</td><td>");
            if (entry.FileCount is { } count)
            {
                html.Append(count).Append(" files");
                if (entry.LargestFiles is { Count: > 0 } largest)
                {
                    html.Append(": ").Append(E(string.Join(", ", largest.Select(f => $"{f.Path} ({HistoryMarkdownWriter.Size(f.Size)})"))));
                }
            }

            html.Append("</td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n");
    }

    private static string Kind(HistoryEntry entry) => entry.Origin == "base" ? "base" : entry.LayerKind ?? "metadata";

    private static string Label(HistoryEntry entry) =>
        entry.Origin == "base" ? $"#{entry.Index} base" : $"#{entry.Index} {entry.LayerName ?? entry.LayerKind}";

    private static string Short(string id) => id.Length > 19 ? id[..19] : id;

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private const string Css = """
        body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #202124; }
        code { font: 12px ui-monospace, monospace; }
        .chart .label, .chart .size { font: 12px ui-monospace, monospace; fill: #3c4043; }
        .chart rect.new { stroke: #202124; stroke-width: 2; }
        .chart g.hover rect, tr.hover { outline: 2px solid #fbbc04; background: #fef7e0; }
        .legend span { margin-right: 14px; white-space: nowrap; }
        .legend i { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: middle; border: 1px solid #dadce0; }
        .legend i.new { border: 2px solid #202124; }
        table { border-collapse: collapse; margin-top: 8px; width: 100%; table-layout: auto; }
        td code { word-break: break-all; }
        td:last-child { max-width: 320px; }
        th, td { border-bottom: 1px solid #e8eaed; padding: 4px 8px; text-align: left; vertical-align: top; }
        td.num { text-align: right; white-space: nowrap; }
        tr.new td { font-weight: 600; }
        tr.base td { color: #5f6368; }
        .changes { padding: 8px 12px; background: #e8f0fe; display: inline-block; }

        """;

    // Pointing at a bar highlights its row and the other way round; the page is whole without it.
    private const string Script = """
        (function () {
          var items = document.querySelectorAll('[data-entry]');
          function mark(entry, on) {
            document.querySelectorAll('[data-entry="' + entry + '"]').forEach(function (el) { el.classList.toggle('hover', on); });
          }
          items.forEach(function (el) {
            el.addEventListener('mouseenter', function () { mark(el.getAttribute('data-entry'), true); });
            el.addEventListener('mouseleave', function () { mark(el.getAttribute('data-entry'), false); });
          });
          document.documentElement.setAttribute('data-ready', 'yes');
        })();

        """;
}
