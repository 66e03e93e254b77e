using System.Text;

namespace Diamol.Build.History;

/// <summary>
/// Every file of every layer we made, one row each: layer, path, size and, when there was a previous build, what
/// changed. Rows carry no attributes or handlers (20,000 files stay a few MB); the page's one script filters them by
/// the text of their cells. The filter controls are hidden until that script shows them, so without script every row
/// shows and no control pretends to work.
/// </summary>
internal static class LayerFilesTable
{
    public static void Append(StringBuilder html, LayerHistory history)
    {
        var layers = history.Entries.Where(e => e.Origin == "ours" && e.Files is not null && e.LayerName is not null).ToArray();
        if (layers.Length == 0) return;
        // Keyed as the change report compares files: by layer name and path.
        var changes = history.Changes?.Files.Where(f => f.Change != "removed")
            .ToDictionary(f => (f.Layer, f.Path), f => f.Change == "added" ? "added" : "changed" + (f.Delta == 0 ? ", same size" : " " + HistoryDiff.Signed(f.Delta)));
        int count = layers.Sum(l => l.Files!.Count);

        html.Append("<h2 id=\"files\">Files in our layers</h2>\n");
        html.Append("<p class=\"filters\" id=\"file-filters\" hidden><label>Path contains <input type=\"search\" id=\"file-filter\" autocomplete=\"off\"></label> ")
            .Append("<label>Layer <select id=\"layer-filter\"><option value=\"\">every layer</option>");
        foreach (var layer in layers.DistinctBy(l => l.LayerName))
        {
            html.Append("<option value=\"").Append(HtmlText.Encode(layer.LayerName!)).Append("\">")
                .Append(HtmlText.Encode(LayerKindStyle.NameAndFolder(layer.LayerName!, layer.SourceFolder))).Append("</option>");
        }

        html.Append("</select></label> <output id=\"file-count\">").Append(Diagnostics.Counted.Of(count, "file")).Append("</output></p>\n");
        html.Append("<table class=\"files\" id=\"layer-files\">\n<thead><tr><th>Layer</th><th>File</th><th>Size</th>")
            .Append(changes is null ? "" : "<th>Since the previous build</th>").Append("</tr></thead>\n<tbody>\n");
        foreach (var layer in layers)
        {
            string name = HtmlText.Encode(layer.LayerName!);
            foreach (var file in layer.Files!)
            {
                html.Append("<tr><td>").Append(name).Append("</td><td>").Append(HtmlText.Encode(file.Path)).Append("</td><td>").Append(HtmlText.Size(file.Size));
                if (changes is not null) html.Append("</td><td>").Append(HtmlText.Encode(changes.GetValueOrDefault((layer.LayerName!, file.Path), "")));
                html.Append("</td></tr>\n");
            }
        }

        html.Append("</tbody>\n</table>\n");
    }
}
