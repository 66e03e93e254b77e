using System.Text;
using Diamol.Build.Common;

namespace Diamol.Build.History;

/// <summary>
/// A bar per layer of the whole image, drawn twice: on a log scale (shown first: a 20 kB app layer is still a bar you
/// can read next to 100 MB of base) and linear in bytes (honest about how much the base image weighs). A checkbox
/// chooses one with CSS alone, so both work without script.
/// </summary>
internal static class LayerScaleChart
{
    private const int BarHeight = 22;
    private const int Gap = 6;
    private const int LabelWidth = 260;
    private const int BarSpace = SvgCanvas.Width - LabelWidth - 90;

    public static void Append(StringBuilder html, IReadOnlyList<HistoryEntry> layers)
    {
        html.Append("<input type=\"checkbox\" id=\"linear-scale\" class=\"scale\"><label for=\"linear-scale\">linear scale (bars to size)</label>\n<div class=\"scales\">\n");
        // Log: from 1 B at the left edge to the largest layer at the right, with lines at 1 kB, 1 MB and 1 GB.
        double decades = Math.Max(1, Math.Log10(Math.Max(1, layers.Count == 0 ? 1 : layers.Max(l => l.Size))));
        double Log(long size) => BarSpace * Math.Log10(Math.Max(1, size)) / decades;
        var ticks = new[] { (1_000L, "1 kB"), (1_000_000L, "1 MB"), (1_000_000_000L, "1 GB") }.Where(t => Log(t.Item1) <= BarSpace).ToArray();
        AppendSvg(html, layers, "chart-log", "log", Log, ticks.Select(t => (Log(t.Item1), t.Item2)).ToArray());
        // Linear: a share of the whole image; a sliver for tiny layers so every layer can be seen and pointed at.
        long total = Math.Max(1, layers.Sum(l => l.Size));
        AppendSvg(html, layers, "chart-linear", "linear", size => BarSpace * (double)size / total, []);
        html.Append("</div>\n");
    }

    private static void AppendSvg(StringBuilder html, IReadOnlyList<HistoryEntry> layers, string id, string scale, Func<long, double> width,
        IReadOnlyList<(double X, string Label)> ticks)
    {
        int top = ticks.Count > 0 ? 16 : 0;
        int height = top + layers.Count * (BarHeight + Gap) + Gap;
        SvgCanvas.Open(html, "chart " + scale, id, height);
        foreach (var (x, label) in ticks)
        {
            string at = HtmlText.Number(LabelWidth + x);
            html.Append("<line class=\"tick\" x1=\"").Append(at).Append("\" x2=\"").Append(at).Append("\" y1=\"12\" y2=\"").Append(height)
                .Append("\"/><text class=\"tick\" x=\"").Append(at).Append("\" y=\"10\">").Append(label).Append("</text>\n");
        }

        for (int i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            bool isNew = LayerKindStyle.IsNew(layer);
            double bar = Math.Max(2, width(layer.Size));
            int y = top + Gap + i * (BarHeight + Gap);
            string origin = layer.Origin == "base" ? "base image" : isNew ? "new in this build" : "from the cache";
            html.Append("<g data-entry=\"").Append(layer.Index).Append("\">");
            html.Append("<text x=\"0\" y=\"").Append(y + 16).Append("\" class=\"label\">").Append(HtmlText.Encode(LayerKindStyle.Label(layer))).Append("</text>");
            SvgCanvas.LayerRect(html, "layer", layer, LabelWidth, y, bar, BarHeight, $"{LayerKindStyle.Label(layer)}: {ByteSize.Format(layer.Size)}, {origin}");
            html.Append("<text x=\"").Append(HtmlText.Number(LabelWidth + bar + 6)).Append("\" y=\"").Append(y + 16).Append("\" class=\"size\">")
                .Append(HtmlText.Size(layer.Size)).Append(isNew ? " new" : "").Append("</text></g>\n");
        }

        html.Append("</svg>\n");
    }
}
