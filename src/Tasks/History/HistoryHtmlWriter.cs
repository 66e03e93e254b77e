using System.Globalization;
using System.Text;
using Diamol.Build.Common;

namespace Diamol.Build.History;

/// <summary>
/// Writes image-history.html: one self-contained page (no external assets, opens from the file system, loads nothing)
/// with what changed since the previous build, our layers as a stacked bar with the base image as one figure, every
/// layer as bars (linear or log scale), every file of our layers in a table that filters, and the history table.
/// The pictures are SVG made here, so the page is whole without script; a few lines of script link bars and rows and
/// filter the files.
/// </summary>
internal static class HistoryHtmlWriter
{
    public static string Write(LayerHistory history)
    {
        var html = new StringBuilder();
        string title = "Image history: " + history.Image.Repository;
        html.Append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n").Append(HistoryPageAssets.Policy())
            .Append("<title>").Append(E(title)).Append("</title>\n");
        html.Append("<style>").Append(HistoryPageAssets.Css).Append("</style>\n</head>\n<body>\n");
        html.Append("<h1>").Append(E(title)).Append("</h1>\n");
        html.Append("<p class=\"facts\">Image <code>").Append(E(history.Image.Id)).Append("</code>, tags ")
            .Append(E(history.Image.Tags.Count > 0 ? string.Join(", ", history.Image.Tags) : "none (" + HistoryMarkdownWriter.UntaggedReason(history.Image) + ")"))
            .Append(". Base image <code>").Append(E(history.BaseImage.Name)).Append("</code>.</p>\n");
        html.Append("<p class=\"facts\">").Append(HtmlText.Size(history.Image.Size)).Append(" in all: ")
            .Append(HtmlText.Size(history.Totals.BaseBytes)).Append(" base, ")
            .Append(HtmlText.Size(history.Totals.OurBytes)).Append(" ours, of which <strong>")
            .Append(HtmlText.Size(history.Totals.NewBytes)).Append(" new in this build</strong> and ")
            .Append(HtmlText.Size(history.Totals.CachedBytes)).Append(" from the cache.</p>\n");
        if (history.Changes is { } changes) AppendChanges(html, changes);

        var layers = history.Entries.Where(e => !e.EmptyLayer).ToArray();
        html.Append("<h2>Our layers</h2>\n");
        OurLayersStack.Append(html, history, layers);
        html.Append("<h2>Every layer</h2>\n");
        LayerScaleChart.Append(html, layers);
        LayerKindStyle.AppendLegend(html);
        LayerFilesTable.Append(html, history);
        AppendTable(html, history);
        html.Append("<script>").Append(HistoryPageAssets.Script).Append("</script>\n</body>\n</html>\n");
        return html.ToString();
    }

    // The summary, the layers new and gone, and the files added, removed and changed: what the Markdown's section says.
    private static void AppendChanges(StringBuilder html, HistoryChanges changes)
    {
        html.Append("<p class=\"changes\">Since the previous build (<code>").Append(E(ShortId.Of(changes.PreviousImageId))).Append("</code>): <strong>")
            .Append(E(changes.Summary)).Append("</strong></p>\n");
        if (changes.Added.Count + changes.Removed.Count > 0)
        {
            html.Append("<ul class=\"layer-changes\" id=\"changed-layers\">\n");
            foreach (var (layer, change) in changes.Added.Select(l => (l, "new")).Concat(changes.Removed.Select(l => (l, "gone"))))
            {
                html.Append("<li class=\"").Append(change).Append("\">").Append(change).Append(": <b>").Append(E(layer.LayerName ?? layer.LayerKind ?? layer.Origin))
                    .Append("</b>, ").Append(HtmlText.Size(layer.Size)).Append(" (<code>").Append(E(HistoryMarkdownWriter.Instruction(layer.CreatedBy))).Append("</code>)</li>\n");
            }

            html.Append("</ul>\n");
        }

        if (changes.Files.Count == 0) return;
        html.Append("<h2>Files changed since the previous build</h2>\n<table class=\"files\" id=\"changed-files\">\n")
            .Append("<thead><tr><th>Layer</th><th>File</th><th>Change</th><th>Before</th><th>After</th><th>Delta</th></tr></thead>\n<tbody>\n");
        foreach (var file in changes.Files)
        {
            html.Append("<tr class=\"").Append(E(file.Change)).Append("\"><td>").Append(E(file.Layer)).Append("</td><td><code>").Append(E(file.Path)).Append("</code></td><td>").Append(E(file.Change))
                .Append("</td><td>").Append(file.SizeBefore is { } before ? HtmlText.Size(before) : "")
                .Append("</td><td>").Append(file.SizeAfter is { } after ? HtmlText.Size(after) : "")
                .Append("</td><td>").Append(E(HistoryDiff.Signed(file.Delta))).Append("</td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n");
    }

    private static void AppendTable(StringBuilder html, LayerHistory history)
    {
        html.Append("<h2>History</h2>\n<table id=\"history\">\n")
            .Append("<thead><tr><th>#</th><th>Line</th><th>Instruction</th><th>Layer</th><th>Kind</th><th>Size</th><th>Cache</th><th>Files</th></tr></thead>\n<tbody>\n");
        foreach (var entry in history.Entries)
        {
            string cache = entry.Origin == "base" ? "base" : entry.Cached == true ? "cached" : "new";
            string layer = entry.LayerName is { } name ? LayerKindStyle.NameAndFolder(name, entry.SourceFolder) : entry.Origin == "base" ? "base" : "";
            html.Append("<tr data-entry=\"").Append(entry.Index).Append("\" class=\"").Append(cache).Append("\"><td>").Append(entry.Index)
                .Append("</td><td>").Append(entry.DockerfileLine?.ToString(CultureInfo.InvariantCulture) ?? "")
                .Append("</td><td><code>").Append(E(HistoryMarkdownWriter.Instruction(entry.Instruction ?? entry.CreatedBy))).Append("</code></td><td>").Append(E(layer)).Append("</td><td>")
                .Append(E(LayerKindStyle.Kind(entry))).Append("</td><td class=\"num\">").Append(entry.EmptyLayer ? "—" : HtmlText.Size(entry.Size))
                .Append("</td><td>").Append(cache).Append("</td><td>");
            if (entry.FileCount is { } count)
            {
                html.Append(Diagnostics.Counted.Of(count, "file"));
                if (entry.LargestFiles is { Count: > 0 } largest)
                {
                    html.Append(": ").Append(E(string.Join(", ", largest.Select(f => $"{f.Path} ({ByteSize.Format(f.Size)})"))));
                }
            }

            html.Append("</td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n");
    }

    private static string E(string text) => HtmlText.Encode(text);
}
