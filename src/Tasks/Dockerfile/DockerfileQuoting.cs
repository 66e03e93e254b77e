using System.Text;
using System.Text.Json;
using Diamol.Build.Common;

namespace Diamol.Build.Dockerfile;

/// <summary>
/// Writes values so the Dockerfile parser reads back exactly what was given. Inside double quotes the parser
/// treats only <c>\"</c>, <c>\\</c> and <c>\$</c> as escapes and expands <c>$NAME</c>; escaping those three keeps
/// every other character literal. Line breaks cannot be escaped at all: the spec factory refuses them earlier.
/// </summary>
internal static class DockerfileQuoting
{
    /// <summary>A double-quoted word for ENV and LABEL.</summary>
    public static string Quote(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (char c in value)
        {
            if (c is '"' or '\\' or '$') builder.Append('\\');
            builder.Append(c);
        }

        return builder.Append('"').ToString();
    }

    /// <summary>The exec (JSON array) form for ENTRYPOINT, CMD and COPY: not expanded, not split by a shell.</summary>
    public static string JsonArray(IEnumerable<string> values) =>
        "[" + string.Join(", ", values.Select(v => JsonSerializer.Serialize(v, CompactJson.Options))) + "]";

    /// <summary>Text for a comment line: one line, no control characters.</summary>
    public static string CommentText(string text) =>
        new(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray());
}
