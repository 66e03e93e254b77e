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
}
