using System.Globalization;
using System.Text;
using Diamol.Build.Common;

namespace Diamol.Build.History;

/// <summary>
/// Our layers as one stacked bar, each segment as wide as its share of our bytes on top of a floor of
/// <see cref="MinimumWidth"/> pixels (so a 50 kB app layer next to 20 MB of packages is still there to see and point at);
/// the base image, a thousand times larger, is one figure in words above it. A key under the bar names every segment,
/// because narrow ones have no room for a label.
/// </summary>
internal static class OurLayersStack
{
    private const int Height = 36;
    public const double MinimumWidth = 4;
    private const double CharWidth = 7.5;

    public static void Append(StringBuilder html, LayerHistory history, IReadOnlyList<HistoryEntry> layers)
    {
        var ours = layers.Where(l => l.Origin == "ours").ToArray();
        long ourBytes = ours.Sum(l => l.Size);
        long baseBytes = layers.Where(l => l.Origin == "base").Sum(l => l.Size);
        long imageBytes = Math.Max(1, ourBytes + baseBytes);
        html.Append("<p class=\"base-figure\" id=\"base-figure\">Base image <code>").Append(HtmlText.Encode(history.BaseImage.Name)).Append("</code>: <strong>")
            .Append(HtmlText.Size(baseBytes)).Append("</strong> in ").Append(layers.Count(l => l.Origin == "base")).Append(" layers (")
            .Append(Share(baseBytes, imageBytes)).Append(" of the image), left out of the bar below. Our ").Append(ours.Length).Append(" layers: <strong>")
            .Append(HtmlText.Size(ourBytes)).Append("</strong> (").Append(Share(ourBytes, imageBytes)).Append(").</p>\n");
        if (ours.Length == 0) return;

        SvgCanvas.Open(html, "stack", "stack-ours", Height);
        var segments = ours.Where(l => l.Size > 0).ToArray();
        double proportional = SvgCanvas.Width - segments.Length * MinimumWidth;
        double x = 0;
        foreach (var layer in segments)
        {
            double width = MinimumWidth + proportional * layer.Size / ourBytes;
            string name = layer.LayerName ?? layer.LayerKind ?? "";
            html.Append("<g data-entry=\"").Append(layer.Index).Append("\">");
            SvgCanvas.LayerRect(html, "segment", layer, x, 0, width, Height, $"{LayerKindStyle.Label(layer)}: {ByteSize.Format(layer.Size)}");
            string label = $"{name} {ByteSize.Format(layer.Size)}";
            if (label.Length * CharWidth + 8 <= width)
            {
                html.Append("<text class=\"in\" x=\"").Append(HtmlText.Number(x + 4)).Append("\" y=\"23\">").Append(HtmlText.Encode(label)).Append("</text>");
            }

            html.Append("</g>\n");
            x += width;
        }

        html.Append("</svg>\n<ul class=\"key\" id=\"key-ours\">\n");
        foreach (var layer in ours)
        {
            html.Append("<li data-entry=\"").Append(layer.Index).Append("\"><i class=\"k-").Append(LayerKindStyle.Kind(layer)).Append("\"></i><b>")
                .Append(HtmlText.Encode(LayerKindStyle.NameAndFolder(layer.LayerName ?? layer.LayerKind ?? "", layer.SourceFolder))).Append("</b> ")
                .Append(HtmlText.Size(layer.Size)).Append(" (").Append(Share(layer.Size, Math.Max(1, ourBytes))).Append(" of ours), ")
                .Append(LayerKindStyle.IsNew(layer) ? "new" : "cached").Append("</li>\n");
        }

        html.Append("</ul>\n");
    }

    private static string Share(long part, long whole)
    {
        double percent = 100.0 * part / whole;
        return percent > 0 && percent < 0.1 ? "&lt;0.1%" : percent.ToString("0.#", CultureInfo.InvariantCulture) + "%";
    }
}
