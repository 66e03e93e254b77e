using System.Globalization;
using System.Text;
using Diamol.Build.Common;

namespace Diamol.Build.History;

/// <summary>Writes image-history.md: a summary a person reads in a CI log or a pull request.</summary>
internal static class HistoryMarkdownWriter
{
    /// <summary>Why an image has no tag: one platform of a multi-platform publish, named by its digest; the index gets the tags.</summary>
    public static string UntaggedReason(HistoryImage image) => image.Digest is { } digest
        ? $"one platform of a multi-platform image, pushed by digest as {image.Repository}@{digest}; the index gets the tags"
        : "one platform of a multi-platform image; the index gets the tags";

    public static string Write(LayerHistory history)
    {
        var md = new StringBuilder();
        md.Append("# Image history: ").Append(Text(history.Image.Repository)).Append('\n').Append('\n');
        md.Append("- Image: `").Append(history.Image.Id).Append("`\n");
        md.Append("- Tags: ").Append(history.Image.Tags.Count > 0
            ? string.Join(", ", history.Image.Tags.Select(t => $"`{history.Image.Repository}:{t}`"))
            : "none (" + UntaggedReason(history.Image) + ")").Append('\n');
        md.Append("- Base image: `").Append(history.BaseImage.Name).Append("` (")
          .Append(history.BaseImage.Layers).Append(" layers, ").Append(ByteSize.Format(history.BaseImage.Size)).Append(")\n");
        md.Append("- Size: ").Append(ByteSize.Format(history.Image.Size)).Append(" in all: ")
          .Append(ByteSize.Format(history.Totals.BaseBytes)).Append(" base, ")
          .Append(ByteSize.Format(history.Totals.OurBytes)).Append(" ours, of which ")
          .Append(ByteSize.Format(history.Totals.NewBytes)).Append(" new in this build and ")
          .Append(ByteSize.Format(history.Totals.CachedBytes)).Append(" reused from the cache\n\n");

        md.Append("| Step | Line | Instruction | Kind | Size | Cache | Files |\n");
        md.Append("|---:|---:|---|---|---:|---|---|\n");
        foreach (var entry in history.Entries.Where(e => e.Origin == "ours"))
        {
            md.Append("| ").Append(entry.Index)
              .Append(" | ").Append(entry.DockerfileLine?.ToString(CultureInfo.InvariantCulture) ?? "")
              .Append(" | ").Append(Label(entry))
              .Append(" | ").Append(entry.LayerKind)
              .Append(" | ").Append(entry.EmptyLayer ? "—" : ByteSize.Format(entry.Size))
              .Append(" | ").Append(entry.Cached == true ? "cached" : "new")
              .Append(" | ").Append(Files(entry))
              .Append(" |\n");
        }

        int baseEntries = history.Entries.Count(e => e.Origin == "base");
        md.Append('\n').Append("The ").Append(baseEntries).Append(" entries before these came with the base image.\n");
        if (history.Changes is { } changes)
        {
            md.Append("\n## Since the previous build\n\n");
            md.Append("Compared with `").Append(changes.PreviousImageId).Append("`: **").Append(Text(changes.Summary)).Append("**.\n");
            foreach (var (change, layer) in changes.Added.Select(l => ("new", l)).Concat(changes.Removed.Select(l => ("gone", l))))
            {
                md.Append("- ").Append(change).Append(": ").Append(Text(layer.LayerName ?? layer.LayerKind ?? layer.Origin)).Append(", ")
                  .Append(ByteSize.Format(layer.Size)).Append(" (`").Append(Code(Shorten(layer.CreatedBy))).Append("`)\n");
            }

            if (changes.Files.Count > 0)
            {
                md.Append("\n| Layer | File | Change | Before | After | Delta |\n|---|---|---|---:|---:|---:|\n");
                foreach (var file in changes.Files)
                {
                    md.Append("| ").Append(Text(file.Layer)).Append(" | ").Append(Text(file.Path)).Append(" | ").Append(file.Change)
                      .Append(" | ").Append(file.SizeBefore is { } before ? ByteSize.Format(before) : "")
                      .Append(" | ").Append(file.SizeAfter is { } after ? ByteSize.Format(after) : "")
                      .Append(" | ").Append(HistoryDiff.Signed(file.Delta)).Append(" |\n");
                }
            }
        }

        return md.ToString();
    }

    /// <summary>
    /// What a row of ours is called: the layer's name and our Dockerfile's instruction ("**app**: `COPY layers/app/ /app/`"),
    /// not the engine's record ("COPY dir:&lt;sha&gt; in /app/"), which names no file a person knows.
    /// </summary>
    public static string Label(HistoryEntry entry)
    {
        string instruction = "`" + Code(Shorten(entry.Instruction ?? entry.CreatedBy)) + "`";
        return entry.LayerName is { } name ? $"**{Text(name)}**: {instruction}" : instruction;
    }

    private static string Files(HistoryEntry entry) =>
        entry.FileCount is null ? "" :
        Diagnostics.Counted.Of(entry.FileCount.Value, "file") + (entry.LargestFiles is { Count: > 0 } largest
            ? "; largest: " + string.Join(", ", largest.Take(3).Select(f => $"{Text(f.Path)} ({ByteSize.Format(f.Size)})"))
            : "");

    private static string Shorten(string createdBy)
    {
        string text = Instruction(createdBy);
        return text.Length <= 120 ? text : text[..117] + "...";
    }

    /// <summary>A history entry's instruction as a person reads it: the legacy builder prefixes metadata steps with "/bin/sh -c #(nop) ".</summary>
    public static string Instruction(string createdBy) => createdBy.Replace("/bin/sh -c #(nop) ", "", StringComparison.Ordinal).Trim();

    // Inside a code span nothing is markup, but a table still splits at '|' and a backtick would end the span.
    private static string Code(string text) => text.Replace("|", "\\|").Replace("`", "'").Replace("\r", " ").Replace("\n", " ");

    // Names come from other people's projects: a file called "<img src=x onerror=...>.js" or "*bold*" must read as
    // itself, so HTML is written as entities and the characters that make Markdown (emphasis, links, code, cells) are escaped.
    private static string Text(string text)
    {
        var escaped = new StringBuilder(text.Length + 8);
        foreach (char c in text)
        {
            switch (c)
            {
                case '&': escaped.Append("&amp;"); break;
                case '<': escaped.Append("&lt;"); break;
                case '>': escaped.Append("&gt;"); break;
                case '\r' or '\n': escaped.Append(' '); break;
                case '\\' or '`' or '*' or '_' or '[' or ']' or '#' or '|' or '~':
                    escaped.Append('\\').Append(c);
                    break;
                default: escaped.Append(c); break;
            }
        }

        return escaped.ToString();
    }
}
