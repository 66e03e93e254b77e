using System.Text;

namespace Diamol.Build.History;

/// <summary>
/// How the HTML report tells layers apart: a colour per kind (the same in every chart, the key and the tables) and the
/// label a layer goes by. Colours are CSS classes, not style attributes, so the page's policy can forbid inline styles.
/// </summary>
internal static class LayerKindStyle
{
    private const string Other = "other";

    public static readonly IReadOnlyDictionary<string, string> Colours = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["base"] = "#9aa0a6",
        ["packages"] = "#1a73e8",
        ["prerelease"] = "#7e57c2",
        ["webassembly"] = "#3949ab",
        ["projects"] = "#00897b",
        ["host"] = "#f29900",
        ["vendor"] = "#7cb342",
        ["static"] = "#34a853",
        ["custom"] = "#8d6e63",
        ["endpoints"] = "#c0ca33",
        ["app"] = "#d93025",
        ["writable"] = "#f06292",
        ["metadata"] = "#dadce0",
        [Other] = "#5f6368",
    };

    /// <summary>"base", or our layer's kind; a kind this version does not know (read from a newer artifact) is "other".</summary>
    public static string Kind(HistoryEntry entry)
    {
        string kind = entry.Origin == "base" ? "base" : entry.LayerKind ?? "metadata";
        return Colours.ContainsKey(kind) ? kind : Other;
    }

    public static string Fill(HistoryEntry entry) => Colours[Kind(entry)];

    /// <summary>"#13 packages": the step and the layer's name.</summary>
    public static string Label(HistoryEntry entry) =>
        entry.Origin == "base" ? $"#{entry.Index} base" : $"#{entry.Index} {entry.LayerName ?? entry.LayerKind}";

    /// <summary>The layer's name, for our file layers with the folder of the build context it was copied from.</summary>
    public static string NameAndFolder(string name, string? sourceFolder) =>
        sourceFolder is null || sourceFolder == name ? name : $"{name} ({sourceFolder})";

    public static bool IsNew(HistoryEntry entry) => entry.Origin == "ours" && entry.Cached != true;

    /// <summary>The swatch classes (<c>i.k-app</c>) the legend and the key use.</summary>
    public static string Css()
    {
        var css = new StringBuilder();
        foreach (var (kind, colour) in Colours) css.Append("i.k-").Append(kind).Append(" { background: ").Append(colour).Append("; }\n");
        return css.ToString();
    }

    public static void AppendLegend(StringBuilder html)
    {
        html.Append("<p class=\"legend\">");
        foreach (string kind in Colours.Keys.Where(k => k != Other))
        {
            html.Append("<span><i class=\"k-").Append(kind).Append("\"></i>").Append(kind).Append("</span>");
        }

        html.Append("<span><i class=\"new\"></i>new in this build (outlined)</span></p>\n");
    }
}
