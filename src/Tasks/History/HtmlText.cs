using System.Globalization;
using System.Net;
using Diamol.Build.Common;

namespace Diamol.Build.History;

/// <summary>
/// Text and numbers as the HTML report writes them. Names come from other people's projects (a file may be called
/// <c>"&gt;&lt;img onerror=...&gt;.js</c>), so every name goes through <see cref="Encode"/>, in elements and attributes alike.
/// </summary>
internal static class HtmlText
{
    /// <summary>Escapes &lt; &gt; &amp; and both quotes, so the result is safe as element text and as a quoted attribute value.</summary>
    public static string Encode(string text) => WebUtility.HtmlEncode(text);

    /// <summary>A coordinate or width for SVG: invariant, at most two decimals.</summary>
    public static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    public static string Size(long bytes) => Encode(ByteSize.Format(bytes));
}
