using Diamol.Build.Common;
using Diamol.Build.History;

namespace Diamol.Build.Pipeline;

/// <summary>
/// The one line a publish prints at the default verbosity (minimal, in `dotnet publish`), after everything else:
/// "Project -> image", the shape the terminal logger takes for a project's output and shows beside it, followed by
/// what made the image, how much of it is new, what changed since the last publish, and where the report is.
/// Everything else the publish says is at normal verbosity (-v:n) and below.
/// </summary>
internal static class PublishSummary
{
    public static string Line(string project, BuildRecord record, LayerHistory history, string reportPath, string currentDirectory)
    {
        var parts = new List<string>();
        bool oci = record.Engine.StartsWith("OCI writer", StringComparison.Ordinal);
        parts.Add(record.Skipped ? $"up to date, no build needed ({record.Engine})" : $"{(oci ? "written by the" : "built by")} {record.Engine}");

        int steps = record.Build.Steps.Count;
        int rebuilt = record.Build.Steps.Count(s => !s.Cached);
        if (!record.Skipped) parts.Add($"{rebuilt} of {steps} steps {(oci ? "new" : "rebuilt")}, {ByteSize.Format(history.Totals.NewBytes)} new");
        // One platform of a multi-platform publish is pushed by digest; only the index, pushed after it, gets the tags.
        if (record.IndexPart) parts.Add(record.PushedDigest is not null ? "pushed by digest, no tag: the multi-platform index gets the tags" : "one platform of the multi-platform archive");
        else if (record.PushedDigest is { } digest) parts.Add($"pushed {ShortId.Of(digest)}");
        parts.Add(history.Changes is { } changes ? "since the last publish: " + changes.Summary : "first publish of this repository here");
        parts.Add("report " + Relative(reportPath, currentDirectory));

        return $"{project} -> {string.Join(", ", record.Build.References)} ({ShortId.Of(record.Build.ImageId)}): {string.Join("; ", parts)}";
    }

    private static string Relative(string path, string currentDirectory)
    {
        string relative = Path.GetRelativePath(currentDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative;
    }
}
