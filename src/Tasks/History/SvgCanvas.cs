using System.Text;

namespace Diamol.Build.History;

/// <summary>The SVG element the HTML report's pictures draw on: one width for all, so their bars line up on the page.</summary>
internal static class SvgCanvas
{
    public const int Width = 960;

    public static void Open(StringBuilder html, string cssClass, string id, int height) =>
        html.Append("<svg class=\"").Append(cssClass).Append("\" id=\"").Append(id).Append("\" role=\"img\" width=\"").Append(Width)
            .Append("\" height=\"").Append(height).Append("\" viewBox=\"0 0 ").Append(Width).Append(' ').Append(height)
            .Append("\" xmlns=\"http://www.w3.org/2000/svg\">\n");

    /// <summary>
    /// A layer's rectangle as both pictures draw it: its kind's fill, "new" in its class when this build made it, and
    /// a title (the tooltip) that names it.
    /// </summary>
    public static void LayerRect(StringBuilder html, string cssClass, HistoryEntry layer, double x, double y, double width, int height, string title) =>
        html.Append("<rect class=\"").Append(cssClass).Append(LayerKindStyle.IsNew(layer) ? " new" : "")
            .Append("\" x=\"").Append(HtmlText.Number(x)).Append("\" y=\"").Append(HtmlText.Number(y))
            .Append("\" width=\"").Append(HtmlText.Number(width)).Append("\" height=\"").Append(height)
            .Append("\" fill=\"").Append(LayerKindStyle.Fill(layer)).Append("\"><title>").Append(HtmlText.Encode(title)).Append("</title></rect>");
}
